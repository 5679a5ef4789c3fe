// The v1 request and response schemas: fastify validates requests with them and the OpenAPI document is built
// from them, so the docs cannot drift from what the server accepts. Closed objects everywhere (`additionalProperties:
// false`): a misspelt field is an error naming it, not silently dropped data.

import { CATEGORIES, KINDS, LANGUAGES, STATUSES } from '../../../domain/intake/submission.js';

export const TAG_SUBMISSIONS = 'submissions';
export const TAG_WORK_ORDERS = 'work orders';
export const TAG_SCHEMAS = 'schemas';
export const TAG_CASES = 'citizens\' cases';

/** Both ways of presenting a key; see the security schemes in `openapi.ts`. */
export const KEY_SECURITY: readonly Record<string, readonly string[]>[] = [{ bearerAuth: [] }, { apiKeyHeader: [] }];

export const SUBMISSION_REQUEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  description: "A citizen's request as the integrator received it; the gateway normalises and classifies it.",
  properties: {
    text: { type: 'string', maxLength: 20000, description: 'What the citizen said or wrote; may be empty when attachments carry the matter.' },
    kind: { type: 'string', enum: [...KINDS], description: 'Omit to let the gateway classify the text.' },
    category: { type: 'string', enum: [...CATEGORIES], description: 'Omit to let the gateway classify the text.' },
    language: { type: 'string', enum: [...LANGUAGES], description: 'Omit to detect it from the text. Replies (e.g. emergency guidance) use it.' },
    contact: {
      type: 'object',
      additionalProperties: false,
      description: 'How the citizen can be reached. Omit, or set anonymous, for an anonymous request (no follow-up possible).',
      properties: {
        name: { type: 'string', maxLength: 100 },
        phone: { type: 'string', maxLength: 32, description: 'Digits with an optional leading +.' },
        email: { type: 'string', maxLength: 254 },
        anonymous: { type: 'boolean' },
      },
    },
    location: {
      type: 'object',
      additionalProperties: false,
      properties: {
        lat: { type: 'number', minimum: -90, maximum: 90 },
        lon: { type: 'number', minimum: -180, maximum: 180 },
        address: { type: 'string', maxLength: 500 },
      },
    },
    private: {
      type: 'boolean',
      description: 'The citizen asked for the request to be kept private: it never appears in public reads (Open311 lists) and is masked for roles that need not see it.',
    },
  },
} as const;

export const MULTIPART_SUBMISSION_SCHEMA = {
  type: 'object',
  required: ['submission'],
  description: 'The same request with files: the JSON in the `submission` field, each file as a file part.',
  properties: {
    submission: { type: 'string', description: 'The JSON submission (as for application/json), as text or with Content-Type application/json.' },
    attachments: {
      type: 'array',
      items: { type: 'string', format: 'binary' },
      description: 'Photos, voice notes, videos or PDFs; the type is checked from the bytes, the file name is reduced to a safe base name.',
    },
  },
} as const;

export const STATUS_UPDATE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: {
    status: { type: 'string', enum: [...STATUSES] },
    note: { type: 'string', minLength: 1, maxLength: 2000, description: 'Shown to the citizen (progress reply, Open311 status_notes).' },
    agency: { type: 'string', minLength: 1, maxLength: 200, description: 'The department now handling it.' },
    at: { type: 'string', format: 'date-time', description: 'When the status changed (ISO 8601 with offset); defaults to now.' },
  },
} as const;

export const ID_PARAMS_SCHEMA = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64, description: 'The submission id (ULID) or its ticket number.' } },
} as const;

export const SUBMIT_HEADERS_SCHEMA = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x20-\\x7E]+$',
      description: 'Printable ASCII, 1-255 characters. A retry with the same key and body returns the first answer (200, Idempotent-Replayed: true) instead of making a second submission.',
    },
  },
} as const;

export const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  additionalProperties: true,
  properties: {
    error: { type: 'string', description: 'What went wrong, for a person.' },
    code: { type: 'string', description: 'Stable, for programs.' },
    problems: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
    file: { type: 'string', description: 'The (safe) name of the attachment at fault.' },
  },
} as const;

const LINKS_SCHEMA = {
  type: 'object',
  properties: { self: { type: 'string' }, status: { type: 'string' } },
} as const;

export const RECEIPT_SCHEMA = {
  type: 'object',
  required: ['id', 'ticket', 'pin', 'status', 'receivedAt', 'durability', 'hints', 'links'],
  properties: {
    id: { type: 'string', description: 'ULID.' },
    ticket: { type: 'string', description: 'Digits with a check digit: what the citizen quotes on the phone.' },
    pin: {
      type: 'string',
      pattern: '^[0-9]{6}$',
      description: 'Show it to the citizen with the ticket: the ticket and its PIN (or the contact\'s last phone digits or e-mail) open the case on every channel. Not shown again.',
    },
    status: { type: 'string', enum: ['received'] },
    receivedAt: { type: 'string', format: 'date-time' },
    durability: { type: 'string', enum: ['queued', 'spooled'], description: 'queued: in the intake queue (on REDIS_WAIT_REPLICAS replicas too, when set); spooled: on the gateway disk, queued (or confirmed by the replicas) when Redis allows.' },
    hints: {
      type: 'object',
      additionalProperties: true,
      description: 'What classification noticed. `emergency.line`: tell the citizen to call that number now (see `message`). Keys with the read scope also see repeatOf and privacy.',
    },
    message: {
      type: 'string',
      description:
        "Tell the citizen this now, in the submission's language. Present with an emergency hint (the line to call), and, for keys with the read scope, when the submission repeats the citizen's open request (its ticket, status, latest note and when it was received).",
    },
    links: LINKS_SCHEMA,
  },
} as const;

