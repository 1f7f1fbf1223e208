import type { IpcError } from '../../../shared/contract/index.ts';
import { en } from './en.ts';

type ErrorKey = keyof (typeof en)['errors'];

/** What a translation function must do here (i18next's t, or a plain lookup in unit tests). */
// i18next types `min` as required for every key because pin_too_short uses it; only that code carries it.
export type Translate = (key: `errors.${ErrorKey}`, params: Record<string, unknown> & { min: number }) => string;

const known = (code: string): code is ErrorKey => Object.hasOwn(en.errors, code);

/**
 * A core error in the UI language, chosen by its code and worded with its parameters (for
 * example retryAfterMs as seconds). The core's own English sentence is never shown: a Spanish
 * user reads Spanish. A code this renderer does not know yet reads as a generic failure.
 */
export function errorText(t: Translate, error: IpcError): string {
  const extra = (error as { params?: unknown }).params;
  const params: Record<string, unknown> = typeof extra === 'object' && extra !== null ? { ...extra } : {};
  if (error.retryAfterMs !== undefined) params['seconds'] = Math.ceil(error.retryAfterMs / 1000);
  return t(`errors.${known(error.code) ? error.code : 'unknown'}`, params as Record<string, unknown> & { min: number });
}
