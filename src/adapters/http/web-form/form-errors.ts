// How the web form's endpoints say no. The page shows a message in the citizen's language, so every refusal carries
// a stable `code` (and the `field` it is about) besides the English `error` text meant for whoever reads the logs.

import {
  AttachmentRejectedError,
  IdempotencyConflictError,
  IntakeUnavailableError,
  SubmissionInvalidError,
} from '../../../app/intake/intake-ports.js';
import { SubmissionLimitedError } from '../../../app/limits/fair-use.js';
import { RequestRateLimitedError } from '../guard/http-guard.js';

export type FormErrorCode =
  | 'invalid'
  | 'required'
  | 'too_large'
  | 'unsupported_type'
  | 'idempotency_conflict'
  | 'not_found'
  | 'not_rateable'
  | 'already_rated'
  | 'too_many_attempts'
  | 'rate_limited'
  | 'too_many_submissions'
  | 'unavailable'
  | 'internal';

export interface FormErrorBody {
  readonly error: string;
  readonly code: FormErrorCode;
  readonly field?: string;
}

export interface FormErrorReply {
  readonly status: number;
  readonly body: FormErrorBody;
  /** Seconds, for the `Retry-After` header. */
  readonly retryAfterSeconds?: number;
}

/** A refusal decided by the web form itself (bad input, unknown ticket, a rating not allowed now). */
export class FormRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: FormErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'FormRequestError';
  }

  static invalid(field: string, message: string): FormRequestError {
    return new FormRequestError(400, 'invalid', message, field);
  }
}

/** What fastify and its plugins throw carries a status and a `FST_*` code. */
interface FrameworkError {
  readonly statusCode?: unknown;
  readonly code?: unknown;
  readonly message: string;
}

const TOO_LARGE_CODES = new Set(['FST_REQ_FILE_TOO_LARGE', 'FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT']);

export function formErrorReply(error: unknown): FormErrorReply {
  if (error instanceof FormRequestError) return reply(error.status, error.code, error.message, error.field);
  if (error instanceof RequestRateLimitedError) {
    return { ...reply(429, 'rate_limited', `too many requests, try again in ${error.retryAfterSeconds} seconds`), retryAfterSeconds: error.retryAfterSeconds };
  }
  if (error instanceof SubmissionLimitedError) {
    const { refusal } = error;
    const message = `too many requests from this address: at most ${refusal.limit} an hour; try again in ${Math.ceil(refusal.retryAfterSeconds / 60)} minutes (in an emergency call 110, 119, 120 or 122)`;
    return { ...reply(429, 'too_many_submissions', message), retryAfterSeconds: refusal.retryAfterSeconds };
  }
  if (error instanceof SubmissionInvalidError) {
    const first = error.problems[0];
    return reply(400, 'invalid', error.message, first === undefined ? undefined : formFieldOf(first.field));
  }
  if (error instanceof AttachmentRejectedError) {
    switch (error.problem) {
      case 'too_large':
        return reply(413, 'too_large', error.message, 'attachments');
      case 'type_not_allowed':
      case 'type_mismatch':
        return reply(415, 'unsupported_type', error.message, 'attachments');
      case 'empty':
        return reply(400, 'invalid', error.message, 'attachments');
    }
  }
  if (error instanceof IdempotencyConflictError) return reply(409, 'idempotency_conflict', error.message, 'idempotencyKey');
  if (error instanceof IntakeUnavailableError) {
    return { ...reply(503, 'unavailable', 'intake is unavailable, try again later'), retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterSeconds)) };
  }
  if (isFrameworkError(error)) return frameworkReply(error);
  return reply(500, 'internal', 'internal server error');
}

/** Intake names fields of the draft (`contact.phone`, `location.address`, `attachments[1].size`); the page knows its own. */
function formFieldOf(draftField: string): string {
  if (draftField.startsWith('contact.')) return draftField.slice('contact.'.length);
  if (draftField === 'location.address') return 'address';
  if (draftField.startsWith('attachments')) return 'attachments';
  return draftField;
}

function frameworkReply(error: FrameworkError): FormErrorReply {
  const code = typeof error.code === 'string' ? error.code : '';
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (TOO_LARGE_CODES.has(code)) return reply(413, 'too_large', error.message, 'attachments');
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply(413, 'too_large', error.message, 'payload');
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply(415, 'unsupported_type', 'send multipart/form-data or application/json');
  if (code === 'FST_INVALID_JSON_FIELD_ERROR') return reply(400, 'invalid', 'payload is not valid JSON', 'payload');
  if (status === 429) return reply(429, 'rate_limited', error.message);
  if (status >= 400 && status < 500) {
    // Everything else a client can cause here is a body that could not be read (bad JSON, broken multipart).
    return reply(400, 'invalid', error.message, 'payload');
  }
  return reply(500, 'internal', 'internal server error');
}

function isFrameworkError(error: unknown): error is FrameworkError {
  return error instanceof Error || (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string');
}

function reply(status: number, code: FormErrorCode, message: string, field?: string): FormErrorReply {
  return { status, body: field === undefined ? { error: message, code } : { error: message, code, field } };
}
