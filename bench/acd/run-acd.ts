// `npm run bench -- acd`: routing decisions of the shared call queue with a thousand agents and five thousand
// waiting calls, beside a raw Redis round trip (EVALSHA of a trivial script) measured in the same run.
//
// Each decision is timed alone (one in flight), from the call into the store to its answer; what puts the queue
// back as it was (ringing, answering and ending the offered call, pausing the agent, a fresh call in its place) runs
// between samples, untimed. The tick runs on the bench's own clock, one second per tick, with calls arriving and
// leaving at the rate the queue's size implies, so each tick finds a second's worth of calls whose eligibility widens.

import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { RedisAcdStore } from '../../src/adapters/acd/redis-acd-store.js';
import { LuaScript } from '../../src/adapters/redis/lua-script.js';
import { HEAD_PRIORITY } from '../../src/domain/acd/types.js';
import type { RoutingSettings, Skill, WaitingCall } from '../../src/domain/acd/types.js';
import { percentile } from '../ivr/stats.js';
import { benchEntry } from '../shared/bench-entry.js';
import { machineInfo } from '../shared/machine.js';
import type { MachineInfo } from '../shared/machine.js';
import { BENCH_REDIS_URL, benchPrefix, deletePrefixedKeys } from '../shared/redis-tools.js';
import { parseAcdOptions, USAGE } from './options.js';
import type { AcdBenchOptions } from './options.js';
import { acdReportText, acdVerdicts } from './report.js';

