// Command-line options of `npm run bench -- intake`.

import { LOAD_DEFAULTS, LOAD_FLAGS, loadUsage, withSmoke } from '../shared/load-options.js';
import { INTAKE_CHANNELS } from './intake-client.js';
import type { IntakeChannel } from './intake-client.js';
import type { LoadBenchOptions } from '../shared/load-options.js';
import { parseArgs } from '../shared/parse-args.js';
import type { FlagSpec } from '../shared/parse-args.js';

export interface IntakeBenchOptions extends LoadBenchOptions {
  /** Gateway processes sharing the load (round robin) and one Redis prefix, as replicas behind a load balancer. */
  readonly processes: number;
  /** Submissions in all (warm-up and window included) before memory is read the second time. */
  readonly total: number;
  /** The HTTP channels to load, one after the other, each against the same HTTP floor. */
  readonly channel: IntakeChannel | 'all';
}

/** With --smoke, submissions in all: no more than the windows sent. */
const SMOKE_TOTAL = 1;

export const DEFAULTS: IntakeBenchOptions = { ...LOAD_DEFAULTS, processes: 1, total: 100_000, channel: 'all' };

export const USAGE = loadUsage('intake', [
  ['--duration MS', `measured window of HTTP submissions and of raw queue.add, ms (default ${DEFAULTS.durationMs})`],
  ['--warmup MS', `unmeasured load before each window, ms (default ${DEFAULTS.warmupMs})`],
  ['--concurrency N', `HTTP clients with a request in flight / adds in flight (default ${DEFAULTS.concurrency})`],
  ['--processes N', `gateway processes sharing the clients round robin, as replicas would (default ${DEFAULTS.processes})`],
  ['--total N', `submissions in all before memory is read again (default ${DEFAULTS.total})`],
  ['--channel NAME', `${[...INTAKE_CHANNELS, 'all'].join(', ')}: the HTTP channel(s) to load, each against the same HTTP floor (default ${DEFAULTS.channel}): v1 is POST /v1/submissions, form the web form's POST /form/submissions, open311 GeoReport v2 POST requests.json`],
]);

const FLAGS: Record<string, FlagSpec<IntakeBenchOptions>> = {
  ...LOAD_FLAGS,
  '--processes': { key: 'processes', kind: 'positive-int' },
  '--total': { key: 'total', kind: 'positive-int' },
  '--channel': { key: 'channel', kind: 'choice', choices: [...INTAKE_CHANNELS, 'all'] },
};

export function parseIntakeOptions(args: readonly string[]): IntakeBenchOptions | 'help' {
  const options = parseArgs(args, DEFAULTS, FLAGS);
  if (options === 'help') return options;
  return options.smoke ? { ...withSmoke(options), total: SMOKE_TOTAL } : options;
}

export function channelsOf(options: IntakeBenchOptions): readonly IntakeChannel[] {
  return options.channel === 'all' ? INTAKE_CHANNELS : [options.channel];
}
