// Given the gateway on its built-in simulator, when a newcomer uses `hotline-gateway call` and types 2,
// then they see the prompts' text as they play and where the call went.

import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runSimulatedCaller } from '../../../src/simulator/simulated-caller.js';
import type { Harness } from './harness.js';
import { FLOW_FILE, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

it('shows each prompt as text, sends typed digits and reports the hand-off to the queue', async () => {
  const input = new PassThrough();
  const lines: string[] = [];
  // The caller's output is not a simulator event, so it is watched as the caller itself would: line by line.
  const seen = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`no output line contains "${text}":\n${lines.join('\n')}`)), 5000);
      const out = lines.push.bind(lines);
      const check = (): void => {
        if (lines.some((l) => l.includes(text))) {
          clearTimeout(timeout);
          resolve();
        }
      };
      lines.push = (...items: string[]) => {
        const n = out(...items);
        check();
        return n;
      };
      check();
    });
  const done = runSimulatedCaller({
    from: '13800138000',
    controlUrl: h.gateway.simulator?.controlUrl ?? '',
    flowFile: FLOW_FILE,
    input,
    out: (line) => lines.push(line),
    pollMs: 20,
  });
  await seen('欢迎致电12345市民服务热线');
  input.write('2\n');
  await seen('queue skill consultation');
  input.end();
  expect(await done).toBe(0);
  expect(lines.join('\n')).toMatch(/♪ \[zh\] .*咨询/);
});
