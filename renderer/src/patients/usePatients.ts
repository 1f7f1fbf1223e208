import type { PatientTemplate } from '../../../shared/contract/index.ts';
import { useContractQuery } from '../api/useContractQuery.ts';

/** The team's patient inbox; asked again when a patients.changed event marks it stale (api/invalidation.ts). */
export function usePatientInbox(status: 'open' | 'closed' | 'all') {
  const { data, error } = useContractQuery('patients.list', { status });
  return { conversations: data?.conversations ?? null, error };
}

export function usePatientThread(conversationId: string) {
  const { data, error } = useContractQuery('patients.thread', { conversationId });
  return { entries: data?.entries ?? null, conversation: data?.conversation ?? null, error };
}

export function usePatientTemplates() {
  const { data } = useContractQuery('patients.templates', {});
  return data?.templates ?? [];
}

/** Templates in the patient's language, organisation first. */
export function templatesFor(templates: readonly PatientTemplate[], language: 'en' | 'es'): { organisation: PatientTemplate[]; personal: PatientTemplate[] } {
  const mine = templates.filter((t) => t.language === language);
  return {
    organisation: mine.filter((t) => t.source === 'organisation'),
    personal: mine.filter((t) => t.source === 'personal'),
  };
}
