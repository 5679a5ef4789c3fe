// The benchmarks' own Redis chores: removing a run's keys afterwards and reading how much CPU Redis used, which
// on a small machine is a large share of what every submission costs.

import { Redis } from 'ioredis';

export const BENCH_REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Deletes every key starting with `{prefix}` (SCAN + UNLINK in batches); resolves with how many were removed. */
export async function deletePrefixedKeys(redisUrl: string, prefix: string): Promise<number> {
  // Only literal characters, so that the SCAN pattern cannot match another run's keys.
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) throw new RangeError(`refusing to delete keys for prefix ${JSON.stringify(prefix)}`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  await redis.connect();
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 2000);
      cursor = next;
      if (keys.length > 0) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}

/** Reads Redis's own CPU time (`INFO cpu`: user + system of the server process), in ms. */
export class RedisCpu {
  private readonly redis: Redis;

  constructor(redisUrl: string) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  }

  async ms(): Promise<number> {
    const info = await this.redis.info('cpu');
    const field = (name: string): number => {
      const match = new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info);
      if (match?.[1] === undefined) throw new Error(`Redis INFO cpu has no ${name}`);
      return Number(match[1]) * 1000;
    };
    return field('used_cpu_user') + field('used_cpu_sys');
  }

  close(): void {
    this.redis.disconnect();
  }
}
