import type { EngineContext } from './context.ts';
import { NS_DATA } from '../../../node-shared/xmpp/stanzas.ts';
import { LIMITS, wireField } from '../../../node-shared/xmpp/wire-bounds.ts';
import { child, childText, el, NS_CLIENT } from '../../../node-shared/xmpp/xml.ts';

export const NS_NICK = 'http://jabber.org/protocol/nick';
const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';

/**
 * The display name chosen at first sign-in, published as our nickname (XEP-0172, in our PEP with
 * an open access model: colleagues on the organisation's server may read it, as in a directory),
 * and colleagues' nicknames read for anyone the directory does not name. The directory's own
 * names (set by IT) always win.
 */
export class Nicknames {
  private readonly ctx: EngineContext;
  private readonly nick: () => string | null;
  private readonly asked = new Set<string>();

  constructor(ctx: EngineContext, nick: () => string | null) {
    this.ctx = ctx;
    this.nick = nick;
  }

  /** A new session: publish ours (the name may have been chosen on another computer). */
  publish(): void {
    const name = this.nick();
    if (name === null) return;
    const field = (v: string, value: string) => el('field', NS_DATA, { var: v }, el('value', NS_DATA, {}, value));
    const stanza = el(
      'iq',
      NS_CLIENT,
      { type: 'set', id: this.ctx.newId() },
      el(
        'pubsub',
        NS_PUBSUB,
        {},
        el('publish', NS_PUBSUB, { node: NS_NICK }, el('item', NS_PUBSUB, { id: 'current' }, el('nick', NS_NICK, {}, name))),
        el(
          'publish-options',
          NS_PUBSUB,
          {},
          el('x', NS_DATA, { type: 'submit' }, field('FORM_TYPE', 'http://jabber.org/protocol/pubsub#publish-options'), field('pubsub#access_model', 'open')),
        ),
      ),
    );
    void this.ctx.request(stanza, 15_000).catch((err: unknown) => this.ctx.log.warn('messaging.nick_publish_failed', { error: err }));
  }

  /** Learn a colleague's nickname when the directory has no name for them (once per session). */
  lookUp(jid: string): void {
    if (this.asked.has(jid) || this.asked.size > 500) return;
    if (this.ctx.store.getContact(jid)?.displayName) return;
    this.asked.add(jid);
    const stanza = el('iq', NS_CLIENT, { type: 'get', to: jid, id: this.ctx.newId() }, el('pubsub', NS_PUBSUB, {}, el('items', NS_PUBSUB, { node: NS_NICK, max_items: 1 })));
    void this.ctx
      .request(stanza, 15_000)
      .then((answer) => {
        const items = child(child(answer, 'pubsub', NS_PUBSUB) ?? answer, 'items', NS_PUBSUB);
        const item = items === undefined ? undefined : child(items, 'item', NS_PUBSUB);
        const text = item === undefined ? undefined : childText(item, 'nick', NS_NICK);
        const name = wireField(text, LIMITS.displayName);
        // The directory may have named them meanwhile: its name wins.
        if (name !== null && !this.ctx.store.getContact(jid)?.displayName) this.ctx.store.upsertContact({ jid, displayName: name });
      })
      .catch(() => {
        // No nickname published (or not readable): the address stays the name.
      });
  }

  /** A new session: names may have been chosen since. */
  reset(): void {
    this.asked.clear();
  }
}
