import { useCallback, useEffect, useState } from 'react';
import type { ConnectionState, DirectoryEntry, InboxEntry, MessagingStatus } from '../../../shared/contract/index.ts';
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

/** The inbox, newest activity first; asked again whenever `version` moves. */
export function useInbox(client: Client, version: number) {
  const [entries, setEntries] = useState<readonly InboxEntry[] | null>(null);
  const [error, setError] = useState<UiError>(null);
  useEffect(() => {
    let active = true;
    void client.call('conversations.inbox', { limit: 100 }).then((result) => {
      if (!active) return;
      if (result.ok) {
        setEntries(result.value.entries);
        setError(null);
      } else setError(result.error);
    });
    return () => {
      active = false;
    };
  }, [client, version]);
  return { entries, error };
}

/** The staff directory (the server's roster as stored); asked once per signed-in page. */
export function useDirectory(client: Client, version: number) {
  const [entries, setEntries] = useState<readonly DirectoryEntry[] | null>(null);
  const [error, setError] = useState<UiError>(null);
  useEffect(() => {
    let active = true;
    void client.call('messaging.directory', { limit: 1000 }).then((result) => {
      if (!active) return;
      if (result.ok) {
        setEntries(result.value.entries);
        setError(null);
      } else setError(result.error);
    });
    return () => {
      active = false;
    };
  }, [client, version]);
  return { entries, error };
}

/** A person's name for a JID: the directory's display name, else the part before the @. */
export function nameFor(jid: string, directory: readonly DirectoryEntry[] | null): string {
  const known = directory?.find((d) => d.jid === jid)?.displayName;
  if (known) return known;
  const at = jid.indexOf('@');
  return at > 0 ? jid.slice(0, at) : jid;
}