export interface Timings {
  readonly samples: number;
  readonly failed: number;
  readonly errors: readonly string[];
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

/** A kind of decision, and the raw round trips taken between its samples (one before each). */
export interface Beside {
  readonly timings: Timings;
  readonly raw: Timings;
}

export interface AcdReport {
  readonly options: AcdBenchOptions;
  readonly machine: MachineInfo;
  readonly settings: RoutingSettings;
  readonly load: { readonly agents: number; readonly readyAgents: number; readonly calls: number; readonly seconds: number };
  /** Every raw round trip of the run. */
  readonly raw: Timings;
  readonly agentReady: Beside;
  readonly enqueueOffered: Beside;
  readonly enqueueWaits: Beside;
  readonly tick: Beside;
  /** Calls whose eligibility changed per measured tick, on average. */
  readonly duePerTick: number;
}

export const SETTINGS: RoutingSettings = { widenEveryMs: 30_000, overflowAfterMs: 120_000 };
/** The waiting calls entered the queue over the last ten minutes. */
const QUEUE_SPAN_MS = 600_000;
const MATTERS = Array.from({ length: 20 }, (_, i) => `m${String(i).padStart(2, '0')}`);
/** One agent in ten speaks Cantonese only: they are the ready agents the enqueued calls find. */
const READY_SHARE = 10;
const GATEWAY = 'bench-gw';
const LOAD_IN_FLIGHT = 64;

/** The raw round trip every decision pays at least: one EVALSHA answered by a script doing nothing. */
const TRIVIAL = new LuaScript('return 1');

/** A small seeded generator: the same queue every run. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

export async function measureAcd(options: AcdBenchOptions, progress: (text: string) => void, prefix = benchPrefix('acd')): Promise<AcdReport> {
  const machine = await machineInfo(BENCH_REDIS_URL);
  const storeClient = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: 3 });
  const rawClient = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: 3 });
  const store = new RedisAcdStore({ redis: storeClient, prefix, settings: SETTINGS });
  const rnd = generator(20_250_601);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  let callSeq = 0;
  const zhCall = (enqueuedAt: number): WaitingCall => {
    const p = rnd();
    const priority = p < 0.02 ? HEAD_PRIORITY : p < 0.1 ? 3 : p < 0.3 ? 7 : 5;
    return { callId: `call-${callSeq++}`, gateway: GATEWAY, skill: pick(MATTERS), lang: rnd() < 0.85 ? 'zh' : 'en', priority, enqueuedAt };
  };
  try {
    const started = performance.now();
    const loadStart = Date.now();
    const readyCount = Math.max(1, Math.floor(options.agents / READY_SHARE));
    const paused: string[] = [];
    progress(`loading ${options.agents} agents and ${options.calls} waiting calls under {${prefix}}`);
    await inBatches(options.agents, async (i) => {
      // Every agent has three matters at levels 1 to 3 and one or two languages, as a real pool would.
      const skills: Skill[] = [
        { name: MATTERS[i % 20] as string, level: 1 },
        { name: MATTERS[(i + 7) % 20] as string, level: 2 },
        { name: MATTERS[(i + 13) % 20] as string, level: 3 },
      ];
      if (i < readyCount) {
        const id = `yue-${i}`;
        await store.login({ id, endpoint: `PJSIP/${id}`, skills: [...skills, { name: 'yue', level: 1 }] }, loadStart);
        await store.ready(id, loadStart);
        return;
      }
      const id = `agent-${i}`;
      skills.push({ name: 'zh', level: 1 });
      if (i % 5 === 0) skills.push({ name: 'en', level: 1 });
      await store.login({ id, endpoint: `PJSIP/${id}`, skills }, loadStart);
      paused.push(id);
    });
    const initial = Array.from({ length: options.calls }, () => zhCall(loadStart - Math.floor(rnd() * QUEUE_SPAN_MS)));
    await inBatches(initial.length, async (i) => {
      if ((await store.enqueue(initial[i] as WaitingCall, loadStart)) !== null) throw new Error('a waiting call found an agent while loading');
    });
    const load = { agents: options.agents, readyAgents: readyCount, calls: options.calls, seconds: (performance.now() - started) / 1000 };

    // Each sample of a decision follows a raw round trip: both see the same machine at the same moment, which on
    // shared cores matters more than anything measured.
    const rawLatencies: number[] = [];
    const roundTrip = async (): Promise<number> => {
      const at = performance.now();
      if ((await TRIVIAL.run(rawClient, [], [])) !== 1) throw new Error('the trivial script did not answer 1');
      return performance.now() - at;
    };
    const timed = (counts: { readonly warmup: number; readonly samples: number }, sample: (measured: boolean) => Promise<number>): Promise<Beside> =>
      timedBeside(counts, roundTrip, sample, rawLatencies);

    progress(`agent ready -> offer: ${options.warmup} + ${options.samples} decisions`);
    let nextAgent = 0;
    const agentReady = await timed(options, async () => {
      const id = paused[nextAgent++ % paused.length] as string;
      const now = Date.now();
      const at = performance.now();
      const result = await store.ready(id, now);
      const ms = performance.now() - at;
      if (!result.ok || result.offer === null) throw new Error(`agent ${id} got no offer: ${JSON.stringify(result)}`);
      // Back as it was: the call served and gone, the agent paused, a new caller in the queue.
      const callId = result.offer.callId;
      await store.ringing(id, callId, now);
      await store.answered(id, callId, now);
      await store.callEnded(id, callId, 60_000, now);
      await store.pause(id, 'bench', now);
      await store.enqueue(zhCall(now), now);
      return ms;
    });

    progress(`enqueue -> offer: ${options.warmup} + ${options.samples} decisions`);
    const enqueueOffered = await timed(options, async () => {
      const now = Date.now();
      // A matter some ready Cantonese agent has at level 1: a new call is offered to level 1 only.
      const skill = MATTERS[Math.floor(rnd() * Math.min(readyCount, MATTERS.length))] as string;
      const call: WaitingCall = { callId: `yue-call-${callSeq++}`, gateway: GATEWAY, skill, lang: 'yue', priority: 5, enqueuedAt: now };
      const at = performance.now();
      const offer = await store.enqueue(call, now);
      const ms = performance.now() - at;
      if (offer === null) throw new Error(`call ${call.callId} found no agent`);
      await store.leave(call.callId, 'gone', now);
      return ms;
    });

    progress(`enqueue, no agent free: ${options.warmup} + ${options.samples} decisions`);
    const enqueueWaits = await timed(options, async () => {
      const now = Date.now();
      const call = zhCall(now);
      const at = performance.now();
      const offer = await store.enqueue(call, now);
      const ms = performance.now() - at;
      if (offer !== null) throw new Error(`call ${call.callId} was offered with no agent ready`);
      await store.leave(call.callId, 'gone', now);
      return ms;
    });

    progress(`tick: ${Math.min(options.warmup, 30)} + ${options.ticks} ticks, one per second of the bench's clock`);
    let clock = Date.now();
    const arrivalsPerSecond = Math.max(1, Math.round(options.calls / (QUEUE_SPAN_MS / 1000)));
    let due = 0;
    let measuredTicks = 0;
    const tick = await timed({ warmup: Math.min(options.warmup, 30), samples: options.ticks }, async (measured) => {
      clock += 1000;
      // As many callers arrive as the oldest leave: the queue keeps its size and its spread of waits.
      const oldest = await rawClient.zrange(store.keys.fixed.waitingByTime, 0, arrivalsPerSecond - 1);
      for (const callId of oldest) await store.leave(callId, 'gone', clock);
      for (let i = 0; i < arrivalsPerSecond; i++) await store.enqueue(zhCall(clock), clock);
      const dueNow = await rawClient.zcount(store.keys.fixed.due, '-inf', clock);
      const at = performance.now();
      const result = await store.tick(clock);
      const ms = performance.now() - at;
      if (result.offers.length > 0 || result.lapsed.length > 0) throw new Error(`a tick with no agent free made offers: ${JSON.stringify(result).slice(0, 200)}`);
      if (measured) {
        due += dueNow;
        measuredTicks += 1;
      }
      return ms;
    });
    const raw = timings(rawLatencies, 0, []);
    return { options, machine, settings: SETTINGS, load, raw, agentReady, enqueueOffered, enqueueWaits, tick, duePerTick: measuredTicks === 0 ? 0 : due / measuredTicks };
  } finally {
    progress(`removing the run's keys ({${prefix}}*)`);
    const removed = await deletePrefixedKeys(BENCH_REDIS_URL, prefix);
    progress(`removed ${removed} keys`);
    storeClient.disconnect();
    rawClient.disconnect();
  }
}

/** `count` operations, LOAD_IN_FLIGHT at a time. */
async function inBatches(count: number, operation: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await operation(next++);
  };
  await Promise.all(Array.from({ length: LOAD_IN_FLIGHT }, worker));
}

