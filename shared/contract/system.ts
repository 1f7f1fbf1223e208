import { z } from 'zod';
import { defineMethod } from './define.ts';

export const KeychainState = z.enum(['available', 'unavailable']);

export const SystemStatus = z.strictObject({
  appVersion: z.string().max(40),
  keychain: KeychainState,
  /** Plain words for the screen when the keychain is missing; never PHI. */
  keychainDetail: z.string().max(300).nullable(),
  storeExists: z.boolean(),
  profileCount: z.number().int().nonnegative(),
  /** 'desktop' inside Electron, 'bridge' through the development bridge. */
  runtime: z.enum(['desktop', 'bridge']),
  platform: z.string().max(20),
  checkedAt: z.number().int(),
});
export type SystemStatus = z.infer<typeof SystemStatus>;

export const systemMethods = {
  'system.status': defineMethod({
    request: z.strictObject({}),
    response: SystemStatus,
    access: 'public',
    audit: null,
  }),
};

export const systemEvents = {
  'system.status': SystemStatus,
};
