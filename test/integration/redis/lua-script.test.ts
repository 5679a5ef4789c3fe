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

// Written for runEach: loops over the calls, each framed as its numbers of keys and args, then its args.
const INCREMENT_EACH = new LuaScript(`
-- lua-script.test each ${randomUUID()}
local replies, k, a = {}, 0, 1
while a <= #ARGV do
  local nk, na = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  local total = 0
  for i = 1, nk do total = total + redis.call('INCRBY', KEYS[k + i], ARGV[a + 2]) end
  replies[#replies + 1] = total
  k = k + nk
  a = a + 2 + na
end
if ARGV[#ARGV] == 'short' then table.remove(replies) end
return replies
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

  it('runs the calls of a batch in one script call, each framed by its counts, and refuses a reply of the wrong length', async () => {
    const evals = vi.spyOn(redis.client(), 'evalsha');
    try {
      const replies = await INCREMENT_EACH.runEach(
        redis.client(),
        [
          { keys: [key('e'), key('f')], args: [2] },
          { keys: [key('e')], args: [3, 'unused'] },
        ],
        'increment',
      );
      expect(replies).toEqual([4, 5]);
      expect(evals).toHaveBeenCalledTimes(1);
      expect(await redis.client().get(key('f'))).toBe('2');
      await expect(INCREMENT_EACH.runEach(redis.client(), [{ keys: [key('g')], args: [1, 'short'] }], 'increment')).rejects.toThrow('increment script answered 0 for 1 calls');
    } finally {
      evals.mockRestore();
    }
  });
});
