// The `Limiter` port in one process's memory: fixed windows per key. For unit tests of code that limits, and for
// whatever must keep counting while the shared store is away (then each process counts alone, as before).

import type { Clock } from '../ports.js';
import type { LimitRule, LimitVerdict, Limiter } from './limiter-ports.js';

interface Window {
  readonly endsAt: number;
  count: number;
}

export class MemoryLimiter implements Limiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    /** Counters kept at most; the oldest is forgotten first. */
    private readonly maxKeys = 100_000,
  ) {}

  hit(rules: readonly LimitRule[]): Promise<LimitVerdict> {
    const verdict = this.judge(rules, 1);
    if (verdict.allowed) for (const rule of rules) this.window(rule).count += 1;
    return Promise.resolve(verdict);
  }

  peek(rules: readonly LimitRule[]): Promise<LimitVerdict> {
    return Promise.resolve(this.judge(rules, 0));
  }

  reset(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.windows.delete(key);
    return Promise.resolve();
  }

  /** Over when the hit would take any rule past its limit; the first such rule is the one reported. */
  private judge(rules: readonly LimitRule[], adding: number): LimitVerdict {
    const now = this.clock.now();
    let reported: LimitVerdict | null = null;
    for (const rule of rules) {
      const window = this.current(rule.key, now);
      const count = (window?.count ?? 0) + adding;
      const retryAfterSeconds = Math.max(1, Math.ceil(((window?.endsAt ?? now + rule.windowMs) - now) / 1000));
      const over = adding === 0 ? count >= rule.limit : count > rule.limit;
      if (over) return { allowed: false, count: window?.count ?? 0, limit: rule.limit, retryAfterSeconds };
      reported ??= { allowed: true, count, limit: rule.limit, retryAfterSeconds };
    }
    return reported ?? { allowed: true, count: 0, limit: 0, retryAfterSeconds: 1 };
  }

  private window(rule: LimitRule): Window {
    const now = this.clock.now();
    const existing = this.current(rule.key, now);
    if (existing !== undefined) return existing;
    if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value as string);
    const fresh = { endsAt: now + rule.windowMs, count: 0 };
    this.windows.set(rule.key, fresh);
    return fresh;
  }

  private current(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    if (window === undefined) return undefined;
    if (now < window.endsAt) return window;
    this.windows.delete(key);
    return undefined;
  }
}
