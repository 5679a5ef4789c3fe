// The real Redis the integration tests share, and the clean-up that keeps them from seeing each other's keys.

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { RedisTarget } from '../../src/config/index.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** One Redis server as the gateway's adapters take it (`REDIS_URL`). */
export function singleRedis(url: string = REDIS_URL): RedisTarget {
  return { mode: 'single', url };
}

/** The URL of a configuration on one server: the tests on the shared Redis never configure a cluster or Sentinel. */
export function singleUrl(target: RedisTarget): string {
  if (target.mode !== 'single') throw new Error(`expected one Redis server (REDIS_URL), got a ${target.mode} configuration`);
  return target.url;
}

/**
 * Deletes every key under an intake prefix: `{prefix}*` holds intake's records, its BullMQ queues and the
 * channels' keys (all share the hash tag).
 */
export async function deletePrefixKeys(prefix: string, url: string = REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * A connection to the shared Redis for one test file, under a fresh key prefix that is deleted after the file's
 * tests: `client()` is valid from `beforeAll` on.
 */
export function redisForFile(name: string): { readonly prefix: string; client(): Redis } {
  const prefix = `test-${name}-${randomUUID().slice(0, 8)}`;
  let connection: Redis | null = null;
  beforeAll(() => {
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    connection?.disconnect();
    await deletePrefixKeys(prefix);
  });
  return {
    prefix,
    client(): Redis {
      if (connection === null) throw new Error('redisForFile: the client exists from beforeAll on');
      return connection;
    },
  };
}
