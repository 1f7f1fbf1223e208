import { useEffect, useState } from 'react';
import type { SystemStatus } from '../../shared/contract/index.ts';
import type { Client } from './api/client.ts';

export function App({ client }: { client: Client }) {
  const [status, setStatus] = useState<SystemStatus | null>(null);
  useEffect(() => {
    void client.call('system.status', {}).then((r) => r.ok && setStatus(r.value));
    return client.on('system.status', setStatus);
  }, [client]);
  return (
    <main>
      <h1>Sealwire</h1>
      <p data-testid="keychain">{status?.keychain ?? '…'}</p>
    </main>
  );
}
