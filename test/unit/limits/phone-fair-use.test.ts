// Calls per number on the phone, over the limiter port (in memory here; the Redis adapter shares the same contract):
// within the limits, past them, and far past them; callers without a number are not counted; a limiter that fails
// or hangs lets the call through.

import { describe, expect, it } from 'vitest';
import { PhoneFairUse } from '../../../src/app/limits/phone-fair-use.js';
import type { CallCount, CallCounter, PhoneLimits } from '../../../src/app/limits/phone-fair-use.js';
import type { LimitRule, LimitVerdict, Limiter } from '../../../src/app/limits/limiter-ports.js';
import { MemoryLimiter } from '../../../src/app/limits/memory-limiter.js';
import { systemClock } from '../../../src/app/ports.js';
import type { Clock } from '../../../src/app/ports.js';
import { RecordingLog } from '../../support/logs.js';

/** A clock whose time the test moves; timers are real (the hanging-limiter test needs one to fire). */
function movableClock(start = Date.UTC(2026, 11, 7, 2)): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, setTimer: (ms, fire) => systemClock.setTimer(ms, fire), advance: (ms) => (now += ms) };
}

function screen(limits: PhoneLimits, limiter?: Limiter, answerWithinMs = 1000) {
  const clock = movableClock();
  const logs = new RecordingLog();
  const fairUse = new PhoneFairUse({ limiter: limiter ?? new MemoryLimiter(clock), limits, clock, log: logs.log, answerWithinMs });
  return { fairUse, clock, logs };
}

