// The Limiter in one process's memory, with the semantics of the Redis adapter (fixed windows that start at a
// key's first hit, all-or-nothing hits, `once` names): what the Redis adapter falls back to while Redis is
// unreachable, and what unit tests of application code use. Counts here are this process's only.

import type { HitOptions, LimitRule, LimitVerdict, Limiter } from './limiter-ports.js';

export interface MemoryLimiterOptions {
  /** The clock (epoch ms); tests move it. */
  readonly now?: () => number;
  /** Counters kept at most; expired ones go first, then the oldest (default 100,000). */
  readonly maxKeys?: number;
}

interface Window {
  count: number;
  readonly endsAt: number;
}

export class MemoryLimiter implements Limiter {
  private readonly windows = new Map<string, Window>();
  private readonly admitted = new Map<string, number>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(options: MemoryLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  hit(rules: readonly LimitRule[], options: HitOptions = {}): Promise<LimitVerdict> {
    checkRules(rules);
    const now = this.now();
    const once = options.once;
    // A retry of an admitted hit is admitted again, counting nothing.
    if (once !== undefined && (this.admitted.get(once) ?? 0) > now) return Promise.resolve(this.standing(rules, now, true));
    const refused = this.firstRefusal(rules, now);
    if (refused !== null) return Promise.resolve(refused);
    let tightest: LimitVerdict | null = null;
    for (const rule of rules) {
      let window = this.current(rule.key, now);
      if (window === undefined) {
        window = { count: 0, endsAt: now + rule.windowMs };
        this.remember(this.windows, rule.key, window, now, (w) => w.endsAt);
      }
      window.count += 1;
      tightest = tighter(tightest, verdict(true, window.count, rule.limit, window.endsAt - now));
    }
    if (once !== undefined) this.remember(this.admitted, once, now + Math.max(...rules.map((r) => r.windowMs)), now, (endsAt) => endsAt);
    return Promise.resolve(tightest ?? verdict(true, 0, 0, 0));
  }

  peek(rules: readonly LimitRule[]): Promise<LimitVerdict> {
    checkRules(rules);
    return Promise.resolve(this.standing(rules, this.now()));
  }

  reset(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.windows.delete(key);
    return Promise.resolve();
  }

  private standing(rules: readonly LimitRule[], now: number, admitted = false): LimitVerdict {
    const refused = admitted ? null : this.firstRefusal(rules, now);
    if (refused !== null) return refused;
    let tightest: LimitVerdict | null = null;
    for (const rule of rules) {
      const window = this.current(rule.key, now);
      tightest = tighter(tightest, verdict(true, window?.count ?? 0, rule.limit, window === undefined ? rule.windowMs : window.endsAt - now));
    }
    return tightest ?? verdict(true, 0, 0, 0);
  }

  private firstRefusal(rules: readonly LimitRule[], now: number): LimitVerdict | null {
    for (const rule of rules) {
      const window = this.current(rule.key, now);
      const count = window?.count ?? 0;
      if (count >= rule.limit) return verdict(false, count, rule.limit, window === undefined ? rule.windowMs : window.endsAt - now);
    }
    return null;
  }

  private current(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    if (window === undefined) return undefined;
    if (window.endsAt > now) return window;
    this.windows.delete(key);
    return undefined;
  }

  /** Adds an entry, first making room: expired entries go, then the oldest. */
  private remember<T>(map: Map<string, T>, key: string, value: T, now: number, endsAt: (value: T) => number): void {
    if (map.size >= this.maxKeys) {
      for (const [k, v] of map) if (endsAt(v) <= now) map.delete(k);
      while (map.size >= this.maxKeys) map.delete(map.keys().next().value as string);
    }
    map.set(key, value);
  }
}

/** Rules every Limiter refuses alike: a limit below 0 or a window that is not a positive whole number of ms. */
export function checkRules(rules: readonly LimitRule[]): void {
  if (rules.length === 0) throw new RangeError('a limit check needs at least one rule');
  for (const rule of rules) {
    if (!Number.isSafeInteger(rule.limit) || rule.limit < 0) throw new RangeError(`limit of ${rule.key} must be a whole number of hits, 0 or more; got ${rule.limit}`);
    if (!Number.isSafeInteger(rule.windowMs) || rule.windowMs < 1) throw new RangeError(`window of ${rule.key} must be a positive whole number of ms; got ${rule.windowMs}`);
  }
}

export function verdict(allowed: boolean, count: number, limit: number, remainingMs: number): LimitVerdict {
  return { allowed, count, limit, retryAfterSeconds: Math.max(1, Math.ceil(remainingMs / 1000)) };
}

/** The verdict of the rule with the fewest hits left: what `X-RateLimit-Remaining` should show. */
function tighter(a: LimitVerdict | null, b: LimitVerdict): LimitVerdict {
  if (a === null) return b;
  return b.limit - b.count < a.limit - a.count ? b : a;
}
