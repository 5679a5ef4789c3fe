// The job options intake gives every job (see BullmqIntakeQueue, with createIntake's default retention), for the
// baselines and floors that must add the same jobs as the gateway does.

import { Queue } from 'bullmq';
import type { JobsOptions } from 'bullmq';
import { connectBench } from './redis-tools.js';
import type { BenchRedis } from './redis-tools.js';
import { INTAKE_JOB_NAME } from '../../src/adapters/intake/bullmq-intake-queue.js';
import { INTAKE_QUEUE_NAME } from '../../src/adapters/intake/intake-keys.js';

const DAY_SECONDS = 86_400;
/** Intake's usual priority for a request without an emergency hint. */
export const USUAL_PRIORITY = 5;

export function intakeJobOptions(jobId: string, priority: number, dedupTtlMs: number): JobsOptions {
  return {
    jobId,
    priority,
    deduplication: { id: jobId, ttl: dedupTtlMs },
    removeOnComplete: { age: DAY_SECONDS, count: 10_000 },
    removeOnFail: { age: 30 * DAY_SECONDS },
  };
}

/** An `intake` queue of its own connection, for a floor subject: `add` resolves once the job is in Redis. */
export async function floorQueue(redis: BenchRedis, prefix: string, dedupTtlMs: number): Promise<{ add(jobId: string, data: unknown): Promise<void>; close(): Promise<void> }> {
  const connection = connectBench(redis);
  const queue = new Queue(INTAKE_QUEUE_NAME, { connection, prefix });
  await queue.waitUntilReady();
  return {
    async add(jobId, data) {
      await queue.add(INTAKE_JOB_NAME, data, intakeJobOptions(jobId, USUAL_PRIORITY, dedupTtlMs));
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
