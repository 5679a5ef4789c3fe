// Figures, ratios and verdicts of the intake benchmark: every HTTP channel measured is judged against the HTTP
// floor measured in the same run (issue 14's targets). A missed target is a FAIL line and exit code 1; with
// --smoke nothing is judged (the windows are too short to mean anything), only failed submissions fail the run.

import type { WindowResult } from '../shared/measured-window.js';
import type { BaselineResult } from '../shared/raw-queue-baseline.js';
import { mb, ms, perSecond, quotient, ratio, reportText } from '../shared/format.js';
import type { Verdict } from '../shared/format.js';
import { machineNote } from '../shared/machine.js';
import type { MachineInfo } from '../shared/machine.js';
import { CITIZEN_ADDRESSES } from './form-client.js';
import { CHANNEL_LABELS } from './intake-client.js';
import type { IntakeChannel } from './intake-client.js';
import type { IntakeBenchOptions } from './options.js';

/** Issue 14: each channel against the bare HTTP floor of the same run; "no memory growth" made measurable. */
export const TARGETS = {
  floorThroughputRatio: 0.7,
  floorP99Ratio: 2,
  floorCpuRatio: 1.8,
  redisCommandsPerSubmission: 18,
  heapGrowthBytes: 5 * 1024 * 1024,
} as const;

export interface HttpResult extends WindowResult {
  readonly channel: IntakeChannel;
  /** 201 answers in the window that said `spooled` instead of `queued`; `null` when the channel's answer does not say. */
  readonly spooled: number | null;
}

export interface MemoryResult {
  /** Submissions sent when the first reading was taken (after the first channel's warm-up). */
  readonly afterWarmupSubmissions: number;
  readonly afterWarmupHeapBytes: number;
  /** The same after the last measured window: growth from here on is free of what warming up leaves behind. */
  readonly afterWindowSubmissions: number;
  readonly afterWindowHeapBytes: number;
  readonly afterTotalSubmissions: number;
  readonly afterTotalHeapBytes: number;
  /** Failures among all submissions of the run (warm-ups, windows and the rest up to the total). */
  readonly failedInRun: number;
  /** Spooled answers among those whose channel says (v1). */
  readonly spooledInRun: number;
  readonly growthBytes: number;
  readonly growthBytesPer1000: number;
  readonly growthAfterWindowBytesPer1000: number;
}

export interface IntakeReport {
  readonly options: IntakeBenchOptions;
  readonly machine: MachineInfo;
  /** One measured window per channel, in the order they ran. */
  readonly channels: readonly HttpResult[];
  readonly baseline: BaselineResult;
  /** A bare fastify route doing queue.add only, under the /v1 load generator (see http-floor-subject.ts). */
  readonly floor: WindowResult;
  readonly memory: MemoryResult;
  /** Judged (false with --smoke). */
  readonly judged: boolean;
  readonly verdicts: readonly Verdict[];
  readonly notes: readonly string[];
}

const kbPer1000 = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;

/** The four floor targets of one channel. */
function channelVerdicts(h: HttpResult, floor: WindowResult, concurrency: number): Verdict[] {
  const name = CHANNEL_LABELS[h.channel];
  const throughput = quotient(h.perSecond, floor.perSecond);
  const p99 = quotient(h.p99Ms, floor.p99Ms);
  const cpu = quotient(h.subjectCpuMs, floor.subjectCpuMs);
  return [
    {
      target: `${name}: submissions/s >= ${TARGETS.floorThroughputRatio} x the HTTP floor's (${concurrency} clients)`,
      measured: `${ratio(h.perSecond, floor.perSecond)} (${perSecond(h.perSecond)} vs ${perSecond(floor.perSecond)})`,
      pass: throughput !== null && throughput >= TARGETS.floorThroughputRatio,
    },
    {
      target: `${name}: p99 <= ${TARGETS.floorP99Ratio} x the HTTP floor's p99`,
      measured: `${ratio(h.p99Ms, floor.p99Ms)} (${ms(h.p99Ms)} vs ${ms(floor.p99Ms)})`,
      pass: p99 !== null && p99 <= TARGETS.floorP99Ratio,
    },
    {
      target: `${name}: gateway CPU per submission <= ${TARGETS.floorCpuRatio} x the HTTP floor's`,
      measured: `${ratio(h.subjectCpuMs, floor.subjectCpuMs)} (${ms(h.subjectCpuMs)} vs ${ms(floor.subjectCpuMs)})`,
      pass: cpu !== null && cpu <= TARGETS.floorCpuRatio,
    },
    {
      target: `${name}: <= ${TARGETS.redisCommandsPerSubmission} Redis commands per submission (Lua scripts' own included)`,
      measured: `${h.redisCommands.toFixed(1)} (floor ${floor.redisCommands.toFixed(1)})`,
      pass: h.redisCommands <= TARGETS.redisCommandsPerSubmission,
    },
  ];
}

