// What `Intake.find` means, independent of where a record is read from (Redis or the local spool).

import { OPEN_STATUSES as OPEN_STATUS_LIST } from '../../domain/intake/submission.js';
import type { Status, StatusEntry, Submission } from '../../domain/intake/submission.js';
import type { IntakeQuery, IntakeRecord } from './intake-ports.js';

/** The status a submission's record starts with. */
export function receivedEntry(submission: Submission): StatusEntry {
  return { status: 'received', at: submission.receivedAt };
}

export function currentStatus(record: IntakeRecord): Status {
  return record.history[record.history.length - 1]?.status ?? 'received';
}

export function receivedMs(submission: Submission): number {
  return Date.parse(submission.receivedAt);
}

export function matchesQuery(record: IntakeRecord, query: IntakeQuery): boolean {
  const s = record.submission;
  if (query.ids !== undefined && !query.ids.includes(s.id)) return false;
  if (query.channel !== undefined && s.channel !== query.channel) return false;
  if (query.open311ServiceCode !== undefined && s.refs.open311ServiceCode !== query.open311ServiceCode) return false;
  if (query.status !== undefined && !query.status.includes(currentStatus(record))) return false;
  const ms = receivedMs(s);
  if (query.fromMs !== undefined && ms < query.fromMs) return false;
  if (query.toMs !== undefined && ms > query.toMs) return false;
  return true;
}

/** Newest first; ULIDs break ties in the same millisecond (they increase within one). */
export function newestFirst(a: IntakeRecord, b: IntakeRecord): number {
  return newestSubmissionFirst(a.submission, b.submission);
}

export function newestSubmissionFirst(a: Submission, b: Submission): number {
  const byTime = receivedMs(b) - receivedMs(a);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Statuses under which the citizen's matter is still being handled (the domain's list, as plain statuses). */
export const OPEN_STATUSES: readonly Status[] = OPEN_STATUS_LIST;
