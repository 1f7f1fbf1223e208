/**
 * A minimal XML element model for XMPP stanzas: namespace-resolved names, text escaped on output.
 * Built by the stream parser and by the `el()` helper; serialised with `toXml()`.
 */
export interface XmlElement {
  readonly name: string;
  readonly xmlns: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: ReadonlyArray<XmlElement | string>;
}

export const NS_CLIENT = 'jabber:client';
export const NS_STREAM = 'http://etherx.jabber.org/streams';

type Child = XmlElement | string | null | undefined | false;

/** Build an element; attributes with undefined values are dropped, falsy children skipped. */
export function el(
  name: string,
  xmlns: string,
  attrs: Record<string, string | number | undefined> = {},
  ...children: Child[]
): XmlElement {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined) clean[key] = String(value);
  const kids: Array<XmlElement | string> = [];
  for (const child of children) if (child !== null && child !== undefined && child !== false) kids.push(child);
  return { name, xmlns, attrs: clean, children: kids };
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}

// XML 1.0 forbids most control characters even escaped; strip them so a hostile or broken body
// cannot make our own output kill the stream.
// eslint-disable-next-line no-control-regex -- the point is to name the control characters XML allows
const INVALID_XML_CHARS = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function toXml(element: XmlElement, parentNs: string = NS_CLIENT): string {
  let out = `<${element.name}`;
  if (element.xmlns !== parentNs) out += ` xmlns="${escapeXml(element.xmlns)}"`;
  for (const [key, value] of Object.entries(element.attrs)) out += ` ${key}="${escapeXml(value.replace(INVALID_XML_CHARS, ''))}"`;
  if (element.children.length === 0) return `${out}/>`;
  out += '>';
  for (const child of element.children) {
    out += typeof child === 'string' ? escapeXml(child.replace(INVALID_XML_CHARS, '')) : toXml(child, element.xmlns);
  }
  return `${out}</${element.name}>`;
}

export function child(element: XmlElement, name: string, xmlns?: string): XmlElement | undefined {
  for (const c of element.children) {
    if (typeof c !== 'string' && c.name === name && (xmlns === undefined || c.xmlns === xmlns)) return c;
  }
  return undefined;
}

export function children(element: XmlElement, name?: string, xmlns?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of element.children) {
    if (typeof c === 'string') continue;
    if ((name === undefined || c.name === name) && (xmlns === undefined || c.xmlns === xmlns)) out.push(c);
  }
  return out;
}

export function text(element: XmlElement | undefined): string {
  if (element === undefined) return '';
  let out = '';
  for (const c of element.children) out += typeof c === 'string' ? c : text(c);
  return out;
}

export function childText(element: XmlElement, name: string, xmlns?: string): string | undefined {
  const found = child(element, name, xmlns);
  return found === undefined ? undefined : text(found);
}