/**
 * Runs `sample` `warmup` times unmeasured, then `samples` times keeping the ms each answers (a throw is a failure),
 * each time after a raw round trip, whose ms are kept beside (and added to `allRaw`).
 */
async function timedBeside(
  counts: { readonly warmup: number; readonly samples: number },
  roundTrip: () => Promise<number>,
  sample: (measured: boolean) => Promise<number>,
  allRaw: number[],
): Promise<Beside> {
  const latencies: number[] = [];
  const raw: number[] = [];
  const errors: string[] = [];
  const rawErrors: string[] = [];
  let failed = 0;
  let rawFailed = 0;
  for (let i = 0; i < counts.warmup + counts.samples; i++) {
    const measured = i >= counts.warmup;
    try {
      const ms = await roundTrip();
      if (measured) raw.push(ms);
    } catch (err) {
      rawFailed += 1;
      if (rawErrors.length < 5) rawErrors.push(err instanceof Error ? err.message : String(err));
    }
    try {
      const ms = await sample(measured);
      if (measured) latencies.push(ms);
    } catch (err) {
      failed += 1;
      if (errors.length < 5) errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  allRaw.push(...raw);
  return { timings: timings(latencies, failed, errors), raw: timings(raw, rawFailed, rawErrors) };
}

function timings(latencies: readonly number[], failed: number, errors: readonly string[]): Timings {
  return { samples: latencies.length, failed, errors, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: percentile(latencies, 100) };
}

export async function runAcdBench(args: readonly string[]): Promise<void> {
  await benchEntry(args, parseAcdOptions, USAGE, async (options, progress) => {
    const report = await measureAcd(options, progress);
    // A smoke run is too short to judge a latency; it fails only when a decision did.
    const verdicts = acdVerdicts(report);
    const shown = options.smoke ? [] : verdicts;
    if (options.json) process.stdout.write(`${JSON.stringify({ ...report, judged: !options.smoke, verdicts: shown }, null, 2)}\n`);
    else process.stdout.write(acdReportText(report, shown));
    const parts = [report.agentReady, report.enqueueOffered, report.enqueueWaits, report.tick];
    const brokeDown = parts.some((p) => p.timings.failed + p.raw.failed > 0 || p.timings.samples === 0);
    if (options.smoke ? brokeDown : verdicts.some((v) => !v.pass)) process.exitCode = 1;
  });
}
