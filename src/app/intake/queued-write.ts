// The Redis path of a submission, shared by `submit` and the spool forwarder: claim the dedup key (which stores the
// record with it), enqueue, mark the claim queued. Each step is idempotent, so whoever finds a `pending` claim —
// a concurrent retry, the forwarder after a crash — simply runs the rest again.

import type { Submission } from '../../domain/intake/submission.js';
import type { IdempotencyClaim, IntakeQueue, IntakeStore, SpoolEntry } from './durable-intake-ports.js';
import { IdempotencyConflictError } from './intake-ports.js';

export interface QueuedResult {
  /** The submission now in the queue for this dedup key: the given one, or the earlier one that holds the key. */
  readonly submission: Submission;
  readonly duplicate: boolean;
}

export class QueuedWrite {
  constructor(
    private readonly store: IntakeStore,
    private readonly queue: IntakeQueue,
  ) {}

  /** Throws `StoreUnavailableError` (nothing is known to be queued) or `IdempotencyConflictError`. */
  async write(entry: SpoolEntry): Promise<QueuedResult> {
    const existing = await this.store.claim({ ...entry, state: 'pending' });
    if (existing !== null) return { submission: await this.settle(existing, entry.fingerprint), duplicate: true };
    await this.finish(entry.submission, entry.dedupKey);
    return { submission: entry.submission, duplicate: false };
  }

  /** For a request that found the key already claimed: the claimed submission, once it is surely queued. */
  async settle(existing: IdempotencyClaim, fingerprint: string): Promise<Submission> {
    if (existing.fingerprint !== fingerprint) throw new IdempotencyConflictError(existing.dedupKey, existing.submission.id);
    if (existing.state === 'pending') await this.finish(existing.submission, existing.dedupKey);
    return existing.submission;
  }

  private async finish(submission: Submission, dedupKey: string): Promise<void> {
    await this.queue.enqueue(submission, dedupKey);
    await this.store.markQueued(dedupKey);
  }
}
