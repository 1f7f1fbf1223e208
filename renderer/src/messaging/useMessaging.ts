import type { DirectoryEntry } from '../../../shared/contract/index.ts';
import { useContractQuery } from '../api/useContractQuery.ts';

/** The messaging connection: asked once, then kept current by messaging.connection events (api/invalidation.ts). */
export function useMessagingStatus() {
  const { data, error, refetch } = useContractQuery('messaging.state', {});
  return { status: data, error, refresh: refetch };
}

/** The inbox, newest activity first; asked again when a message event marks it stale. */
export function useInbox() {
  const { data, error } = useContractQuery('conversations.inbox', { limit: 100 });
  return { entries: data?.entries ?? null, error };
}

/** The staff directory (the server's roster as stored); no event announces roster changes, so it is asked on each open. */
export function useDirectory(options: { askOnOpen?: boolean } = {}) {
  const { data, error } = useContractQuery('messaging.directory', { limit: 1000 }, options);
  return { entries: data?.entries ?? null, error };
}

/**
 * A person's name for a JID: the directory's display name, else the part before the @. A room
 * member (room@rooms.example/Nick) is named by the nick the room gave them.
 */
export function nameFor(jid: string, directory: readonly DirectoryEntry[] | null): string {
  const slash = jid.indexOf('/');
  if (slash > 0 && slash < jid.length - 1) return jid.slice(slash + 1);
  const known = directory?.find((d) => d.jid === jid)?.displayName;
  if (known) return known;
  const at = jid.indexOf('@');
  return at > 0 ? jid.slice(0, at) : jid;
}
