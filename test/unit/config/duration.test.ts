import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['20s', 20_000],
    ['1500ms', 1500],
    ['2m', 120_000],
    ['20', 20_000],
    ['0', 0],
    ['0.25', 250],
    [' 3 s ', 3000],
    ['12h', 43_200_000],
    ['30d', 2_592_000_000],
  ])('%j -> %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 's', '1y', '1w', '-1s', '1,5s', 'abc', '10 minutes', '1e3', '9'.repeat(30)])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});
