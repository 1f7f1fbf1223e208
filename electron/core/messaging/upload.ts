import https from 'node:https';
import type { ServerConfig } from './server-config.ts';
import { pinnedIdentityCheck } from './transport.ts';
import { child, children, el, NS_CLIENT, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

export class AttachmentError extends Error {
  override readonly name = 'AttachmentError';
}

export const NS_UPLOAD = 'urn:xmpp:http:upload:0';
export const NS_OOB = 'jabber:x:oob';
export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';

/** Largest attachment we upload or download (the server may set a lower limit). */
export const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024;

export interface UploadSlot {
  readonly put: string;
  readonly get: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface HttpTls {
  /** The organisation CA (PEM); the same trust as the XMPP connection. */
  readonly ca?: string;
  /** The organisation's SPKI pins (base64 SHA-256); the same as the XMPP connection's. */
  readonly pinSha256?: readonly string[];
  /** Dial this host for the XMPP domain's URLs (mirrors ServerConfig.host). */
  readonly hostFor?: (hostname: string) => string;
}

export const buildDiscoItems = (to: string, id: string): XmlElement => el('iq', NS_CLIENT, { type: 'get', to, id }, el('query', NS_DISCO_ITEMS));
export const buildDiscoInfo = (to: string, id: string): XmlElement => el('iq', NS_CLIENT, { type: 'get', to, id }, el('query', NS_DISCO_INFO));

export const buildSlotRequest = (to: string, id: string, fileName: string, size: number, mime: string): XmlElement =>
  el('iq', NS_CLIENT, { type: 'get', to, id }, el('request', NS_UPLOAD, { filename: fileName, size, 'content-type': mime }));

export function parseSlot(result: XmlElement): UploadSlot | null {
  const slot = child(result, 'slot', NS_UPLOAD);
  const put = slot === undefined ? undefined : child(slot, 'put', NS_UPLOAD);
  const get = slot === undefined ? undefined : child(slot, 'get', NS_UPLOAD);
  if (put?.attrs.url === undefined || get?.attrs.url === undefined) return null;
  // Only these headers may be forwarded (XEP-0363 §5); anything else is dropped.
  const allowed = new Set(['authorization', 'cookie', 'expires']);
  const headers: Record<string, string> = {};
  for (const h of children(put, 'header', NS_UPLOAD)) {
    const name = (h.attrs.name ?? '').toLowerCase();
    const value = h.children.filter((c) => typeof c === 'string').join('');
    if (allowed.has(name) && !/[\r\n]/.test(value)) headers[name] = value;
  }
  if (!isHttps(put.attrs.url) || !isHttps(get.attrs.url)) return null;
  return { put: put.attrs.url, get: get.attrs.url, headers };
}

export function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

function requestOptions(url: URL, tlsOpts: HttpTls): https.RequestOptions {
  return {
    protocol: 'https:',
    host: tlsOpts.hostFor?.(url.hostname) ?? url.hostname,
    port: url.port === '' ? 443 : Number(url.port),
    path: `${url.pathname}${url.search}`,
    servername: url.hostname,
    headers: { host: url.host },
    ...(tlsOpts.ca === undefined ? {} : { ca: tlsOpts.ca }),
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    checkServerIdentity: pinnedIdentityCheck(tlsOpts.pinSha256),
    agent: false,
  };
}

/** PUT the file over verified TLS, reporting progress as bytes sent. */
export function httpPut(
  slot: UploadSlot,
  data: Buffer,
  mime: string,
  tlsOpts: HttpTls,
  onProgress?: (sent: number, total: number) => void,
): Promise<void> {
  const url = new URL(slot.put);
  return new Promise((resolve, reject) => {
    const base = requestOptions(url, tlsOpts);
    const req = https.request({
      ...base,
      method: 'PUT',
      headers: { ...base.headers, ...slot.headers, 'content-type': mime, 'content-length': String(data.length) },
      timeout: 60_000,
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('upload-timeout')));
    req.on('response', (res) => {
      res.resume();
      if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) resolve();
      else reject(new Error(`upload-status-${res.statusCode}`));
    });
    const chunk = 64 * 1024;
    let sent = 0;
    const pump = () => {
      while (sent < data.length) {
        const part = data.subarray(sent, sent + chunk);
        sent += part.length;
        onProgress?.(sent, data.length);
        if (!req.write(part)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

/** GET a file over verified TLS, bounded in size. */
export function httpGet(urlText: string, tlsOpts: HttpTls, maxBytes = MAX_ATTACHMENT_BYTES): Promise<Buffer> {
  const url = new URL(urlText);
  return new Promise((resolve, reject) => {
    const req = https.request({ ...requestOptions(url, tlsOpts), method: 'GET', timeout: 60_000 });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('download-timeout')));
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`download-status-${res.statusCode}`));
        return;
      }
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        size += d.length;
        if (size > maxBytes) {
          req.destroy(new Error('download-too-large'));
          return;
        }
        parts.push(d);
      });
      res.on('error', reject);
      res.on('end', () => resolve(Buffer.concat(parts)));
    });
    req.end();
  });
}

export interface UploadService {
  /** TLS for the upload service: the connection's CA, dialled where the XMPP server is. */
  readonly tls: HttpTls;
  /** Attachments are fetched only from our own domain's services: no tracking pixels, no SSRF. */
  trusted(url: string): boolean;
  /** The XEP-0363 service JID (disco, cached; a failure is retried next time). */
  discover(): Promise<string>;
}

export function createUploadService(deps: {
  server: ServerConfig;
  request(stanza: XmlElement): Promise<XmlElement>;
  newId(): string;
}): UploadService {
  const { server } = deps;
  const ours = (hostname: string) => hostname === server.domain || hostname.endsWith(`.${server.domain}`);
  let service: Promise<string> | undefined;
  return {
    tls: {
      ...(server.ca === undefined ? {} : { ca: server.ca }),
      ...(server.pinSha256 === undefined ? {} : { pinSha256: server.pinSha256 }),
      hostFor: (hostname) => (ours(hostname) ? (server.host ?? hostname) : hostname),
    },
    trusted(url) {
      try {
        const u = new URL(url);
        return u.protocol === 'https:' && ours(u.hostname);
      } catch {
        return false;
      }
    },
    discover() {
      service ??= (async () => {
        const items = await deps.request(buildDiscoItems(server.domain, deps.newId()));
        const found = children(child(items, 'query', NS_DISCO_ITEMS) ?? items, 'item').map((i) => i.attrs.jid ?? '');
        for (const jid of [server.domain, ...found].filter((j) => j !== '')) {
          const info = await deps.request(buildDiscoInfo(jid, deps.newId())).catch(() => null);
          const features = info === null ? [] : children(child(info, 'query', NS_DISCO_INFO) ?? info, 'feature');
          if (features.some((f) => f.attrs.var === NS_UPLOAD)) return jid;
        }
        throw new AttachmentError('no-upload-service');
      })();
      service.catch(() => (service = undefined));
      return service;
    },
  };
}
