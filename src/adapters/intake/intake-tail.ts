// Watches the `intake` queue without consuming it (for `hotline-gateway intake tail`): each job added from now on
// is read and handed over with its canonical submission. Workers are untouched; a job a worker already finished
// and removed is reported as gone.

import { Queue, QueueEvents } from 'bullmq';
import type { Log } from '../../app/app-ports.js';
import type { RedisTarget } from '../../config/types.js';
import type { Submission } from '../../domain/intake/submission.js';
import { blockingRedis } from '../redis/fail-fast-redis.js';
import { INTAKE_QUEUE_NAME, IntakeKeys } from './intake-keys.js';

export interface IntakeTailOptions {
  readonly redis: RedisTarget;
  readonly prefix: string;
  readonly log: Log;
  /** Called in order of arrival; `submission` is `null` when the job was gone before it could be read. */
  readonly onSubmission: (arrival: { readonly jobId: string; readonly submission: Submission | null }) => void;
}

export interface IntakeTail {
  close(): Promise<void>;
}

/** Resolves once the reader has fixed its starting point: every job added after that is reported. */
export async function openIntakeTail(options: IntakeTailOptions): Promise<IntakeTail> {
  const keys = new IntakeKeys(options.prefix);
  // BullMQ's event reader blocks on XREAD, so it needs a connection that retries forever.
  const connection = blockingRedis(options.redis, { name: 'intake tail', log: options.log });
  // Start after the newest event now in the stream, rather than at whatever is newest when the first XREAD
  // happens to run: a job added in between would otherwise be missed.
  let lastEventId: string;
  try {
    const newest = await connection.xrevrange(`${keys.bullPrefix}:${INTAKE_QUEUE_NAME}:events`, '+', '-', 'COUNT', 1);
    lastEventId = newest[0]?.[0] ?? '0-0';
  } catch (err) {
    connection.disconnect();
    throw err;
  }
  const events = new QueueEvents(INTAKE_QUEUE_NAME, { connection, prefix: keys.bullPrefix, lastEventId });
  const queue = new Queue(INTAKE_QUEUE_NAME, { connection, prefix: keys.bullPrefix });
  events.on('error', (err: Error) => options.log.debug({ err: err.message }, 'intake tail events error'));
  queue.on('error', (err: Error) => options.log.debug({ err: err.message }, 'intake tail queue error'));

  // Jobs are read one after another so arrivals are reported in the order they were added.
  let chain: Promise<void> = Promise.resolve();
  events.on('added', ({ jobId }) => {
    chain = chain.then(async () => {
      try {
        const job = await queue.getJob(jobId);
        options.onSubmission({ jobId, submission: job === undefined ? null : (job.data as Submission) });
      } catch (err) {
        options.log.warn({ jobId, err: (err as Error).message }, 'intake tail could not read a job');
      }
    });
  });

  return {
    async close() {
      await chain;
      await events.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
