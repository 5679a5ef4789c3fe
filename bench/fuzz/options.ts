// Command-line options of `npm run bench -- fuzz`.

import { FUZZ_TARGETS } from '../../test/fuzz/targets/catalogue.js';
import { BenchUsageError, parseArgs } from '../shared/parse-args.js';
import type { FlagSpec } from '../shared/parse-args.js';

export interface FuzzBenchOptions {
  /** Inputs per target; `null`: ten times each target's CI count. */
  readonly runs: number | null;
  /** fast-check's seed; `null`: a random one, printed so the run can be replayed. */
  readonly seed: number | null;
  /** Only this target; `null`: all of them. */
  readonly target: string | null;
  readonly json: boolean;
  /** A few inputs per target (`SMOKE_DIVISOR`): shows every target still runs. For CI. */
  readonly smoke: boolean;
}

export const DEFAULTS: FuzzBenchOptions = { runs: null, seed: null, target: null, json: false, smoke: false };
/** The default run is this many times each target's CI count. */
export const DEFAULT_SCALE = 10;
/** `--smoke` runs each target's CI count divided by this (at least one input), unless --runs says otherwise. */
export const SMOKE_DIVISOR = 20;

const NAMES = FUZZ_TARGETS.map((t) => t.name);

export const USAGE =
  'usage: npm run bench -- fuzz [options]\n' +
  `  --runs N       inputs per target (default ${DEFAULT_SCALE} x its CI count: ${FUZZ_TARGETS.map((t) => `${t.name} ${t.ciRuns * DEFAULT_SCALE}`).join(', ')})\n` +
  '  --seed S       fast-check seed, 1 to 2147483647 (default: random, printed); CI uses 12345\n' +
  `  --target NAME  one target only: ${NAMES.join(', ')}\n` +
  '  --json         print the results as JSON instead of a table\n' +
  `  --smoke        a few inputs per target (its CI count / ${SMOKE_DIVISOR}): shows every target still runs; a failed input still fails it\n` +
  '  environment: REDIS_URL (default redis://127.0.0.1:6379); each target uses its own random key prefix and removes it\n';

const FLAGS: Record<string, FlagSpec<FuzzBenchOptions>> = {
  '--runs': { key: 'runs', kind: 'positive-int' },
  '--seed': { key: 'seed', kind: 'positive-int' },
  '--target': { key: 'target', kind: 'choice', choices: NAMES },
  '--json': { key: 'json', kind: 'switch' },
  '--smoke': { key: 'smoke', kind: 'switch' },
};

export function parseFuzzOptions(args: readonly string[]): FuzzBenchOptions | 'help' {
  const options = parseArgs(args, DEFAULTS, FLAGS);
  if (options !== 'help' && options.seed !== null && options.seed > 2_147_483_647) throw new BenchUsageError(`--seed must be at most 2147483647, got ${options.seed}`);
  return options;
}
