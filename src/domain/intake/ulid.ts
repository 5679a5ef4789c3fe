// ULIDs (https://github.com/ulid/spec): 48-bit millisecond time + 80 random bits in Crockford base32, so ids sort
// by time as plain strings (Redis sorted sets, file names, logs) and need no coordination between gateway instances.
// The time and the randomness are passed in: the domain reads neither a clock nor a random source.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
export const ULID_RANDOM_BYTES = 10;
/** 2^48 - 1: the largest time a ULID can hold (year 10889). */
export const ULID_MAX_TIME_MS = 281_474_976_710_655;

/** Canonical (upper-case) form only: the ids we mint are upper case and are looked up as given. */
const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export class UlidError extends Error {
  constructor(
    readonly code: 'ULID_BAD_TIME' | 'ULID_BAD_RANDOM' | 'ULID_OVERFLOW',
    message: string,
  ) {
    super(message);
    this.name = 'UlidError';
  }
}

export interface UlidState {
  readonly timeMs: number;
  readonly random: Uint8Array;
}

export function encodeUlid(timeMs: number, random: Uint8Array): string {
  if (!Number.isSafeInteger(timeMs) || timeMs < 0 || timeMs > ULID_MAX_TIME_MS) {
    throw new UlidError('ULID_BAD_TIME', `ULID time must be an integer from 0 to ${ULID_MAX_TIME_MS} ms, got ${timeMs}`);
  }
  if (random.length !== ULID_RANDOM_BYTES) {
    throw new UlidError('ULID_BAD_RANDOM', `ULID randomness must be ${ULID_RANDOM_BYTES} bytes, got ${random.length}`);
  }
  let time = '';
  let t = timeMs;
  for (let i = 0; i < TIME_CHARS; i++) {
    time = ALPHABET.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  // 80 bits are exactly 16 groups of 5: read them big-endian, most significant group first.
  let rand = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of random) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      rand += ALPHABET.charAt((buffer >> bits) & 31);
    }
    buffer &= (1 << bits) - 1;
  }
  return time + rand;
}

export function isUlid(s: string): boolean {
  return ULID_PATTERN.test(s);
}

/** The millisecond time a ULID was minted at, or `null` when `id` is not a (canonical) ULID. */
export function ulidTimeMs(id: string): number | null {
  if (!isUlid(id)) return null;
  let t = 0;
  for (let i = 0; i < TIME_CHARS; i++) t = t * 32 + ALPHABET.indexOf(id.charAt(i));
  return t;
}

/** The 10 random bytes of a ULID, or `null` when `id` is not a (canonical) ULID. */
export function ulidRandom(id: string): Uint8Array | null {
  if (!isUlid(id)) return null;
  const out = new Uint8Array(ULID_RANDOM_BYTES);
  let buffer = 0;
  let bits = 0;
  let k = 0;
  for (let i = TIME_CHARS; i < TIME_CHARS + RANDOM_CHARS; i++) {
    buffer = (buffer << 5) | ALPHABET.indexOf(id.charAt(i));
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[k++] = (buffer >> bits) & 0xff;
      buffer &= (1 << bits) - 1;
    }
  }
  return out;
}

/**
 * The next id of a monotonic generator. Within the same millisecond (or when the clock stepped back) the previous
 * random part plus one keeps the ids strictly increasing; a new millisecond takes the fresh randomness.
 * Throws `ULID_OVERFLOW` in the (2^-80-unlikely) case that the random part cannot be incremented.
 */
export function nextMonotonicUlid(
  prev: UlidState | null,
  nowMs: number,
  fresh: Uint8Array,
): { id: string; state: UlidState } {
  if (prev !== null && nowMs <= prev.timeMs) {
    const random = increment(prev.random);
    return { id: encodeUlid(prev.timeMs, random), state: { timeMs: prev.timeMs, random } };
  }
  const random = Uint8Array.from(fresh);
  return { id: encodeUlid(nowMs, random), state: { timeMs: nowMs, random } };
}

function increment(random: Uint8Array): Uint8Array {
  if (random.length !== ULID_RANDOM_BYTES) {
    throw new UlidError('ULID_BAD_RANDOM', `ULID randomness must be ${ULID_RANDOM_BYTES} bytes, got ${random.length}`);
  }
  const next = Uint8Array.from(random);
  for (let i = next.length - 1; i >= 0; i--) {
    const byte = next[i] ?? 0;
    if (byte < 0xff) {
      next[i] = byte + 1;
      return next;
    }
    next[i] = 0;
  }
  throw new UlidError('ULID_OVERFLOW', 'ULID random part overflowed within one millisecond: wait for the clock to move on');
}
