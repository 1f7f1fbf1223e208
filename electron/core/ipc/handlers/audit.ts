import type { AuditHead, AuditProblem, AuditTrailState, auditMethods } from '../../../../shared/contract/audit.ts';
import type { AuditLog } from '../../audit/log.ts';
import { MAX_PROBLEMS } from '../../../../node-shared/audit/verify.ts';
import { CoreError } from '../../errors.ts';
import type { HandlersFor } from '../dispatcher.ts';

export interface AuditHandlerDeps {
  /** The open device audit log (opened with the device key at start-up). */
  readonly audit: () => AuditLog;
  /** The signed-in staff member's profile id; null when nobody is signed in. */
  readonly currentStaffId: () => string | null;
  /** Whether the signed-in staff member holds the admin role (from policy / the server). */
  readonly isAdmin: () => boolean;
  /** Heads the server acknowledged, so verify also catches a log rewritten together with its head file. */
  readonly trustedHeads?: () => readonly AuditHead[];
  /** Where the trail stands (checks the file first) and the admin's acknowledgement of a problem. */
  readonly integrity: () => Promise<AuditTrailState>;
  readonly acknowledge: (staffId: string) => Promise<AuditTrailState>;
  /** Problems with the trail itself (deleted, replaced, rolled back, unreadable) not yet acknowledged. */
  readonly trailProblems: () => readonly AuditProblem[];
}

export type AuditHandlers = HandlersFor<typeof auditMethods>;

const signedIn = (deps: AuditHandlerDeps): string => {
  const staffId = deps.currentStaffId();
  if (staffId === null) throw new CoreError('locked', 'Sign in to see activity.');
  return staffId;
};

const requireAdmin = (deps: AuditHandlerDeps): string => {
  const staffId = signedIn(deps);
  if (!deps.isAdmin()) throw new CoreError('unauthorized', 'Only an administrator can see this.');
  return staffId;
};

/** audit.*: each staff member sees their own activity; the admin role sees, verifies and exports the device's. */
export function auditHandlers(deps: AuditHandlerDeps): AuditHandlers {
  return {
    'audit.myActivity': (req) => deps.audit().page({ staffId: signedIn(deps), beforeSeq: req.beforeSeq, limit: req.limit }),
    'audit.deviceActivity': (req) => {
      requireAdmin(deps);
      return deps.audit().page({ beforeSeq: req.beforeSeq, limit: req.limit });
    },
    'audit.verify': async () => {
      requireAdmin(deps);
      const result = await deps.audit().verifyAsync({ trustedHeads: deps.trustedHeads?.() ?? [] });
      const trail = deps.trailProblems();
      if (trail.length === 0) return result;
      // The chain in the file may be whole while the file itself is not the one this device wrote.
      const problems = [...trail, ...(result.ok ? [] : result.problems)];
      return { ok: false, problems: problems.slice(0, MAX_PROBLEMS), more: problems.length > MAX_PROBLEMS || (!result.ok && result.more) };
    },
    'audit.integrity': async () => {
      signedIn(deps);
      return { ...(await deps.integrity()), canAcknowledge: deps.isAdmin() };
    },
    'audit.acknowledgeIntegrity': async () => ({ ...(await deps.acknowledge(requireAdmin(deps))), canAcknowledge: true }),
    'audit.export': (req) => {
      const staffId = req.scope === 'device' ? requireAdmin(deps) : signedIn(deps);
      const result = deps.audit().exportText({
        format: req.format,
        staffId: req.scope === 'device' ? undefined : staffId,
        fromSeq: req.fromSeq,
        limit: req.limit,
        actor: staffId,
      });
      return { format: req.format, ...result };
    },
  };
}
