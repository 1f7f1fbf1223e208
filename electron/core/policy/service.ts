import type { EffectivePolicy, Organisation, Policy } from '../../../shared/contract/policy.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log/logger.ts';
import { mergeManaged, mergePolicy, type PolicyLayers } from './merge.ts';

/** Holds the effective policy and recomputes it when a layer changes (server refresh, machine re-read). */
export class PolicyService {
  private layers: PolicyLayers;
  private effective: EffectivePolicy;
  private readonly events: CoreEvents;
  private readonly log: Logger;
  private readonly watchers = new Set<(values: Policy) => void>();

  private readonly readMachine: () => unknown;

  /** `readMachine` re-reads machine-managed policy (an admin's "policy refresh" command). */
  constructor(layers: PolicyLayers, events: CoreEvents, log: Logger, readMachine: () => unknown = () => layers.machine) {
    this.layers = layers;
    this.readMachine = readMachine;
    this.events = events;
    this.log = log;
    this.effective = mergePolicy(layers);
    this.report();
  }

  /** The organisation settings as merged now (identity, trust, quick replies). */
  get organisation(): Organisation {
    return mergeManaged(this.layers).organisation.values;
  }

  get current(): EffectivePolicy {
    return this.effective;
  }

  get values(): Policy {
    return this.effective.values;
  }

  /** Session, vault and messaging re-read their limits here when policy changes. */
  watch(watcher: (values: Policy) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  refresh(): void {
    this.setLayer('machine', this.readMachine());
  }

  setLayer(source: keyof PolicyLayers, layer: unknown): void {
    this.layers = { ...this.layers, [source]: layer };
    const before = JSON.stringify(this.effective.values);
    this.effective = mergePolicy(this.layers);
    this.report();
    if (JSON.stringify(this.effective.values) === before) return;
    this.events.emit('policy.changed', this.effective);
    for (const watcher of this.watchers) watcher(this.effective.values);
  }

  private report(): void {
    for (const refused of this.effective.refused) this.log.warn('policy.value_refused', { key: refused.key, source: refused.source, reason: refused.reason });
  }
}
