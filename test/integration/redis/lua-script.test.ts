// LuaScript against the real Redis: one pipeline for many calls, each answered on its own, and the script loaded
// again when Redis has forgotten it (SCRIPT FLUSH stands in for a restart or a failover).

import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { LuaScript } from '../../../src/adapters/redis/lua-script.js';
import { redisForFile } from '../../support/redis.js';

// A script of its own, so flushing it cannot be confused with the intake's scripts of other test files.
const INCREMENT = new LuaScript(`
-- lua-script.test ${randomUUID()}
if ARGV[1] == 'fail' then return redis.error_reply('ERR asked to fail') end
return redis.call('INCRBY', KEYS[1], ARGV[1])
`);

const redis = redisForFile('lua');
const prefix = redis.prefix;
const key = (name: string): string => `{${prefix}}:${name}`;

describe('LuaScript', () => {
  it('runs many calls in one pipeline, answering each on its own', async () => {
    const outcomes = await INCREMENT.runMany(redis.client(), [
      { keys: [key('a')], args: [2] },
      { keys: [key('a')], args: ['fail'] },
      { keys: [key('b')], args: [5] },
    ]);
    expect(outcomes[0]).toEqual({ ok: true, value: 2 });
    expect(outcomes[1]?.ok).toBe(false);
    expect(outcomes[1]?.ok === false && outcomes[1].error.message).toContain('asked to fail');
    expect(outcomes[2]).toEqual({ ok: true, value: 5 });
  });

  it('loads the script again after Redis forgot it, in a batch and alone', async () => {
    await redis.client().script('FLUSH');
    const outcomes = await INCREMENT.runMany(redis.client(), [
      { keys: [key('c')], args: [1] },
      { keys: [key('c')], args: [1] },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect(await redis.client().get(key('c'))).toBe('2');
    await redis.client().script('FLUSH');
    expect(await INCREMENT.run(redis.client(), [key('c')], [3])).toBe(5);
  });

  it('batches concurrent callers of the same turn into one pipeline', async () => {
    const run = INCREMENT.batched(redis.client());
    const pipelines = vi.spyOn(redis.client(), 'pipeline');
    try {
      expect(await Promise.all([run([key('d')], [1]), run([key('d')], [1]), run([key('d')], [1])])).toEqual([1, 2, 3]);
      expect(pipelines).toHaveBeenCalledTimes(1);
      expect(await run([key('d')], [1])).toBe(4);
      expect(pipelines).toHaveBeenCalledTimes(2);
    } finally {
      pipelines.mockRestore();
    }
  });
});
