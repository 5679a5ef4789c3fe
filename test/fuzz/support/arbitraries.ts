// Generators for hostile input, shared by every target: text with the Unicode and control characters parsers trip
// on, numbers JSON cannot hold, mutations of a valid value (a field dropped, retyped, duplicated, nested deep), and
// byte-level damage to a serialised body (cut short, invalid UTF-8, NUL bytes, a BOM). Each target starts from its
// own valid inputs and mixes these in, plus some purely random ones.

import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';

/** Characters with a history of breaking parsers: NUL, controls, lone surrogates, BOM, bidi overrides, ZWJ, CJK, emoji. */
export const EDGE_CHARACTERS: readonly string[] = [
  '\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\r', '\u000b', '\u000c', '\u001b', '\u007f', '\u0085', '\u00a0',
  '\ud800', '\udfff', '\ud83d', '\ufeff', '\ufffd', '\uffff', '\u200b', '\u200d', '\u2028', '\u2029', '\u202e', '\u2066',
  '\u0301', '\u3000', '\uff10', '北', '京', '😀', '👨‍👩‍👧', '\u{10ffff}', '"', "'", '\\', '<', '>', '&', ';', ':', '%', '$',
  '{', '}', '[', ']', '=', '+', '@', '#', '*', '\u0130', '\u0131', 'ß', 'ﬃ',
];

/** Words that mean something to some layer: prototype keys, paths, markup, format specifiers. */
export const LOADED_WORDS: readonly string[] = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'null', 'undefined', 'NaN', 'Infinity', '-0',
  'true', '1e400', '../../../etc/passwd', '%00', '%s%s%n', '${jndi:ldap://x}', '<script>alert(1)</script>', ']]>',
  '<![CDATA[', '<!DOCTYPE x>', '&amp;', '&#0;', "' OR 1=1 --", '\r\n\r\n', '\r\n.\r\n', 'Action: Logoff', '=?utf-8?B?5YyX5Lqs?=',
];

export const edgeCharacter = (): Arbitrary<string> => fc.constantFrom(...EDGE_CHARACTERS);

/** Text built from edge characters, loaded words and ordinary Unicode, sometimes very long. */
export function nastyString(maxLength = 64): Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
    { weight: 3, arbitrary: edgeCharacter() },
    { weight: 1, arbitrary: fc.constantFrom(...LOADED_WORDS) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(piece, { maxLength: Math.max(1, Math.ceil(maxLength / 4)) }).map((parts) => parts.join('')) },
    { weight: 1, arbitrary: overlong() },
  );
}

/** A value far past any sane limit: thousands to a few hundred thousand characters. */
export function overlong(): Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom('a', '9', '北', ' ', '\u0000', '😀', 'ab'), fc.integer({ min: 1_000, max: 70_000 }))
    .map(([unit, count]) => unit.repeat(Math.ceil(count / unit.length)));
}

/** Numbers at the edges: huge, tiny, negative zero, unsafe integers, out-of-range coordinates. */
export function edgeNumber(): Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(0, -0, 1, -1, 0.5, 90, 90.0000001, -180.5, 181, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 1e21),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
  );
}

/** Any JSON value, nested a little. */
export function anyJson(): Arbitrary<unknown> {
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      edgeNumber(),
      nastyString(24),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(nastyString(8), tie('value'), { maxKeys: 4 }),
    ),
  })).value;
}

