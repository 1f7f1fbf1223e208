import { z } from 'zod';

// The renderer's CSP forbids eval; zod's JIT probes it with `new Function`, which the CSP reports
// as a violation. Jitless parsing is plenty fast for IPC-sized payloads.
z.config({ jitless: true });
