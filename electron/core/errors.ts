import type { ErrorCode } from '../../shared/contract/index.ts';

/**
 * The only error type whose message reaches the renderer. The message must be a fixed,
 * PHI-free sentence; anything else thrown inside core becomes a generic 'internal' error.
 */
export class CoreError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;
  readonly params: Record<string, number> | undefined;

  constructor(code: ErrorCode, message: string, options?: { retryAfterMs?: number; params?: Record<string, number>; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CoreError';
    this.code = code;
    this.retryAfterMs = options?.retryAfterMs;
    this.params = options?.params;
  }
}
