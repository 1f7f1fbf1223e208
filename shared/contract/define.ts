import type { z } from 'zod';

/**
 * One IPC method: request and response schemas plus the facts the binding needs.
 * `access` decides whether the call needs an unlocked staff session ("phi") or not ("public"),
 * so the session layer can refuse PHI methods while locked without each handler remembering to.
 * "session" needs an unlocked session but touches no PHI, so it stays reachable while the audit
 * trail is closed (the administrator acknowledging an integrity problem).
 * `audit` names the audit event the call records; null for calls that touch no PHI.
 */
export interface MethodSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly request: Req;
  readonly response: Res;
  readonly access: 'public' | 'phi' | 'session';
  readonly audit: string | null;
}

export function defineMethod<Req extends z.ZodType, Res extends z.ZodType>(
  spec: MethodSpec<Req, Res>,
): MethodSpec<Req, Res> {
  return spec;
}
