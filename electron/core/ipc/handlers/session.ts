import type { sessionMethods } from '../../../../shared/contract/session.ts';
import type { SessionController } from '../../session/controller.ts';
import type { HandlersFor } from '../dispatcher.ts';

/**
 * session.*: closing the store, dropping keys, auditing and telling the renderer happen in
 * transition listeners (session/unlock-lifecycle.ts), so every path (idle, OS lock, remote lock) does them too.
 */
export function sessionHandlers({ session }: { session: SessionController }): HandlersFor<typeof sessionMethods> {
  return {
    'session.state': () => session.state(),
    'session.lockNow': (req) => session.lock(req.via),
    'session.reportActivity': () => {
      session.reportActivity();
      return { state: session.state().state };
    },
    'session.switchUser': () => session.switchUser(),
    'session.signOut': () => session.signOut('sign_out'),
  };
}
