import { randomUUID } from 'node:crypto';
import { CoreError } from '../errors.ts';
import type { SessionController } from './controller.ts';

const SOMEONE_SIGNED_IN = 'Someone is signed in on this workstation. They need to lock or sign out first.';
const SOMEONE_SIGNING_IN = 'Someone else is signing in on this workstation right now. Try again in a moment.';

/**
 * One person at a time may be signing in on a workstation. A sign-in (password, PIN, new profile)
 * claims the workstation for its profile before anything is opened or closed; a sign-in for anyone
 * else meanwhile, or while another person is unlocked, is refused with 'conflict' and touches
 * nothing. Attempts for the same profile may overlap (the limiter counts each of them).
 */
export class SignInClaim {
  private holder: string | null = null;
  private running = 0;
  private readonly session: SessionController;

  constructor(session: SessionController) {
    this.session = session;
  }

  /** Runs `work` as a sign-in for `profileId` (null: a profile that does not exist yet). */
  async run<T>(profileId: string | null, work: () => Promise<T>): Promise<T> {
    const who = profileId ?? `new:${randomUUID()}`;
    const now = this.session.state();
    if (now.state === 'unlocked' && now.staffId !== profileId) throw new CoreError('conflict', SOMEONE_SIGNED_IN);
    if (this.holder !== null && this.holder !== who) throw new CoreError('conflict', SOMEONE_SIGNING_IN);
    this.holder = who;
    this.running++;
    try {
      return await work();
    } finally {
      if (--this.running === 0) this.holder = null;
    }
  }
}
