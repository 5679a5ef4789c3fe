// Given the project's vitest settings, when a test causes a process warning, then that test fails with the warning
// and its stack, and the other tests of the file still pass.

import { execFile } from 'node:child_process';
import { expect, it } from 'vitest';

it('fails the test that caused a process warning, and only that one', async () => {
  // The inner vitest must not believe it runs inside this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'NODE_OPTIONS'));
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/process-warnings/vitest.config.ts'],
      { env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, output: stdout + stderr }),
    );
  });
  expect(code).toBe(1);
  expect(output).toContain('1 process warning(s) during this test');
  expect(output).toMatch(/MaxListenersExceededWarning: Possible EventEmitter memory leak detected\. 11 error listeners/);
  expect(output).toMatch(/emits-a-warning\.fixture\.ts:\d+/);
  expect(output).toMatch(/Tests\s+1 failed \| 1 passed/);
}, 60_000);
