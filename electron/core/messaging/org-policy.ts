import type { EngineContext } from './context.ts';
import { bareJid, buildAdminCommand } from '../../../node-shared/xmpp/stanzas.ts';
import { child, childText, el, NS_CLIENT, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

/**
 * The organisation's policy as an admin publishes it: one item on a PEP node of the admin's own
 * account (XEP-0163), readable by anyone on the server (it holds timeouts and limits, no secrets).
 * Workstations fetch it from their organisation's admin addresses whenever they connect, and again
 * when an admin's "policy-refresh" command arrives; the publishing console sends that command to
 * every colleague in the directory, so a change reaches signed-in staff at once.
 */
export const NS_POLICY_NODE = 'urn:sealwire:policy:0';
const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
const NS_DATA = 'jabber:x:data';
const ITEM_ID = 'current';
/** A published policy is a few hundred bytes; anything larger is not ours. */
export const MAX_POLICY_CHARS = 64 * 1024;

const field = (name: string, value: string): XmlElement => el('field', NS_DATA, { var: name }, el('value', NS_DATA, {}, value));

export function buildPolicyPublish(id: string, layer: Record<string, unknown>): XmlElement {
  return el(
    'iq',
    NS_CLIENT,
    { type: 'set', id },
    el(
      'pubsub',
      NS_PUBSUB,
      {},
      el('publish', NS_PUBSUB, { node: NS_POLICY_NODE }, el('item', NS_PUBSUB, { id: ITEM_ID }, el('policy', NS_POLICY_NODE, {}, JSON.stringify(layer)))),
      el(
        'publish-options',
        NS_PUBSUB,
        {},
        el('x', NS_DATA, { type: 'submit' }, field('FORM_TYPE', 'http://jabber.org/protocol/pubsub#publish-options'), field('pubsub#access_model', 'open'), field('pubsub#persist_items', 'true')),
      ),
    ),
  );
}

export const buildPolicyFetch = (adminJid: string, id: string): XmlElement =>
  el('iq', NS_CLIENT, { type: 'get', to: adminJid, id }, el('pubsub', NS_PUBSUB, {}, el('items', NS_PUBSUB, { node: NS_POLICY_NODE, max_items: 1 })));

/** The published layer, or null (no item, not JSON, not an object, too large). Its keys are checked by the merge. */
export function parsePolicyItems(answer: XmlElement): Record<string, unknown> | null {
  const items = child(child(answer, 'pubsub', NS_PUBSUB) ?? answer, 'items', NS_PUBSUB);
  const item = items === undefined ? undefined : child(items, 'item', NS_PUBSUB);
  const text = item === undefined ? undefined : childText(item, 'policy', NS_POLICY_NODE);
  if (text === undefined || text.length > MAX_POLICY_CHARS) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export class OrganisationPolicy {
  private readonly ctx: EngineContext;
  private readonly admins: readonly string[];

  constructor(ctx: EngineContext, adminJids: readonly string[]) {
    this.ctx = ctx;
    this.admins = adminJids.map(bareJid);
  }

  /** Publishes the layer on our own PEP node (the caller checked that we are an admin). */
  async publish(layer: Record<string, unknown>): Promise<void> {
    await this.ctx.request(buildPolicyPublish(this.ctx.newId(), layer));
  }

  /** Asks each colleague's devices to fetch the policy again (they obey only admin addresses). */
  announce(colleagues: readonly string[]): number {
    let sent = 0;
    for (const jid of colleagues) if (this.ctx.manager.send(buildAdminCommand(bareJid(jid), this.ctx.newId(), 'policy-refresh'))) sent++;
    return sent;
  }

  /**
   * The policy published by the first admin address that has one; null when none has (or none
   * answered). Only admin addresses are asked, and the answer must come from the address asked.
   */
  async fetch(): Promise<Record<string, unknown> | null> {
    for (const admin of this.admins) {
      const answer = await this.ctx.request(buildPolicyFetch(admin, this.ctx.newId()), 10_000).catch(() => null);
      if (answer === null || bareJid(answer.attrs.from ?? '') !== admin) continue;
      const layer = parsePolicyItems(answer);
      if (layer !== null) return layer;
    }
    return null;
  }
}
