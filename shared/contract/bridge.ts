import { z } from 'zod';

/** Frames of the development bridge (loopback WebSocket). Never used by the packaged app. */
export const BridgeCall = z.strictObject({
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.string().max(100),
  request: z.unknown(),
});
export type BridgeCall = z.infer<typeof BridgeCall>;

export type BridgeServerFrame =
  | { kind: 'result'; id: number | null; result: unknown }
  | { kind: 'event'; name: string; payload: unknown };

export const BRIDGE_PATH = '/bridge';
/** The token travels in the page URL's fragment (never sent to the server) and then in this query key. */
export const BRIDGE_TOKEN_PARAM = 'token';
