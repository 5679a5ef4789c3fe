// The options every load benchmark against a gateway subject has (intake, channels): window, warm-up, clients in
// flight, the subject's LOG_LEVEL, a CPU profile, JSON output, a smoke run and a private Redis Cluster, with their
// defaults, flags and usage lines.

import { LOG_LEVELS } from '../../src/config/index.js';
import type { LogLevel } from '../../src/config/index.js';
import { capped } from './parse-args.js';
import type { FlagSpec } from './parse-args.js';

export interface LoadBenchOptions {
  /** Each measured window (the gateway's and the raw queue.add baseline's). */
  readonly durationMs: number;
  /** Unmeasured load before each window (the subject's code compiled, connections open, pools warm). */
  readonly warmupMs: number;
  /** Requests in flight at any time (load generator), adds in flight (baseline). */
  readonly concurrency: number;
  /** The subject's LOG_LEVEL; `info` is production's. */
  readonly logLevel: LogLevel;
  /** Write a CPU profile of the subject (--cpu-prof) into a temporary folder and print where. */
  readonly cpuProf: boolean;
  readonly json: boolean;
  /** A few seconds in all (see `SMOKE`): the table is printed, the targets are not judged. For CI. */
  readonly smoke: boolean;
  /** Run on a private Redis Cluster of 3 masters started for the run (bench-redis-run.ts) instead of REDIS_*. */
  readonly redisCluster: boolean;
}

/** What `--smoke` makes of the windows: long enough for every part of the run to work, too short to judge. */
const SMOKE = { warmupMs: 300, durationMs: 1000 } as const;

export const LOAD_DEFAULTS: LoadBenchOptions = { durationMs: 10_000, warmupMs: 2_000, concurrency: 64, logLevel: 'info', cpuProf: false, json: false, smoke: false, redisCluster: false };

export const LOAD_FLAGS: Readonly<Record<string, FlagSpec<LoadBenchOptions>>> = {
  '--duration': { key: 'durationMs', kind: 'positive-int' },
  '--warmup': { key: 'warmupMs', kind: 'positive-int' },
  '--concurrency': { key: 'concurrency', kind: 'positive-int' },
  '--log-level': { key: 'logLevel', kind: 'choice', choices: LOG_LEVELS },
  '--cpu-prof': { key: 'cpuProf', kind: 'switch' },
  '--json': { key: 'json', kind: 'switch' },
  '--smoke': { key: 'smoke', kind: 'switch' },
  '--redis-cluster': { key: 'redisCluster', kind: 'switch' },
};

/** `--smoke` shortens the windows (a shorter one given on the command line stays). */
export function withSmoke<T extends LoadBenchOptions>(options: T): T {
  return options.smoke ? capped(options, SMOKE) : options;
}

/** The usage text of `npm run bench -- <name>`: the benchmark's own `[flag, text]` lines, then the common ones. */
export function loadUsage(name: string, own: readonly (readonly [string, string])[]): string {
  const lines: (readonly [string, string])[] = [
    ...own,
    ['--log-level LEVEL', `the subject's LOG_LEVEL: ${LOG_LEVELS.join(', ')} (default ${LOAD_DEFAULTS.logLevel}, as in production)`],
    ['--cpu-prof', 'write a V8 CPU profile of the subject and print its folder'],
    ['--json', 'print the results as JSON instead of a table'],
    ['--smoke', `a few seconds in all (${SMOKE.warmupMs} ms warm-up, ${SMOKE.durationMs} ms windows): prints the table, judges no target (CI)`],
    ['--redis-cluster', 'start a private Redis Cluster (3 masters on loopback ports, no replicas) for the run and remove it after'],
  ];
  const width = Math.max(...lines.map(([flag]) => flag.length)) + 2;
  return (
    `usage: npm run bench -- ${name} [options]\n` +
    lines.map(([flag, text]) => `  ${flag.padEnd(width)}${text}\n`).join('') +
    '  environment: the gateway\'s Redis settings, REDIS_URL (default redis://127.0.0.1:6379), or REDIS_CLUSTER_NODES,\n' +
    '  or REDIS_SENTINELS with REDIS_SENTINEL_MASTER, and REDIS_USERNAME/REDIS_PASSWORD; the run uses its own random\n' +
    '  key prefix, always a hash tag {bench-...}, and removes its keys\n'
  );
}
