// What v1 answers about a submission. The receipt carries the emergency guidance because the integrator's app is
// talking to the citizen right now: a fire reported through an app must be told to call 119, not to wait for a ticket.
// For the same reason it answers a repeated request with the progress of the first, as the regulations ask.

import type { ApiKey } from '../../../app/intake/api-keys.js';
import type { IntakeRecord, SubmitOutcome } from '../../../app/intake/intake-ports.js';
import { currentStatus } from '../../../app/intake/intake-query.js';
import { STATUS_WORDING } from '../../../domain/intake/status-names.js';
import { publicStatus } from '../../../app/access/public-status.js';
import { EMERGENCY_SERVICE_NAMES } from '../../../domain/emergency/services.js';
import { repeatNotice } from '../../../domain/intake/repeat-reply.js';
import { dispositionNotice } from '../../../domain/dispositions/dispositions.js';
import type { DispositionTexts } from '../../../domain/dispositions/dispositions.js';
import type { RepeatProgress } from '../../../domain/intake/repeat-reply.js';
import type { EmergencyLine, Hints, Language } from '../../../domain/intake/submission.js';

export const SUBMISSIONS_PATH = '/v1/submissions';

export interface SubmissionLinks {
  readonly self: string;
  readonly status: string;
}

export interface Receipt {
  readonly id: string;
  readonly ticket: string;
  readonly pin: string;
  readonly status: 'received';
  readonly receivedAt: string;
  readonly durability: 'queued' | 'spooled';
  readonly hints: Hints;
  readonly message?: string;
  readonly links: SubmissionLinks;
}

export function submissionLinks(id: string): SubmissionLinks {
  const self = `${SUBMISSIONS_PATH}/${encodeURIComponent(id)}`;
  return { self, status: `${self}/status` };
}

export function emergencyMessage(line: EmergencyLine, language: Language): string {
  const service = EMERGENCY_SERVICE_NAMES[line][language];
  return language === 'zh'
    ? `如遇紧急情况，请立即拨打${line}（${service}）。12345热线不能派出紧急救援。`
    : `If this is an emergency, call ${line} (${service}) now. The 12345 hotline cannot send emergency services.`;
}

/**
 * Whether the key may learn about the citizen's other requests. A submit-only key could otherwise probe whose
 * requests exist (and read their progress) by posting someone's number; a key that may read submissions sees
 * them all anyway.
 */
export function mayKnowOtherRequests(key: ApiKey): boolean {
  return key.scopes.includes('read');
}

/** `repeatOf` names another submission and `privacy` what personal data was seen: see `mayKnowOtherRequests`. */
export function visibleHints(hints: Hints, key: ApiKey): Hints {
  if (mayKnowOtherRequests(key)) return hints;
  return {
    ...(hints.emergency === undefined ? {} : { emergency: hints.emergency }),
    ...(hints.legalProcedure === undefined ? {} : { legalProcedure: hints.legalProcedure }),
    ...(hints.outOfScope === undefined ? {} : { outOfScope: hints.outOfScope }),
    ...(hints.stateSecret === undefined ? {} : { stateSecret: hints.stateSecret }),
  };
}

/**
 * What the app tells the citizen now, in the submission's language: the emergency line first, then the first
 * request's ticket and progress when this one repeats it (`repeat`: looked up only for keys that may know).
 */
export function citizenMessage(outcome: SubmitOutcome, key: ApiKey, repeat: RepeatProgress | null, dispositions?: DispositionTexts): string | undefined {
  const { submission } = outcome;
  const parts: string[] = [];
  if (submission.hints.emergency !== undefined) parts.push(emergencyMessage(submission.hints.emergency.line, submission.language));
  if (repeat !== null && mayKnowOtherRequests(key)) parts.push(repeatNotice(submission.language, repeat));
  const elsewhere = dispositions === undefined ? undefined : dispositionNotice(submission.hints, submission.language, dispositions);
  if (elsewhere !== undefined) parts.push(elsewhere);
  return parts.length === 0 ? undefined : parts.join(submission.language === 'zh' ? '' : ' ');
}

export function receiptOf(outcome: SubmitOutcome, key: ApiKey, pin: string, repeat: RepeatProgress | null = null, dispositions?: DispositionTexts): Receipt {
  const { submission } = outcome;
  const message = citizenMessage(outcome, key, repeat, dispositions);
  return {
    id: submission.id,
    ticket: submission.ticket,
    pin,
    status: 'received',
    receivedAt: submission.receivedAt,
    durability: outcome.durability,
    hints: visibleHints(submission.hints, key),
    ...(message === undefined ? {} : { message }),
    links: submissionLinks(submission.id),
  };
}

export function recordView(record: IntakeRecord) {
  return {
    submission: record.submission,
    status: currentStatus(record),
    history: record.history,
    ...(record.rating === undefined ? {} : { rating: record.rating }),
    ...(record.followUps === undefined ? {} : { followUps: record.followUps }),
    links: submissionLinks(record.submission.id),
  };
}

/** A citizen's own case, once a proof opened it: where it stands, in the words every channel uses, and nothing else. */
export function caseView(record: IntakeRecord) {
  const view = publicStatus(record);
  return { ...view, statusText: { zh: STATUS_WORDING[view.status].zh.sentence, en: STATUS_WORDING[view.status].en.sentence } };
}
