// Command-line options of `npm run bench -- identity`.

import { capped, parseArgs } from '../shared/parse-args.js';
import type { FlagSpec } from '../shared/parse-args.js';

export interface IdentityBenchOptions {
  /** Profiles loaded before measuring, each with a confirmed phone, contacts and an open case. */
  readonly profiles: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** Lookups (or limit checks, or PINGs) in flight at once. */
  readonly concurrency: number;
  readonly json: boolean;
  /** A few seconds in all (`SMOKE`): the table is printed, the targets are not judged. For CI. */
  readonly smoke: boolean;
}

/** What `--smoke` caps the sizes at (a smaller one given on the command line stays). */
export const SMOKE = { profiles: 300, durationMs: 300, warmupMs: 100 } as const;

export const DEFAULTS: IdentityBenchOptions = { profiles: 1_000_000, durationMs: 5000, warmupMs: 1000, concurrency: 4, json: false, smoke: false };

export const USAGE = `usage: npm run bench -- identity [options]

  Loads citizen profiles into Redis under a random prefix (removed afterwards), then measures, one after the other
  at the same concurrency: a raw Redis round trip (PING), history lookups by phone number (the IVR's and the
  endpoint's path), and fair-use limit checks (RedisLimiter, two rules per call). Target: p99 < 2 ms for both.
  Exit 1 when a target is missed.

  --profiles N     profiles to load (default ${DEFAULTS.profiles})
  --duration MS    measured window of each, ms (default ${DEFAULTS.durationMs})
  --warmup MS      unmeasured load before each window, ms (default ${DEFAULTS.warmupMs})
  --concurrency N  operations in flight (default ${DEFAULTS.concurrency})
  --json           print the report as JSON (progress goes nowhere)
  --smoke          ${SMOKE.profiles} profiles, ${SMOKE.warmupMs} ms warm-ups, ${SMOKE.durationMs} ms windows: prints the table, judges no
                   target, exits 1 only if an operation failed (CI)
`;

const FLAGS: Record<string, FlagSpec<IdentityBenchOptions>> = {
  '--profiles': { key: 'profiles', kind: 'positive-int' },
  '--duration': { key: 'durationMs', kind: 'positive-int' },
  '--warmup': { key: 'warmupMs', kind: 'positive-int' },
  '--concurrency': { key: 'concurrency', kind: 'positive-int' },
  '--json': { key: 'json', kind: 'switch' },
  '--smoke': { key: 'smoke', kind: 'switch' },
};

export function parseIdentityOptions(args: readonly string[]): IdentityBenchOptions | 'help' {
  const options = parseArgs(args, DEFAULTS, FLAGS);
  if (options === 'help' || !options.smoke) return options;
  return capped(options, SMOKE);
}
