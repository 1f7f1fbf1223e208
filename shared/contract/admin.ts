import { z } from 'zod';
import { defineMethod } from './define.ts';
import { PolicyLayer } from './policy.ts';
import { Password } from './profiles.ts';

/** A staff member's address: what the console commands. */
const StaffAddress = z
  .string()
  .max(318)
  .regex(/^[a-z0-9._%+-]{1,64}@[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/);

export const AdminAck = z.strictObject({
  /** The acknowledging device's connection name (opaque, no PHI). */
  device: z.string().max(64),
  outcome: z.enum(['ok', 'failed']),
});

/**
 * The admin console (admin role only). Entering it takes the password again; the console then
 * stays open for `ADMIN_CONSOLE_MS` or until the session locks.
 */
export const adminMethods = {
  'admin.enter': defineMethod({
    request: z.strictObject({ password: Password }),
    response: z.strictObject({ openUntil: z.number().int() }),
    access: 'session',
    audit: { event: 'admin.enter', secret: true },
  }),
  /** Publishes the organisation policy on the server and tells every colleague's devices to fetch it. */
  'admin.publishPolicy': defineMethod({
    request: z.strictObject({ policy: PolicyLayer }),
    response: z.strictObject({ notified: z.number().int().nonnegative() }),
    access: 'session',
    audit: { event: 'policy.change' },
  }),
  /**
   * Remote lock or wipe of every device of one staff member. `confirmAddress` repeats the address
   * the screen's confirmation named, so a stale or mistaken screen cannot wipe someone else.
   */
  'admin.command': defineMethod({
    request: z.strictObject({ staff: StaffAddress, action: z.enum(['lock', 'wipe']), confirmAddress: StaffAddress }),
    response: z.strictObject({ acks: z.array(AdminAck).max(50) }),
    access: 'session',
    audit: { event: 'admin.command' },
  }),
};

export const adminEvents = {};

/** How long the console stays open after the password was typed again. */
export const ADMIN_CONSOLE_MS = 10 * 60_000;
