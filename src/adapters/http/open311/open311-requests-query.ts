// GET /requests: GeoReport's query parameters, checked and turned into intake queries. Defaults are the spec's:
// the last 90 days, at most 1000 requests, newest first; `service_request_id` overrides every other filter.

import type { Status } from '../../../domain/intake/submission.js';
import { TICKET_PATTERN } from '../../../domain/intake/ticket.js';
import { Open311Error } from './open311-errors.js';
import { findService } from './open311-services.js';
import { CLOSED_STATUSES, OPEN_STATUSES } from './open311-service-request.js';
import { ParamReader } from './param-reader.js';
import type { Params } from './param-reader.js';
import { parseW3cDateTime } from './w3c-datetime.js';

export const MAX_REQUESTS = 1000;
export const MAX_SPAN_MS = 90 * 24 * 60 * 60 * 1000;
const TICKET = new RegExp(TICKET_PATTERN);

export type RequestsQuery =
  | { readonly kind: 'tickets'; readonly tickets: readonly string[] }
  | {
      readonly kind: 'search';
      /** Empty: every service. */
      readonly serviceCodes: readonly string[];
      /** Absent: every status. */
      readonly statuses?: readonly Status[];
      readonly fromMs: number;
      readonly toMs: number;
      readonly limit: number;
    };

/** Throws `Open311Error` (400) naming each bad parameter. */
export function parseRequestsQuery(query: Params, nowMs: number): RequestsQuery {
  const read = new ParamReader(query);
  const ids = commaList(read, 'service_request_id');
  if (ids.length > 0) {
    const bad = ids.filter((id) => !TICKET.test(id));
    if (bad.length > 0) read.problem('service_request_id', `not a service request id: ${bad.slice(0, 5).join(', ')}`);
    if (ids.length > MAX_REQUESTS) read.problem('service_request_id', `at most ${MAX_REQUESTS} ids at once`);
    if (read.problems.length > 0) throw Open311Error.badParams(read.problems);
    return { kind: 'tickets', tickets: [...new Set(ids)] };
  }

  const serviceCodes = [...new Set(commaList(read, 'service_code'))];
  const unknown = serviceCodes.filter((code) => findService(code) === undefined);
  if (unknown.length > 0) read.problem('service_code', `no such service: ${unknown.join(', ')}`);

  let statuses: Status[] | undefined;
  const statusWords = commaList(read, 'status').map((s) => s.toLowerCase());
  if (statusWords.length > 0) {
    const badStatus = statusWords.filter((s) => s !== 'open' && s !== 'closed');
    if (badStatus.length > 0) read.problem('status', `must be open or closed, not ${badStatus.join(', ')}`);
    statuses = [...(statusWords.includes('open') ? OPEN_STATUSES : []), ...(statusWords.includes('closed') ? CLOSED_STATUSES : [])];
  }

  const start = date(read, 'start_date');
  const end = date(read, 'end_date');
  const toMs = end ?? (start === undefined ? nowMs : start + MAX_SPAN_MS);
  const fromMs = start ?? toMs - MAX_SPAN_MS;
  if (start !== undefined && end !== undefined) {
    if (start > end) read.problem('end_date', 'must not be before start_date');
    else if (end - start > MAX_SPAN_MS) read.problem('end_date', 'the range from start_date may not span more than 90 days');
  }

  if (read.problems.length > 0) throw Open311Error.badParams(read.problems);
  return { kind: 'search', serviceCodes, ...(statuses === undefined ? {} : { statuses }), fromMs, toMs, limit: MAX_REQUESTS };
}

/** Comma-separated, and the parameter may also be repeated. */
function commaList(read: ParamReader, param: string): string[] {
  return read
    .many(param)
    .flatMap((value) => value.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function date(read: ParamReader, param: string): number | undefined {
  const text = read.one(param);
  if (text === undefined) return undefined;
  const ms = parseW3cDateTime(text);
  if (ms === null) read.problem(param, `${JSON.stringify(text)} is not a W3C date-time with a time zone, e.g. 2024-05-01T00:00:00Z or 2024-05-01T08:00:00+08:00`);
  return ms ?? undefined;
}
