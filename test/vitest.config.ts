// Vitest settings, kept in test/ so the repository root holds only what the project layout names;
// run through `npm test` or `npm run vitest -- run <files>` (both pass --config). Paths are relative to the root.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Two test files at a time: most wait on sockets and timers, not the CPU, and one at a time (vitest's default
    // on two cores) takes twice as long.
    maxWorkers: 2,
    // A process warning fails the test it happened in (see the file).
    setupFiles: ['test/support/fail-on-process-warnings.ts'],
    reporters: ['default'],
  },
});
