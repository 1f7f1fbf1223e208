import type { EffectivePolicy, Organisation, Policy } from '../../../shared/contract/policy.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log/logger.ts';
import { mergeManaged, type ManagedMerge, type PolicyLayers } from './merge.ts';

/** The layers read on this machine: machine-wide policy and the OS user's own (HKCU; may only tighten). */
export type LocalLayers = Pick<PolicyLayers, 'machine' | 'user'>;

/** What changed between two merges: key names only, never values. */
export interface ManagedChange {
  readonly keys: readonly string[];
  readonly organisationChanged: boolean;
}

/**
 * Holds the effective managed configuration (policy keys and organisation settings) and
 * recomputes it when a layer changes: a server policy fetched or pushed, the machine's sources
 * re-read (an admin's "policy refresh" command, or main's periodic re-read).
 */
export class PolicyService {
  private layers: PolicyLayers;
  private merged: ManagedMerge;
  private readonly events: CoreEvents;
  private readonly log: Logger;
  private readonly watchers = new Set<(values: Policy) => void>();
  private readonly changeWatchers = new Set<(change: ManagedChange) => void>();
  private readonly readLocal: () => LocalLayers;

  /** `readLocal` re-reads this machine's managed sources (registry, managed preferences, policy file). */
  constructor(layers: PolicyLayers, events: CoreEvents, log: Logger, readLocal: () => LocalLayers = () => ({ machine: layers.machine, user: layers.user })) {
    this.layers = layers;
    this.readLocal = readLocal;
    this.events = events;
    this.log = log;
    this.merged = mergeManaged(layers);
    this.report();
  }

  get current(): EffectivePolicy {
    return this.merged.policy;
  }

  get values(): Policy {
    return this.merged.policy.values;
  }

  /** Server, CA, pins, admin and audit addresses as the managed sources say now. */
  get organisation(): Organisation {
    return this.merged.organisation.values;
  }

  /** True when a server or machine source set any organisation setting (trust comes from IT, not a profile's copy). */
  get organisationManaged(): boolean {
    return Object.values(this.merged.organisation.sources).some((source) => source === 'server' || source === 'machine');
  }

  /** The layer an admin published on the organisation's server, as last applied. */
  get serverLayer(): unknown {
    return this.layers.server;
  }

  /** Session, vault and messaging re-read their limits here when policy changes. */
  watch(watcher: (values: Policy) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Every change of any managed value (policy or organisation), by key name: audit and live re-application. */
  onChange(watcher: (change: ManagedChange) => void): () => void {
    this.changeWatchers.add(watcher);
    return () => this.changeWatchers.delete(watcher);
  }

  /** Re-reads this machine's sources. */
  refresh(): void {
    this.setLayers(this.readLocal());
  }

  setLayer(source: keyof PolicyLayers, layer: unknown): void {
    this.setLayers({ [source]: layer });
  }

  private setLayers(next: Partial<PolicyLayers>): void {
    const before = this.merged;
    this.layers = { ...this.layers, ...next };
    this.merged = mergeManaged(this.layers);
    this.report();
    const policyKeys = changedKeys(before.policy.values, this.merged.policy.values);
    const organisationKeys = changedKeys(before.organisation.values, this.merged.organisation.values);
    if (policyKeys.length === 0 && organisationKeys.length === 0) return;
    if (policyKeys.length > 0) {
      this.events.emit('policy.changed', this.merged.policy);
      for (const watcher of this.watchers) watcher(this.merged.policy.values);
    }
    const change = { keys: [...organisationKeys, ...policyKeys], organisationChanged: organisationKeys.length > 0 };
    this.log.info('policy.changed', { keys: change.keys.join(',') });
    for (const watcher of this.changeWatchers) watcher(change);
  }

  private report(): void {
    for (const refused of this.merged.policy.refused) this.log.warn('policy.value_refused', { key: refused.key, source: refused.source, reason: refused.reason });
  }
}

function changedKeys(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return Object.keys(b).filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}
