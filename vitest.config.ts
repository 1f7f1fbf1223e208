import { defineConfig } from 'vitest/config';

// Three tiers. Integration and end-to-end run the real keychain, files, Prosody and Chromium,
// so they run one file at a time on this 2-core machine.
export default defineConfig({
  test: {
    projects: [
      // Unit tests share the machine with the other tiers (and other builds): a cold import of
      // ESLint or electron-builder can take seconds there, which is not a failure.
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 30_000 } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/security/**/*.test.ts', 'tests/gateway/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
