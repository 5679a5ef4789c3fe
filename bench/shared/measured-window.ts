// One measured window of a closed loop, with what it cost: operations per second and latency, and the CPU of
// the load generator (this process), of the subject process, and of Redis, plus Redis commands, per operation.

import { performance } from 'node:perf_hooks';
import { percentile } from '../ivr/stats.js';
import { closedLoop } from './closed-loop.js';
import type { RedisUsage } from './redis-tools.js';
import type { SubjectHandle } from './subject.js';

export interface WindowResult {
  readonly concurrency: number;
  /** Operations that succeeded in the window. */
  readonly operations: number;
  readonly failed: number;
  readonly errors: readonly string[];
  /** From the first start to the last answer. */
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  /** CPU of the process under test per operation; `null` when the operations ran in this process (raw baseline). */
  readonly subjectCpuMs: number | null;
  /** CPU of this process (load generator, or caller of queue.add) per operation. */
  readonly clientCpuMs: number;
  readonly redisCpuMs: number;
  readonly redisCommands: number;
}

export interface WindowSettings {
  readonly concurrency: number;
  readonly durationMs: number;
  readonly redis: RedisUsage;
  /** The process handling the operations, when it is not this one. */
  readonly subject?: SubjectHandle<unknown>;
}

/** Unmeasured load for `durationMs`: code compiled, connections open, pools full. */
export async function warmUp(concurrency: number, durationMs: number, operation: () => Promise<void>): Promise<void> {
  const result = await closedLoop(concurrency, { atMs: performance.now() + durationMs }, operation);
  if (result.completed === 0 && result.failed > 0) throw new Error(`every warm-up operation failed, the first with: ${result.errors[0] ?? 'unknown error'}`);
}

export async function measuredWindow(settings: WindowSettings, operation: () => Promise<void>): Promise<WindowResult> {
  const subjectCpu = async (): Promise<number | null> => (settings.subject === undefined ? null : await settings.subject.request<number>('cpu'));
  const subjectBefore = await subjectCpu();
  const redisBefore = await settings.redis.sample();
  const clientBefore = process.cpuUsage();
  const loop = await closedLoop(settings.concurrency, { atMs: performance.now() + settings.durationMs }, operation);
  const client = process.cpuUsage(clientBefore);
  const redisAfter = await settings.redis.sample();
  const subjectAfter = await subjectCpu();
  // Costs are shared out over every operation that ran, failed ones included: they used the CPU too.
  const ran = Math.max(1, loop.completed + loop.failed);
  return {
    concurrency: settings.concurrency,
    operations: loop.completed,
    failed: loop.failed,
    errors: loop.errors,
    seconds: loop.elapsedMs / 1000,
    perSecond: loop.completed / (loop.elapsedMs / 1000),
    p50Ms: percentile(loop.latenciesMs, 50),
    p99Ms: percentile(loop.latenciesMs, 99),
    maxMs: percentile(loop.latenciesMs, 100),
    subjectCpuMs: subjectBefore === null || subjectAfter === null ? null : (subjectAfter - subjectBefore) / ran,
    clientCpuMs: (client.user + client.system) / 1000 / ran,
    // The two INFO calls themselves are in the count; out of thousands of operations they do not show.
    redisCpuMs: (redisAfter.cpuMs - redisBefore.cpuMs) / ran,
    redisCommands: (redisAfter.commands - redisBefore.commands) / ran,
  };
}
