// Given a pure function wrapped by rememberLatest, when inputs repeat, then each is computed once while remembered,
// the oldest is forgotten first once the capacity is reached, and a remembered null or undefined is an answer too.

import { describe, expect, it } from 'vitest';
import { rememberLatest } from '../../../src/domain/remember-latest.js';

function counted<V>(compute: (input: string) => V): { fn: (input: string) => V; calls: string[] } {
  const calls: string[] = [];
  return { fn: (input) => (calls.push(input), compute(input)), calls };
}

describe('rememberLatest', () => {
  it('computes a repeated input once', () => {
    const { fn, calls } = counted((s) => s.toUpperCase());
    const remembered = rememberLatest(fn, 4);
    expect([remembered('a'), remembered('a'), remembered('b'), remembered('a')]).toEqual(['A', 'A', 'B', 'A']);
    expect(calls).toEqual(['a', 'b']);
  });

  it('forgets the oldest first and never holds more than its capacity', () => {
    const { fn, calls } = counted((s) => s.length);
    const remembered = rememberLatest(fn, 2);
    for (const s of ['a', 'bb', 'ccc', 'bb', 'a']) remembered(s);
    // 'ccc' pushed 'a' out; 'bb' was still there; 'a' came back computed, pushing 'bb' out.
    expect(calls).toEqual(['a', 'bb', 'ccc', 'a']);
    remembered('bb');
    expect(calls).toEqual(['a', 'bb', 'ccc', 'a', 'bb']);
  });

  it('remembers null and undefined answers', () => {
    const { fn, calls } = counted((s) => (s === 'x' ? null : undefined));
    const remembered = rememberLatest(fn, 8);
    expect([remembered('x'), remembered('x'), remembered('y'), remembered('y')]).toEqual([null, null, undefined, undefined]);
    expect(calls).toEqual(['x', 'y']);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => rememberLatest((s: string) => s, 0)).toThrow('capacity must be a positive integer, got 0');
    expect(() => rememberLatest((s: string) => s, 1.5)).toThrow(/got 1.5/);
  });
});
