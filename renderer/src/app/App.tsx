import { useReducer, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { FirstSignIn } from '../auth/FirstSignIn.tsx';
import { LockScreen } from '../auth/LockScreen.tsx';
import { PasswordSignIn } from '../auth/PasswordSignIn.tsx';
import { PinSetup } from '../auth/PinSetup.tsx';
import { ProfilePicker } from '../auth/ProfilePicker.tsx';
import { ScreenBoundary } from '../components/ScreenBoundary.tsx';
import { FailedScreen, UnreachableScreen } from '../screens/ProblemScreens.tsx';
import { StatusScreen } from '../screens/StatusScreen.tsx';
import { useAuthGate, type GateState } from '../session/useAuthGate.ts';
import { navigate, START, type Flow } from './navigation.ts';
import { NavigationContext } from './NavigationProvider.tsx';
import { Shell } from './Shell.tsx';
import { SignedOutNav } from './SideNav.tsx';
import { TopBar } from './TopBar.tsx';
import { useConnection } from './useConnection.ts';
import { useSystemStatus } from './useSystemStatus.ts';
import { Workspace } from './Workspace.tsx';

/*
 * Rendering rule for everything under renderer/: messages, names and any other PHI are rendered as
 * React text children only — never dangerouslySetInnerHTML, never innerHTML, never a URL built from
 * message content. React escapes text; that is our XSS defence together with the CSP.
 */

/** Which screen: the navigation reducer's state (app/navigation.ts) together with the session main reports. */
export function App() {
  const [nav, dispatch] = useReducer(navigate, START);
  return (
    <NavigationContext value={dispatch}>
      <Screens nav={nav} setFlow={(flow) => dispatch({ type: 'flow', flow })} />
    </NavigationContext>
  );
}

function Screens({ nav, setFlow }: { nav: typeof START; setFlow: (flow: Flow) => void }) {
  const { t } = useTranslation();
  const connection = useConnection();
  const system = useSystemStatus();
  const { gate, refresh } = useAuthGate();
  const { flow } = nav;

  const signedOut = (screen: ReactNode, active: 'sign-in' | 'pin-setup' | 'status') => (
    <Shell
      visit={nav.visit}
      header={<TopBar connection={connection} system={system.state} />}
      nav={<SignedOutNav active={active} signIn={() => setFlow({ kind: 'picker' })} status={() => setFlow({ kind: 'status' })} />}
    >
      <ScreenBoundary resetKey={`${flow?.kind ?? 'session'}:${nav.visit}`} back={() => setFlow({ kind: 'picker' })}>
        {screen}
      </ScreenBoundary>
    </Shell>
  );
  const status = <StatusScreen state={system.state} refresh={system.refresh} refreshing={system.refreshing} />;

  if (system.state.phase === 'unreachable') return signedOut(<UnreachableScreen />, 'sign-in');
  if (system.state.phase === 'failed' || gate.phase === 'failed')
    return signedOut(<FailedScreen retry={() => void Promise.all([system.refresh(), refresh()])} />, 'sign-in');
  if (gate.phase === 'loading')
    return signedOut(
      <p className="app-loading" role="status">
        {t('common.loading')}
      </p>,
      'sign-in',
    );

  const state: GateState = gate.state;
  const { session } = state;
  const me = state.profiles.find((p) => p.id === session.staffId) ?? null;
  const done = () => {
    setFlow(null);
    void refresh();
  };

  if (session.state === 'unlocked' && flow?.kind === 'pin-setup') return signedOut(<PinSetup done={done} />, 'pin-setup');
  if (session.state === 'unlocked' && flow?.kind !== 'first-sign-in') {
    return <Workspace route={nav.route} visit={nav.visit} connection={connection} system={system} profile={me} />;
  }
  // A lock during the PIN step (idle, OS lock) also lands on the lock screen.
  const lockScreen = (session.reason !== 'user_switch' && (flow === null || flow.kind === 'pin-setup')) || flow?.kind === 'unlock';
  if (session.state === 'locked' && lockScreen && (flow?.kind !== 'unlock' || flow.profileId === undefined)) {
    return <LockScreen session={session} profile={me} unlocked={done} switchUser={() => setFlow({ kind: 'picker' })} pinGone={() => void refresh()} />;
  }
  // Shared workstation: a colleague whose locked session was kept aside comes back with their PIN.
  if (flow?.kind === 'unlock' && flow.profileId !== undefined && session.state !== 'unlocked') {
    const chosen = state.profiles.find((p) => p.id === flow.profileId) ?? null;
    return (
      <LockScreen
        key={flow.profileId}
        session={session}
        profile={chosen}
        unlocked={done}
        switchUser={() => setFlow({ kind: 'picker' })}
        pinGone={() => void refresh()}
      />
    );
  }

  if (flow?.kind === 'status') return signedOut(status, 'status');
  let screen: ReactNode;
  if (flow?.kind === 'first-sign-in' || (flow?.kind !== 'password' && state.profiles.length === 0 && state.protection !== 'unavailable')) {
    screen = (
      <FirstSignIn
        config={state.config}
        starting={() => setFlow({ kind: 'first-sign-in' })}
        done={() => {
          setFlow({ kind: 'pin-setup' });
          void refresh();
        }}
        failed={() => setFlow({ kind: 'first-sign-in' })}
        cancel={state.profiles.length > 0 ? () => setFlow({ kind: 'picker' }) : null}
      />
    );
  } else if (flow?.kind === 'password') {
    screen = <PasswordSignIn profile={flow.profile} done={done} back={() => setFlow({ kind: 'picker' })} />;
  } else {
    const lockedId = session.state === 'locked' ? session.staffId : null;
    screen = (
      <ProfilePicker
        profiles={state.profiles}
        protection={state.protection}
        lockedId={lockedId}
        choose={(profile) => {
          // Your own locked session comes back on the lock screen (PIN if you have one); so does a
          // colleague's session kept aside on this workstation while their PIN window lasts.
          if (profile.id === lockedId) setFlow({ kind: 'unlock' });
          else if (profile.hasPin) setFlow({ kind: 'unlock', profileId: profile.id });
          else setFlow({ kind: 'password', profile });
        }}
        add={() => setFlow({ kind: 'first-sign-in' })}
      />
    );
  }
  return signedOut(screen, 'sign-in');
}
