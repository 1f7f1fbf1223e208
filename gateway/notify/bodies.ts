/**
 * The only words a patient receives outside the patient page. They are built from the clinic's
 * name, a link and (for a one-time code) the code: the functions take nothing else, so a patient's
 * name, date of birth or message cannot reach an SMS or an e-mail by mistake.
 */
export type NotifyLocale = 'en' | 'es';

export interface LinkNotice {
  readonly clinicName: string;
  readonly link: string;
  readonly locale: NotifyLocale;
}

export interface CodeNotice {
  readonly clinicName: string;
  readonly code: string;
  readonly locale: NotifyLocale;
}

export interface EmailBody {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function smsLinkBody({ clinicName, link, locale }: LinkNotice): string {
  return locale === 'es'
    ? `${clinicName}: tiene un mensaje seguro nuevo. Ábralo aquí: ${link}\nResponda STOP para no recibir más mensajes.`
    : `${clinicName}: you have a new secure message. Open it here: ${link}\nReply STOP to opt out.`;
}

export function smsCodeBody({ clinicName, code, locale }: CodeNotice): string {
  return locale === 'es'
    ? `${clinicName}: su código de verificación es ${code}. No lo comparta con nadie.`
    : `${clinicName}: your verification code is ${code}. Do not share it with anyone.`;
}

const EMAIL_WORDS = {
  en: {
    linkSubject: (clinic: string) => `New secure message from ${clinic}`,
    hello: 'Hello,',
    linkIntro: (clinic: string) => `You have a new secure message from ${clinic}. To read it, open this link and confirm who you are:`,
    open: 'Open the message',
    privacy: 'For your privacy, the message itself is not in this e-mail.',
    codeSubject: (clinic: string) => `Your verification code for ${clinic}`,
    codeIntro: (clinic: string) => `Your verification code for ${clinic} is:`,
    codeWarning: 'Do not share it with anyone. If you did not ask for it, ignore this e-mail.',
    optOut: 'Do not want these e-mails? Unsubscribe:',
    optOutLink: 'Unsubscribe',
  },
  es: {
    linkSubject: (clinic: string) => `Nuevo mensaje seguro de ${clinic}`,
    hello: 'Hola:',
    linkIntro: (clinic: string) => `Tiene un mensaje seguro nuevo de ${clinic}. Para leerlo, abra este enlace y confirme su identidad:`,
    open: 'Abrir el mensaje',
    privacy: 'Por su privacidad, el mensaje no se incluye en este correo.',
    codeSubject: (clinic: string) => `Su código de verificación de ${clinic}`,
    codeIntro: (clinic: string) => `Su código de verificación de ${clinic} es:`,
    codeWarning: 'No lo comparta con nadie. Si no lo ha pedido, ignore este correo.',
    optOut: '¿No quiere recibir estos correos? Darse de baja:',
    optOutLink: 'Darse de baja',
  },
} as const;

function htmlPage(paragraphs: string[], optOut: string | undefined, words: (typeof EMAIL_WORDS)[NotifyLocale], lang: NotifyLocale): string {
  // No images, scripts or remote resources: nothing in the mail tells a tracker it was opened.
  const footer =
    optOut === undefined
      ? ''
      : `<p style="font-size:12px;color:#555">${escapeHtml(words.optOut)} <a href="${escapeHtml(optOut)}">${escapeHtml(words.optOutLink)}</a></p>`;
  return `<!doctype html><html lang="${lang}"><body style="font-family:sans-serif;font-size:16px;line-height:1.5">${paragraphs.join('')}${footer}</body></html>`;
}

export function emailLinkBody({ clinicName, link, locale }: LinkNotice, optOutLink: string | undefined): EmailBody {
  const w = EMAIL_WORDS[locale];
  const textOptOut = optOutLink === undefined ? '' : `\n\n${w.optOut} ${optOutLink}`;
  return {
    subject: w.linkSubject(clinicName),
    text: `${w.hello}\n\n${w.linkIntro(clinicName)}\n${link}\n\n${w.privacy}${textOptOut}\n`,
    html: htmlPage(
      [
        `<p>${escapeHtml(w.hello)}</p>`,
        `<p>${escapeHtml(w.linkIntro(clinicName))}</p>`,
        `<p><a href="${escapeHtml(link)}">${escapeHtml(w.open)}</a><br>${escapeHtml(link)}</p>`,
        `<p>${escapeHtml(w.privacy)}</p>`,
      ],
      optOutLink,
      w,
      locale,
    ),
  };
}

export function emailCodeBody({ clinicName, code, locale }: CodeNotice, optOutLink: string | undefined): EmailBody {
  const w = EMAIL_WORDS[locale];
  const textOptOut = optOutLink === undefined ? '' : `\n\n${w.optOut} ${optOutLink}`;
  return {
    subject: w.codeSubject(clinicName),
    text: `${w.hello}\n\n${w.codeIntro(clinicName)} ${code}\n\n${w.codeWarning}${textOptOut}\n`,
    html: htmlPage(
      [
        `<p>${escapeHtml(w.hello)}</p>`,
        `<p>${escapeHtml(w.codeIntro(clinicName))} <strong style="font-size:20px;letter-spacing:2px">${escapeHtml(code)}</strong></p>`,
        `<p>${escapeHtml(w.codeWarning)}</p>`,
      ],
      optOutLink,
      w,
      locale,
    ),
  };
}

/** Any other SMS: patients reply on the page, and we do not know their language here, so both. */
export const SMS_NOT_READ_REPLY =
  'Replies by SMS are not read. Open the link you received to reply. / Las respuestas por SMS no se leen. Abra el enlace que recibió para responder.';

/** What an SMS keyword reply says (sent back by the provider's webhook answer). */
export function keywordReply(action: 'opted_out' | 'opted_in' | 'help', locale: NotifyLocale): string {
  const en = {
    opted_out: 'You are unsubscribed and will receive no more messages from this number. Reply START to resubscribe.',
    opted_in: 'You are subscribed again and will receive messages from this number. Reply STOP to unsubscribe.',
    help: 'Secure messages from your clinic. Reply STOP to unsubscribe, START to resubscribe. Call your clinic for help.',
  };
  const es = {
    opted_out: 'Se ha dado de baja y no recibirá más mensajes de este número. Responda START para volver a recibirlos.',
    opted_in: 'Volverá a recibir mensajes de este número. Responda STOP para darse de baja.',
    help: 'Mensajes seguros de su clínica. Responda STOP para darse de baja, START para volver a recibirlos. Llame a su clínica si necesita ayuda.',
  };
  return (locale === 'es' ? es : en)[action];
}
