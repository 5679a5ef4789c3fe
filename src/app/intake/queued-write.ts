// The Redis path of a submission, shared by `submit` and the spool forwarder: claim the dedup key (which stores the
// record with it), enqueue, mark the claim queued. Each step is idempotent, so whoever finds a `pending` claim —
// a concurrent retry, the forwarder after a crash — simply runs the rest again. The mark is written in the
// background (see QueuedMarks): the submission is durable once its job is in the queue.

import type { Submission } from '../../domain/intake/submission.js';
import type { Log } from '../app-ports.js';
import type { IdempotencyClaim, IntakeQueue, IntakeStore, SpoolEntry } from './durable-intake-ports.js';
import { IdempotencyConflictError } from './intake-ports.js';
import { QueuedMarks } from './queued-marks.js';

export interface QueuedResult {
  /** The submission now in the queue for this dedup key: the given one, or the earlier one that holds the key. */
  readonly submission: Submission;
  readonly duplicate: boolean;
}

export class QueuedWrite {
  private readonly marks: QueuedMarks;

  constructor(
    private readonly store: IntakeStore,
    private readonly queue: IntakeQueue,
    log: Log,
  ) {
    this.marks = new QueuedMarks(store, log);
  }

  /** Throws `StoreUnavailableError` (nothing is known to be queued) or `IdempotencyConflictError`. */
  async write(entry: SpoolEntry): Promise<QueuedResult> {
    const existing = await this.claim(entry);
    if (existing !== null) return { submission: await this.settle(existing, entry.fingerprint), duplicate: true };
    await this.finish(entry.submission, entry.dedupKey);
    return { submission: entry.submission, duplicate: false };
  }

  /** The first step of `write` alone: `null` when the key is now this entry's, else the claim that holds it. */
  async claim(entry: SpoolEntry): Promise<IdempotencyClaim | null> {
    return await this.store.claim({ ...entry, state: 'pending' });
  }

  /** For a request that found the key already claimed: the claimed submission, once it is surely queued. */
  async settle(existing: IdempotencyClaim, fingerprint: string): Promise<Submission> {
    if (existing.fingerprint !== fingerprint) throw new IdempotencyConflictError(existing.dedupKey, existing.submission.id);
    if (existing.state === 'pending') await this.finish(existing.submission, existing.dedupKey);
    return existing.submission;
  }

  /** The rest of `write` after a successful `claim`: resolves once the job is in the queue. */
  async finish(submission: Submission, dedupKey: string): Promise<void> {
    await this.queue.enqueue(submission, dedupKey);
    this.marks.add(dedupKey);
  }

  /** Resolves once the claims queued so far are marked (or the marks were given up to the sweep). */
  flushMarks(): Promise<void> {
    return this.marks.flush();
  }
}
