// The benchmarks' own Redis chores: removing a run's keys afterwards, and reading how much CPU Redis used and how
// many commands it ran, which on a small machine are a large share of what every submission costs.

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

export interface RedisSample {
  /** User + system CPU of the Redis server process so far, ms. */
  readonly cpuMs: number;
  /** Commands Redis processed so far (`total_commands_processed`: a script's own commands count too). */
  readonly commands: number;
}

/** What Redis did between two samples: every submission's share of a small machine's Redis. */
export class RedisUsage {
  private readonly redis: Redis;

  constructor(redisUrl: string) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  }

  async sample(): Promise<RedisSample> {
    const info = await this.redis.info();
    const field = (name: string): number => {
      const match = new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info);
      if (match?.[1] === undefined) throw new Error(`Redis INFO has no ${name}`);
      return Number(match[1]);
    };
    return { cpuMs: (field('used_cpu_user') + field('used_cpu_sys')) * 1000, commands: field('total_commands_processed') };
  }

  close(): void {
    this.redis.disconnect();
  }
}