describe('PhoneFairUse', () => {
  it('treats a number a supervisor flagged as over its limits until the flag expires, however the number is written', async () => {
    const clock = movableClock();
    const expiresAt = clock.now() + 3_600_000;
    const flags = {
      find: (identities: readonly { kind: string; value: string }[], nowMs: number) =>
        Promise.resolve(
          identities.some((i) => i.kind === 'phone' && i.value === '13800000009') && nowMs < expiresAt
            ? [{ identity: { kind: 'phone' as const, value: '13800000009' }, reason: '恶意骚扰', by: 'supervisor', at: new Date(clock.now()).toISOString(), expiresAt: new Date(expiresAt).toISOString() }]
            : [],
        ),
    };
    const fairUse = new PhoneFairUse({ limiter: new MemoryLimiter(clock), limits: { callsPerHour: 10, callsPerDay: 100, abuseFactor: 3 }, clock, log: new RecordingLog().log, answerWithinMs: 1000, flags });
    expect(await fairUse.check('+86 138 0000 0009')).toBe('over');
    expect(await fairUse.check('13800000008')).toBe('ok');
    clock.advance(3_600_000);
    expect(await fairUse.check('13800000009')).toBe('ok');
  });

  it('judges by the counts when the flags cannot be read', async () => {
    const clock = movableClock();
    const flags = { find: () => Promise.reject(new Error('Redis: connection refused')) };
    const logs = new RecordingLog();
    const fairUse = new PhoneFairUse({ limiter: new MemoryLimiter(clock), limits: { callsPerHour: 10, callsPerDay: 100, abuseFactor: 3 }, clock, log: logs.log, answerWithinMs: 1000, flags });
    expect(await fairUse.check('13800000009')).toBe('ok');
  });

  it('lets calls through up to the hourly limit, then says over, and abusive at the factor times the limit', async () => {
    const { fairUse } = screen({ callsPerHour: 2, callsPerDay: 100, abuseFactor: 3 });
    const verdicts = [];
    for (let i = 0; i < 8; i += 1) verdicts.push(await fairUse.check('13800000001'));
    expect(verdicts).toEqual(['ok', 'ok', 'over', 'over', 'over', 'over', 'abusive', 'abusive']);
  });

  it('starts again in the next hour, but the day\'s limit holds across hours', async () => {
    const { fairUse, clock } = screen({ callsPerHour: 2, callsPerDay: 3, abuseFactor: 2 });
    expect([await fairUse.check('13800000002'), await fairUse.check('13800000002'), await fairUse.check('13800000002')]).toEqual(['ok', 'ok', 'over']);
    clock.advance(3_600_000);
    expect(await fairUse.check('13800000002')).toBe('ok');
    expect(await fairUse.check('13800000002')).toBe('over');
  });

  it('counts per number, the same number however it is written', async () => {
    const { fairUse } = screen({ callsPerHour: 1, callsPerDay: 10, abuseFactor: 2 });
    expect(await fairUse.check('13800000003')).toBe('ok');
    expect(await fairUse.check('+86 138 0000 0003')).toBe('over');
    expect(await fairUse.check('008613800000003')).toBe('abusive');
    expect(await fairUse.check('13800000004')).toBe('ok');
  });

  it('never counts a caller without a number (anonymous callers share no number to count)', async () => {
    const { fairUse } = screen({ callsPerHour: 1, callsPerDay: 1, abuseFactor: 2 });
    for (const caller of ['anonymous', 'unknown', '', 'anonymous']) expect(await fairUse.check(caller)).toBe('ok');
  });

  it('lets the call through, and says why in the log, when the limiter fails or does not answer in time', async () => {
    const failing: Limiter = {
      hit: (): Promise<LimitVerdict> => Promise.reject(new Error('Redis: connection refused')),
      peek: (): Promise<LimitVerdict> => Promise.reject(new Error('Redis: connection refused')),
      reset: (): Promise<void> => Promise.resolve(),
    };
    const broken = screen({ callsPerHour: 1, callsPerDay: 1, abuseFactor: 2 }, failing);
    expect(await broken.fairUse.check('13800000005')).toBe('ok');
    expect(broken.logs.lines.map((l) => [l.level, l.msg])).toEqual([['warn', 'call limits cannot be checked: the call goes through']]);
    expect(JSON.stringify(broken.logs.lines)).not.toContain('13800000005');

    const hanging: Limiter = { ...failing, hit: (_rules: readonly LimitRule[]) => new Promise<LimitVerdict>(() => undefined) };
    const slow = screen({ callsPerHour: 1, callsPerDay: 1, abuseFactor: 2 }, hanging, 20);
    expect(await slow.fairUse.check('13800000006')).toBe('ok');
    expect(String(slow.logs.lines[0]?.fields['err'])).toContain('no answer within 20 ms');
  });

  it('hands a given counter the number, its abuse and plain rules and the time, and bounds its wait the same way', async () => {
    const clock = movableClock();
    const seen: CallCount[] = [];
    const counter: CallCounter = {
      count: (call) => {
        seen.push(call);
        return Promise.resolve('over');
      },
    };
    const log = new RecordingLog().log;
    const limits = { callsPerHour: 4, callsPerDay: 10, abuseFactor: 3 };
    const fairUse = new PhoneFairUse({ limiter: new MemoryLimiter(clock), limits, clock, log, answerWithinMs: 1000, counter });
    expect(await fairUse.check('+86 138 0000 0007')).toBe('over');
    expect(await fairUse.check('anonymous')).toBe('ok');
    expect(seen).toEqual([
      {
        number: '13800000007',
        abuse: [
          { key: 'call:abuse:hour:13800000007', limit: 12, windowMs: 3_600_000 },
          { key: 'call:abuse:day:13800000007', limit: 30, windowMs: 86_400_000 },
        ],
        plain: [
          { key: 'call:hour:13800000007', limit: 4, windowMs: 3_600_000 },
          { key: 'call:day:13800000007', limit: 10, windowMs: 86_400_000 },
        ],
        nowMs: clock.now(),
      },
    ]);
    // 'ok' from a counter that hangs or fails is the fallback's, as the log says (the first check shows the counter
    // is the one asked): not a count.
    const hangingLog = new RecordingLog();
    const hanging = new PhoneFairUse({ limiter: new MemoryLimiter(clock), limits, clock, log: hangingLog.log, answerWithinMs: 20, counter: { count: () => new Promise<never>(() => undefined) } });
    expect(await hanging.check('13800000007')).toBe('ok');
    expect(hangingLog.lines.map((l) => [l.level, l.msg])).toEqual([['warn', 'call limits cannot be checked: the call goes through']]);
    expect(String(hangingLog.lines[0]?.fields['err'])).toContain('no answer within 20 ms');
    const failingLog = new RecordingLog();
    const failing = new PhoneFairUse({ limiter: new MemoryLimiter(clock), limits, clock, log: failingLog.log, answerWithinMs: 1000, counter: { count: () => Promise.reject(new Error('script failed')) } });
    expect(await failing.check('13800000007')).toBe('ok');
    expect(failingLog.lines.map((l) => [l.level, l.msg, l.fields['err']])).toEqual([['warn', 'call limits cannot be checked: the call goes through', 'script failed']]);
  });
});
