import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../electron/core/messaging/group-commit.ts';

/** A store stand-in that records the transaction edges and can fail one commit (fakes only that edge). */
function fakeStore() {
  const log: string[] = [];
  let failNext = false;
  let failSync = false;
  let open = false;
  return {
    log,
    failNext: () => void (failNext = true),
    failSync: () => void (failSync = true),
    store: {
      get inBatch() {
        return open;
      },
      batch<T>(fn: () => T): T {
        log.push(open ? 'savepoint' : 'begin');
        const out = fn();
        if (!open) log.push('commit');
        return out;
      },
      openBatch() {
        log.push('open');
        open = true;
        return {
          commit() {
            open = false;
            if (failNext) {
              failNext = false;
              log.push('rollback');
              throw new Error('commit failed');
            }
            log.push('commit');
            if (failSync) {
              failSync = false;
              return Promise.reject(new Error('fsync failed'));
            }
            return new Promise<void>((r) => setTimeout(() => (log.push('on disk'), r()), 5));
          },
          rollback() {
            open = false;
            log.push('rollback');
          },
        };
      },
    },
  };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('GroupCommit (engine module, alone)', () => {
  it('run commits at once; after-commit work runs once that commit is on disk; nested groups join the outer one', async () => {
    const fake = fakeStore();
    const commit = new GroupCommit(fake.store, () => {});
    const out = commit.run(() => {
      commit.later(() => fake.log.push('told listeners'));
      commit.run(() => commit.later(() => fake.log.push('inner later')));
      fake.log.push('work');
      return 7;
    });
    expect(out).toBe(7);
    expect(fake.log).toEqual(['open', 'savepoint', 'savepoint', 'work', 'commit']);
    await commit.settled();
    expect(fake.log.slice(5)).toEqual(['on disk', 'told listeners', 'inner later']);
    commit.later(() => fake.log.push('no group: at once'));
    expect(fake.log.at(-1)).toBe('no group: at once');
  });

  it('defer and hold leave the group open past the call; it commits on the next turn, then acknowledges', async () => {
    const fake = fakeStore();
    const commit = new GroupCommit(fake.store, () => {});
    const durable: unknown[] = [];
    commit.defer(() => fake.log.push('outbox row'));
    commit.hold(
      () => commit.later(() => fake.log.push('receipt')),
      (err) => durable.push(err),
    );
    expect(fake.log).toEqual(['open', 'savepoint', 'outbox row', 'savepoint']);
    expect(commit.open).toBe(true);
    expect(durable).toEqual([]);
    await turn();
    expect(fake.log.slice(4)).toEqual(['commit']);
    await commit.settled();
    expect(fake.log.slice(5)).toEqual(['on disk', 'receipt']);
    expect(durable).toEqual([null]);
  });

  it('groups by time: a write within the window after a commit waits for the window, not the next turn', async () => {
    const fake = fakeStore();
    const commit = new GroupCommit(fake.store, () => {}, 40);
    commit.run(() => {});
    commit.defer(() => {});
    await turn();
    expect(commit.open).toBe(true);
    commit.defer(() => {});
    await new Promise((r) => setTimeout(r, 60));
    expect(commit.open).toBe(false);
    expect(fake.log.filter((e) => e === 'commit')).toHaveLength(2);
  });

  it('a failed commit or fsync drops after-commit work and tells the holders; a throwing task does not stop the others', async () => {
    const fake = fakeStore();
    const errors: unknown[] = [];
    const commit = new GroupCommit(fake.store, (err) => errors.push(err));
    const durable: unknown[] = [];
    for (const fail of [fake.failNext, fake.failSync]) {
      commit.hold(
        () => commit.later(() => fake.log.push('must not run')),
        (err) => durable.push(err),
      );
      fail();
      commit.flush();
      await commit.settled();
    }
    expect(fake.log).not.toContain('must not run');
    expect(durable.map((e) => (e as Error).message)).toEqual(['commit failed', 'fsync failed']);
    expect(commit.open).toBe(false);
    commit.run(() => {
      commit.later(() => {
        throw new Error('listener broke');
      });
      commit.later(() => fake.log.push('second ran'));
    });
    await commit.settled();
    expect(fake.log.at(-1)).toBe('second ran');
    expect(errors).toHaveLength(3);
  });

  it('work that throws takes back only its own after-commit tasks', async () => {
    const fake = fakeStore();
    const commit = new GroupCommit(fake.store, () => {});
    commit.defer(() => commit.later(() => fake.log.push('kept')));
    expect(() =>
      commit.defer(() => {
        commit.later(() => fake.log.push('taken back'));
        throw new Error('bad stanza');
      }),
    ).toThrow('bad stanza');
    commit.flush();
    await commit.settled();
    expect(fake.log).toContain('kept');
    expect(fake.log).not.toContain('taken back');
  });
});
