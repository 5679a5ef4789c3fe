// The phone fair-use check's one-script counting on the real Redis: two counters on two connections stand for two
// gateway replicas. It answers as the separate steps over the limiter and flag ports do (counts exact across
// replicas, abuse counted for every call, plain only within the abuse limits and unflagged), reads supervisors'
// flags at every call (set, expired, lifted, written in another form), sends one script call for the calls of one
// event-loop turn, and counts step by step (the limiter's per-process fallback) while Redis is away.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCallCounter } from '../../../src/adapters/limits/redis-call-counter.js';
import { RedisFlagStore } from '../../../src/adapters/limits/redis-flag-store.js';
import { RedisLimiter } from '../../../src/adapters/limits/redis-limiter.js';
import { untilReady } from '../../../src/adapters/redis/fail-fast-redis.js';
import type { RedisClient } from '../../../src/adapters/redis/redis-connection.js';
import { HOUR_MS, DAY_MS } from '../../../src/app/limits/limiter-ports.js';
import { MemoryLimiter } from '../../../src/app/limits/memory-limiter.js';
import { StepwiseCallCounter } from '../../../src/app/limits/phone-fair-use.js';
import type { CallCount, CallCounter } from '../../../src/app/limits/phone-fair-use.js';
import type { FairUseOutcome } from '../../../src/domain/flow/types.js';
import { RecordingLog } from '../../support/logs.js';
import { ownRedisPerTest } from '../../support/own-redis.js';
import { deletePrefixKeys, REDIS_URL } from '../../support/redis.js';

const prefix = `test-calls-${Math.random().toString(36).slice(2, 10)}`;
const recorded = new RecordingLog();
let a: Redis;
let b: Redis;
let limiterA: RedisLimiter;
let flags: RedisFlagStore;
let replicaA: RedisCallCounter;
let replicaB: RedisCallCounter;

beforeAll(async () => {
  a = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  b = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  limiterA = new RedisLimiter(a, { prefix, log: recorded.log });
  flags = new RedisFlagStore(a, { prefix, auditRetentionMs: HOUR_MS });
  replicaA = new RedisCallCounter(a, limiterA, flags, { log: recorded.log });
  replicaB = new RedisCallCounter(b, new RedisLimiter(b, { prefix, log: recorded.log }), new RedisFlagStore(b, { prefix, auditRetentionMs: HOUR_MS }), { log: recorded.log });
  await Promise.all([a.ping(), b.ping()]);
});
afterAll(async () => {
  a.disconnect();
  b.disconnect();
  await deletePrefixKeys(prefix);
});

let serial = 0;
const nextNumber = (): string => `1380000${String(++serial).padStart(4, '0')}`;

function call(number: string, perHour: number, perDay: number, factor: number, nowMs = Date.now()): CallCount {
  const rules = (p: string, hour: number, day: number) => [
    { key: `${p}:hour:${number}`, limit: hour, windowMs: HOUR_MS },
    { key: `${p}:day:${number}`, limit: day, windowMs: DAY_MS },
  ];
  return { number, abuse: rules('call:abuse', perHour * factor, perDay * factor), plain: rules('call', perHour, perDay), nowMs };
}

async function inTurn(counter: CallCounter, calls: readonly CallCount[]): Promise<FairUseOutcome[]> {
  const outcomes: FairUseOutcome[] = [];
  for (const c of calls) outcomes.push(await counter.count(c));
  return outcomes;
}

