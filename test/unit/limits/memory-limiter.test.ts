// The per-process Limiter (the Redis adapter's fallback, and the stand-in for app tests): fixed windows from the
// first hit, all-or-nothing hits, `once` retries, and a bounded memory.

import { describe, expect, it } from 'vitest';
import { MemoryLimiter } from '../../../src/app/limits/memory-limiter.js';

describe('MemoryLimiter', () => {
  it('opens a window at the first hit and starts again when it ends', async () => {
    let now = 1_000_000;
    const limiter = new MemoryLimiter({ now: () => now });
    const rule = { key: 'submit:ip:198.51.100.7', limit: 2, windowMs: 60_000 };
    expect(await limiter.hit([rule])).toEqual({ allowed: true, count: 1, limit: 2, retryAfterSeconds: 60 });
    now += 30_000;
    expect((await limiter.hit([rule])).allowed).toBe(true);
    expect(await limiter.hit([rule])).toEqual({ allowed: false, count: 2, limit: 2, retryAfterSeconds: 30 });
    now += 30_000;
    expect(await limiter.hit([rule])).toMatchObject({ allowed: true, count: 1 });
  });

  it('counts all rules or none, and admits a retry of an admitted hit without counting', async () => {
    const limiter = new MemoryLimiter();
    const tight = { key: 'a', limit: 1, windowMs: 60_000 };
    const loose = { key: 'b', limit: 5, windowMs: 60_000 };
    expect((await limiter.hit([tight, loose], { once: 'wechat:1' })).allowed).toBe(true);
    expect((await limiter.hit([loose, tight], { once: 'wechat:2' })).allowed).toBe(false);
    expect((await limiter.hit([loose, tight], { once: 'wechat:1' })).allowed).toBe(true);
    expect((await limiter.peek([loose])).count).toBe(1);
  });

  it('keeps at most maxKeys counters, forgetting the oldest', async () => {
    const limiter = new MemoryLimiter({ maxKeys: 2 });
    const rule = (key: string) => ({ key, limit: 1, windowMs: 60_000 });
    await limiter.hit([rule('one')]);
    await limiter.hit([rule('two')]);
    await limiter.hit([rule('three')]);
    expect((await limiter.peek([rule('one')])).count).toBe(0);
    expect((await limiter.peek([rule('three')])).count).toBe(1);
  });
});
