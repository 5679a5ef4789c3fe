// The baseline every channel is compared against: BullMQ `Queue.add` of the same canonical jobs, with the same
// job options intake uses (job id, priority, deduplication, retention), straight to the same Redis, with as many
// adds in flight as the channel had requests. No HTTP, no validation, no records: the least any gateway must do
// to put a submission into the `intake` queue.

import { createHash, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { INTAKE_JOB_NAME } from '../../src/adapters/intake/bullmq-intake-queue.js';
import { INTAKE_QUEUE_NAME } from '../../src/adapters/intake/intake-keys.js';
import type { Channel, Submission } from '../../src/domain/intake/submission.js';
import { intakeJobOptions } from './intake-job-options.js';
import { measuredWindow, warmUp } from './measured-window.js';
import type { WindowResult } from './measured-window.js';
import { benchPrefix, connectBench, deletePrefixedKeys, RedisUsage } from './redis-tools.js';
import type { BenchRedis } from './redis-tools.js';

const READ_PAGE = 1000;

export interface BaselineSettings {
  readonly redis: BenchRedis;
  /** Canonical submissions to add, in turn (each add gets its own job id). */
  readonly payloads: readonly Submission[];
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Intake's idempotency TTL: the deduplication TTL of every job. */
  readonly dedupTtlMs: number;
}

export interface BaselineResult extends WindowResult {
  /** Jobs the payloads came from, and the average size of their JSON data. */
  readonly payloads: number;
  readonly payloadBytes: number;
}

/** Reads up to `limit` jobs' data (of one channel, if given) from the `intake` queue: payloads for the baseline. */
export async function readBackJobs(redis: BenchRedis, bullPrefix: string, limit: number, channel?: Channel): Promise<Submission[]> {
  const connection = connectBench(redis);
  const queue = new Queue<Submission>(INTAKE_QUEUE_NAME, { connection, prefix: bullPrefix });
  const found: Submission[] = [];
  try {
    for (let start = 0; found.length < limit; start += READ_PAGE) {
      const jobs = await queue.getJobs(['prioritized', 'waiting'], start, start + READ_PAGE - 1);
      for (const job of jobs) if (channel === undefined || job.data.channel === channel) found.push(job.data);
      if (jobs.length < READ_PAGE) break;
    }
    return found.slice(0, limit);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

export async function rawQueueBaseline(settings: BaselineSettings): Promise<BaselineResult> {
  if (settings.payloads.length === 0) throw new Error('the raw queue.add baseline needs at least one payload');
  const prefix = benchPrefix('raw');
  const connection = connectBench(settings.redis);
  const queue = new Queue(INTAKE_QUEUE_NAME, { connection, prefix: `{${prefix}}` });
  const redis = new RedisUsage(settings.redis);
  const run = randomUUID();
  let seq = 0;
  const add = async (): Promise<void> => {
    const payload = settings.payloads[seq % settings.payloads.length] as Submission;
    const jobId = createHash('sha256').update(`bench:${run}:${seq}`, 'utf8').digest('hex');
    seq += 1;
    await queue.add(INTAKE_JOB_NAME, payload, intakeJobOptions(jobId, payload.priority, settings.dedupTtlMs));
  };
  try {
    await queue.waitUntilReady();
    await warmUp(settings.concurrency, settings.warmupMs, add);
    const window = await measuredWindow({ concurrency: settings.concurrency, durationMs: settings.durationMs, redis }, add);
    const bytes = settings.payloads.reduce((sum, p) => sum + Buffer.byteLength(JSON.stringify(p)), 0) / settings.payloads.length;
    return { ...window, payloads: settings.payloads.length, payloadBytes: Math.round(bytes) };
  } finally {
    await queue.close();
    connection.disconnect();
    redis.close();
    await deletePrefixedKeys(settings.redis, prefix);
  }
}
