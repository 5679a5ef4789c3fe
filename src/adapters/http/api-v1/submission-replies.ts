// What v1 answers about a submission. The receipt carries the emergency guidance because the integrator's app is
// talking to the citizen right now: a fire reported through an app must be told to call 119, not to wait for a ticket.

import type { ApiKey } from '../../../app/intake/api-keys.js';
import type { IntakeRecord, SubmitOutcome } from '../../../app/intake/intake-ports.js';
import { EMERGENCY_SERVICE_NAMES } from '../../../domain/emergency/services.js';
import type { EmergencyLine, Hints, Language } from '../../../domain/intake/submission.js';

export const SUBMISSIONS_PATH = '/v1/submissions';

export interface SubmissionLinks {
  readonly self: string;
  readonly status: string;
}

export interface Receipt {
  readonly id: string;
  readonly ticket: string;
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
 * `repeatOf` names another submission and `privacy` what personal data was seen: both are for keys that may read
 * submissions, not for a submit-only key (which could otherwise probe whose requests exist by posting their number).
 */
export function visibleHints(hints: Hints, key: ApiKey): Hints {
  if (key.scopes.includes('read')) return hints;
  return {
    ...(hints.emergency === undefined ? {} : { emergency: hints.emergency }),
    ...(hints.legalProcedure === undefined ? {} : { legalProcedure: hints.legalProcedure }),
  };
}

export function receiptOf(outcome: SubmitOutcome, key: ApiKey): Receipt {
  const { submission } = outcome;
  const emergency = submission.hints.emergency;
  return {
    id: submission.id,
    ticket: submission.ticket,
    status: 'received',
    receivedAt: submission.receivedAt,
    durability: outcome.durability,
    hints: visibleHints(submission.hints, key),
    ...(emergency === undefined ? {} : { message: emergencyMessage(emergency.line, submission.language) }),
    links: submissionLinks(submission.id),
  };
}

export function recordView(record: IntakeRecord) {
  return {
    submission: record.submission,
    status: record.history[record.history.length - 1]?.status ?? 'received',
    history: record.history,
    ...(record.rating === undefined ? {} : { rating: record.rating }),
    ...(record.followUps === undefined ? {} : { followUps: record.followUps }),
    links: submissionLinks(record.submission.id),
  };
}
