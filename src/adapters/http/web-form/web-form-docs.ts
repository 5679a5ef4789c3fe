// The web form's routes as the OpenAPI document shows them (see ../openapi.ts): documentation only, never used to
// validate, so the checks in form-payload.ts stay the one place that decides what is accepted.

import { CATEGORIES, KINDS, LANGUAGES } from '../../../domain/intake/submission.js';
import { OPENAPI_TAGS } from '../openapi.js';
import type { RouteDoc } from '../openapi.js';

const TAGS = [OPENAPI_TAGS.webForm];

const FORM_ERROR = {
  type: 'object',
  required: ['error', 'code'],
  properties: { error: { type: 'string' }, code: { type: 'string' }, field: { type: 'string', description: 'The form field to fix' } },
};

function errors(...statuses: readonly number[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(statuses.map((status) => [String(status), { description: ERROR_MEANINGS[status] ?? 'Error', content: { 'application/json': { schema: FORM_ERROR } } }]));
}

const ERROR_MEANINGS: Readonly<Record<number, string>> = {
  400: 'A field is missing or malformed (`field` names it)',
  404: 'No request matches this ticket and proof (an unknown ticket and a wrong proof alike)',
  409: 'Refused for this request (`code` says why)',
  413: 'Too large (body, file or number of files)',
  415: 'Not JSON or multipart/form-data, or a file type that is not accepted',
  429: 'Too many requests from this address, or too many wrong proofs for this ticket (`Retry-After`)',
  503: 'Intake cannot take requests right now (`Retry-After`)',
};

const TICKET_PARAMS = {
  type: 'object',
  required: ['ticket'],
  properties: { ticket: { type: 'string', pattern: '^[0-9]+$', description: 'The ticket number (digits with a Luhn check digit)' } },
};

const PAYLOAD = {
  type: 'object',
  required: ['idempotencyKey'],
  properties: {
    idempotencyKey: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$', description: 'Made by the page once per request: a resend gets the same ticket' },
    text: { type: 'string' },
    kind: { type: 'string', enum: [...KINDS] },
    category: { type: 'string', enum: [...CATEGORIES] },
    language: { type: 'string', enum: [...LANGUAGES] },
    address: { type: 'string' },
    location: { type: 'object', required: ['lat', 'lon'], additionalProperties: false, properties: { lat: { type: 'number', minimum: -90, maximum: 90 }, lon: { type: 'number', minimum: -180, maximum: 180 } } },
    name: { type: 'string' },
    phone: { type: 'string' },
    email: { type: 'string' },
    private: { type: 'boolean', description: 'The citizen ticked "keep my request private".' },
  },
};

export const FORM_PAGE_DOC: RouteDoc = {
  tags: TAGS,
  summary: 'The citizen web form (HTML)',
  description: 'Mandarin by default; `?lang=en` or Accept-Language picks English. Strict CSP, no inline script. Conditional with ETag.',
  querystring: { type: 'object', properties: { lang: { type: 'string', enum: ['zh', 'en'] } } },
  response: { 200: { description: 'The page', content: { 'text/html; charset=utf-8': { schema: { type: 'string' } } } }, 304: { description: 'Not modified (If-None-Match)', type: 'null' } },
};

export const FORM_ASSET_DOC: RouteDoc = {
  tags: TAGS,
  summary: "A file of the form's page (app.js, style.css)",
  params: { type: 'object', required: ['name'], properties: { name: { type: 'string', examples: ['app.js', 'style.css'] } } },
  response: {
    200: { description: 'The file', content: { 'text/javascript; charset=utf-8': { schema: { type: 'string' } }, 'text/css; charset=utf-8': { schema: { type: 'string' } } } },
    304: { description: 'Not modified (If-None-Match)', type: 'null' },
    ...errors(404),
  },
};

export const FORM_SUBMIT_DOC: RouteDoc = {
  tags: TAGS,
  summary: "Submit a citizen's request from the form",
  description:
    'JSON (the payload), or multipart/form-data with the payload as JSON in a `payload` field first, then `files`. Rate-limited per client address (`FORM_RATE_LIMIT`). ' +
    'When `emergency` is in the answer, the page shows the number to call at once.',
  consumes: ['application/json', 'multipart/form-data'],
  body: PAYLOAD,
  response: {
    201: {
      description: 'Accepted',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              ticket: { type: 'string' },
              pin: { type: 'string', description: 'Show it with the ticket: the two open the case on every channel.' },
              receivedAt: { type: 'string', format: 'date-time' },
              emergency: { type: 'object', properties: { line: { type: 'string', enum: ['110', '119', '120', '122'] }, message: { type: 'string' } } },
            },
          },
        },
      },
    },
    200: { description: 'A resend with the same idempotencyKey: the same ticket again', content: { 'application/json': { schema: { type: 'object' } } } },
    ...errors(400, 409, 413, 415, 429, 503),
  },
};

export const FORM_STATUS_DOC: RouteDoc = {
  tags: TAGS,
  summary: "Where a request stands, by ticket and the citizen's proof",
  description:
    "`proof`: the 6-digit PIN given with the ticket, the last 4 digits of the request's phone number (手机号后四位) or its e-mail address. " +
    'An unknown ticket and a wrong proof get the same 404; too many wrong proofs for the ticket or from the address get 429 with Retry-After. ' +
    'No personal data. `canRate` and `ratingRefusal` (`already_rated`, `not_rateable`) tell the page whether to offer the rating.',
  params: TICKET_PARAMS,
  body: { type: 'object', required: ['proof'], properties: { proof: { type: 'string' } } },
  response: {
    200: {
      description: 'Status and history',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              ticket: { type: 'string' },
              status: { type: 'string' },
              receivedAt: { type: 'string', format: 'date-time' },
              updatedAt: { type: 'string', format: 'date-time' },
              history: { type: 'array', items: { type: 'object', properties: { status: { type: 'string' }, at: { type: 'string' }, note: { type: 'string' } } } },
              canRate: { type: 'boolean' },
              ratingRefusal: { type: 'string', enum: ['already_rated', 'not_rateable'] },
            },
          },
        },
      },
    },
    ...errors(400, 404, 429),
  },
};

export const FORM_RATING_DOC: RouteDoc = {
  tags: TAGS,
  summary: 'Rate how a resolved request was handled (the requester only)',
  description:
    '`proof` as for the status: the PIN, the last 4 digits of the phone number given with the request (手机号后四位) or its e-mail address. ' +
    'Wrong proofs count with those of the status lookup (5 a day and 15 in 30 days per ticket, 20 an hour per address), then 429 with Retry-After.',
  params: TICKET_PARAMS,
  body: {
    type: 'object',
    required: ['score', 'proof'],
    properties: { score: { type: 'integer', minimum: 1, maximum: 5 }, comment: { type: 'string' }, proof: { type: 'string' } },
  },
  response: {
    201: {
      description: 'Rating taken',
      content: { 'application/json': { schema: { type: 'object', properties: { ticket: { type: 'string' }, score: { type: 'integer' }, ratedAt: { type: 'string', format: 'date-time' } } } } },
    },
    ...errors(400, 404, 409, 429, 503),
  },
};
