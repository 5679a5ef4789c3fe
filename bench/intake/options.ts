// Command-line options of `npm run bench -- intake`.

import { LOG_LEVELS } from '../../src/config/index.js';
import type { LogLevel } from '../../src/config/index.js';
import { parseArgs } from '../shared/parse-args.js';
import type { FlagSpec } from '../shared/parse-args.js';

export interface IntakeBenchOptions {
  /** Measured window of HTTP submissions, and of the raw queue.add baseline. */
  readonly durationMs: number;
  /** Unmeasured load before each window (the subject's code compiled, connections open, pools warm). */
  readonly warmupMs: number;
  /** Clients with a request in flight at any time (HTTP), adds in flight (baseline). */
  readonly concurrency: number;
  /** Gateway processes sharing the load (round robin) and one Redis prefix, as replicas behind a load balancer. */
  readonly processes: number;
  /** Submissions in all (warm-up and window included) before memory is read the second time. */
  readonly total: number;
  /** The subject's LOG_LEVEL; `info` is production's (one line per accepted submission). */
  readonly logLevel: LogLevel;
  /** Write a CPU profile of the subject (--cpu-prof) into a temporary folder and print where. */
  readonly cpuProf: boolean;
  readonly json: boolean;
}

export const DEFAULTS: IntakeBenchOptions = { durationMs: 10_000, warmupMs: 2_000, concurrency: 64, processes: 1, total: 100_000, logLevel: 'info', cpuProf: false, json: false };

export const USAGE = `usage: npm run bench -- intake [options]
  --duration MS      measured window of HTTP submissions and of raw queue.add, ms (default ${DEFAULTS.durationMs})
  --warmup MS        unmeasured load before each window, ms (default ${DEFAULTS.warmupMs})
  --concurrency N    HTTP clients with a request in flight / adds in flight (default ${DEFAULTS.concurrency})
  --processes N      gateway processes sharing the clients round robin, as replicas would (default ${DEFAULTS.processes})
  --total N          submissions in all before memory is read again (default ${DEFAULTS.total})
  --log-level LEVEL  the subject's LOG_LEVEL: ${LOG_LEVELS.join(', ')} (default ${DEFAULTS.logLevel}, as in production)
  --cpu-prof         write a V8 CPU profile of the subject and print its folder
  --json             print the results as JSON instead of a table
  environment: REDIS_URL (default redis://127.0.0.1:6379); the run uses its own random key prefix and removes it
`;

const FLAGS: Record<string, FlagSpec<IntakeBenchOptions>> = {
  '--duration': { key: 'durationMs', kind: 'positive-int' },
  '--warmup': { key: 'warmupMs', kind: 'positive-int' },
  '--concurrency': { key: 'concurrency', kind: 'positive-int' },
  '--processes': { key: 'processes', kind: 'positive-int' },
  '--total': { key: 'total', kind: 'positive-int' },
  '--log-level': { key: 'logLevel', kind: 'choice', choices: LOG_LEVELS },
  '--cpu-prof': { key: 'cpuProf', kind: 'switch' },
  '--json': { key: 'json', kind: 'switch' },
};

export function parseIntakeOptions(args: readonly string[]): IntakeBenchOptions | 'help' {
  return parseArgs(args, DEFAULTS, FLAGS);
}
