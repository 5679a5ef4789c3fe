// The call-queue benchmark's smoke run: a small pool and queue, a few dozen decisions of each kind. Every decision
// checks its own answer in the bench (an agent made ready is offered a call, a call with agents free is offered one,
// a tick with nobody free offers nothing), so this test sees failures, not speed; and the run's keys are gone after.

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { measureAcd } from '../../../bench/acd/run-acd.js';
import { acdReportText, acdVerdicts } from '../../../bench/acd/report.js';
import { parseAcdOptions } from '../../../bench/acd/options.js';
import { redisForFile } from '../../support/redis.js';

const redis = redisForFile('acd-bench');

describe('npm run bench -- acd (smoke)', () => {
  it('loads agents and calls, measures every decision beside raw EVALSHA without a failure, and removes its keys', async () => {
    const options = parseAcdOptions(['--agents', '60', '--calls', '300', '--samples', '30', '--warmup', '5', '--ticks', '10']);
    if (options === 'help') throw new Error('unexpected help');
    const prefix = `bench-acd-test-${randomUUID().slice(0, 8)}`;
    const progress: string[] = [];
    const report = await measureAcd(options, (line) => progress.push(line), prefix);

    expect(report.load).toMatchObject({ agents: 60, readyAgents: 6, calls: 300 });
    for (const { timings, raw } of [report.agentReady, report.enqueueOffered, report.enqueueWaits, report.tick]) {
      expect(timings.failed, timings.errors.join('; ')).toBe(0);
      expect(raw.failed, raw.errors.join('; ')).toBe(0);
      expect(timings.p99Ms).not.toBeNull();
    }
    expect(report.agentReady.timings.samples).toBe(30);
    expect(report.tick.timings.samples).toBe(10);
    expect(report.raw.samples).toBe(100);
    const verdicts = acdVerdicts(report);
    expect(verdicts.map((v) => v.target.split(' p99')[0])).toEqual(['agent ready -> offer', 'enqueue -> offer', 'enqueue, no agent free', 'tick']);
    const text = acdReportText(report, verdicts);
    expect(text).toContain('raw EVALSHA (return 1), all');
    expect(text).toMatch(/tick \(\d+\.\d widening calls\)/);
    expect(progress.some((line) => line.startsWith('removed '))).toBe(true);
    expect(await redis.client().keys(`{${prefix}}*`)).toEqual([]);
  });

  it('refuses a bad option with the option named', () => {
    expect(() => parseAcdOptions(['--calls', '0'])).toThrow(/--calls needs a positive integer/);
    expect(parseAcdOptions(['--help'])).toBe('help');
  });
});
