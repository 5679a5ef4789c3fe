// One error shape for every v1 failure, `{ error, code, ...details }`, so integrators can branch on `code` and
// show `error`; validation problems always name the field, because "bad request" alone costs a support call.

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Log } from '../../../app/app-ports.js';
import { IdempotencyConflictError, IntakeUnavailableError, SubmissionInvalidError } from '../../../app/intake/intake-ports.js';
import { SubmissionLimitedError } from '../../../app/limits/fair-use.js';
import { RequestRateLimitedError } from '../guard/http-guard.js';

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export class ApiV1Error extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiV1Error';
  }
}

export function invalidFields(problems: readonly FieldProblem[], what = 'request'): ApiV1Error {
  return new ApiV1Error(400, 'VALIDATION_FAILED', `invalid ${what}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, { problems });
}

/** The subset of Ajv's error objects fastify hands over in `error.validation`. */
interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

/** Ajv errors as `{ field: 'contact.phone', message: 'must be string' }`; `prefix` names the part (a header, a form field). */
export function problemsFromSchemaErrors(errors: readonly SchemaError[], prefix = ''): FieldProblem[] {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const path = error.instancePath
      .split('/')
      .slice(1)
      .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required' && typeof error.params['missingProperty'] === 'string') {
      path.push(error.params['missingProperty']);
      message = 'is required';
    } else if (error.keyword === 'additionalProperties' && typeof error.params['additionalProperty'] === 'string') {
      path.push(error.params['additionalProperty']);
      message = 'is not an allowed field';
    } else if (error.keyword === 'enum' && Array.isArray(error.params['allowedValues'])) {
      message = `must be one of ${error.params['allowedValues'].map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const field = [prefix, ...path.map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : segment))]
      .filter((segment) => segment !== '')
      .join('.')
      .replace(/\.\[/g, '[');
    const problem = { field: field === '' ? '(body)' : field, message };
    const key = `${problem.field}\u0000${problem.message}`;
    if (!seen.has(key)) problems.push(problem);
    seen.add(key);
  }
  return problems;
}

const HEADER_RULES: Readonly<Record<string, string>> = { 'idempotency-key': 'must be 1-255 printable ASCII characters' };

/** Turns whatever a v1 route throws into the documented status and body; 5xx details go to the log only. */
export function apiV1ErrorHandler(options: { readonly bodyBytes: number; readonly log?: Log }) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const log = options.log ?? (request.log as unknown as Log);
    const mapped = mapError(error, options.bodyBytes);
    if (mapped === null) {
      log.error({ err: error, method: request.method, url: request.url }, 'v1 request failed');
      return reply.code(500).send({ error: 'internal server error', code: 'INTERNAL' });
    }
    if (mapped.statusCode >= 500) log.warn({ err: error.message, code: mapped.code, url: request.url }, 'v1 request refused: intake unavailable');
    else log.debug({ code: mapped.code, statusCode: mapped.statusCode, method: request.method, url: request.url }, 'v1 request rejected');
    for (const [name, value] of Object.entries(mapped.headers)) void reply.header(name, value);
    return reply.code(mapped.statusCode).send({ error: mapped.message, code: mapped.code, ...mapped.details });
  };
}

function mapError(error: FastifyError, bodyBytes: number): ApiV1Error | null {
  if (error instanceof ApiV1Error) return error;
  if (error instanceof RequestRateLimitedError) {
    const who = error.staffId !== null ? `for staff ${error.staffId}` : error.keyId === null ? 'from this address without a valid key' : `for key ${error.keyId}`;
    return new ApiV1Error(429, 'RATE_LIMITED', `rate limit exceeded: at most ${error.limit} requests per minute ${who}; retry in ${error.retryAfterSeconds} s`, {}, { 'retry-after': String(error.retryAfterSeconds) });
  }
  if (error instanceof SubmissionLimitedError) {
    const { refusal } = error;
    return new ApiV1Error(
      429,
      'TOO_MANY_SUBMISSIONS',
      `too many submissions from this API key: at most ${refusal.limit} an hour; try again in ${refusal.retryAfterSeconds} s (an emergency is always accepted)`,
      {},
      { 'retry-after': String(refusal.retryAfterSeconds) },
    );
  }
  if (error instanceof SubmissionInvalidError) {
    return new ApiV1Error(400, error.code, `invalid submission: ${error.message}`, { problems: error.problems });
  }
  if (error instanceof IdempotencyConflictError) {
    return new ApiV1Error(422, error.code, 'this Idempotency-Key was already used for a different submission; use a new key for a new submission');
  }
  if (error instanceof IntakeUnavailableError) {
    const seconds = Math.max(1, Math.ceil(error.retryAfterSeconds));
    return new ApiV1Error(503, error.code, `submissions cannot be accepted right now; retry in ${seconds} s with the same Idempotency-Key`, {}, { 'retry-after': String(seconds) });
  }
  if (Array.isArray(error.validation)) {
    const context = error.validationContext ?? 'request';
    if (context === 'headers') {
      // A header's schema pattern means nothing to a reader; each validated header has one plain rule.
      const problems = problemsFromSchemaErrors(error.validation as SchemaError[]).map((p) => ({
        field: `header ${p.field}`,
        message: HEADER_RULES[p.field] ?? p.message,
      }));
      return invalidFields(problems, 'headers');
    }
    return invalidFields(problemsFromSchemaErrors(error.validation as SchemaError[], context === 'body' ? '' : context), context === 'body' ? 'request body' : context);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiV1Error(413, 'BODY_TOO_LARGE', `request body is larger than ${bodyBytes} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiV1Error(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Type: send application/json (or multipart/form-data where documented)');
    default:
      break;
  }
  const status = error.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new ApiV1Error(status, error.code ?? 'BAD_REQUEST', error.message);
  return null;
}