export function buildReport(options: IntakeBenchOptions, machine: MachineInfo, channels: readonly HttpResult[], baseline: BaselineResult, floor: WindowResult, memory: MemoryResult): IntakeReport {
  const failures = channels.map((h) => `${h.channel} ${h.failed}${h.errors[0] === undefined ? '' : ` (first: ${h.errors[0]})`}`).join(', ');
  const verdicts: Verdict[] = [
    ...channels.flatMap((h) => channelVerdicts(h, floor, options.concurrency)),
    {
      target: `no memory growth: heap after GC grows < ${mb(TARGETS.heapGrowthBytes)} from warm-up to ${memory.afterTotalSubmissions} submissions`,
      measured: `${mb(memory.growthBytes)} (${kbPer1000(memory.growthBytesPer1000)} per 1,000 submissions)`,
      pass: memory.growthBytes < TARGETS.heapGrowthBytes,
    },
    {
      target: 'every submission answered as taken (none failed; none spooled where the answer says)',
      measured: `${memory.failedInRun} failed, ${memory.spooledInRun} spooled of ${memory.afterTotalSubmissions}; in the windows: ${failures}; floor ${floor.failed}, raw ${baseline.failed}`,
      pass: memory.failedInRun === 0 && memory.spooledInRun === 0 && baseline.failed === 0 && floor.failed === 0,
    },
  ];
  const notes = [
    machineNote(machine),
    ...(options.smoke ? [`--smoke: ${options.warmupMs} ms warm-ups and ${options.durationMs} ms windows show that every part of the bench works; no target is judged on them.`] : []),
    'submissions/s: answers that said the submission was taken, in the measured window, divided by the window from its first request to its last answer; each window follows an unmeasured warm-up. The channels run one after the other against the same gateway process(es), then the raw queue.add baseline, then the HTTP floor.',
    'v1: POST /v1/submissions with JSON bodies (varied Mandarin and English requests, contacts, some locations), each with its own Idempotency-Key and the integrator key; done = 201 with a ticket (and "queued", else counted as spooled).',
    `form: what the citizen web form's page sends without files: POST /form/submissions with a JSON body (the page's idempotencyKey, language, text, name, phone, e-mail, sometimes a location), each from one of ${CITIZEN_ADDRESSES} citizen addresses in X-Forwarded-For (the gateway trusts its loopback proxy, as behind a load balancer; FORM_RATE_LIMIT=100000 and FAIR_USE_IP_PER_HOUR=1000000 so that no citizen address reaches its limit, while every request still passes the limiter); done = 201 with a ticket and PIN. The form's answer does not say queued or spooled.`,
    'open311: GeoReport v2 POST /open311/v2/requests.json?api_key=..., form-urlencoded service_code, description, lat/long or address_string, first_name, phone, email and a device_id of its own (so no two are the same request); done = 200 with a service_request_id. GeoReport\'s answer does not say queued or spooled.',
    'The gateway runs the three routes on buildHttpServer over createIntake (behind MeteredIntake and the profile linker), the content store and the shared limiter, wired and configured as src/main.ts does (production defaults, except the fair-use limits above and the integrator key\'s rate), with an integrator key from the keys file, logging at the given LOG_LEVEL to a dropped standard output; every request is a keep-alive undici Pool request with one connection per client.',
    `HTTP floor: a bare fastify POST /v1/submissions in its own process, under the /v1 load generator and ${options.concurrency} clients, that hashes the Idempotency-Key into a job id, adds the JSON body as the job with intake's job options (priority, deduplication, retention) and answers 201 once queue.add resolved. It does: HTTP, JSON parsing, one BullMQ add (its Lua script), the answer. It does not: check a key or any limit, validate, normalise, classify, write records, indexes or a ticket, fall back to the spool, or log. Every channel is judged against this one floor. It reached ${ratio(floor.perSecond, baseline.perSecond)} of the raw queue.add rate.`,
    'raw queue.add: BullMQ Queue.add of jobs the gateway itself produced in this run (read back from its queue), each under a new job id, with the job options intake uses, to the same Redis under another key prefix, with as many adds in flight as there were HTTP clients: what survives of Redis with no HTTP at all.',
    'latency: from sending the request (calling add) to the whole answer; p50/p99/max by nearest rank over every answer in the window.',
    'gateway processes: with --processes N, N gateways share Redis and the key prefix (each with its own DATA_DIR), as replicas behind a load balancer would, and the clients take turns among them; gateway CPU is summed over them. The floor stays one process.',
    'CPU per submission: process CPU (user + system) during the window divided by the requests (adds) it ran; Redis CPU and commands from INFO total_commands_processed (the commands inside Lua scripts included), summed over every master of a cluster. "client" is the load generator (HTTP) or the caller of queue.add (raw).',
    `memory: the gateway's heapUsed (summed over its processes) after two forced GCs (--expose-gc), read after the first warm-up, after the last measured window, and after ${memory.afterTotalSubmissions} submissions in all (the channels taking turns); "no growth" is less than ${mb(TARGETS.heapGrowthBytes)} from the first reading to the last.`,
  ];
  return { options, machine, channels, baseline, floor, memory, judged: !options.smoke, verdicts, notes };
}

