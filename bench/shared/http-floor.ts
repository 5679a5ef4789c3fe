// Runs the HTTP floor (http-floor-subject.ts) under the same closed loop as the gateway's web API: how much of the
// raw queue.add rate any HTTP front keeps on these cores, so the gateway's own cost can be told from HTTP's.

import { fileURLToPath } from 'node:url';
import { ApiV1Client } from '../intake/api-v1-client.js';
import type { HttpFloorConfig, HttpFloorInfo } from './http-floor-subject.js';
import { measuredWindow, warmUp } from './measured-window.js';
import type { WindowResult } from './measured-window.js';
import { benchPrefix, deletePrefixedKeys, RedisUsage } from './redis-tools.js';
import type { BenchRedis } from './redis-tools.js';
import { startSubject } from './subject.js';

const FLOOR_FILE = fileURLToPath(new URL('./http-floor-subject.ts', import.meta.url));

export interface HttpFloorSettings {
  readonly redis: BenchRedis;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly dedupTtlMs: number;
}

export async function httpFloor(settings: HttpFloorSettings): Promise<WindowResult> {
  const prefix = benchPrefix('floor');
  const config: HttpFloorConfig = { redis: settings.redis, queuePrefix: `{${prefix}}`, dedupTtlMs: settings.dedupTtlMs };
  const redis = new RedisUsage(settings.redis);
  const subject = await startSubject<HttpFloorInfo>(FLOOR_FILE, config, { label: 'HTTP floor subject' });
  const client = new ApiV1Client(subject.info.url, 'no key: the floor checks none', settings.concurrency);
  try {
    const submit = (): Promise<void> => client.submit();
    await warmUp(settings.concurrency, settings.warmupMs, submit);
    return await measuredWindow({ concurrency: settings.concurrency, durationMs: settings.durationMs, redis, subject }, submit);
  } finally {
    redis.close();
    await client.close();
    await subject.close();
    await deletePrefixedKeys(settings.redis, prefix);
  }
}
