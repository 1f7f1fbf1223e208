import {
  DEFAULT_POLICY,
  Policy,
  PolicyLayer,
  type EffectivePolicy,
  type PolicyKey,
  type PolicySource,
} from '../../../shared/contract/policy.ts';

type Direction = 'lower' | 'higher' | 'true' | 'false' | 'lower_or_set';

/** Which way each setting tightens. */
const STRICTER: Record<PolicyKey, Direction> = {
  idleTimeoutMinutes: 'lower',
  maxSessionHours: 'lower',
  quickUnlockHours: 'lower',
  kiosk: 'true',
  kioskIdleTimeoutMinutes: 'lower',
  minPasswordLength: 'higher',
  messageRetentionDays: 'lower_or_set',
  auditRetentionYears: 'higher',
  allowPlainAuth: 'false',
  scramMinIterations: 'higher',
  allowDegradedWithoutKeychain: 'false',
  typingNotifications: 'false',
  notificationShowsSender: 'false',
  clipboardClearSeconds: 'lower',
};

function isStricterOrEqual(key: PolicyKey, next: unknown, current: unknown): boolean {
  switch (STRICTER[key]) {
    case 'lower':
      return (next as number) <= (current as number);
    case 'higher':
      return (next as number) >= (current as number);
    case 'true':
      return next === true || current === false;
    case 'false':
      return next === false || current === true;
    case 'lower_or_set':
      return next !== null && (current === null || (next as number) <= (current as number));
  }
}

export interface PolicyLayers {
  readonly server?: unknown;
  readonly machine?: unknown;
  readonly user?: unknown;
}

/**
 * Effective policy: safe defaults, tightened by the organisation's server policy, then by
 * machine-managed policy, then by the staff member's own choices. A layer value that would loosen
 * a setting is ignored and reported; a malformed layer is ignored whole (and reported per key).
 */
export function mergePolicy(layers: PolicyLayers): EffectivePolicy {
  const values: Policy = { ...DEFAULT_POLICY };
  const sources: Record<string, PolicySource> = Object.fromEntries(Object.keys(values).map((k) => [k, 'default']));
  const refused: EffectivePolicy['refused'] = [];
  for (const source of ['server', 'machine', 'user'] as const) {
    const raw = layers[source];
    if (raw === undefined || raw === null) continue;
    const parsed = PolicyLayer.safeParse(raw);
    if (!parsed.success) {
      const keys = typeof raw === 'object' ? Object.keys(raw as object) : ['(layer)'];
      for (const key of keys.slice(0, 20)) refused.push({ key: key.slice(0, 60), source });
      continue;
    }
    for (const [key, value] of Object.entries(parsed.data) as Array<[PolicyKey, Policy[PolicyKey]]>) {
      if (value === undefined) continue;
      if (isStricterOrEqual(key, value, values[key])) {
        (values as Record<PolicyKey, unknown>)[key] = value;
        if (value !== DEFAULT_POLICY[key] || sources[key] !== 'default') sources[key] = source;
      } else {
        refused.push({ key, source });
      }
    }
  }
  return { values: Policy.parse(values), sources, refused };
}

/** The idle timeout that applies right now (kiosks use their own, shorter one). */
export const idleTimeoutMs = (p: Policy): number => (p.kiosk ? Math.min(p.kioskIdleTimeoutMinutes, p.idleTimeoutMinutes) : p.idleTimeoutMinutes) * 60_000;
