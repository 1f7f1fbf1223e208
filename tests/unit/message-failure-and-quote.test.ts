import { describe, expect, it } from 'vitest';
import { failureReasonOf } from '../../electron/core/messaging/failure-reason.ts';
import { quoteOf, quotePrefixLength } from '../../shared/reply-quote.ts';
import { el, NS_CLIENT } from '../../node-shared/xmpp/xml.ts';

const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const error = (condition: string, text?: string) =>
  el('error', NS_CLIENT, { type: 'cancel' }, el(condition, NS_STANZAS), text === undefined ? null : el('text', NS_STANZAS, {}, text));

describe('why a message failed, from the server’s final error (issue 11 bug 8)', () => {
  it('names a missing recipient, a refusal, a size limit and anything else', () => {
    expect(failureReasonOf(error('service-unavailable'))).toBe('no_such_recipient');
    expect(failureReasonOf(error('item-not-found'))).toBe('no_such_recipient');
    expect(failureReasonOf(error('forbidden'))).toBe('refused');
    expect(failureReasonOf(error('not-allowed'))).toBe('refused');
    expect(failureReasonOf(error('policy-violation', 'Message too large'))).toBe('too_large');
    expect(failureReasonOf(error('resource-constraint'))).toBe('too_large');
    expect(failureReasonOf(error('internal-server-error'))).toBe('server_error');
    expect(failureReasonOf(undefined)).toBe('server_error');
  });
});

describe('reply quotes (XEP-0461 fallback as "> " lines)', () => {
  it('quotes the first lines, shortened, and measures the quote in a body', () => {
    const quote = quoteOf('Room 2 is ready\nbring the chart\nthird\nfourth');
    expect(quote).toBe('> Room 2 is ready\n> bring the chart\n> third\n');
    expect(quotePrefixLength(`${quote}On my way`)).toBe(quote.length);
    expect(quotePrefixLength('> not closed')).toBe(0);
    expect(quotePrefixLength('no quote')).toBe(0);
    expect(quoteOf('x'.repeat(500)).length).toBeLessThan(210);
  });
});
