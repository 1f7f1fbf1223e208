import { useEffect } from 'react';
import { ACTIVITY_HEARTBEAT_MS } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';

const INPUT_EVENTS = ['keydown', 'pointerdown', 'touchstart', 'wheel'] as const;

/**
 * While signed in: real input tells main the person is still there (at most one heartbeat per
 * ACTIVITY_HEARTBEAT_MS; main owns the idle timer), and Ctrl+L / Cmd+L locks at once.
 */
export function useSessionInput(lock: (via: 'button' | 'hotkey') => void): void {
  const client = useClient();
  useEffect(() => {
    let last = 0;
    const activity = () => {
      const now = Date.now();
      if (now - last < ACTIVITY_HEARTBEAT_MS) return;
      last = now;
      void client.call('session.reportActivity', {});
    };
    const hotkey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'l') {
        event.preventDefault();
        lock('hotkey');
      }
    };
    for (const name of INPUT_EVENTS) window.addEventListener(name, activity, { passive: true, capture: true });
    window.addEventListener('keydown', hotkey, { capture: true });
    return () => {
      for (const name of INPUT_EVENTS) window.removeEventListener(name, activity, { capture: true });
      window.removeEventListener('keydown', hotkey, { capture: true });
    };
  }, [client, lock]);
}
