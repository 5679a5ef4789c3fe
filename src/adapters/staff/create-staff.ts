// Staff sign-in as the composition root and the `staff` command build it: a fail-fast Redis connection of its own
// (a session is checked at every request of the desktop and the agents' API: a slow Redis must refuse it quickly,
// not hold it), the accounts and sessions on it, scrypt at the configured cost, and wrong passwords counted in the
// shared limiter, all under intake's prefix.

import type { Log } from '../../app/app-ports.js';
import type { Limiter } from '../../app/limits/limiter-ports.js';
import { systemClock } from '../../app/ports.js';
import type { Clock } from '../../app/ports.js';
import { StaffAuth } from '../../app/staff/staff-auth.js';
import type { Config, RedisTarget, StaffConfig } from '../../config/index.js';
import { RedisLimiter } from '../limits/redis-limiter.js';
import { closeRedis, failFastRedis, untilReady } from '../redis/fail-fast-redis.js';
import type { RedisClient } from '../redis/redis-connection.js';
import { RedisStaffAccounts } from './redis-staff-accounts.js';
import { RedisStaffSessions } from './redis-staff-sessions.js';
import { ScryptHasher } from './scrypt-hasher.js';

/** Wrong passwords are counted over this window (`STAFF_LOGIN_FAILURES` is per this long). */
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;

export interface StaffOptions {
  readonly redis: RedisTarget;
  /** Intake's key prefix (`INTAKE_PREFIX`): keys are `{prefix}:staff:...`. */
  readonly prefix: string;
  readonly settings: StaffConfig;
  readonly log: Log;
  /** Where wrong passwords are counted: the gateway's shared limiter; default, one on this connection. */
  readonly limiter?: Limiter;
  readonly clock?: Clock;
  /** A command slower than this fails (default 2000 ms). */
  readonly commandTimeoutMs?: number;
  /** How long start-up waits for Redis before going on without it (default 3000 ms). */
  readonly connectWaitMs?: number;
}

export interface CreatedStaff {
  readonly auth: StaffAuth;
  readonly redis: RedisClient;
  connected(): boolean;
  close(): Promise<void>;
}

/** The options the gateway's configuration gives: the gateway and its `staff` command build the same sign-in. */
export function staffOptionsFrom(config: Pick<Config, 'redis' | 'intake' | 'staff'>, log: Log): StaffOptions {
  return { redis: config.redis, prefix: config.intake.prefix, settings: config.staff, log };
}

export async function createStaff(options: StaffOptions): Promise<CreatedStaff> {
  const { prefix, settings, log } = options;
  const redis = failFastRedis(options.redis, { name: 'staff', log, commandTimeoutMs: options.commandTimeoutMs ?? 2000 });
  const auth = new StaffAuth({
    accounts: new RedisStaffAccounts(redis, prefix),
    sessions: new RedisStaffSessions(redis, prefix),
    hasher: new ScryptHasher({ N: 2 ** settings.scryptCost, r: 8, p: 1 }),
    limiter: options.limiter ?? new RedisLimiter(redis, { prefix, log }),
    clock: options.clock ?? systemClock,
    log,
    settings: {
      sessionTtlMs: settings.sessionTtlMs,
      failuresPerId: settings.loginFailuresPerId,
      failuresPerClient: settings.loginFailuresPerIp,
      failureWindowMs: LOGIN_FAILURE_WINDOW_MS,
    },
  });
  if (!(await untilReady(redis, options.connectWaitMs ?? 3000))) log.warn({}, 'staff Redis not reachable at start-up: staff cannot log in until it is');
  return { auth, redis, connected: () => redis.status === 'ready', close: () => closeRedis(redis) };
}
