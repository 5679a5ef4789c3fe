// Command-line options of `npm run bench -- channels`.

import { DEFAULT_SMTP_MAX_CLIENTS } from '../../src/adapters/email/start-email-channel.js';
import { LOAD_DEFAULTS, LOAD_FLAGS, loadUsage, withSmoke } from '../shared/load-options.js';
import type { LoadBenchOptions } from '../shared/load-options.js';
import { BenchUsageError, parseArgs } from '../shared/parse-args.js';
import type { FlagSpec } from '../shared/parse-args.js';

/** `concurrency`: WeChat pushes in flight (WeChat's servers push concurrently), and adds in flight for the baseline. */
export interface ChannelsBenchOptions extends LoadBenchOptions {
  /** SMTP connections of the sending pool, each with one mail in flight. */
  readonly smtpConnections: number;
}

export const DEFAULTS: ChannelsBenchOptions = { ...LOAD_DEFAULTS, smtpConnections: 16 };

export const USAGE = loadUsage('channels', [
  ['--duration MS', `measured window of WeChat, of SMTP, of raw queue.add and of each floor, ms (default ${DEFAULTS.durationMs})`],
  ['--warmup MS', `unmeasured load before each window, ms (default ${DEFAULTS.warmupMs})`],
  ['--concurrency N', `WeChat pushes in flight (gateway and WeChat floor) / adds in flight for the baseline (default ${DEFAULTS.concurrency})`],
  ['--smtp-connections N', `pooled SMTP connections sending mail, one mail in flight each (default ${DEFAULTS.smtpConnections}, at most ${DEFAULT_SMTP_MAX_CLIENTS})`],
]);

const FLAGS: Record<string, FlagSpec<ChannelsBenchOptions>> = {
  ...LOAD_FLAGS,
  '--smtp-connections': { key: 'smtpConnections', kind: 'positive-int' },
};

export function parseChannelsOptions(args: readonly string[]): ChannelsBenchOptions | 'help' {
  const options = parseArgs(args, DEFAULTS, FLAGS);
  if (options !== 'help' && options.smtpConnections > DEFAULT_SMTP_MAX_CLIENTS) {
    throw new BenchUsageError(`--smtp-connections may be at most ${DEFAULT_SMTP_MAX_CLIENTS}: the gateway's SMTP server takes that many clients at once`);
  }
  return options === 'help' ? options : withSmoke(options);
}
