import { SaxesParser, type SaxesTagNS } from 'saxes';
import { NS_STREAM, type XmlElement } from './xml.ts';

export type RefusedReason = 'depth' | 'attributes';

export interface StreamParserEvents {
  open(attrs: Record<string, string>): void;
  element(element: XmlElement): void;
  /** A top-level element was dropped whole because it broke a structural limit (never built). */
  refused(top: { readonly name: string; readonly xmlns: string }, reason: RefusedReason): void;
  close(): void;
  error(reason: string): void;
}

interface Building {
  name: string;
  xmlns: string;
  attrs: Record<string, string>;
  children: Array<XmlElement | string>;
}

/**
 * Largest stanza accepted from the server; beyond it the stream is torn down, not buffered.
 * Servers bound what a client may send (Prosody: 256 KiB), and what reaches us wraps that in a
 * carbon or an archive result, so the bound sits well above it: a legitimate stanza never trips it.
 */
export const MAX_STANZA_CHARS = 1024 * 1024;
/** Our deepest real stanza (a carbon of a message with a receipt) is 6 levels. */
export const MAX_DEPTH = 32;
export const MAX_ATTRIBUTES = 64;

/**
 * Incremental XMPP stream parser: reports the stream header, each top-level element as a tree,
 * and the end of the stream. A DOCTYPE, a processing instruction inside the stream, malformed XML
 * or an oversized stanza is reported once as an error and stops the parser (saxes buffers text
 * until the next tag, so size can only be bounded by ending the stream). An element nested too
 * deep or with too many attributes costs nothing to skip: its whole stanza is dropped unbuilt and
 * reported, and the stream goes on, so a colleague's hostile message cannot keep us offline by
 * being redelivered after every reconnect.
 */
export class StreamParser {
  private readonly parser = new SaxesParser({ xmlns: true, position: false });
  private readonly stack: Building[] = [];
  private skipping: { name: string; xmlns: string; reason: RefusedReason; open: number } | null = null;
  private size = 0;
  private failed = false;
  private streamOpen = false;
  private readonly on: StreamParserEvents;

  constructor(on: StreamParserEvents) {
    this.on = on;
    this.parser.on('doctype', () => this.fail('doctype'));
    this.parser.on('error', (err) => this.fail(err.message));
    this.parser.on('opentag', (tag) => this.open(tag as SaxesTagNS));
    this.parser.on('closetag', () => this.closeTag());
    this.parser.on('text', (t) => this.addText(t));
    this.parser.on('cdata', (t) => this.addText(t));
  }

  write(chunk: string): void {
    if (this.failed) return;
    // saxes buffers text until the next tag, so the bound is on input since the last stanza ended.
    this.size += chunk.length;
    if (this.size > MAX_STANZA_CHARS) {
      this.fail('stanza-too-large');
      return;
    }
    try {
      this.parser.write(chunk);
    } catch (err) {
      this.fail(err instanceof Error ? err.message : 'parse');
    }
  }

  private fail(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.on.error(reason);
  }

  private open(tag: SaxesTagNS): void {
    if (this.failed) return;
    if (this.skipping !== null) {
      this.skipping.open++;
      return;
    }
    if (this.stack.length === 0 && tag.local === 'stream' && tag.uri === NS_STREAM && !this.streamOpen) {
      this.streamOpen = true;
      this.on.open(this.attributesOf(tag));
      return;
    }
    if (!this.streamOpen) {
      this.fail('not-a-stream');
      return;
    }
    const reason = this.stack.length >= MAX_DEPTH ? 'depth' : Object.keys(tag.attributes).length > MAX_ATTRIBUTES ? 'attributes' : null;
    if (reason !== null) {
      const top = this.stack[0] ?? { name: tag.local, xmlns: tag.uri };
      this.skipping = { name: top.name, xmlns: top.xmlns, reason, open: this.stack.length + 1 };
      this.stack.length = 0;
      return;
    }
    this.stack.push({ name: tag.local, xmlns: tag.uri, attrs: this.attributesOf(tag), children: [] });
  }

  private attributesOf(tag: SaxesTagNS): Record<string, string> {
    const attrs: Record<string, string> = {};
    for (const attr of Object.values(tag.attributes)) {
      if (attr.prefix === 'xmlns' || attr.name === 'xmlns') continue;
      attrs[attr.name] = attr.value;
    }
    return attrs;
  }

  private closeTag(): void {
    if (this.failed) return;
    const skipped = this.skipping;
    if (skipped !== null) {
      if (--skipped.open > 0) return;
      this.skipping = null;
      this.size = 0;
      this.on.refused({ name: skipped.name, xmlns: skipped.xmlns }, skipped.reason);
      return;
    }
    const done = this.stack.pop();
    if (done === undefined) {
      this.on.close();
      return;
    }
    const parent = this.stack.at(-1);
    if (parent === undefined) {
      this.size = 0;
      this.on.element(done);
    } else {
      parent.children.push(done);
    }
  }

  private addText(t: string): void {
    if (this.failed || this.skipping !== null) return;
    const top = this.stack.at(-1);
    if (top === undefined) return; // whitespace keep-alives between stanzas
    top.children.push(t);
  }
}
