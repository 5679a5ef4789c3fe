// `npm run bench -- intake`: the web API v1 in its own Node process under 64 concurrent HTTP clients (warm-up,
// measured window, then on to the total for the memory reading), then the raw BullMQ queue.add baseline of the
// jobs it produced, against the same Redis; prints both with the verdicts.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey, writeApiKeysFile } from '../../src/adapters/api-keys/index.js';
import { MAX_RATE_LIMIT_PER_MINUTE } from '../../src/adapters/api-keys/api-key-material.js';
import type { Submission } from '../../src/domain/intake/submission.js';
import { benchEntry } from '../shared/bench-entry.js';
import { benchScratch } from '../shared/bench-scratch.js';
import { closedLoop } from '../shared/closed-loop.js';
import { httpFloor } from '../shared/http-floor.js';
import { machineInfo } from '../shared/machine.js';
import { rawQueueBaseline, readBackJobs } from '../shared/raw-queue-baseline.js';
import { measuredWindow, warmUp } from '../shared/measured-window.js';
import type { WindowResult } from '../shared/measured-window.js';
import { BENCH_REDIS_URL, RedisUsage } from '../shared/redis-tools.js';
import { startSubject, subjectGroup } from '../shared/subject.js';
import type { SubjectHandle } from '../shared/subject.js';
import { ApiV1Client } from './api-v1-client.js';
import { parseIntakeOptions, USAGE } from './options.js';
import { buildReport, formatReport } from './report.js';
import type { MemoryResult } from './report.js';
import type { IntakeSubjectConfig, IntakeSubjectInfo } from './subject-process.js';

const SUBJECT_FILE = fileURLToPath(new URL('./subject-process.ts', import.meta.url));
/** Jobs read back from the gateway's queue for the baseline to add again. */
const BASELINE_PAYLOADS = 2000;

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}

export function runIntakeBench(args: readonly string[]): Promise<void> {
  return benchEntry(args, parseIntakeOptions, USAGE, async (o, progress) => {
    const machine = await machineInfo(BENCH_REDIS_URL);
    const scratch = await benchScratch('intake', o.cpuProf);
    const { prefix, dataDir } = scratch;
    // As `hotline-gateway apikey create` would: the key's hash in the keys file, which every replica loads at start.
    const apiKeysFile = join(dataDir, 'api-keys.json');
    const { key: apiKey, entry } = createApiKey({ name: 'intake benchmark', scopes: ['submit'], rateLimitPerMinute: MAX_RATE_LIMIT_PER_MINUTE });
    await writeApiKeysFile(apiKeysFile, { keys: [entry] });
    // Replicas share Redis and its prefix, as behind a load balancer; each has its own DATA_DIR (spool, attachments).
    const settingsOf = (replica: number): IntakeSubjectConfig => ({ redisUrl: BENCH_REDIS_URL, prefix, dataDir: join(dataDir, `replica-${replica}`), apiKeysFile, logLevel: o.logLevel });
    progress(`intake bench: ${o.processes} gateway process(es), ${o.concurrency} clients, ${o.warmupMs} ms warm-up + ${o.durationMs} ms measured, memory over ${o.total} submissions; Redis ${BENCH_REDIS_URL}, prefix ${prefix}`);

    let http: WindowResult;
    let spooledInWindow: number;
    let memory: MemoryResult;
    let payloads: Submission[];
    let idempotencyTtlMs: number;
    const redis = new RedisUsage(BENCH_REDIS_URL);
    const replicas: SubjectHandle<IntakeSubjectInfo>[] = [];
    const clients: ApiV1Client[] = [];
    try {
      for (let replica = 0; replica < o.processes; replica++) {
        const label = o.processes === 1 ? 'intake subject' : `intake subject ${replica + 1}`;
        replicas.push(await startSubject<IntakeSubjectInfo>(SUBJECT_FILE, settingsOf(replica), { label, ...scratch.profiling }));
      }
      const subject = subjectGroup(replicas);
      const first = replicas[0] as SubjectHandle<IntakeSubjectInfo>;
      idempotencyTtlMs = first.info.idempotencyTtlMs;
      const perReplica = Math.ceil(o.concurrency / o.processes);
      for (const replica of replicas) clients.push(new ApiV1Client(replica.info.url, apiKey, perReplica, clients.length * o.total));
      const api = { get sent(): number { return sum(clients, (c) => c.sent); }, get spooled(): number { return sum(clients, (c) => c.spooled); } };
      let turn = 0;
      const submit = (): Promise<void> => (clients[turn++ % clients.length] as ApiV1Client).submit();
      let failedInRun = 0;
      const counted = (operation: () => Promise<void>) => async (): Promise<void> => {
        try {
          await operation();
        } catch (err) {
          failedInRun += 1;
          throw err;
        }
      };

      progress('HTTP warm-up...');
      await warmUp(o.concurrency, o.warmupMs, counted(submit));
      const afterWarmupSubmissions = api.sent;
      const afterWarmupHeapBytes = await subject.request<number>('heap');

      progress('HTTP measured window...');
      const spooledBefore = api.spooled;
      http = await measuredWindow({ concurrency: o.concurrency, durationMs: o.durationMs, redis, subject }, counted(submit));
      spooledInWindow = api.spooled - spooledBefore;
      const afterWindowSubmissions = api.sent;
      const afterWindowHeapBytes = await subject.request<number>('heap');

      const remaining = Math.max(0, o.total - api.sent);
      progress(`HTTP on to ${o.total} submissions (${remaining} more)...`);
      await closedLoop(o.concurrency, { count: remaining }, counted(submit));
      const afterTotalHeapBytes = await subject.request<number>('heap');

      const growthBytes = afterTotalHeapBytes - afterWarmupHeapBytes;
      const per1000 = (bytes: number, submissions: number): number => (submissions === 0 ? 0 : (bytes / submissions) * 1000);
      memory = {
        afterWarmupSubmissions,
        afterWarmupHeapBytes,
        afterWindowSubmissions,
        afterWindowHeapBytes,
        afterTotalSubmissions: api.sent,
        afterTotalHeapBytes,
        failedInRun,
        spooledInRun: api.spooled,
        growthBytes,
        growthBytesPer1000: per1000(growthBytes, api.sent - afterWarmupSubmissions),
        growthAfterWindowBytesPer1000: per1000(afterTotalHeapBytes - afterWindowHeapBytes, api.sent - afterWindowSubmissions),
      };
      payloads = await readBackJobs(BENCH_REDIS_URL, first.info.queuePrefix, BASELINE_PAYLOADS);
    } finally {
      redis.close();
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all(replicas.map((r) => r.close()));
      await scratch.remove(progress);
    }

    progress(`raw queue.add baseline with ${payloads.length} of the gateway's jobs...`);
    const baseline = await rawQueueBaseline({
      redisUrl: BENCH_REDIS_URL,
      payloads,
      concurrency: o.concurrency,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
      dedupTtlMs: idempotencyTtlMs,
    });
    progress('HTTP floor (a bare fastify route doing queue.add only)...');
    const floor = await httpFloor({ redisUrl: BENCH_REDIS_URL, concurrency: o.concurrency, warmupMs: o.warmupMs, durationMs: o.durationMs, dedupTtlMs: idempotencyTtlMs });
    const report = buildReport(o, machine, { ...http, spooled: spooledInWindow }, baseline, floor, memory);
    process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  });
}
