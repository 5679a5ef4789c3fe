// Command-line options of `npm run bench -- ivr`, shared by the parent and the subject processes.

import { BenchUsageError, parseArgs } from '../shared/parse-args.js';
import type { FlagSpec } from '../shared/parse-args.js';

export interface IvrBenchOptions {
  /** Hold levels: for each, that many calls held at once, one level after the other, smallest first. */
  readonly levels: readonly number[];
  /**
   * How long placing the largest level's calls takes; smaller levels arrive at the same rate (calls / ms).
   * Default 20 s for 5,000 calls = 250 new calls/s, which the simulator absorbs without becoming the bottleneck.
   */
  readonly rampMs: number;
  /** How long every call stays in the greeting after the last one arrived. */
  readonly holdMs: number;
  /** Measured window of the throughput phase. */
  readonly durationMs: number;
  /** Calls in progress at any time in the throughput phase (closed loop). */
  readonly concurrency: number;
  /** A few seconds end to end: small figures, printed but not judged. */
  readonly smoke: boolean;
  /**
   * The gateway answers the queue itself (ACD=on: holding bridge, music on hold, the shared queue in Redis) instead
   * of continuing in the dialplan as the baseline does; its throughput and CPU are then shown, not judged.
   */
  readonly acd: boolean;
  /** Write a V8 CPU profile of each subject process (kept in a temporary folder the run names). */
  readonly cpuProf: boolean;
  /** Write a V8 sampling heap profile (where memory is allocated) of each subject process. */
  readonly heapProf: boolean;
  readonly json: boolean;
}

export const DEFAULTS: IvrBenchOptions = {
  levels: [100, 1000, 5000],
  rampMs: 20000,
  holdMs: 2000,
  durationMs: 8000,
  concurrency: 200,
  smoke: false,
  acd: false,
  cpuProf: false,
  heapProf: false,
  json: false,
};

/** What --smoke runs: every phase, at a size that takes a few seconds. Flags given with it still apply. */
export const SMOKE: Omit<IvrBenchOptions, 'json' | 'smoke' | 'acd' | 'cpuProf' | 'heapProf'> = { levels: [50], rampMs: 250, holdMs: 200, durationMs: 1000, concurrency: 40 };

export const USAGE = `usage: npm run bench -- ivr [options]
  --levels N,N,...   hold levels: calls held at once, measured one after the other (default ${DEFAULTS.levels.join(',')})
  --ramp MS          time to place the largest level's calls; smaller levels arrive at the same rate (default ${DEFAULTS.rampMs})
  --hold MS          time all of a level's calls stay in the greeting together, ms (default ${DEFAULTS.holdMs})
  --duration MS      measured window of the throughput phase, ms (default ${DEFAULTS.durationMs})
  --concurrency N    calls in progress in the throughput phase (default ${DEFAULTS.concurrency})
  --smoke            a few seconds end to end (${SMOKE.levels.join(',')} held calls, ${SMOKE.durationMs} ms of throughput); targets not judged
  --acd              the gateway queues callers itself (ACD=on) instead of continuing in the dialplan like the baseline;
                     throughput and CPU per call are then shown but not judged (the baseline does less)
  --cpu-prof         write a CPU profile of each subject process (--cpu-prof of node); the folder is printed
  --heap-prof        write a sampling heap profile of each subject process (--heap-prof of node); the folder is printed
  --json             print the results as JSON instead of a table
`;

type ScalarOptions = Omit<IvrBenchOptions, 'levels'>;

const FLAGS: Record<string, FlagSpec<ScalarOptions>> = {
  '--ramp': { key: 'rampMs', kind: 'positive-int' },
  '--hold': { key: 'holdMs', kind: 'positive-int' },
  '--duration': { key: 'durationMs', kind: 'positive-int' },
  '--concurrency': { key: 'concurrency', kind: 'positive-int' },
  '--smoke': { key: 'smoke', kind: 'switch' },
  '--acd': { key: 'acd', kind: 'switch' },
  '--cpu-prof': { key: 'cpuProf', kind: 'switch' },
  '--heap-prof': { key: 'heapProf', kind: 'switch' },
  '--json': { key: 'json', kind: 'switch' },
};

function parseLevels(raw: string | undefined): number[] {
  const levels = (raw ?? '').split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  if (raw === undefined || levels.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    throw new BenchUsageError(`--levels needs positive integers separated by commas, got ${raw === undefined ? 'nothing' : `"${raw}"`}`);
  }
  return [...new Set(levels)].sort((a, b) => a - b);
}

export function parseIvrOptions(args: readonly string[]): IvrBenchOptions | 'help' {
  // --levels takes a list, which the shared parser does not know; it is taken out before the rest is parsed.
  let levels: number[] | null = null;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--levels') levels = parseLevels(args[++i]);
    else if (arg.startsWith('--levels=')) levels = parseLevels(arg.slice('--levels='.length));
    else rest.push(arg);
  }
  const explicit = new Set(rest.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]));
  const scalars = parseArgs<ScalarOptions>(rest, DEFAULTS, FLAGS);
  if (scalars === 'help') return 'help';
  if (!scalars.smoke) return { ...scalars, levels: levels ?? DEFAULTS.levels };
  const smoke: IvrBenchOptions = { ...scalars, ...SMOKE, levels: levels ?? SMOKE.levels };
  // Flags given beside --smoke win over its sizes.
  return {
    ...smoke,
    rampMs: explicit.has('--ramp') ? scalars.rampMs : smoke.rampMs,
    holdMs: explicit.has('--hold') ? scalars.holdMs : smoke.holdMs,
    durationMs: explicit.has('--duration') ? scalars.durationMs : smoke.durationMs,
    concurrency: explicit.has('--concurrency') ? scalars.concurrency : smoke.concurrency,
  };
}

/** The ramp of one level: the largest level's calls arrive over rampMs, every level at that same rate. */
export function levelRampMs(options: IvrBenchOptions, calls: number): number {
  const largest = Math.max(...options.levels);
  return Math.max(1, Math.round((options.rampMs * calls) / largest));
}
