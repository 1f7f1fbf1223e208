import fs from 'node:fs';

/** Fields a log line may carry: codes, counts and ids, never text a patient or staff member wrote. */
export type LogFields = Readonly<Record<string, string | number | boolean | null>>;

export interface GatewayLog {
  info(event: string, fields: LogFields): void;
  warn(event: string, fields: LogFields): void;
  error(event: string, fields: LogFields): void;
}

/**
 * JSON lines to a file (0600) or stderr. Callers pass event names and codes only; values are
 * clipped so that a mistake can never dump a body into the log.
 */
export function createLog(file: string | null): GatewayLog {
  const fd = file === null ? null : fs.openSync(file, 'a', 0o600);
  const write = (level: string, event: string, fields: LogFields) => {
    const clean: Record<string, string | number | boolean | null> = {};
    for (const [k, v] of Object.entries(fields)) clean[k] = typeof v === 'string' ? v.slice(0, 80) : v;
    const line = JSON.stringify({ t: new Date().toISOString(), level, event, ...clean }) + '\n';
    if (fd === null) process.stderr.write(line);
    else fs.writeSync(fd, line);
  };
  return {
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
  };
}
