import https from 'node:https';

export interface FormPost {
  readonly url: URL;
  readonly form: URLSearchParams;
  readonly authorization: string;
  readonly ca?: string;
  readonly timeoutMs: number;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** At most this much of an answer is read: a provider answer is a few hundred bytes. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One form-encoded POST over HTTPS with full certificate checks (an extra CA only when the
 * configuration names one, never "accept any"). Rejects on network, TLS and timeout failures.
 */
export function postForm({ url, form, authorization, ca, timeoutMs }: FormPost): Promise<HttpAnswer> {
  if (url.protocol !== 'https:') return Promise.reject(new Error('provider URLs must be https'));
  const payload = Buffer.from(form.toString(), 'utf8');
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'content-length': String(payload.length),
          accept: 'application/json',
          'user-agent': 'sealwire-gateway',
        },
        ...(ca === undefined ? {} : { ca }),
        minVersion: 'TLSv1.2',
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('provider timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(payload);
  });
}
