import type { policyMethods } from '../../../../shared/contract/policy.ts';
import type { PolicyService } from '../../policy/service.ts';
import type { HandlersFor } from '../dispatcher.ts';

/** policy.*: the effective policy and where each value came from. */
export function policyHandlers(deps: { policy: PolicyService }): HandlersFor<typeof policyMethods> {
  return {
    'policy.effective': () => deps.policy.current,
  };
}
