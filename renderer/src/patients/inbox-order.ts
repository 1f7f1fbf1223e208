import type { PatientConversation } from '../../../shared/contract/index.ts';

/** Needs a reply first, then unread, then newest activity. */
export function sortInbox(conversations: readonly PatientConversation[]): PatientConversation[] {
  return [...conversations].sort(
    (a, b) =>
      Number(b.waitingFor === 'staff') - Number(a.waitingFor === 'staff') ||
      Number(b.unread > 0) - Number(a.unread > 0) ||
      b.lastActivityAt - a.lastActivityAt,
  );
}
