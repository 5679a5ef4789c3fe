import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/domain/flow/duration.js';

describe('parseDuration', () => {
  it.each([
    ['1500ms', 1500],
    ['5s', 5000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['0s', 0],
    [' 10 s ', 10_000],
    ['0.4ms', 0],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '5x', '-5s', 's', '5 seconds', '1m30', 'ms5', '1,5s', '5S'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('formatDuration is its inverse on whole milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 3_600_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(1500)).toBe('1500ms');
    expect(formatDuration(7_200_000)).toBe('2h');
  });
});
