import { createHash } from 'node:crypto';
import type tls from 'node:tls';
import { child, children, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

/** XEP-0440: the server names the channel-binding types it supports. */
export const NS_SASL_CB = 'urn:xmpp:sasl-cb:0';

/**
 * Channel-binding data for one TLS connection: proof, inside SCRAM-*-PLUS, that the TLS session
 * we authenticate over is the one the server terminates (no relay in between).
 * tls-exporter (RFC 9266, TLS 1.3), tls-unique (RFC 5929: our Finished message; see bindingTypesFor
 * for TLS 1.3), tls-server-end-point (RFC 5929). Returns undefined when this connection cannot
 * produce the type.
 */
export function channelBindingData(socket: tls.TLSSocket, type: string): Buffer | undefined {
  const version = socket.getProtocol();
  switch (type) {
    case 'tls-exporter':
      return version === 'TLSv1.3' ? socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0)) : undefined;
    case 'tls-unique':
      // Our Finished message is the first one of a full handshake (we never resume TLS sessions).
      return version === 'TLSv1.2' || version === 'TLSv1.3' ? socket.getFinished() : undefined;
    case 'tls-server-end-point': {
      const raw = socket.getPeerCertificate().raw as Buffer | undefined;
      return raw === undefined ? undefined : createHash(endPointHash(raw)).update(raw).digest();
    }
    default:
      return undefined;
  }
}

/**
 * The type to bind with, best first: what the server announces (XEP-0440); else tls-unique, the
 * RFC 5802 default and the only type the servers clinics run implement (Prosody 0.12 over TLS 1.2;
 * ejabberd 23.01 over 1.2 and 1.3, where it takes the client's Finished message, as we do).
 * RFC 9266 would default to tls-exporter on TLS 1.3, which those servers refuse.
 */
export function bindingTypesFor(features: XmlElement): string[] {
  const announced = child(features, 'sasl-channel-binding', NS_SASL_CB);
  const preference = ['tls-exporter', 'tls-server-end-point', 'tls-unique'];
  if (announced !== undefined) {
    const offered = new Set(children(announced, 'channel-binding').map((c) => c.attrs.type ?? ''));
    return preference.filter((t) => offered.has(t));
  }
  return ['tls-unique'];
}

// RFC 5929 §4.1: the certificate's own signature hash, with MD5 and SHA-1 replaced by SHA-256.
const SIGNATURE_HASH: ReadonlyArray<readonly [string, string]> = [
  ['2a864886f70d01010c', 'sha384'], // sha384WithRSAEncryption
  ['2a864886f70d01010d', 'sha512'], // sha512WithRSAEncryption
  ['2a8648ce3d040303', 'sha384'], // ecdsa-with-SHA384
  ['2a8648ce3d040304', 'sha512'], // ecdsa-with-SHA512
];

/** Reads Certificate.signatureAlgorithm's OID from the DER (the element after tbsCertificate). */
function endPointHash(der: Buffer): string {
  try {
    const header = (at: number): { body: number; end: number } => {
      let len = der[at + 1]!;
      let body = at + 2;
      if (len & 0x80) {
        const n = len & 0x7f;
        len = 0;
        for (let i = 0; i < n; i++) len = len * 256 + der[body + i]!;
        body += n;
      }
      return { body, end: body + len };
    };
    const cert = header(0);
    const tbs = header(cert.body);
    const sigAlg = header(tbs.end);
    const oid = header(sigAlg.body);
    const hex = der.subarray(oid.body, oid.end).toString('hex');
    return SIGNATURE_HASH.find(([prefix]) => hex === prefix)?.[1] ?? 'sha256';
  } catch {
    return 'sha256';
  }
}
