import net from 'node:net';
import tls from 'node:tls';

/**
 * Just enough XMPP for the fixture itself (readiness, account creation); the real client is the
 * messaging engine. Replies are matched with simple patterns: only Prosody on loopback answers here.
 */
export interface WireTarget {
  readonly host: string;
  readonly port: number;
  readonly domain: string;
  /** Present: connect with TLS from the first byte (XEP-0368), trusting only this CA. */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

export function xmlEscape(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function streamHeader(domain: string): string {
  return (
    `<?xml version='1.0'?><stream:stream to='${xmlEscape(domain)}' xmlns='jabber:client' ` +
    `xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`
  );
}

/** A connected socket with a reader that waits for a pattern in everything received so far. */
export interface WireSession {
  readonly socket: net.Socket | tls.TLSSocket;
  send(data: string): void;
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  close(): void;
}

export async function openWire(target: WireTarget): Promise<WireSession> {
  const timeoutMs = target.timeoutMs ?? 5_000;
  const socket: net.Socket | tls.TLSSocket =
    target.ca === undefined
      ? net.connect({ host: target.host, port: target.port })
      : tls.connect({ host: target.host, port: target.port, servername: target.domain, ca: target.ca });
  let received = '';
  let failure: Error | null = null;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
    wake();
  });
  socket.on('error', (err) => {
    failure = err;
    wake();
  });
  socket.on('close', () => {
    failure ??= new Error('connection closed by server');
    wake();
  });
  socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));

  await new Promise<void>((resolve, reject) => {
    socket.once(target.ca === undefined ? 'connect' : 'secureConnect', () => resolve());
    socket.once('error', reject);
  });

  return {
    socket,
    send: (data) => void socket.write(data),
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(received);
          if (match) {
            waiters.delete(check);
            resolve(match);
          } else if (failure) {
            waiters.delete(check);
            reject(failure);
          }
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      // A polite close (stream end, TLS close_notify) keeps Prosody's log free of EOF noise.
      if (!socket.destroyed) socket.end('</stream:stream>');
      setTimeout(() => socket.destroy(), 1_000).unref();
    },
  };
}

/** Opens a stream and returns the server's <stream:features/> element as text. */
export async function readStreamFeatures(target: WireTarget): Promise<string> {
  const wire = await openWire(target);
  try {
    wire.send(streamHeader(target.domain));
    const [features] = await wire.waitFor(/<stream:features[\s\S]*?(<\/stream:features>|<stream:features\/>)/);
    return features;
  } finally {
    wire.close();
  }
}

/** XEP-0077 in-band registration over a direct-TLS stream. */
export async function registerInBand(
  target: WireTarget & { ca: string },
  username: string,
  password: string,
): Promise<void> {
  const wire = await openWire(target);
  try {
    wire.send(streamHeader(target.domain));
    await wire.waitFor(/<\/stream:features>/);
    wire.send(
      `<iq type='set' id='sealwire-reg'><query xmlns='jabber:iq:register'>` +
        `<username>${xmlEscape(username)}</username><password>${xmlEscape(password)}</password></query></iq>`,
    );
    const [reply] = await wire.waitFor(/<iq\b[^>]*\bid=['"]sealwire-reg['"][^>]*(\/>|>[\s\S]*?<\/iq>)/);
    if (/\btype=['"]result['"]/.test(reply)) return;
    const condition = /<([a-z-]+) xmlns=['"]urn:ietf:params:xml:ns:xmpp-stanzas['"]/.exec(reply)?.[1] ?? 'unknown';
    const text = /<text[^>]*>([\s\S]*?)<\/text>/.exec(reply)?.[1];
    throw new Error(
      condition === 'conflict'
        ? `Prosody refused to register "${username}": the account already exists`
        : `Prosody refused to register "${username}": ${condition}${text ? ` (${text})` : ''}`,
    );
  } finally {
    wire.close();
  }
}

/**
 * STARTTLS on a plain c2s port: returns the features seen before TLS and after it (trusting only `ca`).
 */
export async function readFeaturesAroundStartTls(
  target: WireTarget & { ca: string },
): Promise<{ before: string; after: string; authorized: boolean }> {
  const plain = await openWire({ ...target, ca: undefined });
  try {
    plain.send(streamHeader(target.domain));
    const [before] = await plain.waitFor(/<stream:features[\s\S]*?<\/stream:features>/);
    plain.send(`<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`);
    await plain.waitFor(/<proceed\b/);
    const secure = tls.connect({ socket: plain.socket, servername: target.domain, ca: target.ca });
    const authorized = await new Promise<boolean>((resolve, reject) => {
      secure.once('secureConnect', () => resolve(secure.authorized));
      secure.once('error', reject);
    });
    secure.setEncoding('utf8');
    let received = '';
    const after = await new Promise<string>((resolve, reject) => {
      secure.on('data', (chunk: string) => {
        received += chunk;
        const match = /<stream:features[\s\S]*?<\/stream:features>/.exec(received);
        if (match) resolve(match[0]);
      });
      secure.once('error', reject);
      secure.once('close', () => reject(new Error('connection closed by server')));
      secure.write(streamHeader(target.domain));
    });
    secure.end('</stream:stream>');
    return { before, after, authorized };
  } finally {
    plain.close();
  }
}

/**
 * Checks a password with SASL PLAIN inside direct TLS. Fixture self-checks only: the engine itself
 * prefers SCRAM and never sends PLAIN unless policy allows it.
 */
export async function checkPasswordOverTls(
  target: WireTarget & { ca: string },
  username: string,
  password: string,
): Promise<boolean> {
  const wire = await openWire(target);
  try {
    wire.send(streamHeader(target.domain));
    await wire.waitFor(/<\/stream:features>/);
    const payload = Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64');
    wire.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${payload}</auth>`);
    const [reply] = await wire.waitFor(/<(success|failure)\b/);
    return reply === '<success';
  } finally {
    wire.close();
  }
}
