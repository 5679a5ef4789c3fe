// `npm run bench -- intake`: the gateway's HTTP channels (/v1, the citizen web form, Open311 POST requests) in
// their own Node process(es) under 64 concurrent HTTP clients, one channel after the other (warm-up, measured
// window), then on to the total for the memory reading; then the raw BullMQ queue.add baseline of the jobs they
// produced and the bare HTTP floor, against the same Redis (one server, a cluster or Sentinel, or with
// --redis-cluster a private cluster); prints them all with the verdicts and exits 1 when a target failed.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey, writeApiKeysFile } from '../../src/adapters/api-keys/index.js';
import { MAX_RATE_LIMIT_PER_MINUTE } from '../../src/adapters/api-keys/api-key-material.js';
import type { Submission } from '../../src/domain/intake/submission.js';
import { benchEntry } from '../shared/bench-entry.js';
import { withBenchRedis } from '../shared/bench-redis-run.js';
import { benchScratch } from '../shared/bench-scratch.js';
import { closedLoop } from '../shared/closed-loop.js';
import { httpFloor } from '../shared/http-floor.js';
import { machineInfo } from '../shared/machine.js';
import { rawQueueBaseline, readBackJobs } from '../shared/raw-queue-baseline.js';
import { measuredWindow, warmUp } from '../shared/measured-window.js';
import { RedisUsage } from '../shared/redis-tools.js';
import type { BenchRedis } from '../shared/redis-tools.js';
import { startSubject, subjectGroup } from '../shared/subject.js';
import type { SubjectHandle } from '../shared/subject.js';
import { ApiV1Client } from './api-v1-client.js';
import { FormClient } from './form-client.js';
import type { IntakeChannel, IntakeClient } from './intake-client.js';
import { Open311Client } from './open311-client.js';
import { channelsOf, parseIntakeOptions, USAGE } from './options.js';
import type { IntakeBenchOptions } from './options.js';
import { buildReport, failed, formatReport } from './report.js';
import type { HttpResult, MemoryResult } from './report.js';
import type { IntakeSubjectConfig, IntakeSubjectInfo } from './subject-process.js';

const SUBJECT_FILE = fileURLToPath(new URL('./subject-process.ts', import.meta.url));
/** Jobs read back from the gateway's queue for the baseline to add again. */
const BASELINE_PAYLOADS = 2000;
/** Each channel's clients send requests from their own range of sequence numbers, so no two runs collide. */
const SEQ_RANGE = 100_000_000;

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}

export function runIntakeBench(args: readonly string[]): Promise<void> {
  return benchEntry(args, parseIntakeOptions, USAGE, (o, progress) => withBenchRedis(o.redisCluster, progress, (redis) => measureIntake(o, redis, progress)));
}

