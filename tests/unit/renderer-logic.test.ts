import { describe, expect, it } from 'vitest';
import { initials } from '../../renderer/src/auth/initials.ts';
import { navigate, screenKey, START } from '../../renderer/src/app/navigation.ts';
import { en } from '../../renderer/src/i18n/en.ts';
import { es } from '../../renderer/src/i18n/es.ts';
import { errorText } from '../../renderer/src/i18n/error-text.ts';
import { fileNameOfSnippet, isEncryptedAttachmentAddress } from '../../renderer/src/messaging/attachment-name.ts';
import { bodyLength, COUNTER_FROM, MAX_BODY } from '../../renderer/src/messaging/body-limit.ts';
import { dateOf, formatFull, formatWhen, isoOf } from '../../renderer/src/messaging/format.ts';
import { isTrivialPin } from '../../shared/pin-rules.ts';

describe('renderer: dates from hostile senders never throw', () => {
  const hostile = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 8.64e15 + 1, -8.64e15 - 1, Number.MAX_SAFE_INTEGER, 1e300];
  it('reads an unshowable time as unknown (null) in every formatter', () => {
    for (const time of hostile) {
      expect(dateOf(time), String(time)).toBeNull();
      expect(formatWhen(time, 'en'), String(time)).toBeNull();
      expect(formatFull(time, 'es'), String(time)).toBeNull();
      expect(isoOf(time), String(time)).toBeUndefined();
    }
  });
  it('still words the extremes a Date can hold, and ordinary times', () => {
    expect(formatFull(8.64e15, 'en')).toMatch(/275760/);
    expect(isoOf(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(formatWhen(Date.UTC(2026, 0, 2, 9, 30), 'en', Date.UTC(2026, 5, 1))).toMatch(/Jan/);
  });
  it('survives a language tag Intl rejects', () => {
    expect(formatFull(0, 'not a language tag!')).toBeNull();
  });
});

describe('renderer: navigation is one reducer', () => {
  it('opens screens and threads, and every change of screen is a new visit', () => {
    const a = navigate(START, { type: 'go', screen: 'activity' });
    expect(a.route).toEqual({ screen: 'activity' });
    expect(a.visit).toBe(START.visit + 1);
    const b = navigate(a, { type: 'open', conversationId: null, jid: 'bob@clinic.example', name: null });
    expect(screenKey(b.route)).toBe('thread:new:bob@clinic.example');
    // The first message creates the conversation: same screen and visit, now with its id.
    const c = navigate(b, { type: 'started', conversationId: 7 });
    expect(c.route).toMatchObject({ screen: 'thread', conversationId: 7 });
    expect(c.visit).toBe(b.visit);
    expect(navigate(c, { type: 'started', conversationId: 8 })).toBe(c);
    expect(navigate(c, { type: 'flow', flow: { kind: 'pin-setup' } }).flow).toEqual({ kind: 'pin-setup' });
  });
});

describe('renderer: small rules from the new-user bug list', () => {
  it('#11 initials ignore what is in brackets and anything not a letter', () => {
    expect(initials('Maria (front desk)')).toBe('M');
    expect(initials('Ana Rivera [nights]')).toBe('AR');
    expect(initials('  josé   de la  Cruz ')).toBe('JC');
    expect(initials('(temp) Dev Raman')).toBe('DR');
    expect(initials('Élodie')).toBe('É');
    expect(initials('42')).toBe('');
  });

  it('#7 counts near the limit and refuses past it, never cutting', () => {
    expect(MAX_BODY).toBe(10_000);
    expect(bodyLength('short')).toEqual({ used: 5, near: false, over: 0 });
    expect(bodyLength('x'.repeat(COUNTER_FROM))).toMatchObject({ near: true, over: 0 });
    expect(bodyLength('x'.repeat(MAX_BODY))).toMatchObject({ near: true, over: 0 });
    expect(bodyLength('x'.repeat(20_000))).toEqual({ used: 20_000, near: true, over: 10_000 });
    // Measured as sent: trimmed.
    expect(bodyLength(`  ${'x'.repeat(MAX_BODY)}  \n`).over).toBe(0);
  });

  it('#10 the trivial-PIN rule the renderer applies at first entry', () => {
    for (const pin of ['123456', '111111', '654321', '121212', '123123', '890123']) expect(isTrivialPin(pin), pin).toBe(true);
    for (const pin of ['482916', '480261', '975310']) expect(isTrivialPin(pin), pin).toBe(false);
  });

  it('#3 a search hit on a file shows its name, never the upload address', () => {
    expect(fileNameOfSnippet('\u0002https\u0003://upload.clinic.example/abc/lab%20results.txt')).toBe('lab results.txt');
    expect(fileNameOfSnippet('aesgcm://upload.clinic.example/x/scan.pdf#aabbcc')).toBe('scan.pdf');
    expect(fileNameOfSnippet('see https://example.org/a for the form')).toBeNull();
    expect(fileNameOfSnippet('Room 4 is ready')).toBeNull();
  });
});

describe('renderer: #16 core errors are translated by code, never shown in the core’s English', () => {
  const lookup = (language: Record<string, string>) => (key: string, params: Record<string, unknown>) =>
    `${language[key.slice('errors.'.length)]}|${JSON.stringify(params)}`;
  it('words an error by its code and parameters, ignoring the core message', () => {
    const text = errorText(lookup(en.errors), { code: 'rate_limited', message: 'CORE ENGLISH', retryAfterMs: 2_500 });
    expect(text).toBe(`${en.errors.rate_limited}|{"seconds":3}`);
    expect(text).not.toContain('CORE ENGLISH');
  });
  it('passes the core’s parameters through and words an unknown code generically', () => {
    const withParams = { code: 'not_found', message: 'x', params: { what: 'file' } } as unknown as Parameters<typeof errorText>[1];
    expect(errorText(lookup(en.errors), withParams)).toBe(`${en.errors.not_found}|{"what":"file"}`);
    const unknown = { code: 'brand_new_code', message: 'x' } as unknown as Parameters<typeof errorText>[1];
    expect(errorText(lookup(en.errors), unknown)).toBe(`${en.errors.unknown}|{}`);
  });
  it('pin_too_short (policy minPinLength) names the minimum in English and Spanish', () => {
    const error = { code: 'pin_too_short', message: 'x', params: { min: 8 } } as const;
    expect(errorText(lookup(en.errors), error)).toBe(`${en.errors.pin_too_short}|{"min":8}`);
    expect(en.errors.pin_too_short).toContain('{{min}}');
    expect(es.errors.pin_too_short).toContain('{{min}}');
  });
});

describe('renderer: an encrypted attachment still downloading never shows its address', () => {
  it('recognises the aesgcm:// address (whose fragment is the file key) and nothing a person types', () => {
    expect(isEncryptedAttachmentAddress('aesgcm://upload.clinic.example/x/f3a9#00112233445566778899aabbccddeeff')).toBe(true);
    expect(isEncryptedAttachmentAddress('  AESGCM://upload.clinic.example/x ')).toBe(true);
    expect(isEncryptedAttachmentAddress('https://clinic.example/forms/intake')).toBe(false);
    expect(isEncryptedAttachmentAddress('see aesgcm://x for the file')).toBe(false);
  });
});
