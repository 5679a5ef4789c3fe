// Command-line options of `npm run bench -- ivr`, shared by the parent and the subject processes.

import { parseArgs } from '../shared/parse-args.js';
import type { FlagSpec } from '../shared/parse-args.js';

export interface IvrBenchOptions {
  /** Calls held at once in the hold phase. */
  readonly calls: number;
  /** How long placing those calls takes (their arrival rate is calls / rampMs). */
  /** Default 10 s = 100 new calls/s, below the ~150/s a real Asterisk on 2 cores handles cleanly (load-notes.md). */
  readonly rampMs: number;
  /** How long every call stays in the greeting after the last one arrived. */
  readonly holdMs: number;
  /** Measured window of the throughput phase. */
  readonly durationMs: number;
  /** Calls in progress at any time in the throughput phase (closed loop). */
  readonly concurrency: number;
  readonly json: boolean;
}

export const DEFAULTS: IvrBenchOptions = { calls: 1000, rampMs: 10000, holdMs: 2000, durationMs: 8000, concurrency: 200, json: false };

export const USAGE = `usage: npm run bench -- ivr [options]
  --calls N          calls held at once in the hold phase (default ${DEFAULTS.calls})
  --ramp MS          time to place them, ms (default ${DEFAULTS.rampMs})
  --hold MS          time all of them stay in the greeting together, ms (default ${DEFAULTS.holdMs})
  --duration MS      measured window of the throughput phase, ms (default ${DEFAULTS.durationMs})
  --concurrency N    calls in progress in the throughput phase (default ${DEFAULTS.concurrency})
  --json             print the results as JSON instead of a table
`;

const FLAGS: Record<string, FlagSpec<IvrBenchOptions>> = {
  '--calls': { key: 'calls', kind: 'positive-int' },
  '--ramp': { key: 'rampMs', kind: 'positive-int' },
  '--hold': { key: 'holdMs', kind: 'positive-int' },
  '--duration': { key: 'durationMs', kind: 'positive-int' },
  '--concurrency': { key: 'concurrency', kind: 'positive-int' },
  '--json': { key: 'json', kind: 'switch' },
};

export function parseIvrOptions(args: readonly string[]): IvrBenchOptions | 'help' {
  return parseArgs(args, DEFAULTS, FLAGS);
}
