import { describe, expect, it } from 'vitest';
import { Open311Error } from '../../../src/adapters/http/open311/open311-errors.js';
import { MAX_SPAN_MS, parseRequestsQuery } from '../../../src/adapters/http/open311/open311-requests-query.js';

const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);
const DAY = 24 * 60 * 60 * 1000;

function rejection(query: Record<string, unknown>): string[] {
  try {
    parseRequestsQuery(query, NOW);
  } catch (error) {
    if (error instanceof Open311Error) return [`${error.status}`, ...error.descriptions];
    throw error;
  }
  throw new Error('expected the query to be rejected');
}

describe('parseRequestsQuery', () => {
  it('defaults to the last 90 days, every service and status, at most 1000', () => {
    expect(parseRequestsQuery({}, NOW)).toEqual({ kind: 'search', serviceCodes: [], fromMs: NOW - MAX_SPAN_MS, toMs: NOW, limit: 1000 });
  });

  it('maps open and closed onto the hotline statuses, case-insensitively', () => {
    expect(parseRequestsQuery({ status: 'open' }, NOW)).toMatchObject({ statuses: ['received', 'accepted', 'in_progress'] });
    expect(parseRequestsQuery({ status: 'CLOSED' }, NOW)).toMatchObject({ statuses: ['resolved', 'closed', 'rejected'] });
    expect(parseRequestsQuery({ status: 'open,closed' }, NOW)).toMatchObject({ statuses: ['received', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected'] });
  });

  it('takes service codes comma-separated or repeated', () => {
    expect(parseRequestsQuery({ service_code: ['environment,medical', 'environment'] }, NOW)).toMatchObject({ serviceCodes: ['environment', 'medical'] });
  });

  it('fills the other end of a half-open range with 90 days', () => {
    const start = Date.UTC(2024, 0, 1);
    expect(parseRequestsQuery({ start_date: '2024-01-01T00:00:00Z' }, NOW)).toMatchObject({ fromMs: start, toMs: start + MAX_SPAN_MS });
    expect(parseRequestsQuery({ end_date: '2024-01-01T08:00:00+08:00' }, NOW)).toMatchObject({ fromMs: start - MAX_SPAN_MS, toMs: start });
  });

  it('lets service_request_id override every other filter', () => {
    expect(parseRequestsQuery({ service_request_id: '000000018, 000000026,000000018', status: 'bogus', start_date: 'bogus' }, NOW)).toEqual({
      kind: 'tickets',
      tickets: ['000000018', '000000026'],
    });
  });

  it('names each bad parameter', () => {
    expect(rejection({ start_date: 'last week', end_date: '2024-02-30T00:00:00Z', status: 'pending', service_code: 'potholes' })).toEqual([
      '400',
      'service_code: no such service: potholes',
      'status: must be open or closed, not pending',
      expect.stringMatching(/^start_date: "last week" is not a W3C date-time with a time zone/),
      expect.stringMatching(/^end_date: "2024-02-30T00:00:00Z" is not a W3C date-time/),
    ]);
    expect(rejection({ service_request_id: '12ab' })).toEqual(['400', 'service_request_id: not a service request id: 12ab']);
  });

  it('refuses a range that runs backwards or spans more than 90 days', () => {
    expect(rejection({ start_date: '2024-05-02T00:00:00Z', end_date: '2024-05-01T00:00:00Z' })).toEqual(['400', 'end_date: must not be before start_date']);
    const start = new Date(NOW - 91 * DAY).toISOString();
    expect(rejection({ start_date: start, end_date: new Date(NOW).toISOString() })).toEqual(['400', 'end_date: the range from start_date may not span more than 90 days']);
  });
});
