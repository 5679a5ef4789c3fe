// Command-line options of `npm run bench -- channels`.

import { LOG_LEVELS } from '../../src/config/index.js';
import type { LogLevel } from '../../src/config/index.js';
import { parseArgs } from '../shared/parse-args.js';
import type { FlagSpec } from '../shared/parse-args.js';

export interface ChannelsBenchOptions {
  /** Measured window of each channel and of the raw queue.add baseline. */
  readonly durationMs: number;
  /** Unmeasured load before each window. */
  readonly warmupMs: number;
  /** WeChat pushes in flight (WeChat's servers push concurrently), and adds in flight for the baseline. */
  readonly concurrency: number;
  /** SMTP connections of the sending pool, each with one mail in flight. */
  readonly smtpConnections: number;
  /** The subject's LOG_LEVEL; `info` is production's. */
  readonly logLevel: LogLevel;
  readonly cpuProf: boolean;
  readonly json: boolean;
}

export const DEFAULTS: ChannelsBenchOptions = { durationMs: 10_000, warmupMs: 2_000, concurrency: 64, smtpConnections: 16, logLevel: 'info', cpuProf: false, json: false };

export const USAGE = `usage: npm run bench -- channels [options]
  --duration MS          measured window of WeChat, of SMTP and of raw queue.add, ms (default ${DEFAULTS.durationMs})
  --warmup MS            unmeasured load before each window, ms (default ${DEFAULTS.warmupMs})
  --concurrency N        WeChat pushes in flight / adds in flight for the baseline (default ${DEFAULTS.concurrency})
  --smtp-connections N   pooled SMTP connections sending mail, one mail in flight each (default ${DEFAULTS.smtpConnections})
  --log-level LEVEL      the subject's LOG_LEVEL: ${LOG_LEVELS.join(', ')} (default ${DEFAULTS.logLevel}, as in production)
  --cpu-prof             write a V8 CPU profile of the subject and print its folder
  --json                 print the results as JSON instead of a table
  environment: REDIS_URL (default redis://127.0.0.1:6379); the run uses its own random key prefix and removes it
`;

const FLAGS: Record<string, FlagSpec<ChannelsBenchOptions>> = {
  '--duration': { key: 'durationMs', kind: 'positive-int' },
  '--warmup': { key: 'warmupMs', kind: 'positive-int' },
  '--concurrency': { key: 'concurrency', kind: 'positive-int' },
  '--smtp-connections': { key: 'smtpConnections', kind: 'positive-int' },
  '--log-level': { key: 'logLevel', kind: 'choice', choices: LOG_LEVELS },
  '--cpu-prof': { key: 'cpuProf', kind: 'switch' },
  '--json': { key: 'json', kind: 'switch' },
};

export function parseChannelsOptions(args: readonly string[]): ChannelsBenchOptions | 'help' {
  return parseArgs(args, DEFAULTS, FLAGS);
}
