import { useCallback, useLayoutEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { InboxEntry, ProfileSummary } from '../../../shared/contract/index.ts';
import type { Client, ConnectionState } from '../api/client.ts';
import { MyDataScreen } from '../account/MyDataScreen.tsx';
import { ActivityScreen } from '../activity/ActivityScreen.tsx';
import { Button } from '../components/Button.tsx';
import { Icon } from '../components/Icon.tsx';
import { ConnectionBanner, MessagingPill } from '../messaging/ConnectionBanner.tsx';
import { DirectoryScreen } from '../messaging/DirectoryScreen.tsx';
import { InboxList } from '../messaging/InboxList.tsx';
import { SearchScreen } from '../messaging/SearchScreen.tsx';
import { ThreadView } from '../messaging/ThreadView.tsx';
import { nameFor, useDirectory, useInbox, useMessagingStatus } from '../messaging/useMessaging.ts';
import { StatusScreen } from '../screens/StatusScreen.tsx';
import { discardPhi, markPhiShown } from '../session/discard.ts';
import { useSessionInput } from '../session/useSessionInput.ts';
import { Shell } from './Shell.tsx';
import { WorkspaceNav } from './SideNav.tsx';
import { TopBar } from './TopBar.tsx';
import type { useSystemStatus } from './useSystemStatus.ts';

type Route =
  | { screen: 'home' }
  | { screen: 'thread'; conversationId: number | null; jid: string; name: string | null }
  | { screen: 'directory' }
  | { screen: 'search' }
  | { screen: 'activity' }
  | { screen: 'my-data' }
  | { screen: 'status' };

interface Props {
  client: Client;
  connection: ConnectionState;
  system: ReturnType<typeof useSystemStatus>;
  profile: ProfileSummary | null;
}

/** Everything a signed-in staff member sees. Mounting it means PHI may be on screen from now on. */
export function Workspace({ client, connection, system, profile }: Props) {
  const { t } = useTranslation();
  useLayoutEffect(markPhiShown, []);
  const [route, setRoute] = useState<Route>({ screen: 'home' });
  const [localVersion, setLocalVersion] = useState(0);
  const [directoryVersion, setDirectoryVersion] = useState(0);
  const messaging = useMessagingStatus(client);
  const inbox = useInbox(client, messaging.version + localVersion);
  const directory = useDirectory(client, directoryVersion);
  const bumpInbox = useCallback(() => setLocalVersion((v) => v + 1), []);

  const leave = useCallback(
    async (method: 'session.lockNow' | 'session.switchUser' | 'session.signOut', via: 'button' | 'hotkey' = 'button') => {
      const result = method === 'session.lockNow' ? await client.call(method, { via }) : await client.call(method, {});
      // The session.changed event normally gets here first; the answer is the fallback.
      if (result.ok && result.value.state !== 'unlocked') discardPhi();
    },
    [client],
  );
  const lock = useCallback((via: 'button' | 'hotkey') => void leave('session.lockNow', via), [leave]);
  useSessionInput(client, lock);

  const openEntry = (entry: InboxEntry) => setRoute({ screen: 'thread', conversationId: entry.id, jid: entry.jid, name: entry.title });
  const openJid = (jid: string, name: string | null) => {
    const existing = inbox.entries?.find((e) => e.kind === 'direct' && e.jid === jid);
    setRoute({ screen: 'thread', conversationId: existing?.id ?? null, jid, name: name ?? existing?.title ?? null });
  };
  const go = (screen: 'directory' | 'search' | 'activity' | 'my-data' | 'status') => {
    if (screen === 'directory') setDirectoryVersion((v) => v + 1);
    setRoute({ screen });
  };
  const account = messaging.status?.account ?? null;
  const domain = account?.split('@')[1] ?? null;

  let screen: ReactNode;
  switch (route.screen) {
    case 'home':
      screen = (
        <section className="workspace-home" aria-labelledby="home-heading" data-testid="workspace-home">
          <h1 id="home-heading">{profile ? t('home.heading', { name: profile.displayName }) : t('home.headingNoName')}</h1>
          <p>{t('home.intro')}</p>
          <Button variant="primary" onClick={() => go('directory')}>
            <Icon name="plus" />
            {t('shell.newChat')}
          </Button>
        </section>
      );
      break;
    case 'thread':
      screen = (
        <ThreadView
          key={route.conversationId ?? `new:${route.jid}`}
          client={client}
          conversationId={route.conversationId}
          jid={route.jid}
          title={route.name ?? nameFor(route.jid, directory.entries)}
          version={messaging.version}
          directory={directory.entries}
          started={(conversationId) => {
            setRoute({ ...route, conversationId });
            bumpInbox();
          }}
          read={bumpInbox}
        />
      );
      break;
    case 'directory':
      screen = <DirectoryScreen entries={directory.entries} error={directory.error} domain={domain} open={openJid} />;
      break;
    case 'search':
      screen = <SearchScreen client={client} inbox={inbox.entries} directory={directory.entries} open={openEntry} />;
      break;
    case 'activity':
      screen = <ActivityScreen client={client} />;
      break;
    case 'my-data':
      screen = <MyDataScreen client={client} profile={profile} />;
      break;
    case 'status':
      screen = <StatusScreen state={system.state} refresh={system.refresh} refreshing={system.refreshing} />;
      break;
  }

  const actions = (
    <>
      <Button className="top-bar__action top-bar__action--primary" onClick={() => lock('button')} data-testid="lock-now" title={t('session.lockHint')}>
        <Icon name="lock" />
        {t('session.lockNow')}
      </Button>
      <Button className="top-bar__action" onClick={() => void leave('session.switchUser')} data-testid="switch-user">
        <Icon name="users" />
        {t('session.switchUser')}
      </Button>
      <Button className="top-bar__action" onClick={() => void leave('session.signOut')} data-testid="sign-out">
        <Icon name="logout" />
        {t('session.signOut')}
      </Button>
    </>
  );
  const activeId = route.screen === 'thread' ? route.conversationId : null;

  return (
    <Shell
      fill={route.screen === 'thread'}
      header={
        <TopBar
          connection={connection}
          system={system.state}
          status={<MessagingPill state={messaging.status?.state ?? null} failed={messaging.error !== null && messaging.status === null} />}
          actions={actions}
        />
      }
      nav={
        <WorkspaceNav
          active={route.screen}
          go={go}
          conversations={
            <InboxList entries={inbox.entries} error={inbox.error} directory={directory.entries} activeId={activeId} open={openEntry} />
          }
        />
      }
    >
      <ConnectionBanner client={client} state={messaging.status?.state ?? null} fixed={() => void messaging.refresh()} />
      {screen}
    </Shell>
  );
}
