// Wrong rating proofs per ticket. A phone proof is one of only 10,000 four-digit strings and tickets are
// sequential, so the per-address rate limit alone would let someone with many addresses guess a proof in hours.
// After a few wrong proofs a ticket takes no more for a day. A stranger can thus hold off the real citizen's
// rating for that day (they can rate later, or by phone), which is the lesser harm than a rating they never gave.
// Counted in this process: with N gateway replicas a guesser gets N times the attempts, still a tiny fraction of
// the 10,000.

export interface ProofAttemptsOptions {
  /** Wrong proofs a ticket takes per window (default 5). */
  readonly maxWrong?: number;
  /** Default 24 hours. */
  readonly windowMs?: number;
  /** Tickets remembered at most; the oldest window is forgotten first (default 100,000). */
  readonly maxTickets?: number;
}

interface Window {
  readonly startMs: number;
  wrong: number;
}

export class ProofAttempts {
  private readonly windows = new Map<string, Window>();
  private readonly maxWrong: number;
  private readonly windowMs: number;
  private readonly maxTickets: number;

  constructor(
    private readonly now: () => number,
    options: ProofAttemptsOptions = {},
  ) {
    this.maxWrong = options.maxWrong ?? 5;
    this.windowMs = options.windowMs ?? 86_400_000;
    this.maxTickets = options.maxTickets ?? 100_000;
  }

  /** Seconds until the ticket takes proofs again, or `null` when it takes them now. */
  blockedForSeconds(ticket: string): number | null {
    const window = this.current(ticket);
    if (window === undefined || window.wrong < this.maxWrong) return null;
    return Math.max(1, Math.ceil((window.startMs + this.windowMs - this.now()) / 1000));
  }

  recordWrong(ticket: string): void {
    const window = this.current(ticket);
    if (window !== undefined) {
      window.wrong += 1;
      return;
    }
    if (this.windows.size >= this.maxTickets) this.windows.delete(this.windows.keys().next().value as string);
    this.windows.set(ticket, { startMs: this.now(), wrong: 1 });
  }

  private current(ticket: string): Window | undefined {
    const window = this.windows.get(ticket);
    if (window === undefined) return undefined;
    if (this.now() - window.startMs < this.windowMs) return window;
    this.windows.delete(ticket);
    return undefined;
  }
}
