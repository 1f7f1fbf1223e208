import type { EngineContext } from './context.ts';
import { bareJid } from '../../../node-shared/xmpp/stanzas.ts';
import { LIMITS, wireField } from '../../../node-shared/xmpp/wire-bounds.ts';
import { child, childText, children, el, NS_CLIENT, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

const NS_ROSTER = 'jabber:iq:roster';
const NS_PING = 'urn:xmpp:ping';
const SHOW: ReadonlySet<string> = new Set(['away', 'chat', 'dnd', 'xa']);

/** The roster (contacts and their names), colleagues' presence, and the IQs a client must answer. */
export class Roster {
  private readonly ctx: EngineContext;

  constructor(ctx: EngineContext) {
    this.ctx = ctx;
  }

  /** A new session: fetch the roster. */
  fetch(): void {
    void this.ctx
      .request(el('iq', NS_CLIENT, { type: 'get', id: this.ctx.newId() }, el('query', NS_ROSTER)))
      .then((answer) => this.apply(answer))
      .catch((err: unknown) => this.ctx.log.warn('messaging.roster_failed', { error: err }));
  }

  presence(presence: XmlElement): void {
    const from = bareJid(presence.attrs.from ?? '');
    if (from === '' || from === this.ctx.ownBare || presence.attrs.type === 'error') return;
    if (presence.attrs.type !== undefined && presence.attrs.type !== 'unavailable') return;
    // Presence off: who is online is neither recorded nor shown.
    if (!this.ctx.controls().presence) return;
    // Only the RFC 6121 values: a status is never free text from the wire.
    const show = childText(presence, 'show', NS_CLIENT) ?? '';
    const state = presence.attrs.type === 'unavailable' ? 'unavailable' : SHOW.has(show) ? show : 'available';
    this.ctx.store.upsertContact({ jid: from.slice(0, LIMITS.jid), presence: state, presenceAt: this.ctx.now() });
  }

  iq(stanza: XmlElement): void {
    const { manager } = this.ctx;
    if (this.ctx.iq.handle(stanza)) return;
    const type = stanza.attrs.type;
    if (type !== 'get' && type !== 'set') return;
    const reply = { to: stanza.attrs.from, id: stanza.attrs.id };
    if (type === 'get' && child(stanza, 'ping', NS_PING) !== undefined) {
      manager.send(el('iq', NS_CLIENT, { ...reply, type: 'result' }));
      return;
    }
    const fromServer = stanza.attrs.from === undefined || bareJid(stanza.attrs.from) === this.ctx.ownBare;
    // Roster pushes count only from our own account (RFC 6121 §2.1.6); anyone else is spoofing one.
    if (type === 'set' && fromServer && child(stanza, 'query', NS_ROSTER) !== undefined) {
      this.apply(stanza);
      manager.send(el('iq', NS_CLIENT, { ...reply, type: 'result' }));
      return;
    }
    this.ctx.refuseIq(stanza);
  }

  private apply(stanza: XmlElement): void {
    for (const item of children(child(stanza, 'query', NS_ROSTER) ?? stanza, 'item')) {
      const jid = bareJid(item.attrs.jid ?? '');
      if (jid === '' || item.attrs.subscription === 'remove') continue;
      this.ctx.store.upsertContact({ jid: jid.slice(0, LIMITS.jid), displayName: wireField(item.attrs.name, 200) });
    }
  }
}
