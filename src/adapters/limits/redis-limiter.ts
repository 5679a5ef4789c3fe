// The Limiter every replica shares: counters in Redis under intake's hash tag (`{prefix}:limit:<digest>`), so a
// Redis Cluster keeps them in one slot and one script can check and count several rules at once.
//
// Fixed windows that start at a key's first hit: the first hit sets the counter with the window as its expiry, the
// following ones count up to the limit, and the key disappears when the window ends, so nothing grows for ever and
// `Retry-After` is the key's remaining life. One Lua script call (shared by the calls of one event-loop turn) reads
// every rule and counts all of them or none, so the counts are exact whatever the number of replicas. A sliding log would be smoother at window edges
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

import { rememberLatest } from '../../domain/remember-latest.js';
import { hash as sha256hash } from 'node:crypto';
import type { RedisClient } from '../redis/redis-connection.js';
import type { Log } from '../../app/app-ports.js';
import type { HitOptions, LimitRule, LimitVerdict, Limiter } from '../../app/limits/limiter-ports.js';
import { checkRules, MemoryLimiter, verdict } from '../../app/limits/memory-limiter.js';
import { IntakeKeys } from '../intake/intake-keys.js';
import { LuaScript } from '../redis/lua-script.js';
import { ScriptKeys } from '../redis/script-keys.js';
import { TickBatch } from '../redis/tick-batch.js';
import type { Outcome } from '../redis/tick-batch.js';
import { FIXED_WINDOW_LUA } from './fixed-window-lua.js';

// Many hits in one script call: the hits of every request that reached the limiter within one turn of the event
// loop (group commit, see TickBatch), checked and counted in arrival order as if one by one. Each counter is read
// once per call and written once at its end (the window itself is FIXED_WINDOW_LUA's), so a burst against one key
// (an integrator's key, a busy NAT address) costs a few commands for the whole batch, not 3 to 5 a request. A
// `once` key is taken with one SET NX: when it was there already, the hit is a retry of an admitted one and counts
// nothing; when the hit is then refused, the key is removed again (a refusal is the rare case).
// KEYS: the distinct counter and `once` keys of the batch. ARGV: the hits, each as mode ('hit' or 'peek'), the
// KEYS index of its `once` key (0: none), its number of rules n, then n times the rule's KEYS index, limit and
// window (ms). Returns, per hit, {allowed, count, limit, ms left} of the first refused rule, or of the rule with
// the fewest hits left.
const CHECK_AND_COUNT_MANY = new LuaScript(`${FIXED_WINDOW_LUA}
local counts, ttls, fresh, windows, added = {}, {}, {}, {}, {}
local order = {}
local function load(k, window)
  if counts[k] ~= nil then return end
  counts[k], ttls[k], fresh[k] = window_read(KEYS[k], window)
  windows[k] = window
  added[k] = 0
  order[#order + 1] = k
end
local replies = {}
local i = 1
while i <= #ARGV do
  local mode = ARGV[i]
  local once = tonumber(ARGV[i + 1])
  local n = tonumber(ARGV[i + 2])
  local base = i + 2
  i = base + 3 * n + 1
  local ks, limits = {}, {}
  local longest = 0
  for r = 1, n do
    local o = base + 3 * (r - 1)
    ks[r] = tonumber(ARGV[o + 1])
    limits[r] = tonumber(ARGV[o + 2])
    local window = tonumber(ARGV[o + 3])
    if window > longest then longest = window end
    load(ks[r], window)
  end
  local again = false
  if mode == 'hit' and once > 0 then
    again = not redis.call('SET', KEYS[once], '1', 'PX', longest, 'NX')
  end
  local refused = nil
  if not again then
    for r = 1, n do
      if counts[ks[r]] >= limits[r] then
        refused = {0, counts[ks[r]], limits[r], ttls[ks[r]]}
        break
      end
    end
  end
  if refused then
    if mode == 'hit' and once > 0 then redis.call('DEL', KEYS[once]) end
    replies[#replies + 1] = refused
  else
    local best = 0
    for r = 1, n do
      local k = ks[r]
      if mode == 'hit' and not again then
        counts[k] = counts[k] + 1
        added[k] = added[k] + 1
      end
      if best == 0 or limits[r] - counts[k] < limits[best] - counts[ks[best]] then best = r end
    end
    replies[#replies + 1] = {1, counts[ks[best]], limits[best], ttls[ks[best]]}
  end
end
for _, k in ipairs(order) do
  if added[k] > 0 then window_add(KEYS[k], fresh[k], counts[k], added[k], windows[k]) end
end
return replies
`);

interface LimitCall {
  readonly mode: 'hit' | 'peek';
  readonly rules: readonly LimitRule[];
  readonly once: string | undefined;
}

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
  /** The hits and peeks of one event-loop turn share one script call. */
  private readonly calls: TickBatch<LimitCall, readonly number[]>;

  constructor(
    private readonly client: RedisClient,
    options: RedisLimiterOptions,
  ) {
    this.keyPrefix = `${new IntakeKeys(options.prefix).bullPrefix}:limit`;
    this.fallback = options.fallback ?? new MemoryLimiter();
    this.log = options.log.child({ component: 'limits' });
    this.calls = new TickBatch((calls) => this.sendBatch(calls));
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
    let reply: readonly number[];
    try {
      reply = await this.calls.run({ mode, rules, once });
    } catch (err) {
      return this.fallBack(fallback, err instanceof Error ? err.message : String(err));
    }
    if (this.usingFallback) {
      this.usingFallback = false;
      this.log.info({}, 'limits shared through Redis again');
    }
    const [allowed, count, limit, remainingMs] = reply;
    if (allowed === undefined || count === undefined || limit === undefined || remainingMs === undefined) {
      return this.fallBack(fallback, 'limit script returned an unreadable verdict');
    }
    return verdict(allowed === 1, count, limit, remainingMs);
  }

  /** One script call for the batch: each distinct key goes once into KEYS, and the hits name theirs by index. */
  private async sendBatch(calls: readonly LimitCall[]): Promise<Outcome<readonly number[]>[]> {
    const keys = new ScriptKeys();
    const args: (string | number)[] = [];
    for (const call of calls) {
      args.push(call.mode, call.once === undefined ? 0 : keys.index(`${this.keyPrefix}-once:${digest(call.once)}`), call.rules.length);
      for (const rule of call.rules) args.push(keys.index(this.counterKey(rule.key)), rule.limit, rule.windowMs);
    }
    const replies = await CHECK_AND_COUNT_MANY.runBatch(this.client, keys.keys, args, calls.length, 'limit');
    return replies.map((r): Outcome<readonly number[]> => ({ ok: true, value: Array.isArray(r) ? (r as number[]) : [] }));
  }

  private fallBack(fallback: () => Promise<LimitVerdict>, reason: string): Promise<LimitVerdict> {
    if (!this.usingFallback) {
      this.usingFallback = true;
      this.log.warn({ err: reason }, 'limits counted in this process only: Redis unavailable');
    }
    return fallback();
  }
}

/** A rule key's digest; the latest are remembered: the same keys (an integrator's, a busy address) come over and over. */
const digest = rememberLatest((text: string) => sha256hash('sha256', text, 'base64url').slice(0, 27), 1024);
