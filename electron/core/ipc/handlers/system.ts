import type { systemMethods } from '../../../../shared/contract/system.ts';
import { readSystemStatus, type StatusDeps } from '../../system/status.ts';
import type { HandlersFor } from '../dispatcher.ts';

/** system.*: what the start screen needs before anyone signs in (no PHI). */
export function systemHandlers(deps: StatusDeps): HandlersFor<typeof systemMethods> {
  return {
    'system.status': () => readSystemStatus(deps),
  };
}
