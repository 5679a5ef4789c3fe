// The phone fair-use check of one call in one Redis script call: the abuse hit, the number's flag and (for a call
// within the abuse limits and not flagged) the plain hit, where the separate steps (StepwiseCallCounter) cost three
// commands in two round trips from the client. The calls that reach it within one turn of the event loop share one
// script call (TickBatch), and are counted in arrival order as if one by one.
//
// Same counters as the RedisLimiter (its `counterKey`, so a supervisor's reset and the limiter's own reads see
// them) and the same fixed-window (FIXED_WINDOW_LUA, the limiter's own), all-or-nothing semantics; the flag is the
// flag store's hash field for the number (`flagFieldOf`). All keys share intake's hash tag, so a Redis Cluster
// keeps them in one slot.
//
// Flags: the script judges a flag itself only when its `expiresAt` is written as `Date.toISOString` writes it (the
// flag desk always does), by comparing it with the call's time written alike (such strings sort as time does). A
// flag it finds in force is sent back and judged again by the flag store's own parser: when that disagrees (a field
// the script could not read, a date that does not exist), the plain hit is made separately, exactly as the steps
// would. A flag is read at every call: a supervisor's flag applies from the next call on, on every replica.
//
// When Redis is not connected or the script fails, the call is counted by the separate steps over the RedisLimiter
// (which falls back to its per-process counts) and the flag store (a flag that cannot be read counts as none).

import type { Log } from '../../app/app-ports.js';
import type { FairUseOutcome } from '../../domain/flow/types.js';
import { StepwiseCallCounter } from '../../app/limits/phone-fair-use.js';
import type { CallCount, CallCounter } from '../../app/limits/phone-fair-use.js';
import { checkRules } from '../../app/limits/memory-limiter.js';
import type { LimitRule } from '../../app/limits/limiter-ports.js';
import type { RedisClient } from '../redis/redis-connection.js';
import { LuaScript } from '../redis/lua-script.js';
import { ScriptKeys } from '../redis/script-keys.js';
import { TickBatch } from '../redis/tick-batch.js';
import type { Outcome } from '../redis/tick-batch.js';
import { FIXED_WINDOW_LUA } from './fixed-window-lua.js';
import { flagFieldOf, parseFlag } from './redis-flag-store.js';
import type { RedisFlagStore } from './redis-flag-store.js';
import type { RedisLimiter } from './redis-limiter.js';

// KEYS[1]: the flags hash; then the batch's distinct counter keys. ARGV: per call, the flag field, the call's time
// as an ISO string, then the abuse rules and the plain rules, each as n followed by n times (KEYS index, limit,
// window ms). Returns per call {abuse allowed, flag (0 none or expired, 1 in force, 2 unreadable here), plain
// allowed (-1: not counted), the flag as stored or ''}.
const COUNT_CALLS = new LuaScript(`${FIXED_WINDOW_LUA}
local ISO = '^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%.%d%d%dZ$'
-- One all-or-nothing hit: refused by the first rule at its limit, then every counter counts one.
local function hit(ks, limits, windows)
  local counts, fresh = {}, {}
  for r = 1, #ks do
    local count, _, new = window_read(KEYS[ks[r]], windows[r])
    if count >= limits[r] then return 0 end
    counts[r] = count
    fresh[r] = new
  end
  for r = 1, #ks do window_add(KEYS[ks[r]], fresh[r], counts[r] + 1, 1, windows[r]) end
  return 1
end
local i = 1
local function rules()
  local n = tonumber(ARGV[i])
  local ks, limits, windows = {}, {}, {}
  for r = 1, n do
    ks[r] = tonumber(ARGV[i + 1])
    limits[r] = tonumber(ARGV[i + 2])
    windows[r] = tonumber(ARGV[i + 3])
    i = i + 3
  end
  i = i + 1
  return ks, limits, windows
end
local replies = {}
while i <= #ARGV do
  local field, now = ARGV[i], ARGV[i + 1]
  i = i + 2
  local aks, alimits, awindows = rules()
  local pks, plimits, pwindows = rules()
  local reply
  if hit(aks, alimits, awindows) == 0 then
    reply = {0, 0, -1, ''}
  else
    local raw = redis.call('HGET', KEYS[1], field)
    local flag = 0
    if raw then
      local ok, decoded = pcall(cjson.decode, raw)
      local expires = ok and type(decoded) == 'table' and decoded.expiresAt
      if type(expires) ~= 'string' or not string.find(expires, ISO) then flag = 2
      elseif expires > now then flag = 1 end
    end
    if flag == 0 then reply = {1, 0, hit(pks, plimits, pwindows), ''}
    else reply = {1, flag, -1, raw} end
  end
  replies[#replies + 1] = reply
end
return replies
`);

