// The fail-fast connection intake and the channels share, and the lazily started BullMQ queue on it, against the
// real Redis and against a port where nothing listens.

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { closeRedis, failFastRedis, untilReady } from '../../../src/adapters/redis/fail-fast-redis.js';
import { LazyQueue } from '../../../src/adapters/redis/lazy-queue.js';
import type { RedisClient } from '../../../src/adapters/redis/redis-connection.js';
import { RecordingLog } from '../../support/logs.js';
import { freePort } from '../../support/net.js';
import { deletePrefixKeys, REDIS_URL, singleRedis } from '../../support/redis.js';

const opened: RedisClient[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((client) => closeRedis(client)));
});

function open(url: string, recorded = new RecordingLog()): RedisClient {
  const client = failFastRedis(singleRedis(url), { name: 'test', log: recorded.log, commandTimeoutMs: 500 });
  opened.push(client);
  return client;
}

describe('failFastRedis', () => {
  it('gets ready on a live Redis and says so once', async () => {
    const recorded = new RecordingLog();
    const client = open(REDIS_URL, recorded);
    expect(await untilReady(client, 5000)).toBe(true);
    expect(await client.ping()).toBe('PONG');
    expect(recorded.lines.filter((l) => l.msg === 'Redis connection ready')).toEqual([
      { level: 'info', msg: 'Redis connection ready', fields: { connection: 'test' } },
    ]);
  });

  it('fails a command at once while Redis is unreachable, and start-up waits only as long as asked', async () => {
    const client = open(`redis://127.0.0.1:${await freePort()}`);
    const started = Date.now();
    expect(await untilReady(client, 200)).toBe(false);
    await expect(client.get('anything')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('warns when a ready connection is lost', async () => {
    const recorded = new RecordingLog();
    const client = open(REDIS_URL, recorded);
    await untilReady(client, 5000);
    (client as Redis).stream.destroy(new Error('cable cut'));
    const lost = await recorded.waitFor((l) => l.msg === 'Redis connection lost');
    expect(lost).toMatchObject({ level: 'warn', fields: { connection: 'test' } });
  });
});

describe('LazyQueue', () => {
  it('refuses while the connection is not ready, then starts one Queue and makes a new one after close', async () => {
    const prefix = `lazy-${randomUUID().slice(0, 8)}`;
    const client = open(REDIS_URL);
    const errors: Error[] = [];
    const lazy = new LazyQueue(client, { name: 'lazy-test', prefix: `{${prefix}}`, onError: (err) => errors.push(err) });
    // Connecting happens in the background: right after construction the connection is never ready yet.
    await expect(lazy.get()).rejects.toThrow(/Redis connection is connecting/);
    await untilReady(client, 5000);
    const queue = await lazy.get();
    expect(await lazy.get()).toBe(queue);
    await queue.add('job', { n: 1 }, { jobId: 'one' });
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    await lazy.close();
    const again = await lazy.get();
    expect(again).not.toBe(queue);
    expect(await again.getJob('one')).toMatchObject({ data: { n: 1 } });
    await lazy.close();
    await deletePrefixKeys(prefix);
    expect(errors).toEqual([]);
  });
});
