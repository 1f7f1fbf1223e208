import { createHash } from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindingTypesFor, channelBindingData } from '../../electron/core/messaging/channel-binding.ts';
import { el } from '../../node-shared/xmpp/xml.ts';
import { makeCertificates } from '../../electron/dev/prosody/certs.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';

// The client's channel-binding data must equal what the TLS server computes for the same
// connection, or every -PLUS sign-in fails. Prosody 0.12 only does tls-unique, so the other two
// types are checked against node's own TLS server on loopback.

let certs: { certPath: string; keyPath: string; caCertPem: string };
beforeAll(async () => {
  certs = await makeCertificates(makeTempDir('channel-binding'), ['localhost']);
});
afterAll(removeTempDirs);

async function pair(maxVersion: tls.SecureVersion): Promise<{ client: tls.TLSSocket; server: tls.TLSSocket; close(): void }> {
  let serverSide: ((s: tls.TLSSocket) => void) | undefined;
  const gotServer = new Promise<tls.TLSSocket>((r) => (serverSide = r));
  const server = tls.createServer({ cert: fs.readFileSync(certs.certPath), key: fs.readFileSync(certs.keyPath), maxVersion }, (s) => serverSide!(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const client = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: certs.caCertPem, maxVersion });
  await new Promise<void>((resolve, reject) => {
    client.once('secureConnect', resolve);
    client.once('error', reject);
  });
  const serverSocket = await gotServer;
  return { client, server: serverSocket, close: () => (client.destroy(), server.close()) };
}

describe('channel-binding data matches the TLS server', () => {
  it('TLS 1.3: tls-exporter equals the server export; tls-server-end-point is the certificate hash; tls-unique is our Finished', async () => {
    const { client, server, close } = await pair('TLSv1.3');
    try {
      expect(channelBindingData(client, 'tls-exporter')).toEqual(server.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0)));
      const der = server.getCertificate() as tls.PeerCertificate;
      expect(channelBindingData(client, 'tls-server-end-point')).toEqual(createHash('sha256').update(der.raw).digest());
      expect(channelBindingData(client, 'tls-unique')).toEqual(server.getPeerFinished());
      // Without an announcement: tls-unique, what Prosody 0.12 and ejabberd 23.01 implement.
      expect(bindingTypesFor(el('features', 'x'))).toEqual(['tls-unique']);
    } finally {
      close();
    }
  });

  it('TLS 1.2: tls-unique is our Finished message as the server saw it; no tls-exporter', async () => {
    const { client, server, close } = await pair('TLSv1.2');
    try {
      expect(channelBindingData(client, 'tls-unique')).toEqual(server.getPeerFinished());
      expect(channelBindingData(client, 'tls-exporter')).toBeUndefined();
    } finally {
      close();
    }
  });

  it('follows the types the server announces (XEP-0440), best first', () => {
    const cb = (type: string) => el('channel-binding', 'urn:xmpp:sasl-cb:0', { type });
    const features = el('features', 'x', {}, el('sasl-channel-binding', 'urn:xmpp:sasl-cb:0', {}, cb('tls-server-end-point'), cb('tls-exporter')));
    expect(bindingTypesFor(features)).toEqual(['tls-exporter', 'tls-server-end-point']);
  });

});
