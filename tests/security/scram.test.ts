import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCredentials } from '../../electron/core/messaging/credential-check.ts';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { serverFor } from '../integration/messaging-support.ts';

// Issue 8 item 6 (SCRAM), against the real Prosody fixture. Prosody 0.12 offers the -PLUS
// mechanisms with tls-unique, which TLS 1.2 defines (1.3 does not), so these servers speak 1.2.

const STAFF = { username: 'nurse', password: 'correct horse battery' };
const TLS12 = 'c2s_ssl = { protocol = "tlsv1_2" }';
const servers: ProsodyHandle[] = [];

async function prosodyWith(extraConfig: string): Promise<ProsodyHandle> {
  const p = await startProsody({ users: [STAFF], mucDomain: false, httpUpload: false, extraConfig });
  servers.push(p);
  return p;
}

let tls12: ProsodyHandle;
beforeAll(async () => {
  tls12 = await prosodyWith(TLS12);
});

afterAll(async () => {
  for (const p of servers) await p.stop();
});

describe('SCRAM against a real Prosody', () => {
  it('binds the sign-in to the TLS channel: SCRAM-SHA-256-PLUS when the server offers it', async () => {
    const used: string[] = [];
    expect(await checkCredentials(serverFor(tls12), STAFF, (m) => used.push(m))).toBe('ok');
    expect(used).toEqual(['SCRAM-SHA-256-PLUS']);
  });

  it('a -PLUS offer stripped on the way is refused: we say we can bind (gs2 "y"), the server ends it, and we call the server insecure', async () => {
    // The server keeps channel binding but no longer lists the -PLUS mechanisms, exactly what a
    // relay that strips them from the features would show us.
    const stripped = await prosodyWith(`${TLS12}\ndisable_sasl_mechanisms = { "SCRAM-SHA-256-PLUS"; "SCRAM-SHA-1-PLUS" }`);
    const used: string[] = [];
    expect(await checkCredentials(serverFor(stripped), STAFF, (m) => used.push(m))).toBe('insecure_server');
    expect(used).toEqual([]);
  });

  it('refuses a server that stores the password with fewer than 4096 PBKDF2 iterations', async () => {
    const weak = await prosodyWith('default_iteration_count = 1000');
    expect(await checkCredentials(serverFor(weak), STAFF)).toBe('insecure_server');
  });

  it('policy may raise the iteration floor (10,000 on the server, 20,000 required: refused)', async () => {
    expect(await checkCredentials(serverFor(tls12, { scramMinIterations: 20_000 }), STAFF)).toBe('insecure_server');
    expect(await checkCredentials(serverFor(tls12, { scramMinIterations: 10_000 }), STAFF)).toBe('ok');
  });
});
