// The shared call queue's Redis side as the composition root builds it: one connection of its own (commands fail
// fast, so a caller is handed to the dialplan's queue rather than kept waiting on a slow Redis), the store, the
// call records, and the change subscription on a second connection.

import type { RedisClient } from '../redis/redis-connection.js';
import type { Log } from '../../app/app-ports.js';
import type { Config } from '../../config/index.js';
import { closeRedis, failFastRedis, untilReady } from '../redis/fail-fast-redis.js';
import { RedisAcdStore } from './redis-acd-store.js';
import { RedisCallRecords } from './redis-call-records.js';
import { RedisGatewayCommands } from './redis-gateway-commands.js';

/** Call records outlive their call by a week: wrap-ups and surveys end within minutes, a restart within hours. */
const RECORD_TTL_MS = 7 * 86_400_000;

export interface CreatedAcd {
  readonly store: RedisAcdStore;
  readonly records: RedisCallRecords;
  readonly commands: RedisGatewayCommands;
  readonly redis: RedisClient;
  close(): Promise<void>;
}

export async function createAcd(config: Pick<Config, 'redis' | 'intake' | 'acd'>, log: Log): Promise<CreatedAcd> {
  const redis = failFastRedis(config.redis, { name: 'acd', log, commandTimeoutMs: 2000 });
  const store = new RedisAcdStore({
    redis,
    prefix: config.intake.prefix,
    settings: { widenEveryMs: config.acd.widenEveryMs, overflowAfterMs: config.acd.overflowAfterMs },
    reservationMs: config.acd.reservationMs,
    callbackAttempts: config.acd.callbackAttempts,
    callbackRetryMs: config.acd.callbackRetryMs,
  });
  const records = new RedisCallRecords({ redis, prefix: config.intake.prefix, ttlMs: RECORD_TTL_MS });
  if (!(await untilReady(redis, 3000))) log.warn({}, 'queue Redis not reachable at start-up: callers go to the dialplan queue until it is');
  const commands = new RedisGatewayCommands(redis, config.intake.prefix, log);
  return { store, records, commands, redis, close: () => closeRedis(redis) };
}