describe('RedisCallCounter', () => {
  it('answers call after call as the separate steps over the limiter do', async () => {
    const number = nextNumber();
    const steps = new StepwiseCallCounter({ limiter: new MemoryLimiter(), log: recorded.log });
    const sequence = Array.from({ length: 9 }, () => call(number, 2, 3, 2));
    const expected = await inTurn(steps, sequence);
    expect(expected).toEqual(['ok', 'ok', 'over', 'over', 'abusive', 'abusive', 'abusive', 'abusive', 'abusive']);
    expect(await inTurn(replicaA, sequence)).toEqual(expected);
    // The plain counters stopped at their limit; the abuse ones counted every call within theirs.
    expect(await a.get(limiterA.counterKey(`call:hour:${number}`))).toBe('2');
    expect(await a.get(limiterA.counterKey(`call:abuse:day:${number}`))).toBe('4');
    const ttl = await a.pttl(limiterA.counterKey(`call:day:${number}`));
    expect(ttl).toBeGreaterThan(DAY_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(DAY_MS);
  });

  it('counts exactly across replicas, even when their calls race in one turn', async () => {
    const number = nextNumber();
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? replicaA : replicaB).count(call(number, 3, 100, 4))));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'over')).toHaveLength(9);
    expect(outcomes.filter((o) => o === 'abusive')).toHaveLength(18);
  });

  it('applies a supervisor flag from the next call until it expires or is lifted, on every replica, counting no plain hit', async () => {
    const number = nextNumber();
    const now = Date.now();
    await flags.flag({ identity: { kind: 'phone', value: number }, reason: 'floods the hotline', by: 'supervisor', at: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString() });
    expect(await replicaB.count(call(number, 5, 20, 3, now))).toBe('over');
    expect(await a.exists(limiterA.counterKey(`call:hour:${number}`))).toBe(0);
    expect(await a.get(limiterA.counterKey(`call:abuse:hour:${number}`))).toBe('1');
    // Past its expiry the flag no longer applies, though it is still in the hash.
    expect(await replicaA.count(call(number, 5, 20, 3, now + 60_000))).toBe('ok');
    expect(await replicaB.count(call(number, 5, 20, 3, now + 59_999))).toBe('over');
    await flags.unflag({ kind: 'phone', value: number }, 'supervisor', 'agreed with the caller', new Date(now).toISOString());
    expect(await replicaB.count(call(number, 5, 20, 3, now))).toBe('ok');
    expect(await a.get(limiterA.counterKey(`call:hour:${number}`))).toBe('2');
  });

  it('judges a flag the script cannot read as the flag store does', async () => {
    const other = nextNumber();
    const wrongDate = nextNumber();
    const unreadable = nextNumber();
    const stored = (number: string, expiresAt: string) => JSON.stringify({ identity: { kind: 'phone', value: number }, reason: 'r', by: 's', at: '2026-01-01T00:00:00.000Z', expiresAt });
    // Date.parse reads this form too: in force.
    await a.hset(flags.flagsKey, `phone:${other}`, stored(other, '2999-01-01'));
    // No such date: Date.parse gives NaN, so no flag; the plain hit is still made.
    await a.hset(flags.flagsKey, `phone:${wrongDate}`, stored(wrongDate, '2999-13-45T00:00:00.000Z'));
    await a.hset(flags.flagsKey, `phone:${unreadable}`, '{not json');
    expect(await replicaA.count(call(other, 5, 20, 3))).toBe('over');
    expect(await replicaA.count(call(wrongDate, 5, 20, 3))).toBe('ok');
    expect(await replicaA.count(call(unreadable, 5, 20, 3))).toBe('ok');
    expect(await a.get(limiterA.counterKey(`call:hour:${wrongDate}`))).toBe('1');
    expect(await a.get(limiterA.counterKey(`call:hour:${unreadable}`))).toBe('1');
    expect(await a.exists(limiterA.counterKey(`call:hour:${other}`))).toBe(0);
  });

  it('refuses rules no limiter accepts', async () => {
    await expect(replicaA.count({ ...call(nextNumber(), 5, 20, 3), plain: [] })).rejects.toThrow(/at least one rule/);
  });
});

/** A counter as the gateway builds it (limiter and flag store on the same connection), on a Redis of the test's own. */
function counterOn(client: RedisClient, keyPrefix: string, log: RecordingLog): RedisCallCounter {
  const limiter = new RedisLimiter(client, { prefix: keyPrefix, log: log.log });
  return new RedisCallCounter(client, limiter, new RedisFlagStore(client, { prefix: keyPrefix, auditRetentionMs: HOUR_MS }), { log: log.log });
}

describe('RedisCallCounter on a Redis of its own', () => {
  const ownRedis = ownRedisPerTest();

  it('sends the calls of one event-loop turn in one script call, and nothing else', async () => {
    const own = await ownRedis.start('limits', new RecordingLog().log);
    const counter = counterOn(own.client, 'own', new RecordingLog());
    // The first call loads the script into this fresh Redis.
    expect(await counter.count(call(nextNumber(), 5, 20, 3))).toBe('ok');
    await own.client.config('RESETSTAT');
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => counter.count(call(nextNumber(), 5, 20, 3))));
    expect(outcomes).toEqual(Array.from({ length: 10 }, () => 'ok'));
    const calls = await own.commandCalls();
    expect(calls['evalsha']).toBe(1);
    // Inside the script: per call, four counters read (PTTL: none yet) and started (SET), one flag read (HGET).
    expect(calls).toEqual({ evalsha: 1, pttl: 40, set: 40, hget: 10, 'config|resetstat': 1 });
  });
});

describe('RedisCallCounter without Redis', () => {
  const ownRedis = ownRedisPerTest();

  it('counts step by step in this process while Redis is down, and in one script call again once it is back', async () => {
    const log = new RecordingLog();
    const { client, server } = await ownRedis.start('limits', log.log);
    const counter = counterOn(client, 'outage', log);
    expect(await counter.count(call('13800009999', 2, 10, 2))).toBe('ok');

    await server.kill();
    const during = await inTurn(counter, Array.from({ length: 3 }, () => call('13800009999', 2, 10, 2)));
    // This process's own counts start afresh: two calls fit, the third is over.
    expect(during).toEqual(['ok', 'ok', 'over']);
    expect(log.lines.some((l) => l.level === 'warn' && l.msg === 'call limits checked step by step: the one-script check cannot run')).toBe(true);

    await server.start();
    expect(await untilReady(client, 15_000)).toBe(true);
    // Redis kept the one call from before (AOF): one more fits, then the limit holds again for every replica.
    expect(await counter.count(call('13800009999', 2, 10, 2))).toBe('ok');
    expect(await counter.count(call('13800009999', 2, 10, 2))).toBe('over');
    expect(log.lines.some((l) => l.msg === 'call limits checked in one script call again')).toBe(true);
  });
});
