// The gateway's records are its short-term memory of a request (status lookups, ratings, the repeat hint); the
// work-order system keeps the case. Kept for ever, they would grow Redis with every request the hotline ever took
// and hold citizens' personal data past any need, so a periodic sweep deletes the records nobody has changed for
// the retention period, a batch at a time. Replicas may sweep at once: the store's deletes are idempotent.

import type { Log } from '../app-ports.js';
import type { Clock, TimerHandle } from '../ports.js';
import type { IntakeStore } from './durable-intake-ports.js';
import { StoreUnavailableError } from './durable-intake-ports.js';

/** Files kept with the records (attachments, raw mail) that go by the same retention. */
export interface ExpiringFiles {
  /** For the log line, e.g. `attachments`. */
  readonly name: string;
  /** Deletes the files last stored before `cutoffMs`; resolves with how many. */
  sweepOlderThan(cutoffMs: number): Promise<number>;
}

export interface RecordRetentionOptions {
  /** A record unchanged (receipt, status, rating) for this long is deleted. */
  readonly retentionMs: number;
  /** Between sweeps (default 1 hour). */
  readonly everyMs?: number;
  /** Before the first sweep, so start-up is not slowed (default 1 minute). */
  readonly firstAfterMs?: number;
  /** Records per store call (default 500). */
  readonly batch?: number;
  /** Records deleted per sweep at most, so a backlog is worked off over several sweeps (default 50,000). */
  readonly maxPerSweep?: number;
  /**
   * Swept after the records with the same cutoff, by when each file was last stored: a file stored again for a
   * newer request is kept. The work-order system has long since taken its copies from the job.
   */
  readonly files?: readonly ExpiringFiles[];
  /** Citizen profiles, swept after the records with the same cutoff (see `ProfileRetention`). */
  readonly profiles?: { purgeOlderThan(cutoffMs: number): Promise<number> };
}

export class RecordRetention {
  private timer: TimerHandle | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;
  private readonly everyMs: number;
  private readonly batch: number;
  private readonly maxPerSweep: number;

  constructor(
    private readonly store: Pick<IntakeStore, 'purgeStale'>,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly options: RecordRetentionOptions,
  ) {
    this.everyMs = options.everyMs ?? 3_600_000;
    this.batch = options.batch ?? 500;
    this.maxPerSweep = options.maxPerSweep ?? 50_000;
    for (const [name, value] of Object.entries({ retentionMs: options.retentionMs, everyMs: this.everyMs, batch: this.batch, maxPerSweep: this.maxPerSweep })) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`record retention ${name} must be a positive integer, got ${value}`);
    }
  }

  start(): void {
    if (this.stopped || this.timer !== null) return;
    this.schedule(this.options.firstAfterMs ?? 60_000);
  }

  /** Deletes what is due now; resolves with how many records went. Never rejects: a failed sweep is logged. */
  sweep(): Promise<number> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await this.running;
  }

  private schedule(afterMs: number): void {
    this.timer = this.clock.setTimer(afterMs, () => {
      this.timer = null;
      void this.sweep().then(() => {
        if (!this.stopped) this.schedule(this.everyMs);
      });
    });
  }

  private async run(): Promise<number> {
    const changedBeforeMs = this.clock.now() - this.options.retentionMs;
    let purged = 0;
    try {
      while (!this.stopped && purged < this.maxPerSweep) {
        const result = await this.store.purgeStale(changedBeforeMs, Math.min(this.batch, this.maxPerSweep - purged));
        purged += result.purged;
        // Fewer than asked: nothing older is left. None deleted: every one changed meanwhile; leave it to the next sweep.
        if (result.examined < this.batch || result.purged === 0) break;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof StoreUnavailableError) this.log.warn({ purged, err: message }, 'intake record retention sweep stopped: Redis unavailable, trying again later');
      else this.log.error({ purged, err: message }, 'intake record retention sweep failed');
      return purged;
    }
    if (purged > 0) this.log.info({ purged, changedBefore: new Date(changedBeforeMs).toISOString() }, 'expired intake records deleted');
    if (this.options.profiles !== undefined && !this.stopped) {
      try {
        const removed = await this.options.profiles.purgeOlderThan(changedBeforeMs);
        if (removed > 0) this.log.info({ profiles: removed, inactiveBefore: new Date(changedBeforeMs).toISOString() }, 'expired citizen profiles deleted');
      } catch (err) {
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'citizen profile retention sweep failed, trying again at the next sweep');
      }
    }
    for (const files of this.options.files ?? []) {
      if (this.stopped) break;
      try {
        const removed = await files.sweepOlderThan(changedBeforeMs);
        if (removed > 0) this.log.info({ files: files.name, removed, storedBefore: new Date(changedBeforeMs).toISOString() }, 'expired intake files deleted');
      } catch (err) {
        this.log.error({ files: files.name, err: err instanceof Error ? err.message : String(err) }, 'intake file retention sweep failed');
      }
    }
    return purged;
  }
}
