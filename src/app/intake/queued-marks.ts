// Marks claims `queued` after their job is in the queue, in the background and many per Redis round trip, so a
// submit answers as soon as its job is durable instead of waiting one more round trip. Nothing depends on the mark
// for correctness: a claim left `pending` (the gateway died first, or Redis failed the mark) is queued again by
// the stalled-claim sweep, and BullMQ refuses the second job by its id and deduplication key.

import type { Log } from '../app-ports.js';
import type { IntakeStore } from './durable-intake-ports.js';
import { StoreUnavailableError } from './durable-intake-ports.js';

/** Claims marked per round trip at most. */
const MAX_BATCH = 500;

export class QueuedMarks {
  private pending: string[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: Pick<IntakeStore, 'markQueued'>,
    private readonly log: Log,
  ) {}

  /** Marks the claim of `dedupKey` soon, together with the others marked meanwhile. */
  add(dedupKey: string): void {
    this.pending.push(dedupKey);
    this.running ??= this.drain();
  }

  /** Resolves once every mark added so far was written or given up. */
  async flush(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      // While one batch is on its way, the submits finishing meanwhile make up the next.
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          await this.store.markQueued(batch);
        } catch (err) {
          if (err instanceof StoreUnavailableError) {
            this.log.debug({ claims: batch.length, err: err.message }, 'claims not marked queued: the stalled-claim sweep will finish them');
          } else {
            this.log.error({ claims: batch.length, err: err instanceof Error ? err.message : String(err) }, 'marking claims queued failed');
          }
        }
      }
    } finally {
      this.running = null;
    }
  }
}
