import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CANONICAL_TAG, canonicalRecord, createHexMac, createMac, hashRecord, hashRecordHex, parseRecord } from '../../node-shared/audit/canonical.ts';
import { deriveAuditKeys, targetRef } from '../../node-shared/audit/keys.ts';

const fields = {
  seq: 7,
  time: 1_763_780_000_123,
  staffId: 'p_01',
  deviceId: 'dev_01',
  event: 'conversation.open',
  targets: ['c_1', 'm_"quoted"\\'],
  outcome: 'ok',
  code: null,
  prevHash: 'ab'.repeat(32),
};

describe('audit canonical encoding', () => {
  it('is the fixed-order JSON array of the fields', () => {
    const text = canonicalRecord(fields);
    expect(text).toBe(
      JSON.stringify([CANONICAL_TAG, 7, 1_763_780_000_123, 'p_01', 'dev_01', 'conversation.open', ['c_1', 'm_"quoted"\\'], 'ok', null, 'ab'.repeat(32)]),
    );
    expect(text.startsWith(`["${CANONICAL_TAG}",7,`)).toBe(true);
    expect(text.endsWith(`,"${'ab'.repeat(32)}"]`)).toBe(true);
  });

  it('does not depend on property order of the input object', () => {
    const reversed = Object.fromEntries(Object.entries(fields).reverse()) as typeof fields;
    expect(canonicalRecord(reversed)).toBe(canonicalRecord(fields));
  });

  it('parses its own output back and rejects anything that is not exactly canonical', () => {
    const text = canonicalRecord(fields);
    expect(parseRecord(text)).toEqual(fields);
    expect(parseRecord(text.replace(',7,', ', 7,'))).toBeNull();
    expect(parseRecord(text.replace('"ok"', '"o\\u006b"'))).toBeNull();
    expect(parseRecord(text.replace(CANONICAL_TAG, 'sw-audit/0'))).toBeNull();
    expect(parseRecord('not json')).toBeNull();
    expect(parseRecord(JSON.stringify([CANONICAL_TAG, 0, 1, null, 'd', 'e', [], 'ok', null, 'ab'.repeat(32)]))).toBeNull();
    expect(parseRecord(JSON.stringify([CANONICAL_TAG, 1, 1, null, 'd', 'e', [], 'ok', null, 'xyz']))).toBeNull();
  });

  it('hashes change with every field, including the previous hash', () => {
    const base = hashRecord(canonicalRecord(fields)).toString('hex');
    const variants = [
      { ...fields, seq: 8 },
      { ...fields, time: fields.time + 1 },
      { ...fields, staffId: null },
      { ...fields, deviceId: 'dev_02' },
      { ...fields, event: 'message.send' },
      { ...fields, targets: ['c_1'] },
      { ...fields, outcome: 'denied' },
      { ...fields, code: 'x' },
      { ...fields, prevHash: 'cd'.repeat(32) },
    ];
    const hashes = new Set(variants.map((v) => hashRecord(canonicalRecord(v)).toString('hex')));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(base)).toBe(false);
  });

  it('computes the same MAC as HMAC-SHA256', () => {
    const key = crypto.randomBytes(32);
    const mac = createMac(key);
    for (let i = 0; i < 50; i++) {
      const h = crypto.randomBytes(32);
      expect(mac(h).equals(crypto.createHmac('sha256', key).update(h).digest())).toBe(true);
    }
    expect(() => createMac(Buffer.alloc(16))).toThrow();
    const hexMac = createHexMac(key);
    for (let i = 0; i < 50; i++) {
      const text = `record ${i}`;
      const expected = crypto.createHmac('sha256', key).update(hashRecord(text)).digest('hex');
      expect(hexMac(hashRecordHex(text))).toBe(expected);
    }
  });
});

describe('audit keys', () => {
  it('derives distinct, stable keys from the device key', () => {
    const device = crypto.randomBytes(32);
    const a = deriveAuditKeys(device);
    const b = deriveAuditKeys(Buffer.from(device));
    expect(a.dbKey.equals(b.dbKey) && a.macKey.equals(b.macKey)).toBe(true);
    expect(a.dbKey.equals(a.macKey)).toBe(false);
    expect(a.dbKey.equals(device) || a.macKey.equals(device)).toBe(false);
    const expected = Buffer.from(crypto.hkdfSync('sha256', device, Buffer.alloc(0), 'sealwire/audit/mac/v1', 32));
    expect(a.macKey.equals(expected)).toBe(true);
    expect(deriveAuditKeys(crypto.randomBytes(32)).dbKey.equals(a.dbKey)).toBe(false);
  });

  it('references sensitive values by keyed hash only', () => {
    const { refKey } = deriveAuditKeys(crypto.randomBytes(32));
    const ref = targetRef(refKey, 'search', 'Jane Doe diabetes');
    expect(ref).toMatch(/^search:[0-9a-f]{32}$/);
    expect(ref).not.toContain('Jane');
    expect(targetRef(refKey, 'search', 'Jane Doe diabetes')).toBe(ref);
    expect(targetRef(refKey, 'search', 'Jane Doe diabetics')).not.toBe(ref);
    expect(() => targetRef(refKey, 'Bad Kind', 'x')).toThrow();
  });
});
