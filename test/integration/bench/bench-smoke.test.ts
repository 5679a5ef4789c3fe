// The benches' smoke runs, as CI runs them: `tsx bench/run.ts NAME --smoke --json` for intake, channels, identity
// and acd, each under a key prefix of this test's own (BENCH_KEY_PREFIX), on the shared Redis. Each must exit 0,
// print its report as JSON with every part measured (submissions acknowledged, the floors measured, nothing
// failed), judge no target, and leave no key behind. No figure is asserted: a smoke run is too short to mean one.
// The fuzz bench has a --smoke too, but its targets already run in CI with their CI counts (test/fuzz), and even
// its smoke takes longer than this whole file may; ivr's smoke belongs to the IVR bench.

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redisForFile } from '../../support/redis.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const SMOKE_TIMEOUT_MS = 75_000;

const redis = redisForFile('bench-smoke');

interface Window {
  readonly operations: number;
  readonly failed: number;
  readonly perSecond: number;
  readonly p99Ms: number | null;
}

/** Runs one bench's smoke under a prefix of its own; resolves with its JSON report once its keys are known gone. */
async function smoke(name: string, ...args: string[]): Promise<Record<string, unknown>> {
  const prefix = `smoke-${randomUUID().slice(0, 8)}`;
  let stdout: string;
  let leftovers: string[];
  try {
    ({ stdout } = await run(TSX, ['bench/run.ts', name, '--smoke', '--json', ...args], {
      cwd: ROOT,
      env: { ...process.env, BENCH_KEY_PREFIX: prefix },
      timeout: SMOKE_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } finally {
    // Deleted here, whether the run failed or not, so that a smoke which leaves keys fails without leaving them on
    // the shared Redis; the check that there were none follows.
    leftovers = await redis.client().keys(`{${prefix}-*`);
    if (leftovers.length > 0) await redis.client().del(...leftovers);
  }
  expect(leftovers).toEqual([]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

function expectMeasured(window: Window, what: string): void {
  expect(window.operations, `${what}: operations`).toBeGreaterThan(0);
  expect(window.failed, `${what}: failed`).toBe(0);
  expect(window.perSecond, `${what}: per second`).toBeGreaterThan(0);
  expect(window.p99Ms, `${what}: p99`).not.toBeNull();
}

describe.concurrent('npm run bench -- NAME --smoke', () => {
  it('intake: every channel (/v1, form, Open311) and the HTTP floor take submissions; nothing is judged', { timeout: SMOKE_TIMEOUT_MS + 5000 }, async () => {
    const report = (await smoke('intake')) as { judged: boolean; channels: (Window & { channel: string })[]; floor: Window; baseline: Window; memory: { failedInRun: number }; verdicts: unknown[] };
    expect(report.judged).toBe(false);
    expect(report.channels.map((c) => c.channel)).toEqual(['v1', 'form', 'open311']);
    for (const channel of report.channels) expectMeasured(channel, channel.channel);
    expectMeasured(report.floor, 'HTTP floor');
    expectMeasured(report.baseline, 'raw queue.add');
    expect(report.memory.failedInRun).toBe(0);
    // Four floor targets per channel, the memory and the "all taken" verdicts: computed, though not judged.
    expect(report.verdicts).toHaveLength(3 * 4 + 2);
  });

  it('channels: WeChat, SMTP and both floors take messages; replies are checked; nothing is judged', { timeout: SMOKE_TIMEOUT_MS + 5000 }, async () => {
    const report = (await smoke('channels')) as { judged: boolean; wechat: Window & { verifiedReplies: number }; smtp: Window; wechatFloor: Window & { verifiedReplies: number }; smtpFloor: Window; baseline: Window };
    expect(report.judged).toBe(false);
    expectMeasured(report.wechat, 'WeChat');
    expectMeasured(report.smtp, 'SMTP');
    expectMeasured(report.wechatFloor, 'WeChat floor');
    expectMeasured(report.smtpFloor, 'SMTP floor');
    expectMeasured(report.baseline, 'raw queue.add');
    expect(report.wechat.verifiedReplies).toBeGreaterThan(0);
    expect(report.wechatFloor.verifiedReplies).toBeGreaterThan(0);
  });

  it('identity: PING, history lookups and limit checks run; nothing is judged', { timeout: SMOKE_TIMEOUT_MS + 5000 }, async () => {
    const report = (await smoke('identity')) as { judged: boolean; verdicts: unknown[]; ping: Window; history: Window; limits: Window };
    expect(report.judged).toBe(false);
    expect(report.verdicts).toEqual([]);
    for (const [what, window] of Object.entries({ ping: report.ping, history: report.history, limits: report.limits })) expectMeasured(window, what);
  });

  it('acd: every kind of decision and the tick are measured; nothing is judged', { timeout: SMOKE_TIMEOUT_MS + 5000 }, async () => {
    const report = (await smoke('acd')) as { judged: boolean; verdicts: unknown[]; agentReady: { timings: { samples: number; failed: number } }; tick: { timings: { samples: number; failed: number } } };
    expect(report.judged).toBe(false);
    expect(report.verdicts).toEqual([]);
    for (const part of [report.agentReady, report.tick]) {
      expect(part.timings.samples).toBeGreaterThan(0);
      expect(part.timings.failed).toBe(0);
    }
  });
});
