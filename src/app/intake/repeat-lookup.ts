// Reads where the request a repeat points at stands, for the channel's reply. Intake already took the new
// submission by now, so this read only refines the answer: when it fails (Redis down, the record gone) the reply
// still names the first request's ticket, and the submission is never failed because of it.

import type { RepeatProgress } from '../../domain/intake/repeat-reply.js';
import { repeatProgress } from '../../domain/intake/repeat-reply.js';
import type { Submission } from '../../domain/intake/submission.js';
import type { Log } from '../app-ports.js';
import type { Intake, IntakeRecord } from './intake-ports.js';

/** The progress of the open request `submission` repeats (`hints.repeatOf`), or `null` when it repeats none. */
export async function lookUpRepeat(intake: Pick<Intake, 'get'>, submission: Submission, log: Log): Promise<RepeatProgress | null> {
  const repeatOf = submission.hints.repeatOf;
  if (repeatOf === undefined) return null;
  let first: IntakeRecord | null;
  try {
    first = await intake.get(repeatOf.id);
  } catch (err) {
    log.warn({ submissionId: submission.id, repeatOf: repeatOf.id, err: err instanceof Error ? err.message : String(err) }, 'repeated request cannot be read: the reply gives its ticket only');
    return repeatProgress(repeatOf.ticket, null);
  }
  if (first === null) {
    log.warn({ submissionId: submission.id, repeatOf: repeatOf.id }, 'repeated request not found: the reply gives its ticket only');
    return repeatProgress(repeatOf.ticket, null);
  }
  return repeatProgress(repeatOf.ticket, { receivedAt: first.submission.receivedAt, history: first.history });
}
