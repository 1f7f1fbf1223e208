import { CoreError } from '../errors.ts';
import type { SessionController } from './controller.ts';

const LOCKED = 'Sealwire is locked. Unlock to continue.';

/**
 * The dispatcher's `before` hook: PHI (and session-only) methods run only while a session is
 * unlocked, whatever the renderer believes. `accessOf` reads the contract (methods[name].access).
 */
export function createSessionGate(session: SessionController, accessOf: (method: string) => 'public' | 'phi' | 'session' | undefined) {
  return {
    before(method: string): void {
      if (accessOf(method) === 'public') return;
      if (session.state().state !== 'unlocked') throw new CoreError('locked', LOCKED);
    },
  };
}
