import { methods } from '../../../shared/contract/index.ts';

/** The contract's limit on one message (UTF-16 units, as the schema counts them): one number, one home. */
export const MAX_BODY = methods['messaging.send'].request.shape.body.maxLength ?? 10_000;

/** The counter shows from here on, so nobody meets the limit by surprise. */
export const COUNTER_FROM = Math.floor(MAX_BODY * 0.9);

export interface BodyLength {
  readonly used: number;
  /** Show the counter. */
  readonly near: boolean;
  /** Characters past the limit (0 when it fits): the message is refused, never cut. */
  readonly over: number;
}

/** How a message's length stands against the limit (the text as it will be sent: trimmed). */
export function bodyLength(text: string): BodyLength {
  const used = text.trim().length;
  return { used, near: used >= COUNTER_FROM, over: Math.max(0, used - MAX_BODY) };
}
