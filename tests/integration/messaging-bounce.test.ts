import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { createMessagingEngine } from '../../electron/core/messaging/engine.ts';
import { Listeners } from '../../electron/core/messaging/listeners.ts';
import type { ConnectionManager, ConnectionState, OnlineInfo } from '../../electron/core/messaging/manager.ts';
import { el, NS_CLIENT, type XmlElement } from '../../node-shared/xmpp/xml.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';

/**
 * Issue 13, RFC 6120 §8.3.2: only cancel/auth errors fail a message, and the final state does not
 * depend on whether the bounce or the server's stream acknowledgement arrives first. The engine
 * runs over a real encrypted store; the connection is a stand-in we drive (a bounce and an SM ack
 * in either order cannot be ordered on purpose through a real server).
 */
class FakeManager implements ConnectionManager {
  state: ConnectionState = 'online';
  readonly jid = 'me@clinic.test/desk';
  readonly account = 'me@clinic.test';
  readonly server = { domain: 'clinic.test', port: 5222, mode: 'starttls' as const };
  readonly sent: XmlElement[] = [];
  readonly stanzas = new Listeners<XmlElement>();
  readonly acks = new Listeners<readonly XmlElement[]>();
  start(): void {}
  async stop(): Promise<void> {}
  send(stanza: XmlElement): boolean {
    this.sent.push(stanza);
    return true;
  }
  onState = (_l: (s: ConnectionState) => void) => () => {};
  onOnline = (_l: (i: OnlineInfo) => void) => () => {};
  onStanza = (l: (s: XmlElement) => void) => this.stanzas.add(l);
  onAcked = (l: (s: readonly XmlElement[]) => void) => this.acks.add(l);
  setReadBatch(): void {}
  dropSocket(): void {}
  async waitOnline(): Promise<void> {}
}

const stores: Store[] = [];
afterEach(() => vi.useRealTimers());
afterAll(async () => {
  for (const s of stores) s.close();
  await removeTempDirs();
});

function setup() {
  const store = openStore({ file: path.join(makeTempDir('bounce'), 'p.db'), key: randomBytes(32), create: true });
  stores.push(store);
  const manager = new FakeManager();
  const engine = createMessagingEngine({ manager, store, log: silentLogger });
  const message = engine.send({ to: 'you@clinic.test', body: 'lab results' });
  const stanza = manager.sent.find((s) => s.attrs.id === message.clientId)!;
  const ack = () => manager.acks.emit([stanza]);
  const bounce = (type: string | undefined) =>
    manager.stanzas.emit(
      el(
        'message',
        NS_CLIENT,
        { from: 'you@clinic.test', to: manager.jid, type: 'error', id: message.clientId },
        el('error', NS_CLIENT, type === undefined ? {} : { type }, el('resource-constraint', 'urn:ietf:params:xml:ns:xmpp-stanzas')),
      ),
    );
  return { store, manager, engine, message, ack, bounce };
}

describe('stanza errors per RFC 6120, whichever arrives first', () => {
  const cases: Array<[string | undefined, 'sent' | 'failed']> = [
    ['wait', 'sent'],
    ['modify', 'sent'],
    ['continue', 'sent'],
    [undefined, 'sent'],
    ['cancel', 'failed'],
    ['auth', 'failed'],
  ];
  for (const [type, expected] of cases) {
    it(`a ${type ?? 'typeless'} bounce ends ${expected}, before or after the acknowledgement`, () => {
      const ackFirst = setup();
      ackFirst.ack();
      ackFirst.bounce(type);
      const bounceFirst = setup();
      bounceFirst.bounce(type);
      bounceFirst.ack();
      for (const run of [ackFirst, bounceFirst]) {
        expect(run.store.getMessageByClientId(run.message.clientId)?.state).toBe(expected);
        expect(run.store.outboxSize()).toBe(0);
        run.engine.dispose();
      }
    });
  }

  it('after a temporary error the same stanza goes out again later (same id), and stops after a final one', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const run = setup();
    run.bounce('wait');
    run.ack();
    const copies = () => run.manager.sent.filter((s) => s.name === 'message' && s.attrs.id === run.message.clientId).length;
    expect(copies()).toBe(1);
    vi.advanceTimersByTime(30_000);
    expect(copies()).toBe(2);
    run.bounce('cancel');
    expect(run.store.getMessageByClientId(run.message.clientId)?.state).toBe('failed');
    vi.advanceTimersByTime(3_600_000);
    expect(copies()).toBe(2);
    run.engine.dispose();
  });
});
