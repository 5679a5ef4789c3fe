// The identity benchmark's smoke run: a few hundred profiles, short windows. It checks that every lookup found its
// citizen's history (each one is checked in the bench), that the report has all three rows and both verdicts, and
// that the run's keys are gone afterwards. No figure is asserted: timings belong to the bench, not to a test.

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { measureIdentity } from '../../../bench/identity/run-identity.js';
import { identityReportText, identityVerdicts } from '../../../bench/identity/report.js';
import { parseIdentityOptions } from '../../../bench/identity/options.js';
import { redisForFile } from '../../support/redis.js';

const redis = redisForFile('identity-bench');

describe('npm run bench -- identity (smoke)', () => {
  it('loads profiles, measures PING, history lookups and limit checks without a failure, and removes its keys', async () => {
    const options = parseIdentityOptions(['--profiles', '300', '--duration', '200', '--warmup', '50', '--concurrency', '2']);
    if (options === 'help') throw new Error('unexpected help');
    const prefix = `bench-identity-test-${randomUUID().slice(0, 8)}`;
    const progress: string[] = [];
    const report = await measureIdentity(options, (line) => progress.push(line), prefix);

    expect(report.load.profiles).toBe(300);
    for (const window of [report.ping, report.history, report.limits]) {
      expect(window.failed, window.errors.join('; ')).toBe(0);
      expect(window.operations).toBeGreaterThan(0);
      expect(window.p99Ms).not.toBeNull();
    }
    const verdicts = identityVerdicts(report);
    expect(verdicts.map((v) => v.target)).toEqual(['history lookup p99 < 2 ms, none failed', 'limit check p99 < 2 ms, none failed']);
    const text = identityReportText(report, verdicts);
    expect(text).toContain('raw Redis round trip (PING)');
    expect(text).toContain('history lookup (by phone)');
    expect(text).toContain('limit check (2 rules)');
    expect(progress.some((line) => line.startsWith('removed '))).toBe(true);
    expect(await redis.client().keys(`{${prefix}}*`)).toEqual([]);
  });

  it('refuses a bad option with the option named', () => {
    expect(() => parseIdentityOptions(['--profiles', '0'])).toThrow(/--profiles needs a positive integer/);
    expect(parseIdentityOptions(['--help'])).toBe('help');
  });
});
