// Fair use on the phone: calls per hour and per day from one number, counted in the shared limiter so every
// replica sees the same counts. Past a limit the flow gives a short notice and an agent instead of the menus; only
// far past it (`abuseFactor` times the limit) is the call clearly abusive, and even then the flow keeps the
// emergency menu reachable before its polite goodbye. Nobody is silenced: a caller without a number (anonymous,
// withheld) is not counted, and a limiter that cannot answer in time lets the call through.

import { DAY_MS, HOUR_MS } from './limiter-ports.js';
import type { FairUseOutcome } from '../../domain/flow/types.js';
import { phoneKey } from '../../domain/intake/repeat.js';
import { answerWithin } from '../answer-within.js';
import type { Log } from '../app-ports.js';
import type { Clock } from '../ports.js';
import type { FlagStore } from './flag-ports.js';
import type { LimitRule, Limiter } from './limiter-ports.js';


export interface PhoneLimits {
  readonly callsPerHour: number;
  readonly callsPerDay: number;
  /** How many times a limit a number must call for the calls to count as abusive (at least 2). */
  readonly abuseFactor: number;
}

/** Judges a call by its caller ID. Never rejects. */
export interface CallerScreen {
  check(caller: string): Promise<FairUseOutcome>;
}

export interface PhoneFairUseDeps {
  readonly limiter: Limiter;
  readonly limits: PhoneLimits;
  readonly clock: Clock;
  readonly log: Log;
  /** Longest a caller waits (in silence, before the greeting) for the verdict. */
  readonly answerWithinMs: number;
  /**
   * Supervisors' flags: a flagged number is treated as over its limits (a notice, then an agent or the emergency
   * menu) until the flag expires, never as abusive on the flag alone; its calls still count towards the abuse limits.
   */
  readonly flags?: Pick<FlagStore, 'find'>;
  /**
   * Counts the call and reads its flag (default: a StepwiseCallCounter over `limiter` and `flags`); the gateway
   * gives the Redis adapter's, which does both in one script call.
   */
  readonly counter?: CallCounter;
}

const NUMBER = /^\+?[0-9]{3,20}$/;

/** One call to count: the number's abuse rules (every call counts), its plain rules and its flag identity. */
export interface CallCount {
  /** The caller's number as counted (phoneKey form). */
  readonly number: string;
  /** Counted for every call: past any of these the call is abusive. */
  readonly abuse: readonly LimitRule[];
  /** Counted only for a call within the abuse rules and not flagged: past any of these the call is over. */
  readonly plain: readonly LimitRule[];
  /** Flags in force at this time apply. */
  readonly nowMs: number;
}

/**
 * Counts one call and reads the number's flag: 'abusive' when an abuse rule refused the hit, 'over' when the number
 * is flagged or a plain rule refused it, else 'ok'. A flag that cannot be read counts as none; a counter store
 * that cannot answer rejects (the caller lets the call through).
 */
export interface CallCounter {
  count(call: CallCount): Promise<FairUseOutcome>;
}

/**
 * The counting as separate steps over the Limiter and FlagStore ports: the abuse hit and the flag read together,
 * then the plain hit. What the Redis adapter's one-script counting must answer alike, and what it falls back to.
 */
export class StepwiseCallCounter implements CallCounter {
  constructor(
    private readonly deps: {
      readonly limiter: Limiter;
      readonly flags?: Pick<FlagStore, 'find'> | undefined;
      readonly log: Log;
    },
  ) {}

  async count(call: CallCount): Promise<FairUseOutcome> {
    const [abuse, flagged] = await Promise.all([this.deps.limiter.hit(call.abuse), this.isFlagged(call.number, call.nowMs)]);
    if (!abuse.allowed) return 'abusive';
    if (flagged) return 'over';
    return this.plain(call);
  }

  /** The plain hit alone (the one-script counting needs it when it could not judge a flag itself). */
  async plain(call: CallCount): Promise<FairUseOutcome> {
    return (await this.deps.limiter.hit(call.plain)).allowed ? 'ok' : 'over';
  }

  /** A flag lookup that fails counts as no flag: the call goes on like any other. */
  private async isFlagged(number: string, nowMs: number): Promise<boolean> {
    if (this.deps.flags === undefined) return false;
    try {
      return (await this.deps.flags.find([{ kind: 'phone', value: number }], nowMs)).length > 0;
    } catch (err) {
      this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'supervisor flags cannot be read: the call is judged by its counts');
      return false;
    }
  }
}

export class PhoneFairUse implements CallerScreen {
  private readonly counter: CallCounter;

  constructor(private readonly deps: PhoneFairUseDeps) {
    this.counter = deps.counter ?? new StepwiseCallCounter({ limiter: deps.limiter, flags: deps.flags, log: deps.log });
  }

  async check(caller: string): Promise<FairUseOutcome> {
    const number = phoneKey(caller);
    if (!NUMBER.test(number)) return 'ok';
    const { limits } = this.deps;
    try {
      // Every call counts towards the abuse limits; only calls within them count towards the plain limits, so
      // the plain counters stop at their limit and the abuse counters keep going.
      return await answerWithin(this.deps.clock, this.deps.answerWithinMs, () =>
        this.counter.count({
          number,
          abuse: callRules('call:abuse', number, limits.callsPerHour * limits.abuseFactor, limits.callsPerDay * limits.abuseFactor),
          plain: callRules('call', number, limits.callsPerHour, limits.callsPerDay),
          nowMs: this.deps.clock.now(),
        }),
      );
    } catch (err) {
      this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'call limits cannot be checked: the call goes through');
      return 'ok';
    }
  }
}

function callRules(prefix: string, number: string, perHour: number, perDay: number): LimitRule[] {
  return [
    { key: `${prefix}:hour:${number}`, limit: perHour, windowMs: HOUR_MS },
    { key: `${prefix}:day:${number}`, limit: perDay, windowMs: DAY_MS },
  ];
}
