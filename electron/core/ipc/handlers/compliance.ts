import type { complianceMethods } from '../../../../shared/contract/compliance.ts';
import { collectDeviceEvidence, type DeviceEvidenceDeps } from '../../compliance/device-evidence.ts';
import { CoreError } from '../../errors.ts';
import type { HandlersFor } from '../dispatcher.ts';

export interface ComplianceHandlerDeps extends DeviceEvidenceDeps {
  /** Whether the signed-in staff member holds the admin role; nobody signed in is never admin. */
  readonly isAdmin: () => boolean;
}

/** compliance.*: the device-side evidence an administrator exports for a reviewer. */
export function complianceHandlers(deps: ComplianceHandlerDeps): HandlersFor<typeof complianceMethods> {
  return {
    'compliance.deviceEvidence': () => {
      if (!deps.isAdmin()) throw new CoreError('unauthorized', 'Only an administrator can export compliance evidence.');
      return collectDeviceEvidence(deps);
    },
  };
}
