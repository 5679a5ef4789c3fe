// The thread index against the real Redis: Message-IDs of mails filed together are remembered in one pipeline, a
// Message-ID keeps the thread it was first seen in, and a Redis that cannot be reached is reported, not ignored.

import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { RedisThreadIndex } from '../../../src/adapters/email/thread-index.js';
import { REDIS_URL, redisForFile } from '../../support/redis.js';

const redis = redisForFile('threads');
const prefix = redis.prefix;

describe('RedisThreadIndex', () => {
  it('remembers the Message-IDs of mails filed in the same turn in one pipeline, without transactions', async () => {
    const index = new RedisThreadIndex(redis.client(), prefix, 3600);
    const pipelines = vi.spyOn(redis.client(), 'pipeline');
    const multis = vi.spyOn(redis.client(), 'multi');
    try {
      const roots = Array.from({ length: 5 }, (_, i) => ({ id: `sub-${i}`, ticket: `12345000${i}` }));
      await Promise.all(roots.map((root, i) => index.remember([`mail-${i}@citizen.example.cn`, `ack-${i}@hotline.example`], root)));
      expect(pipelines).toHaveBeenCalledTimes(1);
      expect(multis).not.toHaveBeenCalled();
      for (const [i, root] of roots.entries()) {
        expect(await index.find([`ack-${i}@hotline.example`])).toEqual(root);
        expect(await index.find(['unknown@elsewhere.example', `mail-${i}@citizen.example.cn`])).toEqual(root);
      }
      const ttl = await redis.client().ttl(index.key('mail-0@citizen.example.cn'));
      expect(ttl).toBeGreaterThan(3500);
      expect(ttl).toBeLessThanOrEqual(3600);
    } finally {
      pipelines.mockRestore();
      multis.mockRestore();
    }
  });

  it('keeps a Message-ID with the thread it was first seen in', async () => {
    const index = new RedisThreadIndex(redis.client(), prefix);
    await index.remember(['first@citizen.example.cn'], { id: 'sub-first', ticket: '123450001' });
    await index.remember(['first@citizen.example.cn', 'second@citizen.example.cn'], { id: 'sub-other', ticket: '123450002' });
    expect(await index.find(['first@citizen.example.cn'])).toEqual({ id: 'sub-first', ticket: '123450001' });
    expect(await index.find(['second@citizen.example.cn'])).toEqual({ id: 'sub-other', ticket: '123450002' });
  });

  it('rejects when Redis cannot take the writes, so the caller knows nothing was remembered', async () => {
    const offline = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    // The refusal also comes as an error event; the rejection is what this test reads.
    offline.on('error', () => undefined);
    try {
      const index = new RedisThreadIndex(offline, prefix);
      await expect(index.remember(['lost@citizen.example.cn'], { id: 'sub-lost', ticket: '123450003' })).rejects.toThrow();
    } finally {
      offline.disconnect();
    }
  });
});
