import { useState, type ReactNode } from 'react';
import type { Client } from '../api/client.ts';
import { FailedScreen, UnreachableScreen } from '../screens/ProblemScreens.tsx';
import { StatusScreen } from '../screens/StatusScreen.tsx';
import { START_ROUTE, type Route } from './routes.ts';
import { Shell } from './Shell.tsx';
import { SideNav } from './SideNav.tsx';
import { TopBar } from './TopBar.tsx';
import { useConnection } from './useConnection.ts';
import { useSystemStatus } from './useSystemStatus.ts';

/*
 * Rendering rule for everything under renderer/: messages, names and any other PHI are rendered as
 * React text children only — never dangerouslySetInnerHTML, never innerHTML, never a URL built from
 * message content. React escapes text; that is our XSS defence together with the CSP.
 */

export function App({ client }: { client: Client }) {
  const [route, setRoute] = useState<Route>(START_ROUTE);
  const connection = useConnection(client);
  const system = useSystemStatus(client);

  let screen: ReactNode;
  if (system.state.phase === 'unreachable') screen = <UnreachableScreen />;
  else if (system.state.phase === 'failed') screen = <FailedScreen retry={() => void system.refresh()} />;
  else
    switch (route.screen) {
      case 'status':
        screen = <StatusScreen state={system.state} refresh={system.refresh} refreshing={system.refreshing} />;
        break;
    }

  return (
    <Shell header={<TopBar connection={connection} system={system.state} />} nav={<SideNav route={route} navigate={setRoute} />}>
      {screen}
    </Shell>
  );
}
