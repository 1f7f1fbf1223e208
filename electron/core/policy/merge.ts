import {
  DEFAULT_ORGANISATION,
  DEFAULT_POLICY,
  MANAGED_KEYS,
  Organisation,
  Policy,
  POLICY_KEYS,
  type EffectivePolicy,
  type ManagedKey,
  type PolicySource,
} from '../../../shared/contract/policy.ts';
import type { Stricter } from '../../../shared/contract/managed-keys.ts';

type Refusal = EffectivePolicy['refused'][number];

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((item) => b.includes(item));

/** Whether `next` is at least as strict as `current` for a key tightening in `direction`. */
export function isStricterOrEqual(direction: Stricter, next: unknown, current: unknown, order: readonly string[] = []): boolean {
  switch (direction) {
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
    case 'order':
      return order.indexOf(next as string) <= order.indexOf(current as string);
    case 'subset':
      return current === null || (next !== null && (next as string[]).every((item) => (current as string[]).includes(item)));
    case 'fixed':
      if (current === null) return true;
      return Array.isArray(next) && Array.isArray(current) ? sameList(next as string[], current as string[]) : next === current;
  }
}

export interface PolicyLayers {
  readonly server?: unknown;
  readonly machine?: unknown;
  readonly user?: unknown;
}

export interface ManagedMerge {
  /** The policy keys, with who decided each and what was refused (every key, names only). */
  readonly policy: EffectivePolicy;
  readonly organisation: { readonly values: Organisation; readonly sources: Record<string, PolicySource> };
}

const isKey = (key: string): key is ManagedKey => Object.hasOwn(MANAGED_KEYS, key);

/**
 * Effective managed configuration: safe defaults, tightened by the organisation's server policy,
 * then by machine-managed policy, then by the staff member's own choices. Each value is checked on
 * its own: an invalid, unknown or loosening value is refused whole and reported (names only), and
 * the key keeps the stricter value it had. One bad value never voids the rest of a layer (that
 * would loosen every other key back to its default).
 */
export function mergeManaged(layers: PolicyLayers): ManagedMerge {
  const values: Record<string, unknown> = { ...DEFAULT_ORGANISATION, ...DEFAULT_POLICY };
  const sources: Record<string, PolicySource> = Object.fromEntries(Object.keys(values).map((k) => [k, 'default']));
  const refused: Refusal[] = [];
  const refuse = (key: string, source: PolicySource, reason: Refusal['reason']) => {
    if (refused.length < 100) refused.push({ key: key.slice(0, 60), source, reason });
  };
  for (const source of ['server', 'machine', 'user'] as const) {
    const raw = layers[source];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      refuse('(layer)', source, 'invalid');
      continue;
    }
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (!isKey(key)) {
        // A typo'd setting name helps the admin; anything that is not name-shaped is not echoed.
        refuse(/^[A-Za-z][A-Za-z0-9_.\\-]{0,59}$/.test(key) ? key : '(unknown key)', source, 'unknown');
        continue;
      }
      const spec = MANAGED_KEYS[key];
      const parsed = spec.schema.safeParse(value);
      if (!parsed.success) {
        refuse(key, source, 'invalid');
        continue;
      }
      const order = spec.kind === 'choice' ? spec.values : [];
      const organisationChoice = spec.security === false && source !== 'user' && sources[key] === 'default';
      const allowed = !(spec.stricter === 'fixed' && source === 'user') && (organisationChoice || isStricterOrEqual(spec.stricter, parsed.data, values[key], order));
      if (!allowed) {
        refuse(key, source, 'looser');
        continue;
      }
      values[key] = parsed.data;
      // Whoever sets a key decides it, even at the default: staff see it as managed, not theirs.
      sources[key] = source;
    }
  }
  const pick = (keys: object) => Object.fromEntries(Object.keys(keys).map((k) => [k, values[k]]));
  const sourcesOf = (keys: object) => Object.fromEntries(Object.keys(keys).map((k) => [k, sources[k] ?? 'default']));
  return {
    policy: { values: Policy.parse(pick(POLICY_KEYS)), sources: sourcesOf(POLICY_KEYS), refused },
    organisation: { values: Organisation.parse(pick(DEFAULT_ORGANISATION)), sources: sourcesOf(DEFAULT_ORGANISATION) },
  };
}

/** The policy keys alone (what the renderer and the session see). */
export const mergePolicy = (layers: PolicyLayers): EffectivePolicy => mergeManaged(layers).policy;

/** The idle timeout that applies right now (kiosks use their own, shorter one). */
export const idleTimeoutMs = (p: Policy): number => (p.kiosk ? Math.min(p.kioskIdleTimeoutMinutes, p.idleTimeoutMinutes) : p.idleTimeoutMinutes) * 60_000;
