import { EVENT_CHANNEL, EXPOSED_API_KEY, channelFor, methodNames, type MethodName } from '../../shared/contract/index.ts';
import type { PreloadTable } from './api.ts';

/**
 * The contract's names and channels, read at build time by build/bundle-electron.ts and injected
 * into the preload bundle. Generated from the contract, so no channel string is written twice.
 */
export function preloadTable(): PreloadTable {
  const channels = {} as Record<MethodName, string>;
  for (const name of methodNames) channels[name] = channelFor(name);
  return { apiKey: EXPOSED_API_KEY, eventChannel: EVENT_CHANNEL, channels };
}
