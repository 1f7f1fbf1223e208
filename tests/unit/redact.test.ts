import fs from 'node:fs';
import path from 'node:path';
import log from 'electron-log/node';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, installRedaction } from '../../electron/core/log/logger.ts';
import { redactArgs, redactText } from '../../electron/core/log/redact.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

// Each entry: the PHI-looking text as it might reach a log line, and the fragments that must not survive.
const CORPUS: Array<[string, string[]]> = [
  ['Patient Jane Doe arrived', ['Jane', 'Doe']],
  ['patient: Margarethe', ['Margarethe']],
  ['Dr. Alvarez-Quinn called about Mr. O’Brien', ['Alvarez', 'Brien']],
  ['Lucía Fernández García needs a refill', ['Lucía', 'Fernández', 'García']],
  ['MRN 48213377 admitted', ['48213377']],
  ['mrn: AB-99341', ['AB-99341']],
  ['record 0045521893 updated', ['0045521893']],
  ['call (555) 867-5309 or +1 415.555.0199 or 030 1234 5678', ['867-5309', '555.0199', '1234 5678']],
  ['mail jane.doe@example.org now', ['jane.doe@example.org', 'jane.doe']],
  ['from frontdesk@clinic.example/desk-3', ['frontdesk@clinic.example']],
  ['DOB 1984-02-29', ['1984-02-29']],
  ['born 02/29/1984 or 29.02.1984', ['02/29/1984', '29.02.1984']],
  ['birthday March 14, 1980', ['March 14, 1980', '1980']],
  ['token=3q2+7wAbCdEf123456789XyZ', ['3q2+7wAbCdEf123456789XyZ']],
  ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0', ['eyJhbGciOiJIUzI1NiJ9']],
  ['password: hunter2hunter2', ['hunter2hunter2']],
  ['key a3f9c0d1e2b3a4f5c6d7e8f9a0b1c2d3', ['a3f9c0d1e2b3a4f5c6d7e8f9a0b1c2d3']],
  ['SSN 123-45-6789', ['123-45-6789']],
];

const BODY = 'Lab results for Ronald Weasley-Canary: potassium high, call back at 555 010 7788';
const LEVELS = ['error', 'warn', 'info', 'verbose', 'debug', 'silly'] as const;
const tmp = makeTempDir('redact');
afterAll(() => removeTempDir(tmp));

function forbidden(): string[] {
  return [...CORPUS.flatMap(([, bad]) => bad), 'Ronald', 'Weasley', '010 7788'];
}

describe('redactText', () => {
  it.each(CORPUS)('masks %s', (text, bad) => {
    const out = redactText(text);
    for (const fragment of bad) expect(out).not.toContain(fragment);
  });
  it('keeps event codes, uuids and ordinary operational text', () => {
    const id = '3f2c7a4e-9b1d-4c2e-8f6a-1b2c3d4e5f60';
    expect(redactText('messaging.connection_state_changed')).toBe('messaging.connection_state_changed');
    expect(redactText(`profile ${id} opened`)).toBe(`profile ${id} opened`);
    expect(redactText('store opened in 42 ms')).toBe('store opened in 42 ms');
  });
});

describe('redactArgs', () => {
  it('drops message bodies and free strings, keeps safe fields', () => {
    const [event, fields, free] = redactArgs([
      'message.received',
      { body: BODY, conversationId: 'c-1', count: 3, nested: { patientName: 'Jane Doe', code: 'E42' } },
      'Jane Doe',
    ]);
    expect(event).toBe('message.received');
    expect(fields).toEqual({ body: '[redacted]', conversationId: 'c-1', count: 3, nested: { patientName: '[redacted]', code: 'E42' } });
    expect(free).toBe('[redacted]');
  });
  it('masks PHI inside errors, causes and circular structures without throwing', () => {
    const err = new Error('constraint failed for Jane Doe MRN 48213377', { cause: new Error('jane.doe@example.org') });
    const circular: Record<string, unknown> = { code: 'x' };
    circular.self = circular;
    const out = JSON.stringify(redactArgs(['ipc.handler_failed', { error: err, circular }]));
    for (const fragment of ['Jane', 'Doe', '48213377', 'jane.doe']) expect(out).not.toContain(fragment);
    expect(out).toContain('[circular]');
  });
});

describe('electron-log with the redaction hook', () => {
  it('lets no corpus string through any level of any transport', async () => {
    const instance = log.create({ logId: `redact-test-${process.pid}` });
    const file = path.join(tmp, 'sealwire.log');
    instance.transports.file.resolvePathFn = () => file;
    instance.transports.file.level = 'silly';
    instance.transports.console.level = false;
    const captured: string[] = [];
    const capture = Object.assign((message: { data: unknown[] }) => void captured.push(JSON.stringify(message.data)), {
      level: 'silly' as const,
      transforms: [],
    });
    (instance.transports as Record<string, unknown>).capture = capture;
    installRedaction(instance);
    const logger = createLogger(instance);

    for (const level of LEVELS) {
      for (const [text] of CORPUS) {
        instance[level](text);
        instance[level]('event.with_free_text', text, { body: BODY, note: text });
        instance[level](`prose ${text}`);
        instance[level](new Error(text));
      }
    }
    for (const method of ['debug', 'info', 'warn', 'error'] as const) {
      logger[method]('message.sent', { body: BODY, error: new Error(BODY), detail: BODY });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const written = fs.readFileSync(file, 'utf8');
    expect(captured.length).toBe(LEVELS.length * CORPUS.length * 4 + 4);
    expect(written.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(captured.length);
    for (const fragment of forbidden()) {
      expect(written, `file transport leaked ${fragment}`).not.toContain(fragment);
      for (const line of captured) expect(line, `capture transport leaked ${fragment}`).not.toContain(fragment);
    }
  });
});
