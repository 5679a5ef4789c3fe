// Figures, ratios and verdicts of the intake benchmark. A report, not a test: a missed target is printed as FAIL
// but does not change the exit code.

import type { WindowResult } from '../shared/measured-window.js';
import type { BaselineResult } from '../shared/raw-queue-baseline.js';
import { mb, ms, perSecond, ratio, reportText } from '../shared/format.js';
import type { Verdict } from '../shared/format.js';
import { cpuBudgetNote } from '../shared/cpu-budget.js';
import { machineNote } from '../shared/machine.js';
import type { MachineInfo } from '../shared/machine.js';
import type { IntakeBenchOptions } from './options.js';

/** "No memory growth" made measurable: heap after a forced GC may not grow by this much over the run. */
export const TARGETS = { throughputRatio: 0.6, p99Ms: 20, heapGrowthBytes: 5 * 1024 * 1024 } as const;

export interface HttpResult extends WindowResult {
  /** 201 answers in the window that said `spooled` instead of `queued`. */
  readonly spooled: number;
}

export interface MemoryResult {
  /** Submissions sent when the first reading was taken (the warm-up's). */
  readonly afterWarmupSubmissions: number;
  readonly afterWarmupHeapBytes: number;
  /** The same after the measured window: growth from here on is free of what warming up leaves behind. */
  readonly afterWindowSubmissions: number;
  readonly afterWindowHeapBytes: number;
  readonly afterTotalSubmissions: number;
  readonly afterTotalHeapBytes: number;
  /** Failures among all submissions of the run (warm-up, window and the rest up to the total). */
  readonly failedInRun: number;
  readonly spooledInRun: number;
  readonly growthBytes: number;
  readonly growthBytesPer1000: number;
  readonly growthAfterWindowBytesPer1000: number;
}

export interface IntakeReport {
  readonly options: IntakeBenchOptions;
  readonly machine: MachineInfo;
  readonly http: HttpResult;
  readonly baseline: BaselineResult;
  /** A bare fastify route doing queue.add only, under the same load generator (see http-floor-subject.ts). */
  readonly floor: WindowResult;
  readonly memory: MemoryResult;
  readonly throughputRatio: number;
  /** The gateway's rate over the HTTP floor's: its own cost, with HTTP's cost on these cores taken out. */
  readonly floorRatio: number;
  readonly verdicts: readonly Verdict[];
  readonly notes: readonly string[];
}

const kbPer1000 = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;

export function buildReport(options: IntakeBenchOptions, machine: MachineInfo, http: HttpResult, baseline: BaselineResult, floor: WindowResult, memory: MemoryResult): IntakeReport {
  const throughputRatio = baseline.perSecond === 0 ? 0 : http.perSecond / baseline.perSecond;
  const floorRatio = floor.perSecond === 0 ? 0 : http.perSecond / floor.perSecond;
  const verdicts: Verdict[] = [
    {
      target: `HTTP submissions/s >= ${TARGETS.throughputRatio} x raw queue.add/s (${options.concurrency} in flight each)`,
      measured: `${throughputRatio.toFixed(2)} x (${perSecond(http.perSecond)} vs ${perSecond(baseline.perSecond)})`,
      pass: throughputRatio >= TARGETS.throughputRatio,
    },
    { target: `p99 latency < ${TARGETS.p99Ms} ms at ${options.concurrency} concurrent clients`, measured: ms(http.p99Ms), pass: http.p99Ms !== null && http.p99Ms < TARGETS.p99Ms },
    {
      target: `no memory growth: heap after GC grows < ${mb(TARGETS.heapGrowthBytes)} from warm-up to ${memory.afterTotalSubmissions} submissions`,
      measured: `${mb(memory.growthBytes)} (${kbPer1000(memory.growthBytesPer1000)} per 1,000 submissions)`,
      pass: memory.growthBytes < TARGETS.heapGrowthBytes,
    },
    {
      target: 'every submission answered 201 and queued (none failed, none spooled)',
      measured: `${memory.failedInRun} failed, ${memory.spooledInRun} spooled of ${memory.afterTotalSubmissions}${http.errors[0] === undefined ? '' : `; first error: ${http.errors[0]}`}`,
      pass: memory.failedInRun === 0 && memory.spooledInRun === 0 && baseline.failed === 0,
    },
  ];
  const notes = [
    machineNote(machine),
    'submissions/s: 201 answers (HTTP) or resolved adds (raw) in the measured window, divided by the window from its first request to its last answer; each window follows an unmeasured warm-up.',
    'HTTP: POST /v1/submissions with JSON bodies (varied Mandarin and English requests, contacts, some locations), each with its own Idempotency-Key, from a keep-alive undici Pool with one connection per client. The gateway runs apiV1Routes on buildHttpServer over createIntake (behind MeteredIntake) and ContentStore, wired and configured as src/main.ts does, with an integrator key from the keys file, logging at the given LOG_LEVEL to a dropped standard output.',
    'raw queue.add: BullMQ Queue.add of jobs the gateway itself produced in this run (read back from its queue), each under a new job id, with the job options intake uses (priority, deduplication, retention), to the same Redis under another key prefix, with as many adds in flight as there were HTTP clients.',
    cpuBudgetNote(TARGETS.throughputRatio, baseline.perSecond, http.subjectCpuMs, floor.subjectCpuMs),
    `HTTP floor: a bare fastify POST /v1/submissions in its own process, driven by the same load generator, that adds the JSON body as the job with the same job options and answers 201; no key, validation, normalising, records or logging. It reached ${ratio(floor.perSecond, baseline.perSecond)} of the raw rate: that much of queue.add survives HTTP alone on these cores, whatever the gateway does.`,
    'latency: from sending the request (calling add) to the whole answer; p50/p99/max by nearest rank over every answer in the window.',
    'gateway processes: with --processes N, N gateways share Redis and the key prefix (each with its own DATA_DIR), as replicas behind a load balancer would, and the clients take turns among them; gateway CPU is summed over them.',
    'CPU per submission: process CPU (user + system) during the window divided by the requests (adds) it ran; Redis CPU and commands from INFO (the commands inside Lua scripts included). "client" is the load generator (HTTP) or the caller of queue.add (raw).',
    `memory: the gateway's heapUsed (summed over its processes) after two forced GCs (--expose-gc), read after the warm-up, after the measured window, and after ${memory.afterTotalSubmissions} submissions in all; "no growth" is defined as less than ${mb(TARGETS.heapGrowthBytes)} from the first reading to the last. The growth from the window on leaves out what warming up adds once (compiled code, caches filled).`,
  ];
  return { options, machine, http, baseline, floor, memory, throughputRatio, floorRatio, verdicts, notes };
}

