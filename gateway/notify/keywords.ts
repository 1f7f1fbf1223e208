import type { NotifyLocale } from './bodies.ts';

/**
 * SMS keywords a patient may reply with. The English set is the carriers' and Twilio's standard
 * list (CTIA); the Spanish words are what Spanish-speaking patients are told in our own SMS body
 * ("Responda STOP") plus the common Spanish equivalents. Matching is on the whole message, trimmed
 * and case-insensitive, as carriers do: "stop it please" is a message, not an opt-out.
 */
const OPT_OUT: Record<string, NotifyLocale> = {
  STOP: 'en', STOPALL: 'en', UNSUBSCRIBE: 'en', CANCEL: 'en', END: 'en', QUIT: 'en', REVOKE: 'en', OPTOUT: 'en',
  PARAR: 'es', BAJA: 'es', ALTO: 'es', CANCELAR: 'es',
};
const OPT_IN: Record<string, NotifyLocale> = { START: 'en', UNSTOP: 'en', YES: 'en', SUBSCRIBE: 'en', ALTA: 'es', SI: 'es', 'SÍ': 'es', INICIAR: 'es' };
const HELP: Record<string, NotifyLocale> = { HELP: 'en', INFO: 'en', AYUDA: 'es' };

export type Keyword = { action: 'opted_out' | 'opted_in' | 'help'; locale: NotifyLocale } | null;

export function smsKeyword(body: string): Keyword {
  const word = body.trim().replace(/[.!¡]+$/u, '').toUpperCase();
  if (word.length === 0 || word.length > 12) return null;
  if (OPT_OUT[word] !== undefined) return { action: 'opted_out', locale: OPT_OUT[word] };
  if (OPT_IN[word] !== undefined) return { action: 'opted_in', locale: OPT_IN[word] };
  if (HELP[word] !== undefined) return { action: 'help', locale: HELP[word] };
  return null;
}