/** Exit code 1 when a judged target failed, or (smoke) when any submission failed. */
export function failed(report: IntakeReport): boolean {
  if (report.judged) return report.verdicts.some((v) => !v.pass);
  return report.memory.failedInRun > 0 || report.channels.some((h) => h.operations === 0) || report.floor.operations === 0;
}

export function formatReport(report: IntakeReport): string {
  const { baseline: b, floor: f, memory: m, channels } = report;
  const head = channels.flatMap((h) => [h.channel, `${h.channel}/floor`]);
  const cells = (of: (h: HttpResult) => readonly [string, string], floor: string, raw: string): string[] => [...channels.flatMap((h) => of(h)), floor, raw];
  const rows = [
    ['', ...head, 'HTTP floor', 'raw queue.add'],
    ['submissions per second', ...cells((h) => [h.perSecond.toFixed(1), ratio(h.perSecond, f.perSecond)], f.perSecond.toFixed(1), b.perSecond.toFixed(1))],
    ['in the window', ...cells((h) => [String(h.operations), ''], String(f.operations), String(b.operations))],
    ['latency p50', ...cells((h) => [ms(h.p50Ms), ratio(h.p50Ms, f.p50Ms)], ms(f.p50Ms), ms(b.p50Ms))],
    ['latency p99', ...cells((h) => [ms(h.p99Ms), ratio(h.p99Ms, f.p99Ms)], ms(f.p99Ms), ms(b.p99Ms))],
    ['latency max', ...cells((h) => [ms(h.maxMs), ''], ms(f.maxMs), ms(b.maxMs))],
    ['gateway CPU per submission', ...cells((h) => [ms(h.subjectCpuMs), ratio(h.subjectCpuMs, f.subjectCpuMs)], ms(f.subjectCpuMs), '')],
    ['client CPU per submission', ...cells((h) => [ms(h.clientCpuMs), ''], ms(f.clientCpuMs), ms(b.clientCpuMs))],
    ['Redis CPU per submission', ...cells((h) => [ms(h.redisCpuMs), ratio(h.redisCpuMs, f.redisCpuMs)], ms(f.redisCpuMs), ms(b.redisCpuMs))],
    ['Redis commands per submission', ...cells((h) => [h.redisCommands.toFixed(1), ratio(h.redisCommands, f.redisCommands)], f.redisCommands.toFixed(1), b.redisCommands.toFixed(1))],
    ['failed / spooled in the window', ...cells((h) => [`${h.failed} / ${h.spooled ?? 'n/a'}`, ''], String(f.failed), String(b.failed))],
    [`heap after warm-up (${m.afterWarmupSubmissions} submitted)`, mb(m.afterWarmupHeapBytes)],
    [`heap after the windows (${m.afterWindowSubmissions} submitted)`, mb(m.afterWindowHeapBytes)],
    [`heap after ${m.afterTotalSubmissions} submitted`, mb(m.afterTotalHeapBytes)],
    ['heap growth per 1,000 submissions, from warm-up', kbPer1000(m.growthBytesPer1000)],
    ['heap growth per 1,000 submissions, from the windows', kbPer1000(m.growthAfterWindowBytesPer1000)],
  ];
  const o = report.options;
  const heading = `Intake benchmark${o.smoke ? ' (smoke: targets not judged)' : ''}: ${o.processes === 1 ? 'one gateway process' : `${o.processes} gateway processes (round robin)`}, ${o.concurrency} concurrent clients, ${o.warmupMs} ms warm-up + ${o.durationMs} ms measured per channel (${channels.map((h) => h.channel).join(', ')}), then raw queue.add and the HTTP floor; memory over ${m.afterTotalSubmissions} submissions; LOG_LEVEL=${o.logLevel}`;
  return reportText([heading], rows, report.judged ? report.verdicts : [], report.notes);
}
