// The Open311 routes as the OpenAPI document shows them (see ../openapi.ts). Documentation only: the parameters
// are read and checked by param-reader.ts and friends, which answer in GeoReport's own error format.

import { CATEGORIES } from '../../../domain/intake/submission.js';
import { OPENAPI_TAGS } from '../openapi.js';
import type { RouteDoc } from '../openapi.js';
import { CONTENT_TYPES } from './open311-document.js';
import type { Open311Format } from './open311-document.js';

const TAGS = [OPENAPI_TAGS.open311];
const JURISDICTION_QUERY = { jurisdiction_id: { type: 'string', description: 'Optional; when given, must be the one this endpoint serves (OPEN311_JURISDICTION)' } };
const ANY_FORMAT = 'The file name ends in `.xml` or `.json`, which picks the answer format.';

function answer(format: Open311Format | 'either', description: string): Record<string, unknown> {
  const formats: readonly Open311Format[] = format === 'either' ? ['xml', 'json'] : [format];
  const content = Object.fromEntries(formats.map((f) => [CONTENT_TYPES[f], { schema: f === 'json' ? { type: ['array', 'object'] } : { type: 'string', description: 'XML' } }]));
  return { description, content };
}

/** `<errors><error><code/><description/></error></errors>`, or its JSON array. */
function errors(format: Open311Format | 'either', ...statuses: readonly number[]): Record<string, Record<string, unknown>> {
  const formats: readonly Open311Format[] = format === 'either' ? ['xml', 'json'] : [format];
  const content = Object.fromEntries(
    formats.map((f) => [
      CONTENT_TYPES[f],
      {
        schema:
          f === 'json'
            ? { type: 'array', items: { type: 'object', properties: { code: { type: 'integer' }, description: { type: 'string' } } } }
            : { type: 'string', description: '<errors><error><code/><description/></error>…</errors>' },
      },
    ]),
  );
  return Object.fromEntries(statuses.map((status) => [String(status), { description: ERROR_MEANINGS[status] ?? 'Error', content }]));
}

const ERROR_MEANINGS: Readonly<Record<number, string>> = {
  400: 'Parameters to fix, one error each, naming the parameter',
  403: 'api_key missing, invalid, or without scope open311/submit',
  404: 'Unknown resource, service_code, request, token or jurisdiction_id',
  429: 'Too many requests (`Retry-After`)',
  503: 'Intake cannot take requests right now (`Retry-After`)',
};

const FILE_PARAM = (what: string) => ({
  type: 'object',
  required: ['file'],
  properties: { file: { type: 'string', description: `${what}, then \`.xml\` or \`.json\`` } },
});

export function discoveryDoc(format: Open311Format): RouteDoc {
  return {
    tags: TAGS,
    summary: `Service discovery (${format})`,
    description: 'Where the GeoReport v2 endpoint is (`url`, with its trailing slash), its formats, contact and how to get an api_key.',
    response: { 200: answer(format, 'The discovery document') },
  };
}

export function servicesDoc(format: Open311Format): RouteDoc {
  return {
    tags: TAGS,
    summary: `The service list (${format})`,
    description: 'One realtime service per hotline category, without attributes.',
    querystring: { type: 'object', properties: JURISDICTION_QUERY },
    response: { 200: answer(format, '`services`/`service`'), ...errors(format, 404) },
  };
}

export const SERVICE_DEFINITION_DOC: RouteDoc = {
  tags: TAGS,
  summary: 'A service definition',
  description: `Our services have no attributes. ${ANY_FORMAT}`,
  params: FILE_PARAM(`The service_code (${CATEGORIES.join(', ')})`),
  querystring: { type: 'object', properties: JURISDICTION_QUERY },
  response: { 200: answer('either', '`service_definition`'), ...errors('either', 404) },
};

export function postRequestDoc(format: Open311Format): RouteDoc {
  return {
    tags: TAGS,
    summary: `Create a service request (${format})`,
    description:
      'Form fields (application/x-www-form-urlencoded, UTF-8) or a JSON object. `api_key` (scope `open311` or `submit`) in the body or the query string. ' +
      'One of `lat`+`long`, `address_string` or `address_id`; `description` unless a `media_url` carries the request. ' +
      'The same request again from the same key is answered with the same `service_request_id` (the ticket) and queued once.',
    security: [{ open311ApiKey: [] }],
    consumes: ['application/x-www-form-urlencoded', 'application/json'],
    querystring: { type: 'object', properties: { api_key: { type: 'string' }, ...JURISDICTION_QUERY } },
    body: {
      type: 'object',
      required: ['service_code'],
      properties: {
        api_key: { type: 'string' },
        jurisdiction_id: { type: 'string' },
        service_code: { type: 'string', enum: [...CATEGORIES] },
        lat: { type: 'number' },
        long: { type: 'number' },
        address_string: { type: 'string' },
        address_id: { type: 'string' },
        email: { type: 'string' },
        device_id: { type: 'string' },
        account_id: { type: 'string' },
        first_name: { type: 'string' },
        last_name: { type: 'string' },
        phone: { type: 'string' },
        description: { type: 'string' },
        media_url: { type: 'string', description: 'http(s) URL; may repeat (also as media_url[])' },
      },
      additionalProperties: { description: 'attribute[code] values, kept apart for retries only' },
    },
    response: { 200: answer(format, '`service_requests`/`request` with service_request_id and service_notice'), ...errors(format, 400, 403, 404, 429, 503) },
  };
}

export function getRequestsDoc(format: Open311Format): RouteDoc {
  return {
    tags: TAGS,
    summary: `Service requests made through Open311 (${format})`,
    description: 'Public; never contact details. Newest first, at most 1000; by default the last 90 days.',
    querystring: {
      type: 'object',
      properties: {
        service_request_id: { type: 'string', description: 'Comma-separated tickets; the other filters are then ignored' },
        service_code: { type: 'string', description: 'Comma-separated service codes' },
        start_date: { type: 'string', format: 'date-time' },
        end_date: { type: 'string', format: 'date-time' },
        status: { type: 'string', description: '`open`, `closed`, or both comma-separated' },
        ...JURISDICTION_QUERY,
      },
    },
    response: { 200: answer(format, '`service_requests`/`request`'), ...errors(format, 400, 404, 429) },
  };
}

export const GET_REQUEST_DOC: RouteDoc = {
  tags: TAGS,
  summary: 'One service request, by service_request_id (the ticket)',
  description: ANY_FORMAT,
  params: FILE_PARAM('The ticket'),
  querystring: { type: 'object', properties: JURISDICTION_QUERY },
  response: { 200: answer('either', '`service_requests`/`request`'), ...errors('either', 404, 429) },
};

export const TOKEN_DOC: RouteDoc = {
  tags: TAGS,
  summary: 'The service_request_id of a token',
  description: `A token is the submission's id. ${ANY_FORMAT}`,
  params: FILE_PARAM('The token'),
  querystring: { type: 'object', properties: JURISDICTION_QUERY },
  response: { 200: answer('either', '`service_requests`/`request` with service_request_id and token'), ...errors('either', 404, 429) },
};
