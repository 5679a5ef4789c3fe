// Command-line options of `npm run bench -- ivr`, shared by the parent and the subject processes.

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

export class BenchUsageError extends Error {
  readonly code = 'BENCH_USAGE';
}

const NUMERIC: Record<string, keyof Omit<IvrBenchOptions, 'json'>> = {
  '--calls': 'calls',
  '--ramp': 'rampMs',
  '--hold': 'holdMs',
  '--duration': 'durationMs',
  '--concurrency': 'concurrency',
};

export function parseIvrOptions(args: readonly string[]): IvrBenchOptions | 'help' {
  const options: { -readonly [K in keyof IvrBenchOptions]: IvrBenchOptions[K] } = { ...DEFAULTS };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--json') {
      options.json = true;
      continue;
    }
    const [flag, inline] = arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    const key = NUMERIC[flag as string];
    if (key === undefined) throw new BenchUsageError(`unknown option "${arg}"`);
    const raw = inline ?? args[++i];
    const value = raw === undefined ? NaN : Number(raw);
    if (!Number.isSafeInteger(value) || value < 1) throw new BenchUsageError(`${flag} needs a positive integer, got ${raw === undefined ? 'nothing' : `"${raw}"`}`);
    options[key] = value;
  }
  return options;
}
