// The Limiter every replica shares: counters in Redis under intake's hash tag (`{prefix}:limit:<digest>`), so a
// Redis Cluster keeps them in one slot and one script can check and count several rules at once.
//
// Fixed windows that start at a key's first hit: the first hit sets the counter with the window as its expiry, the
// following ones count up to the limit, and the key disappears when the window ends, so nothing grows for ever and
// `Retry-After` is the key's remaining life. One Lua script per call reads every rule and counts all of them or
// none, so the counts are exact whatever the number of replicas. A sliding log would be smoother at window edges
// (a client can fit up to twice the limit around the end of one window and the start of the next), but needs a
// sorted set entry per hit; for fair-use budgets of tens an hour and proof budgets of a handful a day, the edge is
// harmless and one integer per identity is the cheaper thing to keep for millions of citizens.
//
// Counter keys are digests of the rule keys, so Redis never shows the phone numbers, openids and addresses that
// identities are made of.
//
// When Redis cannot answer (down, or slower than `commandTimeoutMs`), every call is answered by a per-process
// MemoryLimiter with the same semantics: citizens are neither refused nor left unlimited because the counter
// store is away, the counts are this process's only until Redis is back (then Redis's counts apply again).

import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/redis-connection.js';
import type { Log } from '../../app/app-ports.js';
import type { HitOptions, LimitRule, LimitVerdict, Limiter } from '../../app/limits/limiter-ports.js';
import { checkRules, MemoryLimiter, verdict } from '../../app/limits/memory-limiter.js';
import { IntakeKeys } from '../intake/intake-keys.js';
import { LuaScript } from '../redis/lua-script.js';

// KEYS: the counters, then (when ARGV[2] is 1) the `once` key. ARGV: mode (hit or peek), whether a once key is
// given, then limit and window (ms) of each counter. Returns {allowed, count, limit, ms left} of the first refused
// rule, or of the rule with the fewest hits left.
const CHECK_AND_COUNT = new LuaScript(`
local mode = ARGV[1]
local hasOnce = ARGV[2] == '1'
local n = #KEYS
if hasOnce then n = n - 1 end
local counts, ttls = {}, {}
for i = 1, n do
  local limit = tonumber(ARGV[1 + 2 * i])
  local window = tonumber(ARGV[2 + 2 * i])
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl < 0 then
    -- Gone, or (written by something else) without an expiry: a counter that never ends is started afresh.
    if ttl == -1 then redis.call('DEL', KEYS[i]) end
    count = 0
    ttl = window
  end
  counts[i] = count
  ttls[i] = ttl
end
-- A retry of an admitted hit is admitted again, counting nothing.
if hasOnce and mode == 'hit' and redis.call('EXISTS', KEYS[#KEYS]) == 1 then
  mode = 'again'
else
  for i = 1, n do
    local limit = tonumber(ARGV[1 + 2 * i])
    if counts[i] >= limit then return {0, counts[i], limit, ttls[i]} end
  end
end
local best = 0
local longest = 0
for i = 1, n do
  local limit = tonumber(ARGV[1 + 2 * i])
  local window = tonumber(ARGV[2 + 2 * i])
  if window > longest then longest = window end
  if mode == 'hit' then
    counts[i] = redis.call('INCR', KEYS[i])
    if counts[i] == 1 then
      redis.call('PEXPIRE', KEYS[i], window)
      ttls[i] = window
    end
  end
  if best == 0 or limit - counts[i] < tonumber(ARGV[1 + 2 * best]) - counts[best] then best = i end
end
if mode == 'hit' and hasOnce then redis.call('SET', KEYS[#KEYS], '1', 'PX', longest) end
return {1, counts[best], tonumber(ARGV[1 + 2 * best]), ttls[best]}
`);

export interface RedisLimiterOptions {
  /** Intake's key prefix (`INTAKE_PREFIX`): keys are `{prefix}:limit:...`. */
  readonly prefix: string;
  readonly log: Log;
  /** Answers while Redis cannot (default: a MemoryLimiter of this process). */
  readonly fallback?: Limiter;
}

export class RedisLimiter implements Limiter {
  private readonly keyPrefix: string;
  private readonly fallback: Limiter;
  private readonly log: Log;
  private usingFallback = false;

  constructor(
    private readonly client: RedisClient,
    options: RedisLimiterOptions,
  ) {
    this.keyPrefix = `${new IntakeKeys(options.prefix).bullPrefix}:limit`;
    this.fallback = options.fallback ?? new MemoryLimiter();
    this.log = options.log.child({ component: 'limits' });
  }

  /** Whether the last call was answered by Redis (false while the per-process fallback answers). */
  get shared(): boolean {
    return !this.usingFallback;
  }

  hit(rules: readonly LimitRule[], options: HitOptions = {}): Promise<LimitVerdict> {
    return this.run('hit', rules, options.once, () => this.fallback.hit(rules, options));
  }

  peek(rules: readonly LimitRule[]): Promise<LimitVerdict> {
    return this.run('peek', rules, undefined, () => this.fallback.peek(rules));
  }

  async reset(keys: readonly string[]): Promise<void> {
    await this.fallback.reset(keys);
    if (keys.length === 0) return;
    // Not swallowed: a supervisor lifting a block must know when it did not happen.
    await this.client.del(...keys.map((key) => this.counterKey(key)));
  }

  /** The Redis key a rule key is counted under (tests and operators look it up). */
  counterKey(ruleKey: string): string {
    return `${this.keyPrefix}:${digest(ruleKey)}`;
  }

  private async run(mode: 'hit' | 'peek', rules: readonly LimitRule[], once: string | undefined, fallback: () => Promise<LimitVerdict>): Promise<LimitVerdict> {
    checkRules(rules);
    if (this.client.status !== 'ready') return this.fallBack(fallback, 'Redis not connected');
    const keys = rules.map((rule) => this.counterKey(rule.key));
    if (once !== undefined) keys.push(`${this.keyPrefix}-once:${digest(once)}`);
    const args: (string | number)[] = [mode, once === undefined ? '0' : '1'];
    for (const rule of rules) args.push(rule.limit, rule.windowMs);
    let reply: unknown;
    try {
      reply = await CHECK_AND_COUNT.run(this.client, keys, args);
    } catch (err) {
      return this.fallBack(fallback, err instanceof Error ? err.message : String(err));
    }
    if (this.usingFallback) {
      this.usingFallback = false;
      this.log.info({}, 'limits shared through Redis again');
    }
    const [allowed, count, limit, remainingMs] = reply as [number, number, number, number];
    return verdict(allowed === 1, count, limit, remainingMs);
  }

  private fallBack(fallback: () => Promise<LimitVerdict>, reason: string): Promise<LimitVerdict> {
    if (!this.usingFallback) {
      this.usingFallback = true;
      this.log.warn({ err: reason }, 'limits counted in this process only: Redis unavailable');
    }
    return fallback();
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 27);
}