type Reply = readonly [abuseAllowed: number, flag: number, plainAllowed: number, stored: string];

export interface RedisCallCounterOptions {
  readonly log: Log;
}

export class RedisCallCounter implements CallCounter {
  private readonly stepwise: StepwiseCallCounter;
  private readonly calls: TickBatch<CallCount, Reply>;
  private readonly log: Log;
  private usingSteps = false;

  constructor(
    private readonly client: RedisClient,
    private readonly limiter: RedisLimiter,
    private readonly flags: RedisFlagStore,
    options: RedisCallCounterOptions,
  ) {
    this.log = options.log.child({ component: 'call-limits' });
    this.stepwise = new StepwiseCallCounter({ limiter, flags, log: this.log });
    this.calls = new TickBatch((calls) => this.sendBatch(calls));
  }

  async count(call: CallCount): Promise<FairUseOutcome> {
    checkRules(call.abuse);
    checkRules(call.plain);
    if (this.client.status !== 'ready') return this.bySteps(call, 'Redis not connected');
    let reply: Reply;
    try {
      reply = await this.calls.run(call);
    } catch (err) {
      return this.bySteps(call, err instanceof Error ? err.message : String(err));
    }
    if (this.usingSteps) {
      this.usingSteps = false;
      this.log.info({}, 'call limits checked in one script call again');
    }
    const [abuseAllowed, flag, plainAllowed, stored] = reply;
    if (abuseAllowed !== 1) return 'abusive';
    if (flag === 0) return plainAllowed === 1 ? 'ok' : 'over';
    // The flag store's own judgement decides; the script made no plain hit, so it is made now if the flag is none.
    const parsed = parseFlag(stored);
    if (parsed !== null && Date.parse(parsed.expiresAt) > call.nowMs) return 'over';
    return this.stepwise.plain(call);
  }

  private async sendBatch(calls: readonly CallCount[]): Promise<Outcome<Reply>[]> {
    const keys = new ScriptKeys([this.flags.flagsKey]);
    const args: (string | number)[] = [];
    const pushRules = (rules: readonly LimitRule[]): void => {
      args.push(rules.length);
      for (const rule of rules) args.push(keys.index(this.limiter.counterKey(rule.key)), rule.limit, rule.windowMs);
    };
    for (const call of calls) {
      args.push(flagFieldOf({ kind: 'phone', value: call.number }), new Date(call.nowMs).toISOString());
      pushRules(call.abuse);
      pushRules(call.plain);
    }
    const replies = await COUNT_CALLS.runBatch(this.client, keys.keys, args, calls.length, 'call limit');
    return replies.map((r): Outcome<Reply> => {
      if (!Array.isArray(r) || r.length !== 4) return { ok: false, error: new Error('call limit script returned an unreadable verdict') };
      const [a, f, p, s] = r as unknown[];
      return { ok: true, value: [Number(a), Number(f), Number(p), typeof s === 'string' ? s : ''] };
    });
  }

  private bySteps(call: CallCount, reason: string): Promise<FairUseOutcome> {
    if (!this.usingSteps) {
      this.usingSteps = true;
      this.log.warn({ err: reason }, 'call limits checked step by step: the one-script check cannot run');
    }
    return this.stepwise.count(call);
  }
}
