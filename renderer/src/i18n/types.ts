import type { en } from './en.ts';

/** The shape every language must fill: the English keys, any string values. */
type Widen<T> = { readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Strings = Widen<typeof en>;
