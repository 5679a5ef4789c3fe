// The two measurements run against one subject: hold N calls at once (latency, memory, peak), then a closed
// loop of short calls as fast as the application allows (throughput). They run in the simulator's process; the
// application's heap and CPU are read in its own process (app-process.ts), over IPC.

import { performance } from 'node:perf_hooks';
import type { MemorySoundCatalog } from '../../src/simulator/index.js';
import type { CallerBehaviour, CallerDriver } from './caller-driver.js';
import type { LatencyProbe } from './latency-probe.js';
import { levelRampMs } from './options.js';
import type { IvrBenchOptions } from './options.js';
import { percentile } from './stats.js';

/** The application under test, in its own process. */
export interface AppProcess {
  /** Its heapUsed after a forced full GC, bytes. */
  heapAfterGc(): Promise<number>;
  /** Its CPU (user + system) since it started, ms. */
  cpuMs(): Promise<number>;
}

export interface PhaseContext {
  readonly app: AppProcess;
  readonly driver: CallerDriver;
  readonly probe: LatencyProbe;
  readonly sounds: MemorySoundCatalog;
  readonly behaviour: CallerBehaviour;
  /** Every prompt sound of the flow. */
  readonly promptSounds: readonly string[];
  readonly greetingSound: string;
  readonly mainMenuSound: string;
}

export interface HoldResult {
  readonly calls: number;
  readonly rampMs: number;
  readonly peakHeld: number;
  readonly completed: number;
  readonly failed: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  readonly latencySamples: number;
  /** The application process's heap (its own: the simulator runs in another process). */
  readonly heapBeforeBytes: number;
  readonly heapHeldBytes: number;
  readonly bytesPerCall: number;
  readonly seconds: number;
}

export interface ThroughputResult {
  readonly concurrency: number;
  readonly completed: number;
  readonly failed: number;
  readonly seconds: number;
  readonly callsPerSecond: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** The application process's CPU per call in the window. */
  readonly cpuMsPerCall: number;
  /** The simulator's process (simulated Asterisk, callers, probe): shown, not judged. */
  readonly simulatorCpuMsPerCall: number;
}

function setSounds(ctx: PhaseContext, promptMs: number, greetingMs: number, mainMenuMs: number): void {
  for (const sound of ctx.promptSounds) ctx.sounds.set(sound, promptMs);
  ctx.sounds.set(ctx.greetingSound, greetingMs);
  ctx.sounds.set(ctx.mainMenuSound, mainMenuMs);
}

/** A few calls through the same menu so both subjects are measured with their code already compiled. */
export async function warmUp(ctx: PhaseContext, calls: number): Promise<void> {
  setSounds(ctx, 5, 5, 50);
  ctx.behaviour.reactMs = 0;
  ctx.driver.resetCounters();
  for (let i = 0; i < calls; i += 1) ctx.driver.place();
  await ctx.driver.until('warm-up calls to finish', () => ctx.driver.completed + ctx.driver.failed >= calls, 20_000);
}

/** Holds `calls` calls at once; the previous level's calls have all left before this one starts. */
export async function holdPhase(ctx: PhaseContext, options: IvrBenchOptions, calls: number): Promise<HoldResult> {
  const { driver, probe, app } = ctx;
  await driver.until('the previous calls to leave the application', () => driver.held === 0, 30_000);
  const rampMs = levelRampMs(options, calls);
  // The greeting outlasts the ramp, so the first caller is still in it when the last one arrives.
  // Menus long enough that callers pile up in them too; a smoke run only needs them to work.
  setSounds(ctx, options.smoke ? 30 : 300, rampMs + options.holdMs, options.smoke ? 150 : 1500);
  ctx.behaviour.reactMs = options.smoke ? 40 : 400;
  driver.resetCounters();
  probe.reset();
  const heapBeforeBytes = await app.heapAfterGc();
  probe.recording = true;
  const started = performance.now();

  // Arrivals at a steady rate, released by one timer rather than one per call.
  const ticker = setInterval(() => {
    const due = Math.min(calls, Math.ceil(((performance.now() - started) / rampMs) * calls));
    while (driver.placed < due) driver.place();
    if (driver.placed >= calls) clearInterval(ticker);
  }, 5);
  await driver.until('every held call to reach the greeting', () => driver.greetingsStarted >= calls, rampMs + 30_000);
  // Quiet moment: every call is playing the greeting, no requests in flight. The forced full GC of a heap
  // holding every call stops the application for a while: that is the benchmark's doing, not the subject's, so
  // the event -> command waits that span the request to the app process and its answer are left out.
  const heapHeldBytes = await probe.excludingWhile(() => app.heapAfterGc());
  await driver.until('every held call to reach the queue', () => driver.completed + driver.failed >= calls, rampMs + options.holdMs + 30_000);
  probe.recording = false;
  const seconds = (performance.now() - started) / 1000;
  return {
    calls,
    rampMs,
    peakHeld: driver.peakHeld,
    completed: driver.completed,
    failed: driver.failed,
    p50Ms: percentile(probe.sample, 50),
    p99Ms: percentile(probe.sample, 99),
    maxMs: percentile(probe.sample, 100),
    latencySamples: probe.sample.length,
    heapBeforeBytes,
    heapHeldBytes,
    bytesPerCall: (heapHeldBytes - heapBeforeBytes) / calls,
    seconds,
  };
}

export async function throughputPhase(ctx: PhaseContext, options: IvrBenchOptions): Promise<ThroughputResult> {
  const { driver, probe, app } = ctx;
  setSounds(ctx, 5, 5, 50);
  ctx.behaviour.reactMs = 0;
  driver.resetCounters();
  probe.reset();
  const warmMs = options.smoke ? 200 : 1000;
  const start = performance.now();
  const windowStart = start + warmMs;
  const windowEnd = windowStart + options.durationMs;
  let inWindow = 0;
  let cpuAtWindow: NodeJS.CpuUsage | null = null;
  let appCpuAtWindow: Promise<number> | null = null;
  driver.onCompleted = (_id, at) => {
    if (at >= windowStart && at < windowEnd) inWindow += 1;
    if (at >= windowStart && cpuAtWindow === null) {
      cpuAtWindow = process.cpuUsage();
      appCpuAtWindow = app.cpuMs();
      // Awaited after the window; until then a failure must not count as unhandled.
      appCpuAtWindow.catch(() => undefined);
      probe.recording = true;
    }
    if (at >= windowEnd) probe.recording = false;
    if (at < windowEnd) driver.place();
  };
  for (let i = 0; i < options.concurrency; i += 1) driver.place();
  await driver.until('the throughput window to end', () => performance.now() >= windowEnd, warmMs + options.durationMs + 30_000);
  const cpu = process.cpuUsage(cpuAtWindow ?? undefined);
  const appCpuEnd = await app.cpuMs();
  const appCpu = appCpuEnd - ((await (appCpuAtWindow as Promise<number> | null)) ?? appCpuEnd);
  probe.recording = false;
  await driver.until('throughput calls to drain', () => driver.completed + driver.failed >= driver.placed, 30_000);
  driver.onCompleted = null;
  return {
    concurrency: options.concurrency,
    completed: inWindow,
    failed: driver.failed,
    seconds: options.durationMs / 1000,
    callsPerSecond: inWindow / (options.durationMs / 1000),
    p50Ms: percentile(probe.sample, 50),
    p99Ms: percentile(probe.sample, 99),
    cpuMsPerCall: inWindow === 0 ? 0 : appCpu / inWindow,
    simulatorCpuMsPerCall: inWindow === 0 ? 0 : (cpu.user + cpu.system) / 1000 / inWindow,
  };
}
