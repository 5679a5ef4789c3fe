// Vitest setup file (test/vitest.config.ts `setupFiles`), run in every test worker before each test file: a process
// warning (a listener leak, a deprecated API, a Node behaviour change) fails the test it was emitted in, with the
// warning's own stack, instead of scrolling past in the output. Nothing is allow-listed: a warning we must live
// with would be filtered here by name and code, with the reason next to it.

import { afterAll, afterEach } from 'vitest';

interface Collected {
  readonly warnings: Error[];
}

// One listener per process even if a worker runs several files (each file runs its setup files again).
const KEY = Symbol.for('hotline-gateway.test.process-warnings');
const registry = globalThis as { [KEY]?: Collected };
const collected: Collected =
  registry[KEY] ??
  (() => {
    const fresh: Collected = { warnings: [] };
    process.on('warning', (warning) => fresh.warnings.push(warning));
    return (registry[KEY] = fresh);
  })();

async function failOnWarnings(where: string): Promise<void> {
  // Node emits a warning on the next tick after its cause, and the runner may reach this hook without leaving the
  // microtask queue (a synchronous test): wait for the check phase, by when the warning has been emitted.
  await new Promise((resolve) => setImmediate(resolve));
  const warnings = collected.warnings.splice(0);
  if (warnings.length === 0) return;
  const described = warnings.map((warning) => warning.stack ?? `${warning.name}: ${warning.message}`).join('\n\n');
  throw new Error(`${warnings.length} process warning(s) ${where}:\n${described}`);
}

afterEach(() => failOnWarnings('during this test'));
afterAll(() => failOnWarnings('in this file, outside its tests'));
