import { describe, expect, it } from 'vitest';
import { announcedMinutes, estimateWait } from '../../../src/domain/acd/estimate.js';

describe('estimateWait', () => {
  it.each<[number, number, number | null, number | null]>([
    [1, 1, 180_000, 180_000],
    [1, 3, 180_000, 180_000],
    [3, 3, 180_000, 180_000],
    [4, 3, 180_000, 360_000],
    [10, 2, 60_000, 300_000],
    [5, 0, 60_000, null],
    [5, 2, null, null],
    [0, 2, 60_000, 60_000],
  ])('position %i with %i agents and a mean of %s ms: %s', (position, agents, meanHandleMs, expected) => {
    expect(estimateWait({ position, agents, meanHandleMs })).toBe(expected);
  });
});

describe('announcedMinutes', () => {
  it.each<[number, { minutes: number; moreThan: boolean }]>([
    [0, { minutes: 1, moreThan: false }],
    [1, { minutes: 1, moreThan: false }],
    [60_000, { minutes: 1, moreThan: false }],
    [60_001, { minutes: 2, moreThan: false }],
    [150_000, { minutes: 3, moreThan: false }],
    [30 * 60_000, { minutes: 30, moreThan: false }],
    [30 * 60_000 + 1, { minutes: 30, moreThan: true }],
    [5 * 3_600_000, { minutes: 30, moreThan: true }],
  ])('%i ms is announced as %j', (ms, expected) => {
    expect(announcedMinutes(ms)).toEqual(expected);
  });
});
