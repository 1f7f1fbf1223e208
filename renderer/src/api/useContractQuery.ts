import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { IpcError, MethodName, RequestOf, ResponseOf } from '../../../shared/contract/index.ts';
import { useClient } from './ClientProvider.tsx';

/** A typed failure carried through the query library (which wants something thrown). */
class ContractError extends Error {
  readonly error: IpcError;
  constructor(error: IpcError) {
    super(error.code);
    this.error = error;
  }
}

export interface QueryOptions {
  /** false: do not ask (yet). */
  readonly enabled?: boolean;
  /** Ask again every time a screen using it opens (for answers no event keeps current, like the roster). */
  readonly askOnOpen?: boolean;
}

/**
 * The one way screens read from main: one contract method and request, asked once, kept while
 * shown, asked again when a core event named in invalidation.ts (or useInvalidate) marks it stale.
 */
export function useContractQuery<M extends MethodName>(method: M, request: RequestOf<M>, options: QueryOptions = {}) {
  const client = useClient();
  const query = useQuery({
    queryKey: [method, request] as const,
    queryFn: async (): Promise<ResponseOf<M>> => {
      const result = await client.call(method, request);
      if (!result.ok) throw new ContractError(result.error);
      return result.value;
    },
    enabled: options.enabled ?? true,
    refetchOnMount: options.askOnOpen ? 'always' : true,
  });
  const error = query.error instanceof ContractError ? query.error.error : query.error ? { code: 'internal' as const, message: '' } : null;
  // A failed refresh after a good answer keeps the answer and shows the error beside it.
  return { data: query.data ?? null, error, refetch: query.refetch };
}

/** Marks answers stale after the screen's own action (for example read markers change the inbox). */
export function useInvalidate(): (...keys: QueryKey[]) => void {
  const queries = useQueryClient();
  return useCallback(
    (...keys: QueryKey[]) => {
      for (const queryKey of keys) void queries.invalidateQueries({ queryKey });
    },
    [queries],
  );
}
