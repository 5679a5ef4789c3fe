// From a checked form payload and its stored attachments to what intake takes, and from intake's answer to what the
// page is told: the ticket, any emergency guidance and, for a repeat, the first request's ticket and progress —
// never the internal id or anything the citizen typed.

import { hash as sha256hash } from 'node:crypto';
import type { SubmitOutcome, SubmitRequest } from '../../../app/intake/intake-ports.js';
import type { RepeatProgress } from '../../../domain/intake/repeat-reply.js';
import { dispositionsOf } from '../../../domain/dispositions/dispositions.js';
import type { Disposition, DispositionTexts } from '../../../domain/dispositions/dispositions.js';
import type { AttachmentRef, EmergencyLine, Status, SubmissionDraft } from '../../../domain/intake/submission.js';
import { FormRequestError } from './form-errors.js';
import { FORM_LIMITS } from './form-payload.js';
import type { FormPayload } from './form-payload.js';
import { emergencyGuidance } from './form-texts.js';

export interface FormSubmitted {
  readonly ticket: string;
  /** Opens the case with the ticket: shown once, with the ticket. */
  readonly pin: string;
  readonly receivedAt: string;
  readonly emergency?: { readonly line: EmergencyLine; readonly message: string };
  /** The citizen's open request this one repeats; `status` and `receivedAt` are absent when it could not be read. */
  readonly repeatOf?: FormRepeat;
  /** Where a matter the regulations send elsewhere is handled, in the page's language. */
  readonly dispositions?: readonly Disposition[];
}

export interface FormRepeat {
  /** Masked: only the last four digits. */
  readonly ticket: string;
  readonly status?: Status;
  readonly receivedAt?: string;
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
    ...(payload.private ? { private: true } : {}),
  };
  return { draft, dedupKey: `form:${payload.idempotencyKey}`, fingerprint: fingerprintOf(draft) };
}

/**
 * The digest of what the citizen submitted. The page language is left out: switching the page to English and
 * pressing send again after a lost answer is still the same request, not a conflicting one.
 */
function fingerprintOf(draft: SubmissionDraft): string {
  const content = { ...draft, language: undefined };
  return sha256hash('sha256', JSON.stringify(content), 'hex');
}

/** `repeat`: the progress of the request this one repeats, looked up by the caller (`null` when it repeats none). */
export function formSubmitted(outcome: SubmitOutcome, pin: string, repeat: RepeatProgress | null = null, texts?: DispositionTexts): FormSubmitted {
  const { submission } = outcome;
  const emergency = submission.hints.emergency;
  const elsewhere = texts === undefined ? [] : dispositionsOf(submission.hints, submission.language, texts);
  return {
    ticket: submission.ticket,
    pin,
    receivedAt: submission.receivedAt,
    ...(emergency === undefined ? {} : { emergency: { line: emergency.line, message: emergencyGuidance(emergency.line, submission.language) } }),
    ...(repeat === null ? {} : { repeatOf: formRepeat(repeat) }),
    ...(elsewhere.length === 0 ? {} : { dispositions: elsewhere }),
  };
}

/**
 * Field by field, so that nothing added to the progress later reaches the public page unnoticed. The form cannot
 * tell who typed a phone number, so it shows only enough for the real citizen to recognise their earlier request:
 * the last four digits of its ticket and where it stands, never the full ticket (which opens its status page) or
 * its notes.
 */
function formRepeat(repeat: RepeatProgress): FormRepeat {
  return {
    ticket: maskTicket(repeat.ticket),
    ...(repeat.status === undefined || repeat.receivedAt === undefined ? {} : { status: repeat.status, receivedAt: repeat.receivedAt }),
  };
}

/** `000001236` → `*****1236`. */
export function maskTicket(ticket: string): string {
  return ticket.length <= 4 ? ticket : `${'*'.repeat(ticket.length - 4)}${ticket.slice(-4)}`;
}
