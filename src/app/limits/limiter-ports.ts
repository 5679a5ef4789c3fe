// Fair-use counters as the application sees them. Every replica of the gateway counts against the same numbers
// (the adapter keeps them in Redis), so N replicas do not give a caller, a key or a guesser N budgets.

/** Window lengths the limits are written in. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** One counter: `key` names who and what is counted (`proof:ticket:<ticket>`, `submit:ip:<ip>`, `call:hour:<number>`). */
export interface LimitRule {
  readonly key: string;
  /** Hits allowed per window; the next one is refused until the window ends. */
  readonly limit: number;
  readonly windowMs: number;
}

export interface LimitVerdict {
  readonly allowed: boolean;
  /** Hits counted in the current window, this one included (when it was counted). */
  readonly count: number;
  readonly limit: number;
  /** Whole seconds until the window ends (at least 1); what a `Retry-After` says. */
  readonly retryAfterSeconds: number;
}

export interface HitOptions {
  /**
   * Names what is being counted (a submission's dedup key). A hit with a name that was already admitted within the
   * longest of the rules' windows is admitted again without counting: a client's retry of a request that got
   * through (WeChat resending a MsgId, a form resend, SMTP redelivery) neither uses more budget nor gets refused.
   */
  readonly once?: string;
}

export interface Limiter {
  /**
   * Counts one hit against every rule at once; refused when any rule is over its limit (the first such is reported).
   * All or nothing: a refused hit counts against no rule, so hammering a closed door does not keep it closed.
   */
  hit(rules: readonly LimitRule[], options?: HitOptions): Promise<LimitVerdict>;
  /** Where the rules stand, counting nothing (e.g. "is this ticket locked for wrong proofs?"). */
  peek(rules: readonly LimitRule[]): Promise<LimitVerdict>;
  /** Forgets the counters (a supervisor lifting a block, a correct proof after wrong ones does not reset). */
  reset(keys: readonly string[]): Promise<void>;
}
