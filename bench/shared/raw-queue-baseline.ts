// The baseline every channel is compared against: BullMQ `Queue.add` of the same canonical jobs, with the same
// job options intake uses (job id, priority, deduplication, retention), straight to the same Redis, with as many
// adds in flight as the channel had requests. No HTTP, no validation, no records: the least any gateway must do
// to put a submission into the `intake` queue.

import { createHash, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { INTAKE_JOB_NAME } from '../../src/adapters/intake/bullmq-intake-queue.js';
import { INTAKE_QUEUE_NAME } from '../../src/adapters/intake/intake-keys.js';
import type { Submission } from '../../src/domain/intake/submission.js';
import { percentile } from '../ivr/stats.js';
import { closedLoop } from './closed-loop.js';
import { deletePrefixedKeys, RedisCpu } from './redis-tools.js';
import { performance } from 'node:perf_hooks';

const DAY_SECONDS = 86_400;

export interface BaselineSettings {
  readonly redisUrl: string;
  /** Canonical submissions to add, in turn (each add gets its own job id). */
  readonly payloads: readonly Submission[];
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Intake's idempotency TTL: the deduplication TTL of every job. */
  readonly dedupTtlMs: number;
}

export interface BaselineResult {
  readonly concurrency: number;
  readonly adds: number;
  readonly failed: number;
  readonly errors: readonly string[];
  readonly seconds: number;
  readonly addsPerSecond: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** This process's CPU (the client side of each add), ms per add. */
  readonly clientCpuMsPerAdd: number;
  readonly redisCpuMsPerAdd: number;
  /** Bytes of the average job's JSON data. */
  readonly payloadBytes: number;
}

/** Reads up to `limit` jobs' data from a channel's `intake` queue: the payloads the baseline adds again. */
export async function readBackJobs(redisUrl: string, bullPrefix: string, limit: number): Promise<Submission[]> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  const queue = new Queue<Submission>(INTAKE_QUEUE_NAME, { connection, prefix: bullPrefix });
  try {
    const jobs = await queue.getJobs(['prioritized', 'waiting'], 0, limit - 1);
    return jobs.map((job) => job.data);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

export async function rawQueueBaseline(settings: BaselineSettings): Promise<BaselineResult> {
  if (settings.payloads.length === 0) throw new Error('the raw queue.add baseline needs at least one payload');
  const prefix = `bench-raw-${randomUUID().slice(0, 8)}`;
  const connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: 3 });
  const queue = new Queue(INTAKE_QUEUE_NAME, { connection, prefix: `{${prefix}}` });
  const redisCpu = new RedisCpu(settings.redisUrl);
  const run = randomUUID();
  let seq = 0;
  // The options BullmqIntakeQueue gives every job, with createIntake's default retention.
  const add = async (): Promise<void> => {
    const payload = settings.payloads[seq % settings.payloads.length] as Submission;
    const jobId = createHash('sha256').update(`bench:${run}:${seq}`, 'utf8').digest('hex');
    seq += 1;
    const options: JobsOptions = {
      jobId,
      priority: payload.priority,
      deduplication: { id: jobId, ttl: settings.dedupTtlMs },
      removeOnComplete: { age: DAY_SECONDS, count: 10_000 },
      removeOnFail: { age: 30 * DAY_SECONDS },
    };
    await queue.add(INTAKE_JOB_NAME, payload, options);
  };
  try {
    await queue.waitUntilReady();
    await closedLoop(settings.concurrency, { atMs: performance.now() + settings.warmupMs }, add);
    const redisBefore = await redisCpu.ms();
    const cpuBefore = process.cpuUsage();
    const window = await closedLoop(settings.concurrency, { atMs: performance.now() + settings.durationMs }, add);
    const cpu = process.cpuUsage(cpuBefore);
    const redisMs = (await redisCpu.ms()) - redisBefore;
    const ops = Math.max(1, window.completed);
    const bytes = settings.payloads.reduce((sum, p) => sum + Buffer.byteLength(JSON.stringify(p)), 0) / settings.payloads.length;
    return {
      concurrency: settings.concurrency,
      adds: window.completed,
      failed: window.failed,
      errors: window.errors,
      seconds: window.elapsedMs / 1000,
      addsPerSecond: window.completed / (window.elapsedMs / 1000),
      p50Ms: percentile(window.latenciesMs, 50),
      p99Ms: percentile(window.latenciesMs, 99),
      clientCpuMsPerAdd: (cpu.user + cpu.system) / 1000 / ops,
      redisCpuMsPerAdd: redisMs / ops,
      payloadBytes: Math.round(bytes),
    };
  } finally {
    await queue.close();
    connection.disconnect();
    redisCpu.close();
    await deletePrefixedKeys(settings.redisUrl, prefix);
  }
}
