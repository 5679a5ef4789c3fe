// Given texts stitched together from the keyword tables (terms as citizens write them: any case, full width,
// hyphens for spaces, word endings, fragments and negations around them), the one-pass automaton finds exactly the
// matches the old per-term search found, in every term set classification uses.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTermSet, compileTermSets, prepareText } from '../../../src/domain/intake/keyword-matcher.js';
import type { Term, TermSet } from '../../../src/domain/intake/keyword-matcher.js';
import { CATEGORY_TERMS, CLOSING_COURTESY, EMERGENCY_RULES, HEALTH_TERMS, KIND_TERMS, LEGAL_TERMS } from '../../../src/domain/intake/keywords.js';
import { referenceCompileTermSet } from './reference-keyword-matcher.js';

/** Overlapping multi-word terms, duplicates, case-sensitive and Chinese terms inside each other. */
const EDGE_CASES: TermSet = {
  terms: ['a a', 'a', 'a*', 'aa', 'a a', '=A', '=A a', 'a-b', 'ab*', '火', '火火', '=火', 'b* a*', /a.a/u],
  exclude: ['a a a', '火火火'],
};

const SETS: readonly TermSet[] = [
  ...[...KIND_TERMS, ...CATEGORY_TERMS].flatMap((t) => [
    { terms: t.strong, exclude: t.exclude ?? [] },
    { terms: t.weak, exclude: t.exclude ?? [] },
  ]),
  CLOSING_COURTESY,
  LEGAL_TERMS,
  HEALTH_TERMS,
  ...EMERGENCY_RULES,
  EDGE_CASES,
];

const stringTerms = SETS.flatMap((set) => [...set.terms, ...(set.exclude ?? [])]).filter((t): t is string => typeof t === 'string');

const toFullWidth = (s: string): string => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** A term as a citizen might write it, or a near miss of it. */
const writtenTerm: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...stringTerms),
    fc.constantFrom('', 's', 'ed', 'ing', 'er', 'x'),
    fc.constantFrom(' ', '-', '  ', ' - ', '', '\n'),
    fc.constantFrom('as is', 'upper', 'capitalised', 'full width', 'prefix', 'suffix'),
  )
  .map(([term, ending, gap, style]) => {
    let text = term.replace(/^=/, '').replace(/\*/g, ending).replace(/[\s-]+/g, gap);
    if (style === 'upper') text = text.toUpperCase();
    if (style === 'capitalised') text = text.charAt(0).toUpperCase() + text.slice(1);
    if (style === 'full width') text = toFullWidth(text);
    if (style === 'prefix') text = text.slice(0, Math.max(1, text.length - 1));
    if (style === 'suffix') text = text.slice(1);
    return text;
  });

const glue = fc.constantFrom(' ', '', '，', '。', ', ', '. ', '-', "'", '’', 'x', '1', '的', '没有', '不是', 'not ', 'no ', '?', '!', 'İ', '\u00a0');

/** What the RegExp terms look for, so that they match now and then. */
const phrases = fc.constantFrom(
  '感谢你们的帮助',
  '谢谢工作人员这么耐心',
  'thank you so much for your help',
  'thanks for fixing',
  'my father collapsed',
  'someone has collapsed',
  'the road collapsed',
  'a a a a',
  'A a A',
  'ab-ab a-b',
);

const texts = fc
  .array(fc.oneof({ arbitrary: writtenTerm, weight: 6 }, { arbitrary: glue, weight: 4 }, { arbitrary: phrases, weight: 1 }, { arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }), weight: 1 }), {
    maxLength: 14,
  })
  .map((parts) => parts.join(''));

describe('compileTermSets', () => {
  const together = compileTermSets(SETS);
  const reference = SETS.map(referenceCompileTermSet);
  const alone = SETS.map(compileTermSet);

  it('finds what the per-term search finds, in every set, for texts made of the tables', () => {
    fc.assert(
      fc.property(texts, (raw) => {
        const text = prepareText(raw);
        const scanned = together.scan(text);
        SETS.forEach((_set, i) => {
          const expected = reference[i]?.findAll(text);
          expect(scanned[i], `set ${i} in ${JSON.stringify(raw)}`).toEqual(expected);
          expect(alone[i]?.findAll(text), `set ${i} alone in ${JSON.stringify(raw)}`).toEqual(expected);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('finds overlapping Chinese terms, repeated words and case-sensitive terms as before', () => {
    const examples = ['a a a a', 'A a a', '火火火 火火', 'aa-a ab abc a-b', 'fire hydrant on fire', '没有着火，但是冒烟了', 'AIDS aids Aids'];
    for (const raw of examples) {
      const text = prepareText(raw);
      const scanned = together.scan(text);
      SETS.forEach((_set, i) => expect(scanned[i], `set ${i} in ${raw}`).toEqual(reference[i]?.findAll(text)));
    }
    expect(together.scan(prepareText('a a a a'))[SETS.length - 1]?.length).toBeGreaterThan(0);
  });

  it('refuses an empty term', () => {
    expect(() => compileTermSet({ terms: ['' as Term] })).toThrow(/empty keyword term/);
    expect(() => compileTermSet({ terms: ['='] })).toThrow(/empty keyword term/);
  });
});
