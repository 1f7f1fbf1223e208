import { describe, expect, it } from 'vitest';
import { MANAGED_KEYS, type ManagedKey } from '../../shared/contract/policy.ts';
import type { KeySpec } from '../../shared/contract/managed-keys.ts';
import { mergeManaged } from '../../electron/core/policy/merge.ts';

const SOURCES = ['server', 'machine', 'user'] as const;

// A second valid value for identity keys, to prove a later source cannot swap them.
const OTHER: Partial<Record<ManagedKey, unknown>> = {
  organisationName: 'Other Clinic',
  serverAddress: 'chat.other.example',
  caCertificatePem: '-----BEGIN CERTIFICATE-----\nT1RIRVI=\n-----END CERTIFICATE-----',
  adminAddresses: ['mallory@other.example'],
  auditAddress: 'audit@other.example',
  allowedDomains: ['other.example'],
  certificatePins: ['sha256/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB='],
  attachmentTypes: ['text/plain'],
};
const FIRST: Partial<Record<ManagedKey, unknown>> = {
  organisationName: 'Riverside Clinic',
  serverAddress: 'chat.riverside.example',
  caCertificatePem: '-----BEGIN CERTIFICATE-----\nUklWRVI=\n-----END CERTIFICATE-----',
  adminAddresses: ['it@riverside.example'],
  auditAddress: 'audit@riverside.example',
  allowedDomains: ['riverside.example'],
  certificatePins: ['sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
};

/** For each key: a valid value stricter than the default, a valid value looser than that, and an invalid one. */
function samples(key: ManagedKey, spec: KeySpec): { strict: unknown; loose: unknown; invalid: unknown } {
  switch (spec.stricter) {
    case 'lower':
      return { strict: spec.kind === 'integer' ? spec.min : 0, loose: spec.kind === 'integer' ? spec.max : 0, invalid: spec.kind === 'integer' ? spec.max + 1 : 0 };
    case 'higher':
      return { strict: spec.kind === 'integer' ? spec.max : 0, loose: spec.kind === 'integer' ? spec.min : 0, invalid: spec.kind === 'integer' ? spec.min - 1 : 0 };
    case 'lower_or_set':
      return { strict: spec.kind === 'integer' ? spec.min : 0, loose: null, invalid: '30' };
    case 'true':
      return { strict: true, loose: false, invalid: 1 };
    case 'false':
      return { strict: false, loose: true, invalid: 'no' };
    case 'order':
      return spec.kind === 'choice' ? { strict: spec.values[0], loose: spec.values.at(-1), invalid: 'bogus' } : { strict: 0, loose: 0, invalid: 0 };
    case 'subset': {
      const first = (FIRST[key] ?? spec.default) as string[];
      return { strict: first.slice(0, 1), loose: OTHER[key], invalid: ['!'] };
    }
    case 'fixed':
      return { strict: FIRST[key], loose: OTHER[key], invalid: spec.kind === 'list' ? ['!'] : 42 };
  }
}

const cases = (Object.entries(MANAGED_KEYS) as Array<[ManagedKey, KeySpec]>).flatMap(([key, spec]) => SOURCES.map((source) => ({ key, spec, source })));

describe('managed merge table: every key, every source', () => {
  it('covers every key with a strict, a looser and an invalid sample', () => {
    expect(cases.length).toBe(Object.keys(MANAGED_KEYS).length * 3);
    for (const { key, spec } of cases) {
      const { strict, loose, invalid } = samples(key, spec);
      expect(spec.schema.safeParse(strict).success, key).toBe(true);
      expect(spec.schema.safeParse(loose).success, key).toBe(true);
      expect(spec.schema.safeParse(invalid).success, key).toBe(false);
      expect(JSON.stringify(strict), key).not.toBe(JSON.stringify(loose));
    }
  });

  it.each(cases.map((c) => [c.key, c.source, c] as const))('%s from %s: tightens, refuses loosening and invalid values', (key, source, { spec }) => {
    const { strict, loose, invalid } = samples(key, spec);
    const value = (m: ReturnType<typeof mergeManaged>) => (key in m.policy.values ? (m.policy.values as Record<string, unknown>)[key] : (m.organisation.values as Record<string, unknown>)[key]);
    const sourceOf = (m: ReturnType<typeof mergeManaged>) => m.policy.sources[key] ?? m.organisation.sources[key];

    const alone = mergeManaged({ [source]: { [key]: strict } });
    if (spec.stricter === 'fixed' && source === 'user') {
      // Identity and trust come from the organisation only: a staff member cannot name a server or a CA.
      expect(value(alone)).toEqual(spec.default);
      expect(alone.policy.refused).toEqual([{ key, source, reason: 'looser' }]);
    } else {
      expect(value(alone)).toEqual(strict);
      expect(sourceOf(alone)).toBe(source);
      expect(alone.policy.refused).toEqual([]);
    }

    // The stricter value set by an earlier source survives a looser one from this source.
    const earlier = source === 'server' ? 'machine' : 'server';
    const layers = source === 'server' ? { server: { [key]: strict }, machine: { [key]: loose } } : { [earlier]: { [key]: strict }, [source]: { [key]: loose } };
    const refusedFrom = source === 'server' ? 'machine' : source;
    const tightened = mergeManaged(layers);
    expect(value(tightened)).toEqual(strict);
    expect(tightened.policy.refused).toEqual([{ key, source: refusedFrom, reason: 'looser' }]);

    // An invalid value is refused whole; the key keeps what it had, other keys in the layer still apply.
    const other: ManagedKey = key === 'idleTimeoutMinutes' ? 'maxSessionHours' : 'idleTimeoutMinutes';
    const bad = mergeManaged({ [earlier]: { [key]: strict }, [source]: { [key]: invalid, [other]: 1 } });
    expect(value(bad)).toEqual(strict);
    expect(bad.policy.values[other as 'idleTimeoutMinutes']).toBe(1);
    expect(bad.policy.refused).toEqual([{ key, source, reason: 'invalid' }]);
  });

  it('reports names only, never the refused values', () => {
    const m = mergeManaged({ user: { organisationName: 'Patient Jane Roe', idleTimeoutMinutes: 'Jane Roe', 'Jane Roe DOB': 1 } });
    expect(JSON.stringify(m.policy.refused)).not.toMatch(/Roe/);
    expect(m.policy.refused.map((r) => r.reason)).toEqual(['looser', 'invalid', 'unknown']);
    expect(m.policy.refused[2]?.key).toBe('(unknown key)');
  });

  it('refuses a layer that is not an object, and never throws', () => {
    for (const bad of ['x', 42, [], true]) {
      expect(mergeManaged({ machine: bad }).policy.refused).toEqual([{ key: '(layer)', source: 'machine', reason: 'invalid' }]);
    }
  });
});

describe('convenience features the organisation may turn on', () => {
  it.each(['presence', 'readReceipts', 'typingNotifications'] as const)('%s: server or machine may enable it, the user may only turn it off', (key) => {
    expect(mergeManaged({ machine: { [key]: true } }).policy.values[key]).toBe(true);
    expect(mergeManaged({ server: { [key]: true } }).policy.values[key]).toBe(true);
    expect(mergeManaged({ server: { [key]: true }, user: { [key]: false } }).policy.values[key]).toBe(false);
    const byUser = mergeManaged({ user: { [key]: true } }).policy;
    expect(byUser.values[key]).toBe(false);
    expect(byUser.refused).toEqual([{ key, source: 'user', reason: 'looser' }]);
    // Once one managed source turned it off, a later one cannot turn it back on.
    expect(mergeManaged({ server: { [key]: false }, machine: { [key]: true } }).policy.values[key]).toBe(false);
  });
  it('is the exception: every other key is a security key', () => {
    const exceptions = Object.entries(MANAGED_KEYS).filter(([, spec]) => 'security' in spec && spec.security === false).map(([key]) => key);
    expect(exceptions.sort()).toEqual(['attachmentTypes', 'presence', 'readReceipts', 'typingNotifications']);
  });
});
