// The `intake` BullMQ queue as intake's outbox. The job id is the sha256 of the dedup key, and BullMQ's
// deduplication key (same id, with the idempotency TTL) is set by the same Lua script that adds the job, so a
// retry can never make a second job: not while the first waits, and not after it was completed and removed.

import type { JobsOptions, KeepJobs } from 'bullmq';
import type { Log } from '../../app/app-ports.js';
import type { IntakeQueue } from '../../app/intake/durable-intake-ports.js';
import { StoreUnavailableError } from '../../app/intake/durable-intake-ports.js';
import type { Submission } from '../../domain/intake/submission.js';
import { LazyQueue } from '../redis/lazy-queue.js';
import type { RedisClient } from '../redis/redis-connection.js';
import type { ReplicaWait } from '../redis/replica-wait.js';
import { TickBatch } from '../redis/tick-batch.js';
import type { Outcome } from '../redis/tick-batch.js';
import { dedupHash, INTAKE_QUEUE_NAME } from './intake-keys.js';

/** BullMQ's highest priority number (`1` is the most urgent). */
const MAX_PRIORITY = 2 ** 21;

export const INTAKE_JOB_NAME = 'submission';

/** How long finished jobs stay in Redis: `true` removes at once, a number keeps that many, or by age/count. */
export type RemoveFinishedJobs = boolean | number | KeepJobs;

export interface BullmqIntakeQueueOptions {
  /** BullMQ key prefix, with the hash tag (`IntakeKeys.bullPrefix`). */
  readonly prefix: string;
  /** How long a job id is refused again after its job was removed; the same as the idempotency TTL. */
  readonly dedupTtlMs: number;
  readonly removeOnComplete: RemoveFinishedJobs;
  readonly removeOnFail: RemoveFinishedJobs;
  /**
   * REDIS_WAIT_REPLICAS: a batch of jobs counts as added only once this many replicas have them; when fewer
   * confirm in time, its submits fail as if Redis were down (they spool, and the spool adds them again).
   */
  readonly replicas?: ReplicaWait;
}

/** The BullMQ job id of the submission with this dedup key. */
export function intakeJobId(dedupKey: string): string {
  return dedupHash(dedupKey);
}

interface PendingJob {
  readonly submission: Submission;
  readonly options: JobsOptions;
}

export class BullmqIntakeQueue implements IntakeQueue {
  private readonly queue: LazyQueue;
  /** Jobs enqueued within one turn of the event loop are added together (`addBulk`: one pipeline). */
  private readonly adds: TickBatch<PendingJob, void>;

  /** `connection` is shared, not owned: it should not queue commands while offline (fail fast, then spool). */
  constructor(
    connection: RedisClient,
    private readonly options: BullmqIntakeQueueOptions,
    log: Log,
  ) {
    this.queue = new LazyQueue(connection, {
      name: INTAKE_QUEUE_NAME,
      prefix: options.prefix,
      onError: (err) => log.debug({ err: err.message }, 'intake queue connection error'),
    });
    this.adds = new TickBatch(async (jobs) => {
      const queue = await this.queue.get();
      // Each job is added by its own script call in the pipeline; a failed one fails the whole batch, and the
      // submits retry or spool. Retrying one that did get in is harmless: its id and deduplication key refuse it.
      await queue.addBulk(jobs.map(({ submission, options }) => ({ name: INTAKE_JOB_NAME, data: submission, opts: options })));
      await this.options.replicas?.confirm();
      return jobs.map((): Outcome<void> => ({ ok: true, value: undefined }));
    });
  }

  async enqueue(submission: Submission, dedupKey: string): Promise<void> {
    if (!Number.isSafeInteger(submission.priority) || submission.priority < 1 || submission.priority > MAX_PRIORITY) {
      throw new RangeError(`submission priority must be an integer from 1 to ${MAX_PRIORITY}, got ${submission.priority}`);
    }
    const jobId = intakeJobId(dedupKey);
    const options: JobsOptions = {
      jobId,
      priority: submission.priority,
      deduplication: { id: jobId, ttl: this.options.dedupTtlMs },
      removeOnComplete: this.options.removeOnComplete,
      removeOnFail: this.options.removeOnFail,
    };
    try {
      await this.adds.run({ submission, options });
    } catch (err) {
      throw new StoreUnavailableError(`BullMQ: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
