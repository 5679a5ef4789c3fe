// The benchmarks' own Redis chores: where Redis is (the gateway's own settings: REDIS_URL, REDIS_CLUSTER_NODES or
// REDIS_SENTINELS with REDIS_SENTINEL_MASTER, REDIS_USERNAME/PASSWORD), removing a run's keys afterwards, and reading
// how much CPU Redis used and how many commands it ran, which on a small machine are a large share of what every
// submission costs. On a cluster every figure is summed over all masters, and every key lives under a hash tag.

import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/adapters/redis/redis-connection.js';
import type { RedisClient } from '../../src/adapters/redis/redis-connection.js';
import { parseConfig, redisLabel } from '../../src/config/index.js';
import type { RedisTarget } from '../../src/config/index.js';

/** The environment variables that say where the gateway's Redis is; a bench passes exactly these to its subjects. */
export const REDIS_ENV_NAMES = [
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_MASTER',
  'REDIS_SENTINEL_PASSWORD',
  'REDIS_USERNAME',
  'REDIS_PASSWORD',
] as const;

/** Where a bench run's Redis is, in a form that crosses to a subject process as JSON. */
export interface BenchRedis {
  readonly target: RedisTarget;
  /** The REDIS_* variables that name it, for a subject's parseConfig. */
  readonly env: Readonly<Record<string, string>>;
  /** For progress lines and reports; never holds a password. */
  readonly label: string;
}

/** Reads the Redis settings as the gateway does (its own parser, so the same errors); defaults to redis://127.0.0.1:6379. */
export function benchRedisFromEnv(env: NodeJS.ProcessEnv = process.env): BenchRedis {
  const own: Record<string, string> = {};
  for (const name of REDIS_ENV_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== '') own[name] = value;
  }
  const { redis } = parseConfig(own);
  return { target: redis, env: own, label: redisLabel(redis) };
}

/** The single Redis of REDIS_URL (or its default): for the benches that only ever run on one server. */
export const BENCH_REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A connection for the bench's own chores; a plain URL is one server. Queues commands until connected. */
export function connectBench(redis: BenchRedis | string): RedisClient {
  const target: RedisTarget = typeof redis === 'string' ? { mode: 'single', url: redis } : redis.target;
  return connectRedis(target, { enableOfflineQueue: true, maxRetriesPerRequest: 3, retryDelayMs: (attempt) => Math.min(50 * attempt, 1000) });
}

/** The servers that hold data: every master of a cluster (once it knows its slots), else the one server. */
async function dataNodes(client: RedisClient): Promise<Redis[]> {
  if (!(client instanceof Cluster)) return [client];
  if (client.status !== 'ready') await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
  });
  const masters = client.nodes('master');
  if (masters.length === 0) throw new Error('the Redis Cluster names no master');
  return masters;
}

/** Deletes every key starting with `{prefix}` (SCAN + UNLINK in batches, on every master); resolves with how many were removed. */
export async function deletePrefixedKeys(redis: BenchRedis | string, prefix: string): Promise<number> {
  // Only literal characters, so that the SCAN pattern cannot match another run's keys.
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) throw new RangeError(`refusing to delete keys for prefix ${JSON.stringify(prefix)}`);
  const client = connectBench(redis);
  let removed = 0;
  try {
    for (const node of await dataNodes(client)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 2000);
        cursor = next;
        // One hash tag: one slot, so a multi-key UNLINK is legal on a cluster node too.
        if (keys.length > 0) removed += await node.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    client.disconnect();
  }
  return removed;
}

/** `INFO server` of one data node: the version and, on a cluster, how many masters there are. */
export async function redisServerInfo(redis: BenchRedis | string): Promise<{ readonly version: string; readonly masters: number }> {
  const client = connectBench(redis);
  try {
    const nodes = await dataNodes(client);
    const info = await (nodes[0] as Redis).info('server');
    return { version: /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown', masters: nodes.length };
  } finally {
    client.disconnect();
  }
}

export interface RedisSample {
  /** User + system CPU of the Redis server processes so far (all masters of a cluster), ms. */
  readonly cpuMs: number;
  /** Commands Redis processed so far (`total_commands_processed`, summed over masters: a script's own commands count too). */
  readonly commands: number;
}

/** What Redis did between two samples: every submission's share of a small machine's Redis. */
export class RedisUsage {
  private readonly client: RedisClient;

  constructor(redis: BenchRedis | string) {
    this.client = connectBench(redis);
  }

  async sample(): Promise<RedisSample> {
    let cpuMs = 0;
    let commands = 0;
    for (const node of await dataNodes(this.client)) {
      const info = await node.info();
      const field = (name: string): number => {
        const match = new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info);
        if (match?.[1] === undefined) throw new Error(`Redis INFO has no ${name}`);
        return Number(match[1]);
      };
      cpuMs += (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
      commands += field('total_commands_processed');
    }
    return { cpuMs, commands };
  }

  close(): void {
    this.client.disconnect();
  }
}

/** What every bench key prefix starts with: `bench`, or BENCH_KEY_PREFIX (a test's own, so it can check the clean-up). */
function benchKeyBase(): string {
  const base = process.env['BENCH_KEY_PREFIX'] ?? 'bench';
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(base)) throw new RangeError(`BENCH_KEY_PREFIX must be 1-40 letters, digits, '_', '.' or '-' (it goes inside a hash tag), got ${JSON.stringify(base)}`);
  return base;
}

/**
 * A fresh key prefix of a run's part (`intake`, `floor`, `raw`...): `<base>-<part>-<random>`. Its keys are written as
 * `{prefix}...`, so on a cluster each part's keys share one hash tag, as BullMQ and the gateway need.
 */
export function benchPrefix(part: string): string {
  return `${benchKeyBase()}-${part}-${randomUUID().slice(0, 8)}`;
}
