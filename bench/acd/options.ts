// Command-line options of `npm run bench -- acd`.

import { capped, parseArgs } from '../shared/parse-args.js';
import type { FlagSpec } from '../shared/parse-args.js';

export interface AcdBenchOptions {
  readonly agents: number;
  /** Calls waiting in the queue while decisions are measured. */
  readonly calls: number;
  /** Measured decisions of each kind (and raw EVALSHA round trips). */
  readonly samples: number;
  /** Unmeasured decisions of each kind before the measured ones. */
  readonly warmup: number;
  /** Measured ticks, one per second of the bench's own clock. */
  readonly ticks: number;
  readonly json: boolean;
  /** A few seconds in all (`SMOKE`): the table is printed, the targets are not judged. For CI. */
  readonly smoke: boolean;
}

/** What `--smoke` caps the sizes at (a smaller one given on the command line stays). */
export const SMOKE = { agents: 50, calls: 200, samples: 100, warmup: 20, ticks: 5 } as const;

export const DEFAULTS: AcdBenchOptions = { agents: 1000, calls: 5000, samples: 2000, warmup: 200, ticks: 300, json: false, smoke: false };

export const USAGE = `usage: npm run bench -- acd [options]

  Loads agents and waiting calls into the shared call queue (RedisAcdStore) under a random prefix (removed
  afterwards), then measures one decision at a time: a raw Redis round trip (EVALSHA of a trivial script), an agent
  becoming ready and being offered the best waiting call, a call enqueued and offered the longest-idle agent, a call
  enqueued with no agent free, and the periodic tick with a second's worth of widening calls.
  Targets: every decision p99 < 5 ms and <= 3 x the raw EVALSHA p99; tick p99 < 5 ms. Exit 1 when one is missed.

  --agents N    agents logged in (default ${DEFAULTS.agents})
  --calls N     calls waiting (default ${DEFAULTS.calls})
  --samples N   measured decisions of each kind (default ${DEFAULTS.samples})
  --warmup N    unmeasured decisions of each kind first (default ${DEFAULTS.warmup})
  --ticks N     measured ticks (default ${DEFAULTS.ticks})
  --json        print the report as JSON (progress goes nowhere)
  --smoke       ${SMOKE.agents} agents, ${SMOKE.calls} calls, ${SMOKE.samples} samples, ${SMOKE.ticks} ticks: prints the table, judges no target,
                exits 1 only if a decision failed (CI)
`;

const FLAGS: Record<string, FlagSpec<AcdBenchOptions>> = {
  '--agents': { key: 'agents', kind: 'positive-int' },
  '--calls': { key: 'calls', kind: 'positive-int' },
  '--samples': { key: 'samples', kind: 'positive-int' },
  '--warmup': { key: 'warmup', kind: 'positive-int' },
  '--ticks': { key: 'ticks', kind: 'positive-int' },
  '--json': { key: 'json', kind: 'switch' },
  '--smoke': { key: 'smoke', kind: 'switch' },
};

export function parseAcdOptions(args: readonly string[]): AcdBenchOptions | 'help' {
  const options = parseArgs(args, DEFAULTS, FLAGS);
  if (options === 'help' || !options.smoke) return options;
  return capped(options, SMOKE);
}
