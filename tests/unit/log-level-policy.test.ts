import log from 'electron-log/node';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../electron/core/log/logger.ts';

describe('policy logLevel applied to the core logger (issue 12)', () => {
  it('drops a debug line at warn, keeps it at debug, live, and still redacts PHI at debug', () => {
    const instance = log.create({ logId: `level-${Date.now()}` });
    const lines: string[] = [];
    for (const name of Object.keys(instance.transports)) (instance.transports as Record<string, unknown>)[name] = null;
    const capture = (message: { data: unknown[]; level: string }) => {
      lines.push(`${message.level} ${JSON.stringify(message.data)}`);
    };
    capture.level = 'debug' as const;
    (instance.transports as Record<string, unknown>).capture = capture;
    let level: LogLevel = 'warn';
    const logger = createLogger(instance, () => level);

    logger.debug('sync.page_read', { rows: 3 });
    logger.info('sync.done');
    logger.warn('sync.slow');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['warn']);

    level = 'debug';
    const canary = 'Patient Zebulon Quartermaine MRN 48213377';
    logger.debug('message.sent', { body: canary, note: canary });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('message.sent');
    for (const fragment of ['Zebulon', 'Quartermaine', '48213377']) expect(lines.join('\n')).not.toContain(fragment);
  });
});