async function measureIntake(o: IntakeBenchOptions, redisAt: BenchRedis, progress: (text: string) => void): Promise<void> {
  const machine = await machineInfo(redisAt);
  const scratch = await benchScratch('intake', o.cpuProf, redisAt);
  const { prefix, dataDir } = scratch;
  const channels = channelsOf(o);
  // As `hotline-gateway apikey create` would: the key's hash in the keys file, which every replica loads at start.
  const apiKeysFile = join(dataDir, 'api-keys.json');
  const { key: apiKey, entry } = createApiKey({ name: 'intake benchmark', scopes: ['submit'], rateLimitPerMinute: MAX_RATE_LIMIT_PER_MINUTE });
  await writeApiKeysFile(apiKeysFile, { keys: [entry] });
  // Replicas share Redis and its prefix, as behind a load balancer; each has its own DATA_DIR (spool, attachments).
  const settingsOf = (replica: number): IntakeSubjectConfig => ({ redis: redisAt, prefix, dataDir: join(dataDir, `replica-${replica}`), apiKeysFile, logLevel: o.logLevel });
  progress(
    `intake bench: ${channels.join(', ')} on ${o.processes} gateway process(es), ${o.concurrency} clients, ${o.warmupMs} ms warm-up + ${o.durationMs} ms measured each, ` +
      `memory over ${o.total} submissions; Redis ${redisAt.label}, prefix {${prefix}}`,
  );

  const results: HttpResult[] = [];
  let memory: MemoryResult;
  let payloads: Submission[];
  let idempotencyTtlMs: number;
  const redis = new RedisUsage(redisAt);
  const replicas: SubjectHandle<IntakeSubjectInfo>[] = [];
  const clients: IntakeClient[] = [];
  try {
    for (let replica = 0; replica < o.processes; replica++) {
      const label = o.processes === 1 ? 'intake subject' : `intake subject ${replica + 1}`;
      replicas.push(await startSubject<IntakeSubjectInfo>(SUBJECT_FILE, settingsOf(replica), { label, ...scratch.profiling }));
    }
    const subject = subjectGroup(replicas);
    const first = replicas[0] as SubjectHandle<IntakeSubjectInfo>;
    idempotencyTtlMs = first.info.idempotencyTtlMs;
    const perReplica = Math.ceil(o.concurrency / o.processes);
    // One client per channel and replica; a channel's requests take turns among the replicas.
    const make = (channel: IntakeChannel, url: string, firstSeq: number): IntakeClient => {
      if (channel === 'v1') return new ApiV1Client(url, apiKey, perReplica, firstSeq);
      if (channel === 'form') return new FormClient(url, perReplica, firstSeq);
      return new Open311Client(url, apiKey, perReplica, firstSeq);
    };
    const byChannel = channels.map((channel, c) => {
      const own = replicas.map((replica, r) => make(channel, replica.info.url, (c * o.processes + r) * SEQ_RANGE));
      clients.push(...own);
      return { channel, own };
    });
    const sent = (): number => sum(clients, (c) => c.sent);
    const spooled = (of: readonly IntakeClient[]): number => sum(of, (c) => c.spooled ?? 0);
    let failedInRun = 0;
    const submitter = (of: readonly IntakeClient[]): (() => Promise<void>) => {
      let turn = 0;
      return async () => {
        try {
          await (of[turn++ % of.length] as IntakeClient).submit();
        } catch (err) {
          failedInRun += 1;
          throw err;
        }
      };
    };

    let afterWarmup: { submissions: number; heap: number } | null = null;
    for (const { channel, own } of byChannel) {
      const submit = submitter(own);
      progress(`${channel}: warm-up...`);
      await warmUp(o.concurrency, o.warmupMs, submit);
      afterWarmup ??= { submissions: sent(), heap: await subject.request<number>('heap') };
      progress(`${channel}: measured window...`);
      const spooledBefore = spooled(own);
      const window = await measuredWindow({ concurrency: o.concurrency, durationMs: o.durationMs, redis, subject }, submit);
      results.push({ ...window, channel, spooled: own.some((c) => c.spooled === null) ? null : spooled(own) - spooledBefore });
    }
    if (afterWarmup === null) throw new Error('no channel was measured');
    const afterWindowSubmissions = sent();
    const afterWindowHeapBytes = await subject.request<number>('heap');

    const remaining = Math.max(0, o.total - sent());
    progress(`on to ${o.total} submissions (${remaining} more, the channels taking turns)...`);
    await closedLoop(o.concurrency, { count: remaining }, submitter(clients));
    const afterTotalHeapBytes = await subject.request<number>('heap');

    const total = sent();
    const growthBytes = afterTotalHeapBytes - afterWarmup.heap;
    const per1000 = (bytes: number, submissions: number): number => (submissions === 0 ? 0 : (bytes / submissions) * 1000);
    memory = {
      afterWarmupSubmissions: afterWarmup.submissions,
      afterWarmupHeapBytes: afterWarmup.heap,
      afterWindowSubmissions,
      afterWindowHeapBytes,
      afterTotalSubmissions: total,
      afterTotalHeapBytes,
      failedInRun,
      spooledInRun: spooled(clients),
      growthBytes,
      growthBytesPer1000: per1000(growthBytes, total - afterWarmup.submissions),
      growthAfterWindowBytesPer1000: per1000(afterTotalHeapBytes - afterWindowHeapBytes, total - afterWindowSubmissions),
    };
    payloads = await readBackJobs(redisAt, first.info.queuePrefix, BASELINE_PAYLOADS);
  } finally {
    redis.close();
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(replicas.map((r) => r.close()));
    await scratch.remove(progress);
  }

  progress(`raw queue.add baseline with ${payloads.length} of the gateway's jobs...`);
  const baseline = await rawQueueBaseline({ redis: redisAt, payloads, concurrency: o.concurrency, warmupMs: o.warmupMs, durationMs: o.durationMs, dedupTtlMs: idempotencyTtlMs });
  progress('HTTP floor (a bare fastify route doing queue.add only)...');
  const floor = await httpFloor({ redis: redisAt, concurrency: o.concurrency, warmupMs: o.warmupMs, durationMs: o.durationMs, dedupTtlMs: idempotencyTtlMs });
  const report = buildReport(o, machine, results, baseline, floor, memory);
  process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  if (failed(report)) process.exitCode = 1;
}
