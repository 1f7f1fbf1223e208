import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/contract/index.ts';
import { startTestCore, type TestCore } from '../support/test-core.ts';

const PASSWORDS = { amara: 'amara-correct-horse-1', ben: 'ben-battery-staple-22' };
const PINS = { amara: '582941', ben: '739164' };
const HOUR = 60 * 60 * 1000;

function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

let desk: TestCore;
afterAll(async () => {
  await desk?.forget();
});

describe('several staff on one workstation', () => {
  it('keeps a locked colleague aside with their own PIN window, store closed, and PIN tries counted per person', async () => {
    desk = await startTestCore();
    const amara = ok(await desk.call('profiles.create', { displayName: 'Amara', password: PASSWORDS.amara })).profile;
    ok(await desk.call('profiles.setPin', { pin: PINS.amara }));
    ok(await desk.call('session.switchUser', {}));
    // Amara's store is closed the moment she is locked.
    await expect.poll(() => desk.core.profiles.current()).toBeNull();

    // Ben signs in with his password while Amara stays locked, not signed out.
    desk.time.advance(HOUR);
    const ben = ok(await desk.call('profiles.create', { displayName: 'Ben', password: PASSWORDS.ben })).profile;
    expect(ok(await desk.call('session.state', {}))).toMatchObject({ state: 'unlocked', staffId: ben.id });
    expect(desk.core.session.parked()).toEqual([amara.id]);
    expect(desk.core.profiles.current()?.profileId).toBe(ben.id);
    const listed = ok(await desk.call('profiles.list', {})).profiles;
    expect(listed.find((p) => p.id === amara.id)?.hasPin).toBe(true);
    // Only one person unlocked at a time: Amara's PIN is refused while Ben is unlocked.
    expect(await desk.call('profiles.unlockWithPin', { profileId: amara.id, pin: PINS.amara })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    ok(await desk.call('profiles.setPin', { pin: PINS.ben }));
    ok(await desk.call('session.switchUser', {}));

    // A wrong PIN for Amara counts against Amara only; then her PIN brings her back and Ben is kept aside.
    expect(await desk.call('profiles.unlockWithPin', { profileId: amara.id, pin: '111222' })).toMatchObject({ ok: false, error: { code: 'wrong_pin' } });
    ok(await desk.call('profiles.unlockWithPin', { profileId: amara.id, pin: PINS.amara }));
    expect(ok(await desk.call('session.state', {}))).toMatchObject({ state: 'unlocked', staffId: amara.id });
    expect(desk.core.session.parked()).toEqual([ben.id]);
    expect(desk.core.profiles.current()?.profileId).toBe(amara.id);
    ok(await desk.call('session.switchUser', {}));

    // Five wrong PINs for Ben drop Ben's PIN key; Amara's still works.
    for (let i = 1; i <= 4; i++) {
      expect(await desk.call('profiles.unlockWithPin', { profileId: ben.id, pin: '111222' })).toMatchObject({ ok: false, error: { code: 'wrong_pin' } });
    }
    expect(await desk.call('profiles.unlockWithPin', { profileId: ben.id, pin: '111222' })).toMatchObject({ ok: false, error: { code: 'pin_locked_out' } });
    expect(await desk.call('profiles.unlockWithPin', { profileId: ben.id, pin: PINS.ben })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(ok(await desk.call('profiles.list', {})).profiles.find((p) => p.id === ben.id)?.hasPin).toBe(false);
    ok(await desk.call('profiles.unlockWithPin', { profileId: amara.id, pin: PINS.amara }));

    // Each switch is in the switching person's own trail.
    const own = ok(await desk.call('audit.myActivity', {})).records;
    expect(own.every((r) => r.staffId === amara.id)).toBe(true);
    const events = own.map((r) => r.event);
    expect(events).toContain('session.switch_user');
    expect(events).toContain('session.unlock');
    ok(await desk.call('session.switchUser', {}));
    // Ben signs in with his password again (his PIN is gone); Amara is kept aside.
    ok(await desk.call('profiles.open', { profileId: ben.id, password: PASSWORDS.ben }));
    expect(desk.core.session.parked()).toEqual([amara.id]);

    // Amara's own maximum session (12 h from her sign-in) ends her kept-aside session and her PIN.
    desk.time.advance(11 * HOUR + 1_000);
    expect(desk.core.session.parked()).toEqual([]);
    expect(ok(await desk.call('profiles.list', {})).profiles.find((p) => p.id === amara.id)?.hasPin).toBe(false);
    // Ben, in front, is untouched by it (only his own idle timeout locked him meanwhile).
    expect(ok(await desk.call('session.state', {}))).toMatchObject({ state: 'locked', reason: 'idle', staffId: ben.id });
    expect(await desk.call('profiles.unlockWithPin', { profileId: amara.id, pin: PINS.amara })).toMatchObject({ ok: false });
  });
});
