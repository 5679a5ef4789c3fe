// Finishes what `submit` could not: moves spooled submissions into Redis once it answers again (and at start-up,
// for a spool left by a crash), and queues claims left `pending` by a gateway that died between claiming and
// queueing. One pass forwards every live spool entry in order through the same idempotent path `submit` uses, then
// seals the spool and deletes the sealed segments only when nothing in them is left unforwarded. A crash anywhere
// in between replays lines whose dedup keys Redis already knows: no second job.

import type { Log } from '../app-ports.js';
import type { Clock, TimerHandle } from '../ports.js';
import type { IdempotencyClaim, IntakeStore, Spool, SpoolEntry } from './durable-intake-ports.js';
import { StoreUnavailableError } from './durable-intake-ports.js';
import { IdempotencyConflictError } from './intake-ports.js';
import type { QueuedWrite } from './queued-write.js';

export interface SpoolForwarderOptions {
  /** Wait before the next attempt after Redis failed us. */
  readonly retryMs: number;
  /** A claim still pending after this long lost its submit (default 30 s; a live submit takes milliseconds). */
  readonly stalledClaimMs?: number;
  /** How often to look for stalled claims when nothing else triggers a pass (default 60 s). */
  readonly sweepMs?: number;
}

/** Stalled claims finished per round trip. */
const STALLED_BATCH = 100;

/** Spooled entries forwarded at the same time. */
const FORWARD_CONCURRENCY = 16;

export class SpoolForwarder {
  private running: Promise<void> | null = null;
  private again = false;
  private retry: TimerHandle | null = null;
  private sweep: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly spool: Spool,
    private readonly writer: QueuedWrite,
    private readonly store: IntakeStore,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly options: SpoolForwarderOptions,
  ) {}

  /** Forward now (Redis came back, or something was just spooled); coalesces with a pass already running. */
  kick(): void {
    if (this.stopped) return;
    this.retry?.cancel();
    this.retry = null;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = null;
    });
  }

  /** Forward after `retryMs`, unless a pass is already due. */
  schedule(): void {
    if (this.stopped || this.retry !== null) return;
    this.retry = this.clock.setTimer(this.options.retryMs, () => {
      this.retry = null;
      this.kick();
    });
  }

  /** Resolves when no pass is running (a pass started meanwhile is awaited too). */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retry?.cancel();
    this.retry = null;
    this.sweep?.cancel();
    this.sweep = null;
    await this.idle();
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      let done = false;
      try {
        done = await this.pass();
      } catch (err) {
        this.log.error({ err: errorMessage(err) }, 'intake spool forwarding failed');
      }
      // What this pass queued is marked before it counts as finished: `idle` then shows the claims as they stay.
      await this.writer.flushMarks();
      if (!done) {
        this.schedule();
        return;
      }
    } while (this.again && !this.stopped);
    this.scheduleSweep();
  }

  private scheduleSweep(): void {
    if (this.stopped) return;
    this.sweep?.cancel();
    this.sweep = this.clock.setTimer(this.options.sweepMs ?? 60_000, () => {
      this.sweep = null;
      this.kick();
    });
  }

  /** True when the spool was emptied and its segments deleted; false when Redis failed us midway. */
  private async pass(): Promise<boolean> {
    for (;;) {
      if (!(await this.forwardAll(this.spool.entries()))) return false;
      const sealed = await this.spool.seal();
      if (sealed.entries.length === 0) {
        await sealed.discard();
        return await this.finishStalledClaims();
      }
      // Appended while we were forwarding: they were in the segment just sealed; go round once more.
    }
  }

  /**
   * Several at a time, started in spool order: each entry is a few Redis writes, and Redis fsyncs the writes of
   * all clients waiting together once, so one-by-one would spend a whole fsync per write.
   */
  private async forwardAll(entries: readonly SpoolEntry[]): Promise<boolean> {
    let next = 0;
    let ok = true;
    const worker = async (): Promise<void> => {
      while (ok && !this.stopped && next < entries.length) {
        const entry = entries[next++];
        if (entry !== undefined && !(await this.forward(entry))) ok = false;
      }
    };
    const results = await Promise.allSettled(Array.from({ length: Math.min(FORWARD_CONCURRENCY, entries.length) }, worker));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return ok && !this.stopped;
  }

  private async finishStalledClaims(): Promise<boolean> {
    const before = this.clock.now() - (this.options.stalledClaimMs ?? 30_000);
    for (;;) {
      let stalled: IdempotencyClaim[];
      try {
        stalled = await this.store.stalledClaims(before, STALLED_BATCH);
      } catch (err) {
        if (err instanceof StoreUnavailableError) return false;
        throw err;
      }
      for (const claim of stalled) {
        if (this.stopped) return false;
        try {
          await this.writer.settle(claim, claim.fingerprint);
          this.log.warn({ id: claim.submission.id, ticket: claim.submission.ticket }, 'queued a submission whose submit died after claiming it');
        } catch (err) {
          if (err instanceof StoreUnavailableError) return false;
          throw err;
        }
      }
      if (stalled.length < STALLED_BATCH) return true;
    }
  }

  private async forward(entry: SpoolEntry): Promise<boolean> {
    const ids = { id: entry.submission.id, ticket: entry.submission.ticket };
    try {
      const result = await this.writer.write(entry);
      if (result.submission.id !== entry.submission.id) {
        // Another copy of the same request got there first (a retry through another gateway instance, or after
        // the spool lost track of a failed attempt): one job; the ticket this citizen holds leads to it too.
        await this.store.aliasTicket(entry.submission.ticket, result.submission.id);
        this.log.info({ ...ids, queuedId: result.submission.id }, 'spooled submission was already queued under another id');
      } else {
        this.log.debug({ ...ids, duplicate: result.duplicate }, 'spooled submission forwarded');
      }
      this.spool.forwarded(entry.dedupKey);
      return true;
    } catch (err) {
      if (err instanceof IdempotencyConflictError) {
        // The key was used for a different request before this one reached Redis: the first one holds it,
        // exactly as if this one had been refused at submit time. Nothing can be queued for it.
        this.log.error({ ...ids, existingId: err.existingId }, 'spooled submission dropped: its idempotency key is used by a different submission');
        this.spool.forwarded(entry.dedupKey);
        return true;
      }
      if (!(err instanceof StoreUnavailableError)) throw err;
      this.log.debug({ ...ids, err: err.message }, 'Redis still unavailable; forwarding the spool later');
      return false;
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
