import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ULID_MAX_TIME_MS,
  UlidError,
  encodeUlid,
  isUlid,
  nextMonotonicUlid,
  ulidRandom,
  ulidTimeMs,
} from '../../../src/domain/intake/ulid.js';
import type { UlidState } from '../../../src/domain/intake/ulid.js';

const randomBytes = fc.uint8Array({ minLength: 10, maxLength: 10 });
const times = fc.integer({ min: 0, max: ULID_MAX_TIME_MS });

describe('encodeUlid', () => {
  it('matches the spec examples', () => {
    // The ulid README's seeded example: ulid(1469918176385) is 01ARYZ6S41TSV4RRFFQ69G5FAV.
    expect(encodeUlid(1469918176385, new Uint8Array(10)).slice(0, 10)).toBe('01ARYZ6S41');
    expect(encodeUlid(0, new Uint8Array(10))).toBe('00000000000000000000000000');
    expect(encodeUlid(ULID_MAX_TIME_MS, new Uint8Array(10).fill(0xff))).toBe('7ZZZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(encodeUlid(1, Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))).toBe('00000000010000000000000001');
    expect(encodeUlid(0, Uint8Array.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe('0000000000G000000000000000');
  });

  it('round-trips time and randomness', () => {
    fc.assert(
      fc.property(times, randomBytes, (t, r) => {
        const id = encodeUlid(t, r);
        expect(id).toHaveLength(26);
        expect(isUlid(id)).toBe(true);
        expect(ulidTimeMs(id)).toBe(t);
        expect(ulidRandom(id)).toEqual(r);
      }),
    );
  });

  it('sorts as strings in time order', () => {
    fc.assert(
      fc.property(times, times, randomBytes, randomBytes, (t1, t2, r1, r2) => {
        fc.pre(t1 !== t2);
        const [a, b] = [encodeUlid(t1, r1), encodeUlid(t2, r2)];
        expect(a < b).toBe(t1 < t2);
      }),
    );
  });

  it('refuses out-of-range times and wrong-sized randomness', () => {
    for (const t of [-1, 1.5, ULID_MAX_TIME_MS + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => encodeUlid(t, new Uint8Array(10))).toThrow(UlidError);
    }
    expect(() => encodeUlid(0, new Uint8Array(9))).toThrow(/10 bytes/);
    expect(() => encodeUlid(0, new Uint8Array(11))).toThrow(expect.objectContaining({ code: 'ULID_BAD_RANDOM' }));
  });
});

describe('isUlid / ulidTimeMs', () => {
  it.each([
    ['01ARZ3NDEKTSV4RRFFQ69G5FAV', true],
    ['01arz3ndektsv4rrffq69g5fav', false],
    ['01ARZ3NDEKTSV4RRFFQ69G5FA', false],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAVX', false],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAI', false],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAU', false],
    ['81ARZ3NDEKTSV4RRFFQ69G5FAV', false],
    ['', false],
  ])('%j is a ULID: %j', (s, expected) => {
    expect(isUlid(s)).toBe(expected);
    expect(ulidTimeMs(s) !== null).toBe(expected);
  });
});

describe('nextMonotonicUlid', () => {
  it('takes the fresh randomness in a new millisecond', () => {
    const fresh = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const { id, state } = nextMonotonicUlid(null, 1000, fresh);
    expect(id).toBe(encodeUlid(1000, fresh));
    expect(state).toEqual({ timeMs: 1000, random: fresh });
    fresh[0] = 99;
    expect(state.random[0]).toBe(1);
  });

  it('increments the previous randomness within the same millisecond, carrying', () => {
    const prev: UlidState = { timeMs: 5, random: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff]) };
    const { id, state } = nextMonotonicUlid(prev, 5, new Uint8Array(10).fill(0xee));
    expect(state.random).toEqual(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00]));
    expect(id).toBe(encodeUlid(5, state.random));
    expect(prev.random[9]).toBe(0xff);
  });

  it('stays monotonic when the clock steps back', () => {
    const prev: UlidState = { timeMs: 2000, random: new Uint8Array(10) };
    const next = nextMonotonicUlid(prev, 1500, new Uint8Array(10).fill(7));
    expect(next.state.timeMs).toBe(2000);
    expect(next.id > encodeUlid(2000, prev.random)).toBe(true);
  });

  it('throws a clear error when the random part overflows', () => {
    const prev: UlidState = { timeMs: 5, random: new Uint8Array(10).fill(0xff) };
    expect(() => nextMonotonicUlid(prev, 5, new Uint8Array(10))).toThrow(expect.objectContaining({ code: 'ULID_OVERFLOW' }));
  });

  it('produces strictly increasing ids for any sequence of clock readings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean(), randomBytes), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (steps, start) => {
          let now = start;
          let state: UlidState | null = null;
          let last = '';
          for (const [delta, back, fresh] of steps) {
            now = back ? Math.max(0, now - delta) : now + delta;
            const next = nextMonotonicUlid(state, now, fresh);
            expect(next.id > last).toBe(true);
            last = next.id;
            state = next.state;
          }
        },
      ),
    );
  });
});
