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
}

const NUMBER = /^\+?[0-9]{3,20}$/;

export class PhoneFairUse implements CallerScreen {
  constructor(private readonly deps: PhoneFairUseDeps) {}

  async check(caller: string): Promise<FairUseOutcome> {
    const number = phoneKey(caller);
    if (!NUMBER.test(number)) return 'ok';
    const { limiter, limits } = this.deps;
    try {
      return await answerWithin(this.deps.clock, this.deps.answerWithinMs, async () => {
        // Every call counts towards the abuse limits; only calls within them count towards the plain limits, so
        // the plain counters stop at their limit and the abuse counters keep going.
        const [abuse, flagged] = await Promise.all([
          limiter.hit(callRules('call:abuse', number, limits.callsPerHour * limits.abuseFactor, limits.callsPerDay * limits.abuseFactor)),
          this.isFlagged(number),
        ]);
        if (!abuse.allowed) return 'abusive';
        if (flagged) return 'over';
        const plain = await limiter.hit(callRules('call', number, limits.callsPerHour, limits.callsPerDay));
        return plain.allowed ? 'ok' : 'over';
      });
    } catch (err) {
      this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'call limits cannot be checked: the call goes through');
      return 'ok';
    }
  }

  /** A flag lookup that fails counts as no flag: the call goes on like any other. */
  private async isFlagged(number: string): Promise<boolean> {
    if (this.deps.flags === undefined) return false;
    try {
      return (await this.deps.flags.find([{ kind: 'phone', value: number }], this.deps.clock.now())).length > 0;
    } catch (err) {
      this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'supervisor flags cannot be read: the call is judged by its counts');
      return false;
    }
  }
}

function callRules(prefix: string, number: string, perHour: number, perDay: number): LimitRule[] {
  return [
    { key: `${prefix}:hour:${number}`, limit: perHour, windowMs: HOUR_MS },
    { key: `${prefix}:day:${number}`, limit: perDay, windowMs: DAY_MS },
  ];
}
