import type { PatientLocale } from '../../shared/contract/patient-gateway.ts';

const en = {
  title: 'Secure messages',
  from: 'Messages from {clinic}',
  dobIntro: 'To keep your messages private, please confirm your date of birth.',
  dobLabel: 'Date of birth',
  dobHint: 'Day, month and year of birth',
  codeIntro: 'We sent a 6-digit code to the same phone or e-mail as your link. Enter it below.',
  codeLabel: 'Code',
  continue: 'Continue',
  wrong: 'That does not match our records. Attempts left: {left}.',
  locked: 'This link is locked after too many attempts. Please call the clinic: they can send you a new link.',
  linkGone: 'This link no longer works. Please ask the clinic to send you a new one.',
  sessionEnded: 'For your privacy you were signed out after a few minutes without activity. Open the link from your message again.',
  thread: 'Your conversation',
  clinic: 'Clinic',
  you: 'You',
  noMessages: 'No messages yet.',
  replyLabel: 'Your reply',
  send: 'Send',
  signOut: 'Sign out',
  signedOut: 'You are signed out. You can close this page.',
  tooLong: 'Your reply is too long (at most {max} characters).',
  empty: 'Please write a reply first.',
  badRequest: 'Something went wrong with that request. Please go back and try again.',
  notFound: 'Page not found.',
  unsubscribeAsk: 'Stop e-mails from {clinic} about secure messages?',
  unsubscribe: 'Stop e-mails',
  unsubscribed: 'Done. You will not get these e-mails any more.',
  language: 'Español',
  closedNote: 'This conversation is closed. If you reply, the clinic will see it.',
};

export type Strings = typeof en;

const es: Strings = {
  title: 'Mensajes seguros',
  from: 'Mensajes de {clinic}',
  dobIntro: 'Para proteger sus mensajes, confirme su fecha de nacimiento.',
  dobLabel: 'Fecha de nacimiento',
  dobHint: 'Día, mes y año de nacimiento',
  codeIntro: 'Le enviamos un código de 6 dígitos al mismo teléfono o correo que el enlace. Escríbalo abajo.',
  codeLabel: 'Código',
  continue: 'Continuar',
  wrong: 'No coincide con nuestros registros. Intentos restantes: {left}.',
  locked: 'Este enlace se bloqueó tras demasiados intentos. Llame a la clínica: pueden enviarle un enlace nuevo.',
  linkGone: 'Este enlace ya no funciona. Pida a la clínica que le envíe uno nuevo.',
  sessionEnded: 'Por su privacidad, cerramos la sesión tras unos minutos sin actividad. Vuelva a abrir el enlace de su mensaje.',
  thread: 'Su conversación',
  clinic: 'Clínica',
  you: 'Usted',
  noMessages: 'Todavía no hay mensajes.',
  replyLabel: 'Su respuesta',
  send: 'Enviar',
  signOut: 'Cerrar sesión',
  signedOut: 'Sesión cerrada. Puede cerrar esta página.',
  tooLong: 'Su respuesta es demasiado larga (máximo {max} caracteres).',
  empty: 'Escriba una respuesta primero.',
  badRequest: 'Algo salió mal con esa solicitud. Vuelva atrás e inténtelo de nuevo.',
  notFound: 'Página no encontrada.',
  unsubscribeAsk: '¿Dejar de recibir correos de {clinic} sobre mensajes seguros?',
  unsubscribe: 'Dejar de recibir correos',
  unsubscribed: 'Listo. Ya no recibirá estos correos.',
  language: 'English',
  closedNote: 'Esta conversación está cerrada. Si responde, la clínica lo verá.',
};

export const STRINGS: Record<PatientLocale, Strings> = { en, es };

export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

/** The page language from Accept-Language when no conversation says it. */
export function localeFromHeader(header: string | undefined): PatientLocale {
  return /^\s*es\b/i.test(header ?? '') ? 'es' : 'en';
}
