// The fair-use limits and supervisors' flags as the composition root and the `flag` command build them: one
// fail-fast Redis connection of their own (a slow Redis must not hold a citizen's request: past 500 ms the
// per-process fallback answers), the shared limiter, the flag store and its audit log, the phone calls' one-script
// counter, all under intake's prefix.

import type { RedisClient } from '../redis/redis-connection.js';
import type { Log } from '../../app/app-ports.js';
import type { Config } from '../../config/index.js';
import { FairUse } from '../../app/limits/fair-use.js';
import type { FairUseMetrics, FairUsePolicy } from '../../app/limits/fair-use.js';
import { FlagDesk } from '../../app/limits/flag-desk.js';
import { canonicalIdentity } from './client-address.js';
import { closeRedis, failFastRedis, untilReady } from '../redis/fail-fast-redis.js';
import type { RedisTarget } from '../../config/types.js';
import { RedisFlagStore } from './redis-flag-store.js';
import { RedisLimiter } from './redis-limiter.js';
import { RedisCallCounter } from './redis-call-counter.js';

export interface LimitsOptions {
  readonly redis: RedisTarget;
  /** Intake's key prefix (`INTAKE_PREFIX`). */
  readonly prefix: string;
  readonly log: Log;
  readonly policy: FairUsePolicy;
  readonly metrics?: FairUseMetrics;
  /** `FLAG_AUDIT_RETENTION`. */
  readonly auditRetentionMs: number;
  /** A limit check slower than this is answered by the per-process fallback (default 500 ms). */
  readonly commandTimeoutMs?: number;
  /** How long start-up waits for Redis before going on with the per-process fallback (default 3000 ms). */
  readonly connectWaitMs?: number;
}

export interface Limits {
  readonly limiter: RedisLimiter;
  readonly flags: RedisFlagStore;
  readonly fairUse: FairUse;
  /** The phone fair-use check's counting: abuse hit, flag and plain hit of a call in one script call. */
  readonly calls: RedisCallCounter;
  /** Flag and unflag with checks and audit (the CLI and /v1/flags). */
  readonly desk: FlagDesk;
  readonly redis: RedisClient;
  connected(): boolean;
  close(): Promise<void>;
}

/** The options the gateway's configuration gives: one place, so the gateway, its CLI and the benchmarks build the same limits. */
export function limitsOptionsFrom(config: Pick<Config, 'redis' | 'intake' | 'limits'>, log: Log): LimitsOptions {
  return {
    redis: config.redis,
    prefix: config.intake.prefix,
    log,
    policy: { perHour: config.limits.submissionsPerHour, flaggedPerHour: config.limits.flaggedSubmissionsPerHour },
    auditRetentionMs: config.limits.flagAuditRetentionMs,
  };
}

export async function createLimits(options: LimitsOptions): Promise<Limits> {
  const log = options.log.child({ component: 'limits' });
  const redis = failFastRedis(options.redis, { name: 'limits', log, commandTimeoutMs: options.commandTimeoutMs ?? 500 });
  const limiter = new RedisLimiter(redis, { prefix: options.prefix, log });
  const flags = new RedisFlagStore(redis, { prefix: options.prefix, auditRetentionMs: options.auditRetentionMs });
  const fairUse = new FairUse({ limiter, flags, policy: options.policy, log, ...(options.metrics === undefined ? {} : { metrics: options.metrics }) });
  const calls = new RedisCallCounter(redis, limiter, flags, { log });
  const desk = new FlagDesk({ store: flags, log, canonical: canonicalIdentity });
  if (!(await untilReady(redis, options.connectWaitMs ?? 3000))) log.warn({}, 'limits Redis not reachable at start-up: limits counted per process until it is');
  return {
    limiter,
    flags,
    fairUse,
    calls,
    desk,
    redis,
    connected: () => redis.status === 'ready',
    close: () => closeRedis(redis),
  };
}
