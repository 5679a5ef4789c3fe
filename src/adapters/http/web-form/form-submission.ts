// From a checked form payload and its stored attachments to what intake takes, and from intake's answer to what the
// page is told: the ticket and any emergency guidance, never the internal id or anything the citizen typed.

import { createHash } from 'node:crypto';
import type { SubmitOutcome, SubmitRequest } from '../../../app/intake/intake-ports.js';
import type { AttachmentRef, EmergencyLine, SubmissionDraft } from '../../../domain/intake/submission.js';
import { FormRequestError } from './form-errors.js';
import { FORM_LIMITS } from './form-payload.js';
import type { FormPayload } from './form-payload.js';
import { emergencyGuidance } from './form-texts.js';

export interface FormSubmitted {
  readonly ticket: string;
  readonly receivedAt: string;
  readonly emergency?: { readonly line: EmergencyLine; readonly message: string };
}

export function formSubmitRequest(payload: FormPayload, attachments: readonly AttachmentRef[]): SubmitRequest {
  if (payload.text === '' && attachments.length === 0) {
    throw new FormRequestError(400, 'required', `describe what happened (at most ${FORM_LIMITS.textChars} characters) or attach a file`, 'text');
  }
  const location =
    payload.address === undefined && payload.lat === undefined
      ? undefined
      : {
          ...(payload.address === undefined ? {} : { address: payload.address }),
          ...(payload.lat === undefined || payload.lon === undefined ? {} : { lat: payload.lat, lon: payload.lon }),
        };
  const draft: SubmissionDraft = {
    channel: 'web',
    text: payload.text,
    language: payload.language,
    ...(payload.kind === undefined ? {} : { kind: payload.kind }),
    ...(payload.category === undefined ? {} : { category: payload.category }),
    contact: {
      ...(payload.name === undefined ? {} : { name: payload.name }),
      ...(payload.phone === undefined ? {} : { phone: payload.phone }),
      ...(payload.email === undefined ? {} : { email: payload.email }),
    },
    ...(location === undefined ? {} : { location }),
    attachments,
    refs: { idempotencyKey: payload.idempotencyKey },
  };
  return { draft, dedupKey: `form:${payload.idempotencyKey}`, fingerprint: fingerprintOf(draft) };
}

/**
 * The digest of what the citizen submitted. The page language is left out: switching the page to English and
 * pressing send again after a lost answer is still the same request, not a conflicting one.
 */
function fingerprintOf(draft: SubmissionDraft): string {
  const content = { ...draft, language: undefined };
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

export function formSubmitted(outcome: SubmitOutcome): FormSubmitted {
  const { submission } = outcome;
  const emergency = submission.hints.emergency;
  return {
    ticket: submission.ticket,
    receivedAt: submission.receivedAt,
    ...(emergency === undefined ? {} : { emergency: { line: emergency.line, message: emergencyGuidance(emergency.line, submission.language) } }),
  };
}