/** `value` nested `depth` levels deep in arrays or objects: recursion limits of validators and walkers. */
export function deeplyNested(value: unknown): Arbitrary<unknown> {
  return fc.tuple(fc.integer({ min: 50, max: 2_000 }), fc.boolean()).map(([depth, arrays]) => {
    let out = value;
    for (let i = 0; i < depth; i += 1) out = arrays ? [out] : { a: out };
    return out;
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One mutation of `value`, or `value` itself (so valid inputs keep coming): at some depth a field is dropped,
 * added, retyped, replaced by edge text or numbers, made overlong, or nested deep.
 */
export function mutated(value: unknown, depth = 0): Arbitrary<unknown> {
  const retyped = fc.oneof(anyJson(), deeplyNested(value));
  if (depth > 4) return fc.oneof(fc.constant(value), anyJson());
  if (isRecord(value)) {
    const keys = Object.keys(value);
    const options: { weight: number; arbitrary: Arbitrary<unknown> }[] = [
      { weight: 1, arbitrary: fc.tuple(fc.oneof(nastyString(12), fc.constantFrom(...LOADED_WORDS)), anyJson()).map(([k, v]) => ({ ...value, [k]: v })) },
      { weight: 1, arbitrary: retyped },
    ];
    if (keys.length > 0) {
      options.push({ weight: 2, arbitrary: fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(value).filter(([key]) => key !== k))) });
      options.push({ weight: 5, arbitrary: fc.constantFrom(...keys).chain((k) => mutated(value[k], depth + 1).map((v) => ({ ...value, [k]: v }))) });
    }
    return fc.oneof(...options);
  }
  if (Array.isArray(value)) {
    const options: { weight: number; arbitrary: Arbitrary<unknown> }[] = [
      { weight: 1, arbitrary: anyJson().map((v) => [...value, v]) },
      { weight: 1, arbitrary: fc.integer({ min: 2, max: 500 }).map((n) => Array.from({ length: n }, () => value[0] ?? null)) },
      { weight: 1, arbitrary: retyped },
    ];
    if (value.length > 0) {
      options.push({
        weight: 3,
        arbitrary: fc.nat(value.length - 1).chain((i) => mutated(value[i], depth + 1).map((v) => value.map((item, j) => (j === i ? v : item)))),
      });
    }
    return fc.oneof(...options);
  }
  if (typeof value === 'string') {
    return fc.oneof(
      { weight: 3, arbitrary: nastyString() },
      { weight: 1, arbitrary: overlong() },
      { weight: 1, arbitrary: fc.tuple(nastyString(8), edgeCharacter()).map(([s, c]) => `${value}${c}${s}`) },
      { weight: 1, arbitrary: fc.constant(value.toUpperCase()) },
      { weight: 1, arbitrary: retyped },
    );
  }
  if (typeof value === 'number') return fc.oneof({ weight: 3, arbitrary: edgeNumber() }, { weight: 1, arbitrary: retyped });
  return retyped;
}

/** Some valid values unchanged, most mutated once or twice. `valid` tells the oracle whether 2xx is due. */
export function validOrMutated<T>(samples: readonly T[]): Arbitrary<{ readonly value: unknown; readonly valid: boolean }> {
  const sample = fc.constantFrom(...samples);
  return fc.oneof(
    { weight: 1, arbitrary: sample.map((value) => ({ value: value as unknown, valid: true })) },
    { weight: 4, arbitrary: sample.chain((value) => mutated(value)).map((value) => ({ value, valid: false })) },
    { weight: 1, arbitrary: sample.chain((value) => mutated(value).chain((once) => mutated(once))).map((value) => ({ value, valid: false })) },
  );
}

/** JSON text of `value` that may be damaged on the way: cut short, a key duplicated, bytes corrupted, a BOM. */
export function jsonBody(value: unknown, damage: boolean): Arbitrary<Buffer> {
  const text = JSON.stringify(value) ?? 'null';
  const clean = Buffer.from(text, 'utf8');
  if (!damage) return fc.constant(clean);
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(clean) },
    { weight: 4, arbitrary: damagedBytes(clean) },
    { weight: 1, arbitrary: fc.constant(Buffer.from(text.replace(/^\{"([^"]+)":/, '{"$1":null,"$1":'), 'utf8')) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 100_000 }).map((n) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`)) },
    { weight: 1, arbitrary: fc.constantFrom('1'.repeat(500), '1e99999', '-', '"\\ud800"', '{"a":"\\u0000"}', 'nul', '\u0000', '{"text":"x"}garbage').map((t) => Buffer.from(t)) },
  );
}

/** `bytes` damaged: cut short, invalid UTF-8 or NUL spliced in, a byte flipped, a BOM put in front. */
export function damagedBytes(bytes: Buffer): Arbitrary<Buffer> {
  const at = fc.nat(Math.max(0, bytes.length));
  const invalidUtf8 = fc.constantFrom(
    Buffer.from([0xc3, 0x28]),
    Buffer.from([0xff]),
    Buffer.from([0xfe, 0xff]),
    Buffer.from([0xed, 0xa0, 0x80]),
    Buffer.from([0xf4, 0x90, 0x80, 0x80]),
    Buffer.from([0xe4, 0xb8]),
    Buffer.from([0x00]),
    Buffer.from([0xc0, 0xaf]),
  );
  return fc.oneof(
    at.map((n) => bytes.subarray(0, n)),
    fc.tuple(at, invalidUtf8).map(([n, junk]) => Buffer.concat([bytes.subarray(0, n), junk, bytes.subarray(n)])),
    fc.tuple(at, fc.integer({ min: 0, max: 255 })).map(([n, b]) => {
      const copy = Buffer.from(bytes);
      if (n < copy.length) copy[n] = b;
      return copy;
    }),
    fc.constant(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])),
    fc.uint8Array({ maxLength: 512 }).map((junk) => Buffer.from(junk)),
  );
}

