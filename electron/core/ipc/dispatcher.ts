import type { z } from 'zod';
import {
  isMethodName,
  type MethodSpec,
  methods,
  type IpcError,
  type MethodName,
  type ParsedRequestOf,
  type RequestOf,
  type ResponseOf,
  type Result,
} from '../../../shared/contract/index.ts';
import { CoreError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';

export interface CallContext {
  /** Where the call came from, for logs and audit: 'ipc' (Electron) or 'bridge'. */
  readonly transport: 'ipc' | 'bridge';
}

export type Handler<M extends MethodName> = (
  request: ParsedRequestOf<M>,
  ctx: CallContext,
) => Promise<ResponseOf<M>> | ResponseOf<M>;

export type Handlers = { [M in MethodName]: Handler<M> };

/**
 * The handlers of one contract namespace, typed from its specs alone, so each file under
 * ipc/handlers/ is checked against the namespace it mirrors: `HandlersFor<typeof sessionMethods>`.
 */
export type HandlersFor<Specs extends Record<string, MethodSpec>> = {
  [M in keyof Specs]: (
    request: z.output<Specs[M]['request']>,
    ctx: CallContext,
  ) => Promise<z.output<Specs[M]['response']>> | z.output<Specs[M]['response']>;
};

/**
 * Runs before every handler: the session layer uses it to refuse PHI methods while locked,
 * and the audit trail to record the call. Throwing a CoreError refuses the call; a CoreError from
 * `after` turns a successful call into that error (a PHI call that could not be recorded).
 */
export interface CallHooks {
  before?(method: MethodName, ctx: CallContext, request: unknown): void | Promise<void>;
  /** `request` is the validated request, so the audit trail can name its targets (ids only). */
  after?(method: MethodName, ctx: CallContext, outcome: 'ok' | IpcError['code'], request: unknown): void | Promise<void>;
}

export interface Dispatcher {
  call(method: unknown, request: unknown, ctx: CallContext): Promise<Result<unknown>>;
}

const fail = (code: IpcError['code'], message: string, retryAfterMs?: number, params?: Record<string, number>): Result<never> => ({
  ok: false,
  error: { code, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), ...(params === undefined ? {} : { params }) },
});

/**
 * Generated from the contract: validate the request, run the handler, validate the response.
 * Never throws; every failure becomes a typed error result with a fixed, PHI-free message.
 */
export function createDispatcher(handlers: Handlers, log: Logger, hooks: CallHooks = {}): Dispatcher {
  return {
    async call(method, request, ctx) {
      if (!isMethodName(method)) return fail('unknown_method', 'This action is not available.');
      const spec = methods[method];
      const parsed = spec.request.safeParse(request);
      if (!parsed.success) {
        log.warn('ipc.invalid_request', { method, issues: parsed.error.issues.length });
        return fail('invalid_request', 'The request was not in the expected form.');
      }
      let outcome: IpcError['code'] | 'ok';
      let result: Result<unknown>;
      try {
        await hooks.before?.(method, ctx, parsed.data);
        const handler = handlers[method] as (req: unknown, ctx: CallContext) => unknown;
        const value = await handler(parsed.data, ctx);
        const checked = spec.response.safeParse(value);
        if (checked.success) {
          outcome = 'ok';
          result = { ok: true, value: checked.data };
        } else {
          log.error('ipc.invalid_response', { method, issues: checked.error.issues.length });
          outcome = 'invalid_response';
          result = fail('invalid_response', 'Sealwire produced an unexpected answer. The problem was logged.');
        }
      } catch (err) {
        if (err instanceof CoreError) {
          outcome = err.code;
          result = fail(err.code, err.message, err.retryAfterMs, err.params);
        } else {
          log.error('ipc.handler_failed', { method, error: err });
          outcome = 'internal';
          result = fail('internal', 'Something went wrong. The problem was logged.');
        }
      }
      try {
        await hooks.after?.(method, ctx, outcome, parsed.data);
      } catch (err) {
        // A success that could not be recorded is not a success (the audit trail refuses it).
        if (err instanceof CoreError && result.ok) return fail(err.code, err.message, err.retryAfterMs);
        log.error('ipc.after_hook_failed', { method, error: err });
      }
      return result;
    },
  };
}

export type TypedCall = <M extends MethodName>(method: M, request: RequestOf<M>) => Promise<Result<ResponseOf<M>>>;
