import { describe, expect, it } from 'vitest';
import type { PatientConversation } from '../../shared/contract/index.ts';
import { checkPatientForm, isDateOfBirth } from '../../renderer/src/patients/patient-form.ts';
import { applyTemplate, unfilled } from '../../renderer/src/patients/templates.ts';
import { sortInbox } from '../../renderer/src/patients/inbox-order.ts';
import { ORGANISATION_TEMPLATES, organisationTemplates } from '../../electron/core/patients/templates.ts';

const form = {
  name: 'Ana López',
  phone: '(202) 555-0123',
  email: '',
  dateOfBirth: '1961-07-04',
  consent: true,
  channel: 'sms' as const,
  message: 'Hello Ana, see you tomorrow.',
};

describe('new patient message form', () => {
  it('accepts a complete form and normalises the number to E.164', () => {
    expect(checkPatientForm(form, 'US', [])).toEqual({ errors: {}, checked: { phone: '+12025550123' } });
  });

  it('names every problem in plain-words keys', () => {
    const { errors } = checkPatientForm({ ...form, name: ' ', phone: '12', dateOfBirth: '2099-01-01', consent: false, message: 'See you on {date}' }, 'US', ['{date}']);
    expect(errors).toEqual({ name: 'nameMissing', phone: 'phoneInvalid', dateOfBirth: 'dobInvalid', consent: 'consentMissing', message: 'placeholderLeft' });
    expect(checkPatientForm({ ...form, phone: '' }, 'US', []).errors).toEqual({ phone: 'contactMissing' });
    expect(checkPatientForm({ ...form, channel: 'email' }, 'US', []).errors).toEqual({ email: 'emailForEmail' });
    expect(checkPatientForm({ ...form, email: 'ana at example' }, 'US', []).errors).toEqual({ email: 'emailInvalid' });
    expect(checkPatientForm({ ...form, phone: '+34 912 34 56 78' }, 'US', []).errors).toEqual({ phone: 'phoneInvalid' });
  });

  it('knows real dates of birth', () => {
    expect(isDateOfBirth('2000-02-29')).toBe(true);
    expect(isDateOfBirth('2001-02-29')).toBe(false);
    expect(isDateOfBirth('1899-12-31')).toBe(false);
    expect(isDateOfBirth('04/07/1961')).toBe(false);
  });
});

describe('templates', () => {
  it('fill the first name, leave the rest for staff, and every organisation template exists in both languages', () => {
    const reminder = ORGANISATION_TEMPLATES.find((t) => t.id === 'org-reminder-en')!;
    const text = applyTemplate(reminder.text, { name: 'Ana López' });
    expect(text.startsWith('Hello Ana,')).toBe(true);
    expect(unfilled(text)).toEqual(['{date}', '{time}']);
    const ids = ORGANISATION_TEMPLATES.map((t) => t.id);
    for (const id of ids.filter((i) => i.endsWith('-en'))) expect(ids).toContain(id.replace(/-en$/, '-es'));
  });
});

describe('organisation templates from policy', () => {
  it('reads "language|title|text" items and replaces the built-in ones; unset keeps the built-in four per language', () => {
    expect(organisationTemplates(null)).toBe(ORGANISATION_TEMPLATES);
    expect(organisationTemplates(['es|Ayuno|Hola, {name}: no coma nada después de las 22:00 del {date}.', 'en|Flu shots|Flu shots are here | walk in any morning.'])).toEqual([
      { id: 'org-policy-0', language: 'es', title: 'Ayuno', text: 'Hola, {name}: no coma nada después de las 22:00 del {date}.', source: 'organisation' },
      { id: 'org-policy-1', language: 'en', title: 'Flu shots', text: 'Flu shots are here | walk in any morning.', source: 'organisation' },
    ]);
  });
});

describe('patient inbox order', () => {
  it('puts conversations waiting for a reply first, then unread, then the newest', () => {
    const c = (id: string, waitingFor: PatientConversation['waitingFor'], unread: number, lastActivityAt: number): PatientConversation => ({
      conversationId: id,
      name: id,
      channel: 'sms',
      contactHint: '•••• 0123',
      language: 'en',
      status: 'open',
      assignee: null,
      waitingFor,
      link: 'active',
      optedOut: false,
      unread,
      lastActivityAt,
    });
    const sorted = sortInbox([c('old-read-0001', 'patient', 0, 5), c('new-read-0001', null, 0, 9), c('unread-00001', 'patient', 2, 1), c('reply-000001', 'staff', 0, 2)]);
    expect(sorted.map((x) => x.conversationId)).toEqual(['reply-000001', 'unread-00001', 'new-read-0001', 'old-read-0001']);
  });
});
