import { z } from 'zod';

/** The evidence map's rules, so a map edited by hand (or a test's tiny one) is checked before anything runs. */
const NamedTestSchema = z.strictObject({
  file: z.string().regex(/^tests\/[A-Za-z0-9._/-]+\.test\.ts$/, 'a test file under tests/'),
  title: z.string().min(1).max(400),
});

const RequirementSchema = z
  .strictObject({
    id: z.string().min(1).max(60),
    title: z.string().min(1).max(200),
    source: z.enum(['HIPAA Security Rule §164.312', '2025 proposed Security Rule (NPRM)']),
    how: z.string().min(1).max(600),
    coverage: z.enum(['proven', 'partly', 'not covered']),
    gap: z.string().min(1).max(600).optional(),
    tests: z.array(NamedTestSchema).max(20),
  })
  .refine((r) => r.coverage === 'not covered' || r.tests.length > 0, { message: 'proven or partly needs at least one named test' })
  .refine((r) => r.coverage === 'proven' || r.gap !== undefined, { message: 'partly or not covered needs a gap: what would close it' });

export const EvidenceMapSchema = z
  .array(RequirementSchema)
  .min(1)
  .refine((reqs) => new Set(reqs.map((r) => r.id)).size === reqs.length, { message: 'requirement ids must be unique' });
