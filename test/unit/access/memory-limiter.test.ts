// Given the in-process limiter, when hits arrive against several rules, then a hit is counted against all of them
// only when none is over, peeking counts nothing, windows end on time, and the oldest counter is dropped when full.

import { describe, expect, it } from 'vitest';
import { MemoryLimiter } from '../../../src/app/limits/memory-limiter.js';

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('MemoryLimiter', () => {
  it('allows the limit, refuses the next with the seconds left, and allows again once the window is over', async () => {
    const time = clock();
    const limiter = new MemoryLimiter(time);
    const rule = { key: 'a', limit: 3, windowMs: 10_000 };
    for (let i = 1; i <= 3; i++) expect(await limiter.hit([rule])).toMatchObject({ allowed: true, count: i, limit: 3 });
    time.advance(4000);
    expect(await limiter.hit([rule])).toEqual({ allowed: false, count: 3, limit: 3, retryAfterSeconds: 6 });
    expect(await limiter.peek([rule])).toMatchObject({ allowed: false });
    time.advance(6000);
    expect(await limiter.peek([rule])).toMatchObject({ allowed: true, count: 0 });
    expect(await limiter.hit([rule])).toMatchObject({ allowed: true, count: 1 });
  });

  it('counts a hit against every rule only when all allow it, and reports the first rule over', async () => {
    const limiter = new MemoryLimiter(clock());
    const small = { key: 'small', limit: 1, windowMs: 60_000 };
    const large = { key: 'large', limit: 10, windowMs: 60_000 };
    expect(await limiter.hit([large, small])).toMatchObject({ allowed: true });
    expect(await limiter.hit([large, small])).toMatchObject({ allowed: false, limit: 1 });
    expect(await limiter.hit([large])).toMatchObject({ allowed: true, count: 2 });
  });

  it('peeks without counting, and forgets reset keys', async () => {
    const limiter = new MemoryLimiter(clock());
    const rule = { key: 'k', limit: 1, windowMs: 60_000 };
    for (let i = 0; i < 5; i++) expect(await limiter.peek([rule])).toMatchObject({ allowed: true });
    await limiter.hit([rule]);
    expect(await limiter.peek([rule])).toMatchObject({ allowed: false });
    await limiter.reset(['k']);
    expect(await limiter.peek([rule])).toMatchObject({ allowed: true });
  });

  it('forgets the oldest counter first when it holds too many', async () => {
    const limiter = new MemoryLimiter(clock(), 2);
    const rule = (key: string) => ({ key, limit: 1, windowMs: 60_000 });
    await limiter.hit([rule('a')]);
    await limiter.hit([rule('b')]);
    await limiter.hit([rule('c')]);
    expect(await limiter.peek([rule('a')])).toMatchObject({ allowed: true });
    expect(await limiter.peek([rule('c')])).toMatchObject({ allowed: false });
  });
});