const STATUS_ENTRY_SCHEMA = {
  type: 'object',
  required: ['status', 'at'],
  properties: {
    status: { type: 'string', enum: [...STATUSES] },
    at: { type: 'string', format: 'date-time' },
    note: { type: 'string' },
    agency: { type: 'string' },
  },
} as const;

export const RECORD_SCHEMA = {
  type: 'object',
  required: ['submission', 'history', 'links'],
  properties: {
    submission: {
      type: 'object',
      additionalProperties: true,
      description: 'The canonical submission, including personal data; its JSON Schema is at /v1/schema/submission.json.',
    },
    status: { type: 'string', enum: [...STATUSES], description: 'The current status (the last history entry).' },
    history: { type: 'array', items: STATUS_ENTRY_SCHEMA, description: 'Oldest first.' },
    rating: {
      type: 'object',
      properties: { score: { type: 'integer', minimum: 1, maximum: 5 }, at: { type: 'string', format: 'date-time' }, comment: { type: 'string' } },
    },
    followUps: { type: 'array', items: { type: 'string' } },
    links: LINKS_SCHEMA,
  },
} as const;

const RETRY_AFTER = { 'retry-after': { type: 'integer', description: 'Seconds to wait before retrying.' } };
const RESPONSE_HEADERS: Record<number, Record<string, { type: string; description: string }>> = {
  401: { 'www-authenticate': { type: 'string', description: 'Bearer realm="hotline-gateway"' } },
  429: RETRY_AFTER,
  503: RETRY_AFTER,
};

export const LOCATION_HEADER = { location: { type: 'string', description: 'The submission: /v1/submissions/{id}.' } };
export const REPLAYED_HEADER = { 'idempotent-replayed': { type: 'string', enum: ['true'], description: 'This is the answer to an earlier request with the same Idempotency-Key.' } };

export function errorResponses(...codes: number[]): Record<number, typeof ERROR_SCHEMA & { description: string }> {
  const descriptions: Record<number, string> = {
    400: 'Invalid request; `problems` names each field.',
    401: 'No key, or not a valid key (WWW-Authenticate: Bearer).',
    403: 'The key lacks the scope this operation needs.',
    404: 'No such submission.',
    413: 'Body or an attachment too large, or too many files (the file is named).',
    415: 'Unsupported Content-Type, or an attachment of a type not allowed (the file is named).',
    422: 'The Idempotency-Key was used before for a different submission.',
    429: 'Too many requests a minute for the key or address (`RATE_LIMITED`), or too many submissions an hour for the key (`TOO_MANY_SUBMISSIONS`); see Retry-After. A submission the gateway classifies as an emergency is never refused for either.',
    503: 'Submissions cannot be accepted right now; retry after Retry-After seconds with the same Idempotency-Key.',
  };
  return Object.fromEntries(
    codes.map((code) => [
      code,
      { ...ERROR_SCHEMA, description: descriptions[code] ?? 'Error.', ...(RESPONSE_HEADERS[code] === undefined ? {} : { headers: RESPONSE_HEADERS[code] }) },
    ]),
  );
}

export const CASE_PARAMS_SCHEMA = {
  type: 'object',
  required: ['ticket'],
  properties: { ticket: { type: 'string', minLength: 1, maxLength: 32, description: 'The ticket number the citizen was given.' } },
} as const;

const PROOF_PROPERTY = {
  type: 'string',
  minLength: 1,
  maxLength: 254,
  description: "What the citizen typed: the 6-digit PIN given with the ticket, the last 4 digits of the request's phone number, or its e-mail address.",
} as const;

export const CASE_PROOF_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['proof'],
  properties: { proof: PROOF_PROPERTY },
} as const;

export const CASE_RATING_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['score', 'proof'],
  properties: {
    score: { type: 'integer', minimum: 1, maximum: 5, description: '1 very dissatisfied .. 5 very satisfied.' },
    comment: { type: 'string', minLength: 1, maxLength: 500 },
    proof: PROOF_PROPERTY,
  },
} as const;

const WORDING_SCHEMA = {
  type: 'object',
  required: ['zh', 'en'],
  properties: { zh: { type: 'string' }, en: { type: 'string' } },
  description: 'The status in words, as every channel says it (the IVR, WeChat, e-mail and the web form use the same sentences).',
} as const;

export const CASE_VIEW_SCHEMA = {
  type: 'object',
  required: ['ticket', 'status', 'statusText', 'receivedAt', 'updatedAt', 'history', 'canRate'],
  properties: {
    ticket: { type: 'string' },
    status: { type: 'string', enum: [...STATUSES] },
    statusText: WORDING_SCHEMA,
    receivedAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    history: {
      type: 'array',
      items: {
        type: 'object',
        required: ['status', 'at'],
        properties: { status: { type: 'string', enum: [...STATUSES] }, at: { type: 'string', format: 'date-time' }, note: { type: 'string' } },
      },
    },
    canRate: { type: 'boolean' },
    ratingRefusal: { type: 'string', enum: ['already_rated', 'not_rateable'] },
  },
} as const;

export const CASE_RATED_SCHEMA = {
  type: 'object',
  required: ['ticket', 'score', 'ratedAt'],
  properties: { ticket: { type: 'string' }, score: { type: 'integer' }, ratedAt: { type: 'string', format: 'date-time' } },
} as const;
