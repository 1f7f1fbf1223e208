import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../shared/contract/policy.ts';
import { readPolicyFile } from '../../electron/core/policy/linux-policy-file.ts';
import { idleTimeoutMs, mergePolicy } from '../../electron/core/policy/merge.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

describe('policy merge: strictest wins, nobody loosens', () => {
  it('returns the safe defaults with no layers', () => {
    const p = mergePolicy({});
    expect(p.values).toEqual(DEFAULT_POLICY);
    expect(p.refused).toEqual([]);
    expect(p.values.allowPlainAuth).toBe(false);
  });
  it('lets each layer tighten and records who decided', () => {
    const p = mergePolicy({
      server: { idleTimeoutMinutes: 5, minPasswordLength: 12 },
      machine: { idleTimeoutMinutes: 3, kiosk: true },
      user: { idleTimeoutMinutes: 1 },
    });
    expect(p.values).toMatchObject({ idleTimeoutMinutes: 1, minPasswordLength: 12, kiosk: true });
    expect(p.sources).toMatchObject({ idleTimeoutMinutes: 'user', minPasswordLength: 'server', kiosk: 'machine', maxSessionHours: 'default' });
  });
  it('refuses loosening from any layer, including the user', () => {
    const p = mergePolicy({
      server: { idleTimeoutMinutes: 5, allowPlainAuth: false },
      machine: { idleTimeoutMinutes: 30, allowPlainAuth: true, auditRetentionYears: 6 },
      user: { idleTimeoutMinutes: 60, kiosk: false, messageRetentionDays: null },
    });
    expect(p.values.idleTimeoutMinutes).toBe(5);
    expect(p.values.allowPlainAuth).toBe(false);
    expect(p.refused).toEqual(
      expect.arrayContaining([
        { key: 'idleTimeoutMinutes', source: 'machine', reason: 'looser' },
        { key: 'allowPlainAuth', source: 'machine', reason: 'looser' },
        { key: 'idleTimeoutMinutes', source: 'user', reason: 'looser' },
      ]),
    );
  });
  it('treats retention as stricter when set and shorter', () => {
    expect(mergePolicy({ server: { messageRetentionDays: 90 }, user: { messageRetentionDays: 30 } }).values.messageRetentionDays).toBe(30);
    expect(mergePolicy({ server: { messageRetentionDays: 90 }, user: { messageRetentionDays: null } }).values.messageRetentionDays).toBe(90);
  });
  it('ignores malformed layers and out-of-range values, without throwing', () => {
    for (const bad of ['x', 42, [], { idleTimeoutMinutes: -1 }, { idleTimeoutMinutes: 999 }, { maxSessionHours: 48 }, { unknown: 1 }, { quickUnlockHours: '2' }]) {
      const p = mergePolicy({ machine: bad });
      expect(p.values).toEqual(DEFAULT_POLICY);
    }
    expect(mergePolicy({ machine: { maxSessionHours: 48 } }).refused).toEqual([{ key: 'maxSessionHours', source: 'machine', reason: 'invalid' }]);
  });
  it('uses the shorter kiosk timeout on kiosks', () => {
    expect(idleTimeoutMs(DEFAULT_POLICY)).toBe(10 * 60_000);
    expect(idleTimeoutMs(mergePolicy({ machine: { kiosk: true } }).values)).toBe(2 * 60_000);
  });
});

describe('machine policy file', () => {
  it("reads, reports absent and malformed files without throwing", async () => {
    const dir = makeTempDir('policy');
    try {
      const file = path.join(dir, 'policy.json');
      expect(readPolicyFile(file)).toEqual({ ok: false, reason: 'absent' });
      await fs.writeFile(file, '{ not json');
      expect(readPolicyFile(file)).toEqual({ ok: false, reason: 'malformed' });
      await fs.writeFile(file, JSON.stringify({ idleTimeoutMinutes: 4 }));
      expect(readPolicyFile(file)).toEqual({ ok: true, layer: { idleTimeoutMinutes: 4 } });
    } finally {
      await removeTempDir(dir);
    }
  });
});
