import { redactArgs } from './redact.ts';

/**
 * Core logs events, not prose: a fixed event code plus structured fields.
 * Every field passes through the redactor, so PHI in a field never reaches a transport.
 */
export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/** The parts of electron-log (main or node flavour) that Sealwire uses. */
export interface ElectronLogLike {
  // Typed loosely on purpose: electron-log's main and node flavours declare slightly different Hook types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  hooks: Array<(message: any, transport?: any, transportName?: string) => any>;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

const installed = new WeakSet<object>();

/** One redaction step, applied to every transport (file, console, remote) by electron-log's hook. */
export function installRedaction(log: ElectronLogLike): void {
  if (installed.has(log)) return;
  installed.add(log);
  log.hooks.push((message: { data: unknown[] }) => {
    message.data = redactArgs(message.data);
    return message;
  });
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Whether a line at `level` is written when policy `logLevel` is `threshold` (less logging is stricter). */
export const logs = (level: LogLevel, threshold: LogLevel): boolean => RANK[level] <= RANK[threshold];

/** `threshold` is read on every line, so a policy change (`logLevel`) applies at once. */
export function createLogger(log: ElectronLogLike, threshold: () => LogLevel = () => 'debug'): Logger {
  installRedaction(log);
  const emit = (level: LogLevel) => (event: string, fields?: Record<string, unknown>) => {
    if (!logs(level, threshold())) return;
    if (fields === undefined) log[level](event);
    else log[level](event, fields);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** For unit tests and tools that must stay silent. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
