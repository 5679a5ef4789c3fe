// Each integration test runs its own intake (random key prefix, fresh data directory) on the one shared Redis;
// this removes it again.

import { rm } from 'node:fs/promises';
import { deletePrefixKeys, REDIS_URL } from './redis.js';

/** Removes what a test's intake left behind: its keys in Redis (`{prefix}*`) and its data directory. */
export async function dropIntake(prefix: string, dataDir: string, redisUrl: string = REDIS_URL): Promise<void> {
  await deletePrefixKeys(prefix, redisUrl);
  await rm(dataDir, { recursive: true, force: true });
}
