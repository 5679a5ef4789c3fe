import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseLine, normaliseText } from '../../../src/domain/intake/normalise-text.js';

/** Strings rich in the characters the normaliser cares about. */
const messy = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
      fc.constantFrom(
        ' ', '  ', '\t', '\n', '\r\n', '\r', '\n\n\n', '\u3000', '\u00A0', '\u2003', '\u200B', '\u200D', '\uFEFF',
        '\u0000', '\u0007', '\u001B', '\u007F', '\u0085', '\u009F', '\u2028', '\u2029', '\u202E', '\u0301', 'e', 'é',
        '\uD83D', '\uDE00', '中文', 'ＡＢＣ', '１２３',
      ),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

describe('normaliseText', () => {
  it.each([
    ['  hello  ', 'hello'],
    ['a\r\nb', 'a\nb'],
    ['a\rb', 'a\nb'],
    ['a  \t  b', 'a b'],
    ['路灯\u3000\u3000坏了', '路灯 坏了'],
    ['a\u00A0b', 'a b'],
    ['line one   \nline two\t\n', 'line one\nline two'],
    ['a\n\n\n\n\nb', 'a\n\nb'],
    ['a\n \n \n b', 'a\n\n b'],
    ['zero\u200Bwidth\u200C\u200Djoin\uFEFF', 'zerowidthjoin'],
    ['bell\u0007 esc\u001B[31m del\u007F', 'bell esc[31m del'],
    ['e\u0301', '\u00E9'],
    ['e\u200B\u0301', '\u00E9'],
    ['\u202Egpj.exe', 'gpj.exe'],
    ['a\u2028b\u2029c', 'a\nb\nc'],
    ['lone \uD83D surrogate', 'lone \uFFFD surrogate'],
    ['😀 emoji stays', '😀 emoji stays'],
    ['\n\n  \n', ''],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normaliseText(input)).toBe(expected);
  });

  it('is idempotent', () => {
    fc.assert(fc.property(messy, (s) => normaliseText(normaliseText(s)) === normaliseText(s)), { numRuns: 2000 });
  });

  it('never throws and leaves no control, zero-width or lone surrogate characters', () => {
    fc.assert(
      fc.property(fc.oneof(messy, fc.string({ unit: 'binary' })), (s) => {
        const out = normaliseText(s);
        expect(out).not.toMatch(/(?![\t\n])\p{Cc}/u);
        expect(out).not.toMatch(/[\u200B-\u200D\uFEFF]/);
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        expect(out).not.toMatch(/\r/);
      }),
      { numRuns: 2000 },
    );
  });

  it('is NFC, trimmed, with single spaces, no trailing space on a line and at most one blank line', () => {
    fc.assert(
      fc.property(messy, (s) => {
        const out = normaliseText(s);
        expect(out).toBe(out.normalize('NFC'));
        expect(out).toBe(out.trim());
        expect(out).not.toMatch(/[\t\p{Zs}]{2}|[\t\u00A0\u3000]/u);
        expect(out).not.toMatch(/ \n/);
        expect(out).not.toMatch(/\n{3}/);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps every letter and digit of plain text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (s) => {
        const keep = (t: string) => t.replace(/[^A-Za-z0-9]/g, '');
        expect(keep(normaliseText(s))).toBe(keep(s));
      }),
    );
  });
});

describe('normaliseLine', () => {
  it('joins lines with single spaces', () => {
    expect(normaliseLine(' 北京市\n朝阳区\r\n\r\n  和平里 ')).toBe('北京市 朝阳区 和平里');
  });

  it('is idempotent and single-line', () => {
    fc.assert(
      fc.property(messy, (s) => {
        const out = normaliseLine(s);
        expect(normaliseLine(out)).toBe(out);
        expect(out).not.toMatch(/\n/);
      }),
    );
  });
});
