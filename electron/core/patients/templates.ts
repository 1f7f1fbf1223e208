import { randomUUID } from 'node:crypto';
import type { PatientTemplate } from '../../../shared/contract/index.ts';
import { CoreError } from '../errors.ts';
import type { Store } from '../store/store.ts';

/**
 * Message templates: the organisation's (read-only here) and each staff member's own, kept in
 * their encrypted store. Placeholders ({name}, {date}, {time}, …) are filled in by the renderer.
 */
const SETTING = 'patients.templates';
const MAX_PERSONAL = 100;

type Language = PatientTemplate['language'];
const org = (id: string, language: Language, title: string, text: string): PatientTemplate => ({ id, language, title, text, source: 'organisation' });

/** The four messages front desks send most (issue 10), in English and Spanish. */
export const ORGANISATION_TEMPLATES: readonly PatientTemplate[] = [
  org('org-reminder-en', 'en', 'Appointment reminder', 'Hello {name}, this is a reminder of your appointment on {date} at {time}. Reply here if you need to change it.'),
  org('org-late-en', 'en', 'Running late', 'Hello {name}, the doctor is running about {minutes} minutes late today. We are sorry for the wait.'),
  org('org-documents-en', 'en', 'Bring documents', 'Hello {name}, please bring {documents} to your appointment on {date}.'),
  org('org-call-en', 'en', 'Please call us', 'Hello {name}, please call us at {phone} when you can.'),
  org('org-reminder-es', 'es', 'Recordatorio de cita', 'Hola, {name}: le recordamos su cita del {date} a las {time}. Responda aquí si necesita cambiarla.'),
  org('org-late-es', 'es', 'Retraso', 'Hola, {name}: hoy la consulta lleva unos {minutes} minutos de retraso. Disculpe la espera.'),
  org('org-documents-es', 'es', 'Traer documentos', 'Hola, {name}: por favor, traiga {documents} a su cita del {date}.'),
  org('org-call-es', 'es', 'Llámenos', 'Hola, {name}: por favor, llámenos al {phone} cuando pueda.'),
];

function personal(store: Store): PatientTemplate[] {
  const raw = store.getSetting(SETTING);
  if (raw === null) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? (parsed as PatientTemplate[]).filter((t) => t.source === 'personal') : [];
  } catch {
    return [];
  }
}

/** Policy `patientTemplates` items ("es|Título|Texto"), or the built-in ones when the organisation set none. */
export function organisationTemplates(items: readonly string[] | null): readonly PatientTemplate[] {
  if (items === null) return ORGANISATION_TEMPLATES;
  return items.flatMap((item, index) => {
    const [language, title, ...rest] = item.split('|');
    const text = rest.join('|').trim();
    if ((language !== 'en' && language !== 'es') || !title?.trim() || text === '') return [];
    return [org(`org-policy-${index}`, language, title.trim(), text)];
  });
}

export function listTemplates(store: Store, policyItems: readonly string[] | null): PatientTemplate[] {
  return [...organisationTemplates(policyItems), ...personal(store)];
}

export function saveTemplate(store: Store, input: { id?: string | undefined; title: string; text: string; language: Language }): PatientTemplate {
  const mine = personal(store);
  if (input.id !== undefined && !mine.some((t) => t.id === input.id)) throw new CoreError('not_found', 'That template does not exist.');
  if (input.id === undefined && mine.length >= MAX_PERSONAL) throw new CoreError('conflict', 'You have too many templates. Delete one first.');
  const template: PatientTemplate = {
    id: input.id ?? `my-${randomUUID().slice(0, 18)}`,
    title: input.title,
    text: input.text,
    language: input.language,
    source: 'personal',
  };
  store.setSetting(SETTING, JSON.stringify([...mine.filter((t) => t.id !== template.id), template]));
  return template;
}

export function deleteTemplate(store: Store, id: string): void {
  store.setSetting(SETTING, JSON.stringify(personal(store).filter((t) => t.id !== id)));
}
