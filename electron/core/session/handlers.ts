import type { z } from 'zod';
import type { MethodSpec } from '../../../shared/contract/define.ts';
import type { sessionMethods } from '../../../shared/contract/session.ts';
import type { CallContext } from '../ipc/dispatcher.ts';
import type { SessionController } from './controller.ts';

/** Same shape as the dispatcher's Handler<M>, typed from this domain's specs alone. */
type SpecHandler<S extends MethodSpec> = (
  request: z.output<S['request']>,
  ctx: CallContext,
) => Promise<z.output<S['response']>> | z.output<S['response']>;
type Methods = typeof sessionMethods;
export type SessionHandlers = { [M in keyof Methods]: SpecHandler<Methods[M]> };

export interface SessionHandlerDeps {
  readonly session: SessionController;
}

/**
 * The session domain's handlers. Closing the store, dropping keys, auditing and telling the
 * renderer happen in transition listeners, so every path (idle, OS lock, remote lock) does them too.
 */
export function sessionHandlers({ session }: SessionHandlerDeps): SessionHandlers {
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
