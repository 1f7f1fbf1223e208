import { describe, expect, it } from 'vitest';
import { smsKeyword } from '../../gateway/notify/keywords.ts';
import { quietHoursUntil } from '../../gateway/notify/quiet-hours.ts';
import { isE164Mobile, normaliseEmail, toE164Mobile } from '../../shared/patient-contact.ts';

const NY = 'America/New_York';
const until = (start: string, end: string, timeZone: string, now: string) => quietHoursUntil({ start, end, timeZone }, new Date(now))?.toISOString() ?? null;

describe('quiet hours', () => {
  it('queues until the end of a window that crosses midnight, from its evening and its morning part', () => {
    expect(until('21:00', '08:00', NY, '2026-12-02T02:00:00Z')).toBe('2026-12-02T13:00:00.000Z'); // 21:00 EST, first minute
    expect(until('21:00', '08:00', NY, '2026-12-02T12:59:00Z')).toBe('2026-12-02T13:00:00.000Z'); // 07:59 EST
    expect(until('21:00', '08:00', NY, '2026-12-02T13:00:00Z')).toBeNull(); // 08:00: the window is over
    expect(until('21:00', '08:00', NY, '2026-12-02T01:59:00Z')).toBeNull(); // 20:59
  });

  it('handles a window inside one day, another zone, and an empty window', () => {
    expect(until('12:00', '13:30', 'Europe/Madrid', '2026-07-01T10:15:00Z')).toBe('2026-07-01T11:30:00.000Z'); // 12:15 CEST
    expect(until('12:00', '13:30', 'Europe/Madrid', '2026-07-01T12:15:00Z')).toBeNull();
    expect(until('08:00', '08:00', NY, '2026-12-02T13:00:00Z')).toBeNull();
  });

  it('never ends early across daylight-saving changes', () => {
    // 8 March 2026: New York skips 02:00–03:00. A window ending at 02:30 ends at 03:30 EDT, the first instant after.
    expect(until('01:00', '02:30', NY, '2026-03-08T06:30:00Z')).toBe('2026-03-08T07:30:00.000Z');
    // The night of the change, a 21:00–08:00 window ends at 08:00 EDT (12:00Z), not 08:00 EST.
    expect(until('21:00', '08:00', NY, '2026-03-08T03:00:00Z')).toBe('2026-03-08T12:00:00.000Z');
    // 1 November 2026: 01:00–02:00 happens twice; a window ending at 07:00 is 07:00 EST (12:00Z).
    expect(until('21:00', '07:00', NY, '2026-11-01T02:00:00Z')).toBe('2026-11-01T12:00:00.000Z');
  });

  it('refuses a malformed policy', () => {
    expect(() => until('9pm', '08:00', NY, '2026-12-02T02:00:00Z')).toThrow(RangeError);
    expect(() => until('21:00', '08:00', 'Mars/Olympus', '2026-12-02T02:00:00Z')).toThrow(RangeError);
  });
});

describe('SMS keywords', () => {
  it('matches whole-message keywords in English and Spanish, any case, and nothing else', () => {
    expect(smsKeyword(' Stop ')).toEqual({ action: 'opted_out', locale: 'en' });
    expect(smsKeyword('unsubscribe.')).toEqual({ action: 'opted_out', locale: 'en' });
    expect(smsKeyword('BAJA')).toEqual({ action: 'opted_out', locale: 'es' });
    expect(smsKeyword('start')).toEqual({ action: 'opted_in', locale: 'en' });
    expect(smsKeyword('Ayuda')).toEqual({ action: 'help', locale: 'es' });
    expect(smsKeyword('stop it')).toBeNull();
    expect(smsKeyword('')).toBeNull();
  });
});

describe('patient contact checks', () => {
  it('normalises mobile numbers to E.164 and refuses landlines and junk', () => {
    expect(toE164Mobile('(202) 555-0123', 'US')).toBe('+12025550123');
    expect(toE164Mobile('+34 612 34 56 78')).toBe('+34612345678');
    expect(toE164Mobile('+34 912 34 56 78')).toBeNull(); // Spanish landline: cannot receive an SMS
    expect(toE164Mobile('call me')).toBeNull();
    expect(isE164Mobile('+12025550123')).toBe(true);
    expect(isE164Mobile('+1 202 555 0123')).toBe(false);
  });

  it('accepts plain e-mail addresses only', () => {
    expect(normaliseEmail(' Ana.Lopez@Example.ORG ')).toBe('ana.lopez@example.org');
    expect(normaliseEmail('Ana <ana@example.org>')).toBeNull();
    expect(normaliseEmail('a@example.org\r\nBcc: b@example.org')).toBeNull();
    expect(normaliseEmail('a@localhost')).toBeNull();
  });
});
