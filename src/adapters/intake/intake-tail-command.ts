// `hotline-gateway intake tail`: prints submissions as they arrive in the `intake` queue, without consuming them.
// The default line is for eyes on a terminal and shows no personal data; `--json` prints the whole canonical
// submission (personal data included) for piping into other tools.

import type { Log } from '../../app/app-ports.js';
import type { RedisTarget } from '../../config/types.js';
import { silentLog } from '../../app/app-ports.js';
import type { Submission } from '../../domain/intake/submission.js';
import { openIntakeTail } from './intake-tail.js';

export interface IntakeTailCommandOptions {
  readonly redis: RedisTarget;
  readonly prefix: string;
  readonly json: boolean;
  readonly out: (line: string) => void;
  /** Resolves when the command should stop (SIGINT/SIGTERM in the CLI). */
  readonly until: Promise<void>;
  readonly log?: Log;
  /** Called once the tail is reading, so a caller knows every later submission will be printed. */
  readonly onReady?: () => void;
}

export async function runIntakeTail(options: IntakeTailCommandOptions): Promise<number> {
  const tail = await openIntakeTail({
    redis: options.redis,
    prefix: options.prefix,
    log: options.log ?? silentLog,
    onSubmission: ({ jobId, submission }) => {
      if (submission === null) options.out(options.json ? JSON.stringify({ jobId, gone: true }) : `${jobId}  (already processed and removed)`);
      else options.out(options.json ? JSON.stringify(submission) : summaryLine(submission));
    },
  });
  options.onReady?.();
  await options.until;
  await tail.close();
  return 0;
}

/** `2026-11-22T01:02:03Z  #000001236  web  complaint/environment  zh  2 files  EMERGENCY 119  "first 60 chars"` */
export function summaryLine(s: Submission): string {
  const flags = [
    s.hints.emergency === undefined ? null : `EMERGENCY ${s.hints.emergency.line}`,
    s.hints.repeatOf === undefined ? null : `repeat of #${s.hints.repeatOf.ticket}`,
    s.hints.legalProcedure === undefined ? null : 'legal procedure',
    s.hints.outOfScope === undefined ? null : 'out of scope',
    s.hints.stateSecret === undefined ? null : 'state secret',
    s.hints.privacy === undefined && s.private !== true ? null : 'private',
  ].filter((f): f is string => f !== null);
  const text = s.hints.privacy === undefined && s.private !== true ? JSON.stringify(s.text.length > 60 ? `${s.text.slice(0, 60)}…` : s.text) : '(private text not shown)';
  return [
    s.receivedAt,
    `#${s.ticket}`,
    s.channel,
    `${s.kind}/${s.category}`,
    s.language,
    s.attachments.length === 0 ? null : `${s.attachments.length} file${s.attachments.length === 1 ? '' : 's'}`,
    ...flags,
    text,
  ]
    .filter((part): part is string => part !== null)
    .join('  ');
}
