import { useCallback, useEffect, useState } from 'react';
import type { ConnectionState, DirectoryEntry, InboxEntry, MessagingStatus, Result } from '../../../shared/contract/index.ts';
import type { Client } from '../api/client.ts';
import type { UiError } from '../session/errors.ts';

/** The connection state (asked once, then from events) and a counter that moves on every message event. */
export function useMessagingStatus(client: Client) {
  const [status, setStatus] = useState<MessagingStatus | null>(null);
  const [error, setError] = useState<UiError>(null);
  const [version, setVersion] = useState(0);
  const ask = useCallback(() => client.call('messaging.state', {}), [client]);
  const apply = useCallback((result: Awaited<ReturnType<Client['call']>>) => {
    if (result.ok) {
      setStatus(result.value as MessagingStatus);
      setError(null);
    } else setError(result.error);
  }, []);
  useEffect(() => {
    let active = true;
    const bump = () => {
      if (active) setVersion((v) => v + 1);
    };
    const offs = [
      client.on('messaging.connection', ({ state }: { state: ConnectionState }) => {
        if (!active) return;
        setStatus((s) => (s === null ? { state, account: null, outbox: 0 } : { ...s, state }));
        // The account and outbox come with the full state.
        void ask().then((result) => {
          if (active) apply(result);
        });
      }),
      // Events carry ids only; the screens fetch content through messages.page / conversations.inbox.
      client.on('messaging.incoming', bump),
      client.on('messaging.messageState', bump),
    ];
    void ask().then((result) => {
      if (active) apply(result);
    });
    return () => {
      active = false;
      for (const off of offs) off();
    };
  }, [client, ask, apply]);
  const refresh = useCallback(async () => apply(await ask()), [ask, apply]);
  return { status, error, version, refresh };
}

type Fetch<T> = (client: Client) => Promise<Result<T>>;

/** One contract answer, asked again whenever `version` moves. `fetch` must be a module-level function. */
function useFetched<T>(client: Client, version: number, fetch: Fetch<T>) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<UiError>(null);
  useEffect(() => {
    let active = true;
    void fetch(client).then((result) => {
      if (!active) return;
      if (result.ok) {
        setValue(result.value);
        setError(null);
      } else setError(result.error);
    });
    return () => {
      active = false;
    };
  }, [client, version, fetch]);
  return { entries: value, error };
}

const entriesOf = <T,>(result: Result<{ entries: T[] }>): Result<readonly T[]> => (result.ok ? { ok: true, value: result.value.entries } : result);
const fetchInbox: Fetch<readonly InboxEntry[]> = async (client) => entriesOf(await client.call('conversations.inbox', { limit: 100 }));
const fetchDirectory: Fetch<readonly DirectoryEntry[]> = async (client) => entriesOf(await client.call('messaging.directory', { limit: 1000 }));

/** The inbox, newest activity first; asked again whenever `version` moves. */
export const useInbox = (client: Client, version: number) => useFetched(client, version, fetchInbox);

/** The staff directory (the server's roster as stored); asked once per signed-in page. */
export const useDirectory = (client: Client, version: number) => useFetched(client, version, fetchDirectory);

/** A person's name for a JID: the directory's display name, else the part before the @. */
export function nameFor(jid: string, directory: readonly DirectoryEntry[] | null): string {
  const known = directory?.find((d) => d.jid === jid)?.displayName;
  if (known) return known;
  const at = jid.indexOf('@');
  return at > 0 ? jid.slice(0, at) : jid;
}
