/**
 * Just enough MIME to read what nodemailer writes (multipart/alternative, quoted-printable or
 * base64, RFC 2047 subjects) so the demo's "patient phone" and the tests can show the words a
 * patient would see. Not a general mail parser: the sinks only ever receive our own mail.
 */
export interface DecodedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly headers: ReadonlyMap<string, string>;
}

function splitHead(raw: string): { head: Map<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const headText = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at + 4);
  const head = new Map<string, string>();
  for (const line of headText.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) head.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { head, body };
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodePart(head: Map<string, string>, body: string): string {
  const encoding = (head.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_m, kind: string, data: string) =>
    kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

export function decodeMail(raw: string): DecodedMail {
  const { head, body } = splitHead(raw);
  let text = '';
  let html = '';
  const visit = (partHead: Map<string, string>, partBody: string): void => {
    const type = partHead.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (type.toLowerCase().startsWith('multipart/') && boundary !== undefined) {
      for (const chunk of partBody.split(`--${boundary}`).slice(1)) {
        if (chunk.startsWith('--')) break;
        const inner = splitHead(chunk.replace(/^\r\n/, ''));
        visit(inner.head, inner.body.replace(/\r\n$/, ''));
      }
    } else if (type.toLowerCase().startsWith('text/html')) {
      html += decodePart(partHead, partBody);
    } else if (type.toLowerCase().startsWith('text/plain')) {
      text += decodePart(partHead, partBody);
    }
  };
  visit(head, body);
  return { subject: decodeWords(head.get('subject') ?? ''), text: text.replace(/\r\n/g, '\n'), html, headers: head };
}
