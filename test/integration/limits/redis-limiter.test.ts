// The shared Limiter on the real Redis: two limiters on two connections stand for two gateway replicas. Counts are
// exact across them, hits are all or nothing, counters expire with their window and name no identity, a retry of
// an admitted hit is not counted twice, and a Redis that goes away leaves the limits to each process's memory.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLimiter } from '../../../src/adapters/limits/redis-limiter.js';
import { untilReady } from '../../../src/adapters/redis/fail-fast-redis.js';
import type { LimitRule } from '../../../src/app/limits/limiter-ports.js';
import { RecordingLog } from '../../support/logs.js';
import { ownRedisPerTest } from '../../support/own-redis.js';
import { deletePrefixKeys, REDIS_URL } from '../../support/redis.js';

const prefix = `test-limiter-${Math.random().toString(36).slice(2, 10)}`;
const recorded = new RecordingLog();
let a: Redis;
let b: Redis;
let replicaA: RedisLimiter;
let replicaB: RedisLimiter;

beforeAll(() => {
  a = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  b = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  replicaA = new RedisLimiter(a, { prefix, log: recorded.log });
  replicaB = new RedisLimiter(b, { prefix, log: recorded.log });
});
afterAll(async () => {
  a.disconnect();
  b.disconnect();
  await deletePrefixKeys(prefix);
});

let serial = 0;
const rule = (limit: number, windowMs = 60_000): LimitRule => ({ key: `submit:ip:192.0.2.${++serial}`, limit, windowMs });

describe('RedisLimiter', () => {
  it('counts exactly across replicas, even when they race', async () => {
    await Promise.all([a.ping(), b.ping()]);
    const shared = rule(30);
    const verdicts = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? replicaA : replicaB).hit([shared])));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(30);
    const refused = verdicts.filter((v) => !v.allowed);
    expect(refused).toHaveLength(20);
    for (const v of refused) {
      expect(v).toMatchObject({ count: 30, limit: 30 });
      expect(v.retryAfterSeconds).toBeGreaterThan(0);
      expect(v.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    expect(await replicaB.peek([shared])).toMatchObject({ allowed: false, count: 30 });
  });

  it('keeps 3 on one replica and 3 on the other within a limit of 5: the sixth is refused', async () => {
    const perIp = rule(5, 3_600_000);
    const answers: boolean[] = [];
    for (const limiter of [replicaA, replicaA, replicaA, replicaB, replicaB, replicaB]) answers.push((await limiter.hit([perIp])).allowed);
    expect(answers).toEqual([true, true, true, true, true, false]);
  });

  it('counts all rules or none: a refusal by one rule uses nothing of the others', async () => {
    const tight = rule(1);
    const loose = rule(10);
    expect(await replicaA.hit([tight, loose])).toMatchObject({ allowed: true, count: 1, limit: 1 });
    const refused = await replicaB.hit([loose, tight]);
    expect(refused).toMatchObject({ allowed: false, count: 1, limit: 1 });
    expect(await replicaA.peek([loose])).toMatchObject({ allowed: true, count: 1, limit: 10 });
  });

  it('reports the rule with the fewest hits left while allowed, and peek counts nothing', async () => {
    const hourly = rule(3, 3_600_000);
    const minutely = rule(10);
    await replicaA.hit([minutely, hourly]);
    expect(await replicaB.hit([minutely, hourly])).toMatchObject({ allowed: true, count: 2, limit: 3 });
    expect(await replicaA.peek([minutely, hourly])).toMatchObject({ allowed: true, count: 2, limit: 3 });
    expect(await replicaA.peek([minutely, hourly])).toMatchObject({ count: 2 });
  });

  it('keeps counters under the prefix hash tag, named by digest, expiring with their window', async () => {
    const r = { key: 'submit:email:citizen@example.cn', limit: 5, windowMs: 90_000 };
    await replicaA.hit([r]);
    const counterKey = replicaA.counterKey(r.key);
    expect(counterKey.startsWith(`{${prefix}}:limit:`)).toBe(true);
    expect(counterKey).not.toContain('citizen');
    const ttl = await a.pttl(counterKey);
    expect(ttl).toBeGreaterThan(80_000);
    expect(ttl).toBeLessThanOrEqual(90_000);
    const keys = await a.keys(`{${prefix}}*`);
    expect(keys.join(' ')).not.toContain('example.cn');
  });

  it('admits a retry of an admitted hit again without counting it, even at the limit', async () => {
    const r = rule(2);
    expect((await replicaA.hit([r], { once: 'form:page-1' })).allowed).toBe(true);
    expect((await replicaB.hit([r], { once: 'form:page-1' })).allowed).toBe(true);
    expect((await replicaA.peek([r])).count).toBe(1);
    expect((await replicaA.hit([r], { once: 'form:page-2' })).allowed).toBe(true);
    expect((await replicaA.hit([r], { once: 'form:page-3' })).allowed).toBe(false);
    // Still at the limit: the first two are admitted again, the refused third is not.
    expect((await replicaB.hit([r], { once: 'form:page-1' })).allowed).toBe(true);
    expect((await replicaB.hit([r], { once: 'form:page-3' })).allowed).toBe(false);
  });

  it('refuses everything under a limit of 0 and forgets counters on reset', async () => {
    expect(await replicaA.hit([rule(0)])).toMatchObject({ allowed: false, count: 0, limit: 0 });
    const r = rule(1);
    await replicaA.hit([r]);
    expect((await replicaB.hit([r])).allowed).toBe(false);
    await replicaB.reset([r.key]);
    expect((await replicaA.hit([r])).allowed).toBe(true);
  });

  it('starts afresh a counter that lost its expiry, so that it cannot block for ever', async () => {
    const r = rule(2);
    await a.set(replicaA.counterKey(r.key), '7');
    expect(await replicaA.hit([r])).toMatchObject({ allowed: true, count: 1 });
    expect(await a.pttl(replicaA.counterKey(r.key))).toBeGreaterThan(0);
  });

  it('deletes a counter without expiry even when nothing is counted on it', async () => {
    const r = rule(2);
    await a.set(replicaA.counterKey(r.key), '7');
    expect(await replicaA.peek([r])).toMatchObject({ allowed: true, count: 0 });
    expect(await a.exists(replicaA.counterKey(r.key))).toBe(0);
  });

  it('answers from this process, writing nothing, when a counter holds no number', async () => {
    const log = new RecordingLog();
    const limiter = new RedisLimiter(a, { prefix, log: log.log });
    const [garbled, other] = [rule(2), rule(2)];
    await a.set(limiter.counterKey(garbled.key), 'seven', 'PX', 60_000);
    expect(await limiter.hit([other, garbled])).toMatchObject({ allowed: true, count: 1 });
    expect(await a.get(limiter.counterKey(garbled.key))).toBe('seven');
    expect(await a.exists(limiter.counterKey(other.key))).toBe(0);
    expect(log.lines.some((l) => l.level === 'warn' && String(l.fields['err']).includes('holds no number'))).toBe(true);
  });

  it('refuses rules it cannot count with a clear error', async () => {
    await expect(replicaA.hit([])).rejects.toThrow(/at least one rule/);
    await expect(replicaA.hit([{ key: 'x', limit: 1, windowMs: 0 }])).rejects.toThrow(/window of x/);
    await expect(replicaA.hit([{ key: 'x', limit: -1, windowMs: 10 }])).rejects.toThrow(/limit of x/);
  });
});

