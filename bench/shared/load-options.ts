// The options every load benchmark against a gateway subject has (intake, channels): window, warm-up, clients in
// flight, the subject's LOG_LEVEL, a CPU profile and JSON output, with their defaults, flags and usage lines.

import { LOG_LEVELS } from '../../src/config/index.js';
import type { LogLevel } from '../../src/config/index.js';
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
}

export const LOAD_DEFAULTS: LoadBenchOptions = { durationMs: 10_000, warmupMs: 2_000, concurrency: 64, logLevel: 'info', cpuProf: false, json: false };

export const LOAD_FLAGS: Readonly<Record<string, FlagSpec<LoadBenchOptions>>> = {
  '--duration': { key: 'durationMs', kind: 'positive-int' },
  '--warmup': { key: 'warmupMs', kind: 'positive-int' },
  '--concurrency': { key: 'concurrency', kind: 'positive-int' },
  '--log-level': { key: 'logLevel', kind: 'choice', choices: LOG_LEVELS },
  '--cpu-prof': { key: 'cpuProf', kind: 'switch' },
  '--json': { key: 'json', kind: 'switch' },
};

/** The usage text of `npm run bench -- <name>`: the benchmark's own `[flag, text]` lines, then the common ones. */
export function loadUsage(name: string, own: readonly (readonly [string, string])[]): string {
  const lines: (readonly [string, string])[] = [
    ...own,
    ['--log-level LEVEL', `the subject's LOG_LEVEL: ${LOG_LEVELS.join(', ')} (default ${LOAD_DEFAULTS.logLevel}, as in production)`],
    ['--cpu-prof', 'write a V8 CPU profile of the subject and print its folder'],
    ['--json', 'print the results as JSON instead of a table'],
  ];
  const width = Math.max(...lines.map(([flag]) => flag.length)) + 2;
  return (
    `usage: npm run bench -- ${name} [options]\n` +
    lines.map(([flag, text]) => `  ${flag.padEnd(width)}${text}\n`).join('') +
    '  environment: REDIS_URL (default redis://127.0.0.1:6379); the run uses its own random key prefix and removes it\n'
  );
}
