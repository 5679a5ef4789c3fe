// The HTTP guard for tests that serve a channel on its own: on the real Redis under the test's prefix (what the
// gateway runs), or in memory for unit tests of a route's error paths.

import { HttpGuard } from '../../src/adapters/http/guard/http-guard.js';
import { createLimits } from '../../src/adapters/limits/create-limits.js';
import type { Limits } from '../../src/adapters/limits/create-limits.js';
import type { Log } from '../../src/app/app-ports.js';
import { silentLog } from '../../src/app/app-ports.js';
import type { ApiKeyVerifier } from '../../src/app/intake/api-keys.js';
import { FairUse } from '../../src/app/limits/fair-use.js';
import type { FairUsePolicy } from '../../src/app/limits/fair-use.js';
import { MemoryLimiter } from '../../src/app/limits/memory-limiter.js';
import { REDIS_URL, singleRedis } from './redis.js';

/** Budgets no ordinary test reaches; tests of the limits give their own. */
export const GENEROUS_POLICY: FairUsePolicy = { perHour: { ip: 10_000, apiKey: 10_000, openid: 10_000, email: 10_000 }, flaggedPerHour: 2 };

export function memoryGuard(keys: ApiKeyVerifier, policy: FairUsePolicy = GENEROUS_POLICY): HttpGuard {
  const limiter = new MemoryLimiter();
  return new HttpGuard({ keys, limiter, fairUse: new FairUse({ limiter, flags: { find: () => Promise.resolve([]) }, policy, log: silentLog }) });
}

export interface RedisGuard {
  readonly guard: HttpGuard;
  readonly limits: Limits;
}

/** The guard as the gateway builds it, on the shared Redis under `prefix` (the test deletes the prefix's keys). */
export async function redisGuard(keys: ApiKeyVerifier, prefix: string, options: { policy?: FairUsePolicy; log?: Log; redisUrl?: string } = {}): Promise<RedisGuard> {
  const limits = await createLimits({
    redis: singleRedis(options.redisUrl ?? REDIS_URL),
    prefix,
    log: options.log ?? silentLog,
    policy: options.policy ?? GENEROUS_POLICY,
    auditRetentionMs: 86_400_000,
  });
  return { guard: new HttpGuard({ keys, limiter: limits.limiter, fairUse: limits.fairUse }), limits };
}
