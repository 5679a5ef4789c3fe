// The `acd-callback` BullMQ queue: one job per call-back attempt, added by the gateway owning the booked call-back
// when an agent is reserved for it, run by whichever gateway's worker is free. A job is one attempt: retries,
// their delay and giving up are the shared store's (callbackFailed), so BullMQ never retries a job itself. The job
// id names the offer, so the same offer (seen by two gateways, or pulled twice) is one job.

import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Log } from '../../app/app-ports.js';
import type { CallbackJob, CallbackJobs } from '../../app/acd/callback-jobs.js';
import { IntakeKeys } from '../intake/intake-keys.js';
import { blockingRedis, closeRedis } from '../redis/fail-fast-redis.js';
import type { RedisClient } from '../redis/redis-connection.js';
import type { RedisTarget } from '../../config/types.js';
import { LazyQueue } from '../redis/lazy-queue.js';

export const CALLBACK_QUEUE_NAME = 'acd-callback';
const JOB_NAME = 'dial';
const DAY_SECONDS = 86_400;

/** `callback-<call id>-<offeredAt>`; the call id URI-encoded, since BullMQ ids may not contain ':'. */
export function callbackJobId(callId: string, offeredAt: number): string {
  return `callback-${encodeURIComponent(callId)}-${offeredAt}`;
}

export interface CallbackQueueOptions {
  /** The queue's fail-fast connection (shared, not owned): an add that cannot be made fails at once. */
  readonly connection: RedisClient;
  /** For the worker's own blocking connection. */
  readonly redis: RedisTarget;
  /** Intake's key prefix: the queue is `{prefix}:acd-callback:...`, beside intake's. */
  readonly prefix: string;
  readonly log: Log;
}

export interface CallbackQueue {
  readonly jobs: CallbackJobs;
  /** Starts this gateway's worker: `handle` runs one attempt, resolving when it is decided. */
  startWorker(handle: (job: CallbackJob) => Promise<string>, concurrency: number): void;
  close(): Promise<void>;
}

export function createCallbackQueue(options: CallbackQueueOptions): CallbackQueue {
  const prefix = new IntakeKeys(options.prefix).bullPrefix;
  const log = options.log.child({ component: 'acd-callback' });
  const queue = new LazyQueue(options.connection, {
    name: CALLBACK_QUEUE_NAME,
    prefix,
    onError: (err) => log.debug({ err: err.message }, 'call-back queue connection error'),
  });
  let worker: Worker | null = null;
  let workerConnection: RedisClient | null = null;
  return {
    jobs: {
      async add(job) {
        const started = await queue.get();
        await started.add(JOB_NAME, job, {
          jobId: callbackJobId(job.callId, job.offeredAt),
          attempts: 1,
          removeOnComplete: { age: DAY_SECONDS },
          removeOnFail: { age: 7 * DAY_SECONDS },
        });
      },
    },
    startWorker(handle, concurrency) {
      if (worker !== null) return;
      // BullMQ's worker blocks on Redis and needs a connection that never gives up on a command.
      workerConnection = blockingRedis(options.redis, { name: 'call-back worker', log });
      worker = new Worker<unknown, string>(
        CALLBACK_QUEUE_NAME,
        async (job: Job<unknown, string>) => {
          const data = parseJob(job.data);
          if (data === null) {
            log.error({ jobId: job.id }, 'call-back job with unreadable data: dropped');
            return 'unreadable';
          }
          return handle(data);
        },
        { connection: workerConnection, prefix, concurrency },
      );
      worker.on('failed', (job, err) => log.error({ jobId: job?.id, err: err.message }, 'call-back job failed'));
      worker.on('error', (err: Error) => log.warn({ err: err.message }, 'call-back worker error'));
    },
    async close() {
      // The worker first: jobs under way finish (each is one dial attempt), new ones wait for another gateway.
      await worker?.close();
      if (workerConnection !== null) await closeRedis(workerConnection);
      await queue.close();
    },
  };
}

/** Job data comes back from Redis: checked, not trusted. */
function parseJob(data: unknown): CallbackJob | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  const strings = ['callId', 'number', 'agentId', 'endpoint', 'lang'].every((k) => typeof d[k] === 'string' && d[k] !== '');
  const times = ['offeredAt', 'enqueuedAt'].every((k) => Number.isSafeInteger(d[k]));
  if (!strings || !times) return null;
  return {
    callId: d['callId'] as string,
    number: d['number'] as string,
    agentId: d['agentId'] as string,
    endpoint: d['endpoint'] as string,
    lang: d['lang'] as string,
    offeredAt: d['offeredAt'] as number,
    enqueuedAt: d['enqueuedAt'] as number,
  };
}
