// Finds keywords in citizens' text for classification. Matching runs on a prepared copy of the text (NFKC, so
// full-width letters, digits and punctuation match their ASCII forms; lower case; curly apostrophes straightened),
// never on the stored text. Chinese terms match as substrings (Chinese has no spaces between words); English terms
// only as whole words, so `fire` does not match `firework` or `fired`.

/**
 * A term as written in the keyword tables:
 * - a Chinese (or any non-Latin) string: a substring match;
 * - a Latin string: whole words, case-insensitive; a space or `-` in it also matches a run of spaces and hyphens
 *   (`hit-and-run`, `hit and run`), a trailing `*` allows any word ending (`complain*`: complained, complaints);
 *   a leading `=` makes it case-sensitive (`=AIDS`, not `hearing aids`);
 * - a RegExp: matched as is against the prepared (lower-case) text, for phrases with a gap.
 */
export type Term = string | RegExp;

export interface Match {
  readonly start: number;
  readonly end: number;
  /** The matched text of the prepared copy (lower case, NFKC). */
  readonly text: string;
}

export interface PreparedText {
  /** NFKC, curly apostrophes straightened: for case-sensitive terms. */
  readonly exact: string;
  /** `exact` in lower case, same length and positions. */
  readonly lower: string;
}

export function prepareText(text: string): PreparedText {
  const exact = text.normalize('NFKC').replace(/[\u2018\u2019\u02BC]/g, "'");
  return { exact, lower: lowerSameLength(exact) };
}

/** Lower case without changing positions (a few characters, like `İ`, grow when lower-cased: they stay as they are). */
function lowerSameLength(s: string): string {
  const lower = s.toLowerCase();
  if (lower.length === s.length) return lower;
  return s.replace(/[\s\S]/gu, (c) => {
    const l = c.toLowerCase();
    return l.length === c.length ? l : c;
  });
}

interface CompiledTerm {
  readonly find: (text: PreparedText) => Match[];
}

/** A list of terms with the phrases that cancel them when a match lies inside one (`fire hydrant` for `fire`). */
export interface TermSet {
  readonly terms: readonly Term[];
  readonly exclude?: readonly Term[];
}

export interface CompiledTermSet {
  /** Every match not inside an exclusion, in text order. */
  findAll(text: PreparedText): Match[];
}

const HAS_LATIN_LETTER = /\p{Script=Latin}/u;

export function compileTermSet(set: TermSet): CompiledTermSet {
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

/** Drops every match that lies strictly inside a longer one, so `施工噪音` counts once, not also as `噪音`. */
export function longestMatches<T extends Match>(matches: readonly T[]): T[] {
  // Sweep by start (longest first at equal starts): a match is inside a longer one exactly when an earlier group
  // of different extent already reached its end. Equal ranges (one word in two tables) are kept together.
  const sorted = [...matches].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: T[] = [];
  let reach = -1;
  for (let i = 0; i < sorted.length; ) {
    const first = sorted[i] as T;
    let j = i;
    while (j < sorted.length && sorted[j]?.start === first.start && sorted[j]?.end === first.end) j++;
    if (first.end > reach) kept.push(...sorted.slice(i, j));
    reach = Math.max(reach, first.end);
    i = j;
  }
  return kept;
}
