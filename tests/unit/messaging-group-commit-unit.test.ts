import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../electron/core/messaging/group-commit.ts';

/** A store stand-in whose batch records commits and can fail one (fakes only the transaction edge). */
function fakeBatch() {
  const log: string[] = [];
  let failNext = false;
  return {
    log,
    failNext: () => void (failNext = true),
    store: {
      batch<T>(fn: () => T): T {
        log.push('begin');
        const out = fn();
        if (failNext) {
          failNext = false;
          log.push('rollback');
          throw new Error('commit failed');
        }
        log.push('commit');
        return out;
      },
    },
  };
}

describe('GroupCommit (engine module, alone)', () => {
  it('runs after-commit work only once the group committed, nested groups join the outer one', () => {
    const fake = fakeBatch();
    const commit = new GroupCommit(fake.store, () => {});
    const out = commit.run(() => {
      commit.later(() => fake.log.push('told listeners'));
      commit.run(() => commit.later(() => fake.log.push('inner later')));
      fake.log.push('work');
      return 7;
    });
    expect(out).toBe(7);
    expect(fake.log).toEqual(['begin', 'work', 'commit', 'told listeners', 'inner later']);
    commit.later(() => fake.log.push('no group: at once'));
    expect(fake.log.at(-1)).toBe('no group: at once');
  });

  it('drops after-commit work when the transaction rolls back, and a throwing task does not stop the others', () => {
    const fake = fakeBatch();
    const errors: unknown[] = [];
    const commit = new GroupCommit(fake.store, (err) => errors.push(err));
    fake.failNext();
    expect(() => commit.run(() => commit.later(() => fake.log.push('must not run')))).toThrow('commit failed');
    expect(fake.log).toEqual(['begin', 'rollback']);
    expect(commit.open).toBe(false);
    commit.run(() => {
      commit.later(() => {
        throw new Error('listener broke');
      });
      commit.later(() => fake.log.push('second ran'));
    });
    expect(fake.log.at(-1)).toBe('second ran');
    expect(errors).toHaveLength(1);
  });
});
