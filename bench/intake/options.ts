// Command-line options of `npm run bench -- intake`.

import { LOAD_DEFAULTS, LOAD_FLAGS, loadUsage } from '../shared/load-options.js';
import type { LoadBenchOptions } from '../shared/load-options.js';
import { parseArgs } from '../shared/parse-args.js';
import type { FlagSpec } from '../shared/parse-args.js';

export interface IntakeBenchOptions extends LoadBenchOptions {
  /** Gateway processes sharing the load (round robin) and one Redis prefix, as replicas behind a load balancer. */
  readonly processes: number;
  /** Submissions in all (warm-up and window included) before memory is read the second time. */
  readonly total: number;
}

export const DEFAULTS: IntakeBenchOptions = { ...LOAD_DEFAULTS, processes: 1, total: 100_000 };

export const USAGE = loadUsage('intake', [
  ['--duration MS', `measured window of HTTP submissions and of raw queue.add, ms (default ${DEFAULTS.durationMs})`],
  ['--warmup MS', `unmeasured load before each window, ms (default ${DEFAULTS.warmupMs})`],
  ['--concurrency N', `HTTP clients with a request in flight / adds in flight (default ${DEFAULTS.concurrency})`],
  ['--processes N', `gateway processes sharing the clients round robin, as replicas would (default ${DEFAULTS.processes})`],
  ['--total N', `submissions in all before memory is read again (default ${DEFAULTS.total})`],
]);

const FLAGS: Record<string, FlagSpec<IntakeBenchOptions>> = {
  ...LOAD_FLAGS,
  '--processes': { key: 'processes', kind: 'positive-int' },
  '--total': { key: 'total', kind: 'positive-int' },
};

export function parseIntakeOptions(args: readonly string[]): IntakeBenchOptions | 'help' {
  return parseArgs(args, DEFAULTS, FLAGS);
}