describe('RedisLimiter without Redis', () => {
  const ownRedis = ownRedisPerTest();

  it('answers from memory with the same limits while Redis is down, and shares through Redis again once it is back', async () => {
    const log = new RecordingLog();
    const { client, server } = await ownRedis.start('limits', log.log);
    const limiter = new RedisLimiter(client, { prefix: 'outage', log: log.log });
    const r = { key: 'submit:openid:o-outage', limit: 3, windowMs: 3_600_000 };
    expect((await limiter.hit([r])).allowed).toBe(true);
    expect(limiter.shared).toBe(true);

    await server.kill();
    // Never an exception: the process's own counts take over (the count starts again there).
    const during = [];
    for (let i = 0; i < 4; i += 1) during.push(await limiter.hit([r]));
    expect(during.map((v) => v.allowed)).toEqual([true, true, true, false]);
    expect(during[3]?.retryAfterSeconds).toBeGreaterThan(3500);
    expect(limiter.shared).toBe(false);
    expect(log.lines.some((l) => l.level === 'warn' && l.msg === 'limits counted in this process only: Redis unavailable')).toBe(true);

    await server.start();
    expect(await untilReady(client, 15_000)).toBe(true);
    // Redis kept the one hit from before (AOF): two more fit, then the limit holds again for everyone.
    expect((await limiter.hit([r])).allowed).toBe(true);
    expect(limiter.shared).toBe(true);
    expect((await limiter.hit([r])).allowed).toBe(true);
    expect((await limiter.hit([r])).allowed).toBe(false);
    expect(log.lines.some((l) => l.msg === 'limits shared through Redis again')).toBe(true);
  });
});