/** A Content-Type header: the right one mostly, else a wrong, malformed or missing one. */
export function contentType(right: string): Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(right) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        undefined,
        '',
        'text/plain',
        'text/xml',
        'application/xml',
        'application/octet-stream',
        'application/x-www-form-urlencoded',
        'application/json',
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'APPLICATION/JSON',
        'application/jsonx',
        'multipart/form-data',
        'multipart/form-data; boundary=',
        'multipart/form-data; boundary=x',
        'multipart/mixed; boundary=zz',
        ';;;',
        'application/json, text/plain',
        `${right}; ${'a=b;'.repeat(200)}`,
      ),
    },
    { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{0,40}$/) },
  );
}

/** A header value HTTP lets through (visible ASCII and Latin-1, spaces, tabs), sometimes long. */
export function headerText(maxLength = 300): Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.:/=+ \t!~"(),;<>?@[]{}\\'.split(''), '\u00e9', '\u00ff'), maxLength }),
    fc.string({ unit: 'binary-ascii', maxLength }).map((s) => s.replace(/[^\x20-\x7e\t]/g, '')),
    fc.integer({ min: 1000, max: 16_000 }).map((n) => 'k'.repeat(n)),
  );
}

/** Percent-encodes any text for a URL path or form, lone surrogates included (encodeURIComponent throws on them). */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A path segment: text percent-encoded, or raw escapes that do not decode (`%ZZ`, `%C3%28`, a lone `%`). */
export function pathSegment(maxLength = 60): Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: nastyString(maxLength).map(percentEncode) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%ZZ', '%C3%28', '%ED%A0%80', '%00', '..', '%2e%2e%2f', '%FF%FE', '%E4%B8') },
  );
}

/**
 * `text` with one to four edits: a slice deleted, a snippet (the format's own dangerous pieces, or an edge
 * character) inserted, a slice repeated, or the whole cut short. Keeps most of the structure, so the parser gets
 * past its first checks and the damage lands deep inside.
 */
export function textMutations(text: string, snippets: readonly string[]): Arbitrary<string> {
  const at = fc.nat(text.length);
  const snippet = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...snippets) }, { weight: 2, arbitrary: edgeCharacter() }, { weight: 1, arbitrary: nastyString(16) });
  const edit: Arbitrary<(s: string) => string> = fc.oneof(
    fc.tuple(at, fc.integer({ min: 1, max: 40 })).map(([i, n]) => (s: string) => s.slice(0, i) + s.slice(i + n)),
    fc.tuple(at, snippet).map(([i, piece]) => (s: string) => s.slice(0, i) + piece + s.slice(i)),
    fc.tuple(at, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 2, max: 300 })).map(([i, n, times]) => (s: string) => s.slice(0, i) + s.slice(i, i + n).repeat(times) + s.slice(i + n)),
    at.map((i) => (s: string) => s.slice(0, i)),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce((s, apply) => apply(s), text));
}
