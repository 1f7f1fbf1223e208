import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AuditEventType, events, methodNames, methods } from '../../shared/contract/index.ts';

describe('the IPC contract', () => {
  it('names a known audit event for every audited method', () => {
    for (const name of methodNames) {
      const audit = methods[name].audit;
      if (audit !== null) expect(AuditEventType.safeParse(audit.event).success, `${name} → ${audit.event}`).toBe(true);
    }
  });

  it('declares every secret-testing call once, in its contract entry: failures become auth.failed', () => {
    const secret = methodNames.filter((name) => methods[name].audit?.secret === true).sort();
    expect(secret).toEqual([
      'account.firstSignIn',
      'account.updatePassword',
      'admin.enter',
      'profiles.changePassword',
      'profiles.open',
      'profiles.unlockWithPin',
      'profiles.wipe',
    ]);
  });

  it('gates every method that returns or takes PHI behind an unlocked session', () => {
    const phi = methodNames.filter((name) => /^(conversations|messages|messaging|audit)\./.test(name) && name !== 'messaging.state');
    // 'session' (unlocked, ids only): what staff and an administrator need while the audit trail closes PHI.
    const sessionOnly = ['audit.myActivity', 'audit.deviceActivity', 'audit.verify', 'audit.integrity', 'audit.acknowledgeIntegrity'];
    for (const name of phi) expect(methods[name].access, name).toBe(sessionOnly.includes(name) ? 'session' : 'phi');
  });

  it('declares strict request objects, so unknown keys (and __proto__) are refused', () => {
    for (const name of methodNames) {
      const request = methods[name].request;
      expect(request.safeParse({ unexpectedKey: 1 }).success, name).toBe(false);
      expect(request).toBeInstanceOf(z.ZodObject);
    }
  });

  it('pushes no message text in events', () => {
    for (const [name, schema] of Object.entries(events)) {
      const keys = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
      for (const key of keys) expect(['body', 'text', 'preview', 'snippet'], `${name}.${key}`).not.toContain(key);
    }
  });
});
