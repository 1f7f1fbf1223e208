import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../electron/core/messaging/backoff.ts';
import { StreamParser } from '../../node-shared/xmpp/stream-parser.ts';
import { SmState } from '../../electron/core/messaging/stream-management.ts';
import { child, el, NS_CLIENT, text, toXml, type XmlElement } from '../../node-shared/xmpp/xml.ts';

const collect = () => {
  const got = { opened: 0, elements: [] as XmlElement[], closed: 0, errors: [] as string[], refused: [] as string[] };
  const parser = new StreamParser({
    open: () => got.opened++,
    element: (e) => got.elements.push(e),
    refused: (top, reason) => got.refused.push(`${top.name}:${reason}`),
    close: () => got.closed++,
    error: (r) => got.errors.push(r),
  });
  return { got, parser };
};

const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x' version='1.0'>";

describe('XML stream parser', () => {
  it('delivers top-level stanzas from arbitrary chunks with namespaces resolved', () => {
    const { got, parser } = collect();
    const wire = `${HEADER}<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features><message from='a@b/c' id='1'><body>x &amp; &lt;y&gt; ü</body></message> </stream:stream>`;
    for (let i = 0; i < wire.length; i += 7) parser.write(wire.slice(i, i + 7));
    expect(got.opened).toBe(1);
    expect(got.elements.map((e) => `${e.xmlns}|${e.name}`)).toEqual([
      'http://etherx.jabber.org/streams|features',
      'jabber:client|message',
    ]);
    expect(child(got.elements[0]!, 'starttls', 'urn:ietf:params:xml:ns:xmpp-tls')).toBeDefined();
    expect(text(child(got.elements[1]!, 'body'))).toBe('x & <y> ü');
    expect(got.closed).toBe(1);
    expect(got.errors).toEqual([]);
  });

  it('refuses a DOCTYPE (no entity tricks) and malformed XML, once', () => {
    const a = collect();
    a.parser.write(`<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e "boom">]>${HEADER}`);
    expect(a.got.errors.length).toBe(1);
    const b = collect();
    b.parser.write(`${HEADER}<message><body></message>`);
    b.parser.write('<more/>');
    expect(b.got.errors.length).toBe(1);
    expect(b.got.elements).toEqual([]);
  });

  it('tears down on an oversized stanza instead of buffering it', () => {
    const { got, parser } = collect();
    parser.write(`${HEADER}<message><body>`);
    const chunk = 'a'.repeat(64 * 1024);
    for (let i = 0; i < 40; i++) parser.write(chunk);
    expect(got.errors).toEqual(['stanza-too-large']);
  });

  it('takes a 255 KiB body wrapped in an archive result (what a server relays), refuses 1 MiB', () => {
    const ok = collect();
    const body = 'b'.repeat(255 * 1024);
    ok.parser.write(`${HEADER}<message><result xmlns='urn:xmpp:mam:2'><forwarded xmlns='urn:xmpp:forward:0'><message><body>${body}</body></message></forwarded></result></message>`);
    expect(ok.got.errors).toEqual([]);
    expect(ok.got.elements).toHaveLength(1);
    const big = collect();
    big.parser.write(`${HEADER}<message><body>${'b'.repeat(1024 * 1024)}</body></message>`);
    expect(big.got.errors).toEqual(['stanza-too-large']);
  });

  it('drops a stanza nested deeper than 32 or with more than 64 attributes, unbuilt, and goes on', () => {
    const { got, parser } = collect();
    const deep = `${'<x>'.repeat(40)}${'</x>'.repeat(40)}`;
    const ok31 = `${'<x>'.repeat(31)}${'</x>'.repeat(31)}`;
    const attrs = Array.from({ length: 65 }, (_, i) => `a${i}='v'`).join(' ');
    parser.write(`${HEADER}<message id='deep'><body>hi</body>${deep}</message><message id='ok'>${ok31}</message>`);
    parser.write(`<iq id='wide' type='get'><query ${attrs}/></iq><presence id='after'/>`);
    expect(got.refused).toEqual(['message:depth', 'iq:attributes']);
    expect(got.elements.map((e) => e.attrs.id)).toEqual(['ok', 'after']);
    expect(got.errors).toEqual([]);
  });
});

describe('XML serialisation', () => {
  it('escapes text and attributes and strips characters XML cannot carry', () => {
    const m = el('message', NS_CLIENT, { to: `a"b'<c>` }, el('body', NS_CLIENT, {}, 'x<y>&z\u0001'), el('meta', 'urn:sealwire:meta:0', { p: '1' }));
    expect(toXml(m)).toBe(
      `<message to="a&quot;b&apos;&lt;c&gt;"><body>x&lt;y&gt;&amp;z</body><meta xmlns="urn:sealwire:meta:0" p="1"/></message>`,
    );
  });

  it('round-trips through the parser', () => {
    const m = el('message', NS_CLIENT, { id: 'q' }, el('body', NS_CLIENT, {}, 'line1\nline2 <&>'));
    const { got, parser } = collect();
    parser.write(HEADER + toXml(m));
    expect(text(child(got.elements[0]!, 'body'))).toBe('line1\nline2 <&>');
  });
});

describe('stream management counters', () => {
  const m = (id: string) => el('message', NS_CLIENT, { id });

  it('acknowledges in order and keeps the rest for resend', () => {
    const sm = new SmState();
    sm.begin('s1', true);
    sm.sent(m('1'));
    sm.sent(m('2'));
    sm.sent(m('3'));
    expect(sm.ack(2).map((s) => s.attrs.id)).toEqual(['1', '2']);
    expect(sm.unacked.map((s) => s.attrs.id)).toEqual(['3']);
    expect(sm.ack(2)).toEqual([]);
    expect(sm.ack(3).map((s) => s.attrs.id)).toEqual(['3']);
  });

  it('treats an ack for more than was sent as a protocol error (the over-ack pitfall)', () => {
    const sm = new SmState();
    sm.begin('s1', true);
    sm.sent(m('1'));
    expect(() => sm.ack(2)).toThrow('sm-over-ack');
    expect(() => sm.ack(-1)).toThrow();
  });

  it('wraps h at 2^32', () => {
    const sm = new SmState();
    sm.begin('s1', true);
    for (let i = 0; i < 3; i++) sm.sent(m(String(i)));
    // pretend the counter is near the top: ack numbers are modular
    (sm as unknown as { ackedH: number }).ackedH = 2 ** 32 - 1;
    expect(sm.ack(1).length).toBe(2);
  });

  it('counts inbound stanzas for <a h/> and resets on a new session', () => {
    const sm = new SmState();
    sm.begin('s1', true);
    sm.received();
    sm.received();
    expect(sm.inbound).toBe(2);
    sm.sent(m('x'));
    expect(sm.reset().length).toBe(1);
    expect(sm.canResume).toBe(false);
    expect(sm.inbound).toBe(0);
  });
});

describe('reconnect backoff', () => {
  it('grows exponentially, is jittered and capped', () => {
    const opts = { baseMs: 500, maxMs: 60_000 };
    expect(backoffDelay(0, { ...opts, random: () => 0 })).toBe(250);
    expect(backoffDelay(0, { ...opts, random: () => 1 })).toBe(500);
    expect(backoffDelay(3, { ...opts, random: () => 1 })).toBe(4_000);
    expect(backoffDelay(40, { ...opts, random: () => 1 })).toBe(60_000);
    expect(backoffDelay(40, { ...opts, random: () => 0 })).toBe(30_000);
    const seen = new Set(Array.from({ length: 20 }, () => backoffDelay(5, opts)));
    expect(seen.size).toBeGreaterThan(1);
  });
});
