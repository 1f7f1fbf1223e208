export { startEjabberd, type EjabberdHandle, type EjabberdOptions } from './ejabberd.ts';
export type { EjabberdSql } from './config.ts';
