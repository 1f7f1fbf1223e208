import fs from 'node:fs';
import { z } from 'zod';
import { PATIENT_DEFAULTS, VerifyPolicy } from '../shared/contract/patient-gateway.ts';

/** A secret from an environment variable or a file readable by the service user only. */
const Secret = z.union([z.strictObject({ env: z.string().min(1) }), z.strictObject({ file: z.string().min(1) })]);

/** The gateway's JSON config file (README, "Patient gateway"). */
export const GatewayConfig = z.strictObject({
  clinicName: z.string().trim().min(1).max(60),
  xmpp: z.strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    /** The server's XEP-0114 listener (Prosody component_ports, ejabberd ejabberd_service). */
    port: z.number().int().min(1).max(65535),
    /** The organisation's XMPP domain; the component is patients.<domain> unless set. */
    domain: z.string().min(1),
    componentDomain: z.string().min(1).optional(),
    mucDomain: z.string().min(1),
    secret: Secret,
    /** Bare JIDs of the front-desk team. */
    team: z.array(z.string().min(3).max(3071)).min(1).max(500),
  }),
  web: z.strictObject({
    host: z.string().default('0.0.0.0'),
    port: z.number().int().min(0).max(65535),
    /** How patients reach the page (links are <publicUrl>/p/<token>). */
    publicUrl: z.url({ protocol: /^https$/ }),
    tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }),
  }),
  store: z.strictObject({ file: z.string().min(1), key: Secret }),
  /** Passed to gateway/notify's createNotifier (sms, email, quietHours; optOutSecret comes from the store key). */
  notify: z.record(z.string(), z.unknown()).default({}),
  policy: z
    .strictObject({
      verify: VerifyPolicy.default('both'),
      linkTtlHours: z.number().min(1).max(24 * 30).default(PATIENT_DEFAULTS.linkTtlMs / 3_600_000),
      sessionIdleMinutes: z.number().min(1).max(60).default(PATIENT_DEFAULTS.sessionIdleMs / 60_000),
      maxAttempts: z.number().int().min(1).max(10).default(PATIENT_DEFAULTS.maxAttempts),
      notifyCoalesceMinutes: z.number().min(0).max(24 * 60).default(10),
    })
    .default({ verify: 'both', linkTtlHours: 168, sessionIdleMinutes: 15, maxAttempts: 5, notifyCoalesceMinutes: 10 }),
  /** JSON-lines log file (0600); stderr when absent. */
  logFile: z.string().min(1).optional(),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export function readSecret(source: { env: string } | { file: string }, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in source) {
    const value = env[source.env];
    if (value === undefined || value === '') throw new Error(`environment variable ${source.env} is not set`);
    return value.trim();
  }
  const stat = fs.statSync(source.file);
  if ((stat.mode & 0o077) !== 0) throw new Error(`${source.file} must be readable by the service user only (chmod 600)`);
  return fs.readFileSync(source.file, 'utf8').trim();
}

export function loadConfig(file: string): GatewayConfig {
  const parsed = GatewayConfig.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`config ${file}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
