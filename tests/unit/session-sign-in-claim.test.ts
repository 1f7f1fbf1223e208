import { describe, expect, it } from 'vitest';
import { createSessionController } from '../../electron/core/session/controller.ts';
import { SignInClaim } from '../../electron/core/session/sign-in-claim.ts';

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: { code?: string }) => err.code ?? 'other',
  );

/** A sign-in that stays in flight until the test lets it finish. */
function pending() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { work: () => done, finish };
}

describe('one person signs in at a time', () => {
  it('lets attempts for the same profile overlap and refuses anyone else until they settle', async () => {
    const claim = new SignInClaim(createSessionController());
    const a1 = pending();
    const a2 = pending();
    const first = claim.run('p_a', a1.work);
    const second = claim.run('p_a', a2.work);
    expect(await codeOf(claim.run('p_b', async () => 'opened'))).toBe('conflict');
    expect(await codeOf(claim.run(null, async () => 'created'))).toBe('conflict');
    a1.finish();
    await first;
    expect(await codeOf(claim.run('p_b', async () => 'opened'))).toBe('conflict');
    a2.finish();
    await second;
    expect(await claim.run('p_b', async () => 'opened')).toBe('opened');
  });

  it('releases the claim when a sign-in fails, and two new profiles never overlap', async () => {
    const claim = new SignInClaim(createSessionController());
    expect(await codeOf(claim.run('p_a', () => Promise.reject(Object.assign(new Error('x'), { code: 'wrong_password' }))))).toBe('wrong_password');
    const creating = pending();
    const created = claim.run(null, creating.work);
    expect(await codeOf(claim.run(null, async () => 'created'))).toBe('conflict');
    creating.finish();
    await created;
    expect(await claim.run('p_a', async () => 'opened')).toBe('opened');
  });

  it('refuses a sign-in over another person\'s unlocked session, and allows it once locked', async () => {
    const session = createSessionController();
    const claim = new SignInClaim(session);
    session.signIn('p_a');
    expect(await codeOf(claim.run('p_b', async () => 'opened'))).toBe('conflict');
    expect(await codeOf(claim.run(null, async () => 'created'))).toBe('conflict');
    expect(await claim.run('p_a', async () => 'again')).toBe('again');
    session.lock('button');
    expect(await claim.run('p_b', async () => 'switched')).toBe('switched');
    session.dispose();
  });
});
