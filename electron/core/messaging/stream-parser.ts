import { SaxesParser, type SaxesTagNS } from 'saxes';
import { NS_STREAM, type XmlElement } from './xml.ts';

export interface StreamParserEvents {
  open(attrs: Record<string, string>): void;
  element(element: XmlElement): void;
  close(): void;
  error(reason: string): void;
}

interface Building {
  name: string;
  xmlns: string;
  attrs: Record<string, string>;
  children: Array<XmlElement | string>;
}

/** Largest stanza accepted from the server; beyond it the stream is torn down, not buffered. */
export const MAX_STANZA_CHARS = 2 * 1024 * 1024;

/**
 * Incremental XMPP stream parser: reports the stream header, each top-level element as a tree,
 * and the end of the stream. A DOCTYPE, a processing instruction inside the stream, malformed XML
 * or an oversized stanza is reported once as an error and stops the parser.
 */
export class StreamParser {
  private readonly parser = new SaxesParser({ xmlns: true, position: false });
  private readonly stack: Building[] = [];
  private size = 0;
  private failed = false;
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
    const attrs: Record<string, string> = {};
    for (const attr of Object.values(tag.attributes)) {
      if (attr.prefix === 'xmlns' || attr.name === 'xmlns') continue;
      attrs[attr.name] = attr.value;
    }
    if (this.stack.length === 0 && tag.local === 'stream' && tag.uri === NS_STREAM && !this.streamOpen) {
      this.streamOpen = true;
      this.on.open(attrs);
      return;
    }
    if (!this.streamOpen) {
      this.fail('not-a-stream');
      return;
    }
    this.stack.push({ name: tag.local, xmlns: tag.uri, attrs, children: [] });
  }

  private streamOpen = false;

  private closeTag(): void {
    if (this.failed) return;
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
    if (this.failed) return;
    const top = this.stack.at(-1);
    if (top === undefined) return; // whitespace keep-alives between stanzas
    top.children.push(t);
  }
}
