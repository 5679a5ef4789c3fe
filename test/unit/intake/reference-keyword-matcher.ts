// The keyword matcher as it was before the one-pass automaton (a regexp or substring search per term), kept as the
// oracle for keyword-matcher.property.test.ts: the automaton must find exactly what this finds, for any text.

import type { CompiledTermSet, Match, PreparedText, Term, TermSet } from '../../../src/domain/intake/keyword-matcher.js';

interface CompiledTerm {
  readonly find: (text: PreparedText) => Match[];
}

const HAS_LATIN_LETTER = /\p{Script=Latin}/u;

export function referenceCompileTermSet(set: TermSet): CompiledTermSet {
  const terms = set.terms.map(compileTerm);
  const exclusions = (set.exclude ?? []).map(compileTerm);
  return {
    findAll(text: PreparedText): Match[] {
      const excluded = exclusions.flatMap((e) => e.find(text));
      const matches = terms
        .flatMap((t) => t.find(text))
        .filter((m) => !excluded.some((x) => x.start <= m.start && m.end <= x.end));
      return matches.sort((a, b) => a.start - b.start || b.end - a.end);
    },
  };
}

function compileTerm(term: Term): CompiledTerm {
  if (term instanceof RegExp) {
    const flags = term.flags.includes('g') ? term.flags : `${term.flags}g`;
    const regexp = new RegExp(term.source, flags);
    return { find: (text) => regexpMatches(regexp, text.lower) };
  }
  const caseSensitive = term.startsWith('=');
  const body = caseSensitive ? term.slice(1) : term.toLowerCase();
  if (body === '') throw new Error('empty keyword term');
  if (!HAS_LATIN_LETTER.test(body)) {
    return { find: (text) => substringMatches(body, caseSensitive ? text.exact : text.lower, text.lower) };
  }
  const regexp = new RegExp(wordPattern(body), 'gu');
  // Most terms are absent from most texts: a plain substring test on the first word skips the regexp.
  const firstWord = (body.split(/[\s-]+/).find((w) => w !== '') ?? '').replace(/\*$/, '');
  return {
    find: (text) => {
      const haystack = caseSensitive ? text.exact : text.lower;
      return haystack.includes(firstWord) ? regexpMatches(regexp, haystack, text.lower) : [];
    },
  };
}

/** A Latin term as a whole-word pattern (see `Term`); a `*` may end any of its words. */
function wordPattern(body: string): string {
  const words = body
    .split(/[\s-]+/)
    .filter((w) => w !== '')
    .map((w) => (w.endsWith('*') ? `${escapeRegExp(w.slice(0, -1))}[\\p{L}\\p{N}]*` : escapeRegExp(w)));
  return `(?<![\\p{L}\\p{N}])${words.join('[\\s-]+')}(?![\\p{L}\\p{N}])`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function substringMatches(needle: string, haystack: string, reported: string): Match[] {
  const out: Match[] = [];
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) {
    out.push({ start: i, end: i + needle.length, text: reported.slice(i, i + needle.length) });
  }
  return out;
}

function regexpMatches(regexp: RegExp, haystack: string, reported: string = haystack): Match[] {
  const out: Match[] = [];
  regexp.lastIndex = 0;
  for (let m = regexp.exec(haystack); m !== null; m = regexp.exec(haystack)) {
    if (m[0] === '') {
      regexp.lastIndex++;
      continue;
    }
    out.push({ start: m.index, end: m.index + m[0].length, text: reported.slice(m.index, m.index + m[0].length) });
  }
  return out;
}
