import { useCallback, useLayoutEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { InboxEntry, ProfileSummary } from '../../../shared/contract/index.ts';
import type { ConnectionState } from '../api/client.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { MyDataScreen } from '../account/MyDataScreen.tsx';
import { AlertPreferences } from '../alerts/AlertPreferences.tsx';
import { UrgentAlerts } from '../alerts/UrgentAlerts.tsx';
import { useIncomingNotifications, useUnreadTitle } from '../alerts/useAlerts.ts';
import { ActivityScreen } from '../activity/ActivityScreen.tsx';
import { Button } from '../components/Button.tsx';
import { Icon } from '../components/Icon.tsx';
import { PartBoundary, ScreenBoundary } from '../components/ScreenBoundary.tsx';
import { ConnectionBanner, MessagingPill } from '../messaging/ConnectionBanner.tsx';
import { DirectoryScreen } from '../messaging/DirectoryScreen.tsx';
import { SearchScreen } from '../messaging/SearchScreen.tsx';
import { ThreadView } from '../messaging/ThreadView.tsx';
import { nameFor, useDirectory, useInbox, useMessagingStatus } from '../messaging/useMessaging.ts';
import { IdleWarning } from '../session/IdleWarning.tsx';
import { PatientsScreen } from '../patients/PatientsScreen.tsx';
import { InboxSections } from '../rooms/InboxSections.tsx';
import { NewRoomScreen } from '../rooms/NewRoomScreen.tsx';
import { RoomMembers } from '../rooms/RoomMembers.tsx';
import { StatusScreen } from '../screens/StatusScreen.tsx';
import { useContractQuery } from '../api/useContractQuery.ts';
import { discardPhi, markPhiShown } from '../session/discard.ts';
import { useSessionInput } from '../session/useSessionInput.ts';
import { screenKey, type Route } from './navigation.ts';
import { useNavigate } from './NavigationProvider.tsx';
import { Shell } from './Shell.tsx';
import { WorkspaceNav } from './SideNav.tsx';
import { TopBar } from './TopBar.tsx';
import type { useSystemStatus } from './useSystemStatus.ts';

interface Props {
  route: Route;
  visit: number;
  connection: ConnectionState;
  system: ReturnType<typeof useSystemStatus>;
  profile: ProfileSummary | null;
}

/** Everything a signed-in staff member sees. Mounting it means PHI may be on screen from now on. */
export function Workspace({ route, visit, connection, system, profile }: Props) {
  const { t } = useTranslation();
  const client = useClient();
  const dispatch = useNavigate();
  useLayoutEffect(markPhiShown, []);
  const messaging = useMessagingStatus();
  const inbox = useInbox();
  const directory = useDirectory();
  useIncomingNotifications();
  useUnreadTitle(inbox.entries);

  const leave = useCallback(
    async (method: 'session.lockNow' | 'session.switchUser' | 'session.signOut', via: 'button' | 'hotkey' = 'button') => {
      const result = method === 'session.lockNow' ? await client.call(method, { via }) : await client.call(method, {});
      // The session.changed event normally gets here first; the answer is the fallback.
      if (result.ok && result.value.state !== 'unlocked') discardPhi();
    },
    [client],
  );
  const lock = useCallback((via: 'button' | 'hotkey') => void leave('session.lockNow', via), [leave]);
  useSessionInput(lock);

  const openEntry = (entry: InboxEntry, hitId?: number) =>
    dispatch({
      type: 'open',
      conversationId: entry.id,
      jid: entry.jid,
      name: entry.title,
      ...(hitId !== undefined ? { hitId } : {}),
      ...(entry.kind === 'room' ? { room: true } : {}),
    });
  const openJid = (jid: string, name: string | null) => {
    const existing = inbox.entries?.find((e) => e.kind === 'direct' && e.jid === jid);
    dispatch({ type: 'open', conversationId: existing?.id ?? null, jid, name: name ?? existing?.title ?? null });
  };
  const home = () => dispatch({ type: 'go', screen: 'home' });
  const account = messaging.status?.account ?? null;
  const domain = account?.split('@')[1] ?? null;

  const key = screenKey(route);
  let screen: ReactNode;
  switch (route.screen) {
    case 'home':
      screen = (
        <section className="workspace-home" aria-labelledby="home-heading" data-testid="workspace-home">
          <h1 id="home-heading">{profile ? t('home.heading', { name: profile.displayName }) : t('home.headingNoName')}</h1>
          <p>{t('home.intro')}</p>
          <Button variant="primary" onClick={() => dispatch({ type: 'go', screen: 'directory' })}>
            <Icon name="plus" />
            {t('shell.newChat')}
          </Button>
        </section>
      );
      break;
    case 'thread': {
      const thread = (
        <ThreadView
          key={key}
          conversationId={route.conversationId}
          hitId={route.hitId ?? null}
          jid={route.jid}
          title={route.name ?? nameFor(route.jid, directory.entries)}
          directory={directory.entries}
          started={(conversationId) => dispatch({ type: 'started', conversationId })}
          own={account}
        />
      );
      // A team room: its members beside the thread.
      screen = route.room ? (
        <div className="room-view">
          {thread}
          <RoomMembers key={route.jid} room={route.jid} own={account} directory={directory.entries} left={home} />
        </div>
      ) : (
        thread
      );
      break;
    }
    case 'new-room':
      screen = (
        <NewRoomScreen own={account} open={(conversationId, jid, name) => dispatch({ type: 'open', conversationId, jid, name, room: true })} />
      );
      break;
    case 'directory':
      screen = <DirectoryScreen domain={domain} open={openJid} />;
      break;
    case 'search':
      screen = <SearchScreen inbox={inbox.entries} directory={directory.entries} open={openEntry} />;
      break;
    case 'patients':
      screen = <PatientsScreen me={account} directory={directory.entries} />;
      break;
    case 'activity':
      screen = <ActivityScreen />;
      break;
    case 'my-data':
      screen = <MyDataScreen profile={profile} />;
      break;
    case 'status':
      screen = <SignedInStatus system={system} />;
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
      fill={route.screen === 'thread' || route.screen === 'patients'}
      visit={visit}
      header={
        <TopBar
          connection={connection}
          system={system.state}
          status={<MessagingPill state={messaging.status?.state ?? null} failed={messaging.error !== null && messaging.status === null} />}
          actions={actions}
          person={profile?.displayName ?? null}
        />
      }
      nav={
        <WorkspaceNav
          active={route.screen}
          footer={<AlertPreferences />}
          conversations={
            <PartBoundary resetKey={key}>
              <InboxSections
                entries={inbox.entries}
                error={inbox.error}
                directory={directory.entries}
                activeId={activeId}
                open={openEntry}
                creating={route.screen === 'new-room'}
              />
            </PartBoundary>
          }
        />
      }
    >
      <ConnectionBanner state={messaging.status?.state ?? null} fixed={() => void messaging.refresh()} />
      <IdleWarning />
      <PartBoundary resetKey="urgent">
        <UrgentAlerts inbox={inbox.entries} directory={directory.entries} open={openEntry} />
      </PartBoundary>
      <ScreenBoundary resetKey={`${key}:${visit}`} back={route.screen === 'home' ? undefined : home}>
        {screen}
      </ScreenBoundary>
    </Shell>
  );
}

/** The workstation status once signed in: also whether the server keeps message history (asked afresh on each open). */
function SignedInStatus({ system }: { system: ReturnType<typeof useSystemStatus> }) {
  const { data } = useContractQuery('messaging.state', {}, { askOnOpen: true });
  return <StatusScreen state={system.state} refresh={system.refresh} refreshing={system.refreshing} archive={data?.archive} />;
}