export function formatReport(report: IntakeReport): string {
  const { http: h, baseline: b, floor: f, memory: m } = report;
  const rows = [
    ['', 'HTTP /v1/submissions', 'raw queue.add', 'HTTP/raw', 'HTTP floor', 'HTTP/floor'],
    ['submissions per second', h.perSecond.toFixed(1), b.perSecond.toFixed(1), ratio(h.perSecond, b.perSecond), f.perSecond.toFixed(1), ratio(h.perSecond, f.perSecond)],
    ['in the window', String(h.operations), String(b.operations), '', String(f.operations), ''],
    ['latency p50', ms(h.p50Ms), ms(b.p50Ms), ratio(h.p50Ms, b.p50Ms), ms(f.p50Ms), ratio(h.p50Ms, f.p50Ms)],
    ['latency p99', ms(h.p99Ms), ms(b.p99Ms), ratio(h.p99Ms, b.p99Ms), ms(f.p99Ms), ratio(h.p99Ms, f.p99Ms)],
    ['latency max', ms(h.maxMs), ms(b.maxMs), '', ms(f.maxMs), ''],
    ['gateway CPU per submission', ms(h.subjectCpuMs), '', '', ms(f.subjectCpuMs), ratio(h.subjectCpuMs, f.subjectCpuMs)],
    ['client CPU per submission', ms(h.clientCpuMs), ms(b.clientCpuMs), ratio(h.clientCpuMs, b.clientCpuMs), ms(f.clientCpuMs), ''],
    ['Redis CPU per submission', ms(h.redisCpuMs), ms(b.redisCpuMs), ratio(h.redisCpuMs, b.redisCpuMs), ms(f.redisCpuMs), ''],
    ['Redis commands per submission', h.redisCommands.toFixed(1), b.redisCommands.toFixed(1), ratio(h.redisCommands, b.redisCommands), f.redisCommands.toFixed(1), ''],
    ['failed / spooled in the window', `${h.failed} / ${h.spooled}`, String(b.failed), '', String(f.failed), ''],
    [`heap after warm-up (${m.afterWarmupSubmissions} submitted)`, mb(m.afterWarmupHeapBytes), '', '', '', ''],
    [`heap after the window (${m.afterWindowSubmissions} submitted)`, mb(m.afterWindowHeapBytes), '', '', '', ''],
    [`heap after ${m.afterTotalSubmissions} submitted`, mb(m.afterTotalHeapBytes), '', '', '', ''],
    ['heap growth per 1,000 submissions, from warm-up', kbPer1000(m.growthBytesPer1000), '', '', '', ''],
    ['heap growth per 1,000 submissions, from the window', kbPer1000(m.growthAfterWindowBytesPer1000), '', '', '', ''],
  ];
  const o = report.options;
  const heading = `Intake benchmark: ${o.processes === 1 ? 'one gateway process' : `${o.processes} gateway processes (round robin)`}, ${o.concurrency} concurrent clients, ${o.warmupMs} ms warm-up + ${o.durationMs} ms measured (HTTP, then raw queue.add); memory over ${m.afterTotalSubmissions} submissions; LOG_LEVEL=${o.logLevel}`;
  return reportText([heading], rows, report.verdicts, report.notes);
}
