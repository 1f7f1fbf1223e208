import crypto from 'node:crypto';
import { createNotifier, type Notifier, type NotifierConfig, type OptOutRecord } from './notify/index.ts';
import type { GatewayStore } from './store/gateway-store.ts';

/**
 * gateway/notify wired to the gateway: opt-outs persist in the encrypted store, their key comes
 * from the store key, and the e-mail opt-out link points at this gateway's /unsubscribe/ page.
 * `notify` is the config file's notify section (sms, email, quietHours), checked by createNotifier.
 */
export function createGatewayNotifier(notify: Record<string, unknown>, store: GatewayStore, storeKey: Buffer, publicUrl: string, now: () => number): Notifier {
  const optOutSecret = Buffer.from(crypto.hkdfSync('sha256', storeKey, Buffer.alloc(0), 'sealwire/gateway/opt-out/v1', 32));
  const config = notify as Partial<NotifierConfig>;
  const email = config.email === undefined ? undefined : { ...config.email, optOutLinkBase: `${publicUrl.replace(/\/+$/, '')}/unsubscribe/` };
  return createNotifier({
    ...config,
    ...(email === undefined ? {} : { email }),
    optOutSecret,
    // The gateway's clock decides quiet hours too, so the queue and the notifier agree.
    now: () => new Date(now()),
    optOutStore: {
      get: (key) => store.optOut(key) as OptOutRecord | undefined,
      set: (key, record) => store.setOptOut(key, record),
    },
  });
}
