import { describe, expect, it } from 'vitest';
import { formatW3cDateTime, parseW3cDateTime } from '../../../src/adapters/http/open311/w3c-datetime.js';

describe('parseW3cDateTime', () => {
  it.each([
    ['2010-01-01T00:00:00Z', Date.UTC(2010, 0, 1)],
    ['1994-11-05T08:15:30-05:00', Date.UTC(1994, 10, 5, 13, 15, 30)],
    ['1994-11-05T13:15:30Z', Date.UTC(1994, 10, 5, 13, 15, 30)],
    ['2024-05-01T08:00:00+08:00', Date.UTC(2024, 4, 1, 0, 0, 0)],
    ['2024-05-01T08:00+08:00', Date.UTC(2024, 4, 1, 0, 0, 0)],
    ['2024-05-01T08:00:00.250Z', Date.UTC(2024, 4, 1, 8, 0, 0, 250)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    // An unencoded `+` in a query string arrives as a space.
    ['2024-05-01T08:00:00 08:00', Date.UTC(2024, 4, 1, 0, 0, 0)],
  ])('reads %s', (text, ms) => {
    expect(parseW3cDateTime(text)).toBe(ms);
  });

  it.each([
    'yesterday',
    '',
    '2024-05-01T08:00:00', // no time zone
    '2023-02-29', // not a leap year
    '2024-13-01',
    '2024-04-31T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T08:00:00+25:00',
    '1969-12-31T00:00:00Z',
    '20240501T080000Z',
  ])('rejects %j', (text) => {
    expect(parseW3cDateTime(text)).toBeNull();
  });
});

describe('formatW3cDateTime', () => {
  it('writes whole seconds in UTC', () => {
    expect(formatW3cDateTime(Date.UTC(2024, 4, 1, 8, 0, 0, 999))).toBe('2024-05-01T08:00:00Z');
  });
});
