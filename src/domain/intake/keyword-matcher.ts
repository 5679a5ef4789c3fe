// Finds keywords in citizens' text for classification. Matching runs on a prepared copy of the text (NFKC, so
// full-width letters, digits and punctuation match their ASCII forms; lower case; curly apostrophes straightened),
// never on the stored text. Chinese terms match as substrings (Chinese has no spaces between words); English terms
// only as whole words, so `fire` does not match `firework` or `fired`.
//
// Every submission is matched against some 900 terms in 30-odd sets, so the sets are compiled together into one
// Aho-Corasick automaton over a literal "anchor" of each term: the whole term for a Chinese one, the first word for
// an English one (whose whole-word pattern is then tried only where its anchor occurs, exactly where a left-to-right
// regexp search could start a match). One pass over the text finds every set's candidates.

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

/** A list of terms with the phrases that cancel them when a match lies inside one (`fire hydrant` for `fire`). */
export interface TermSet {
  readonly terms: readonly Term[];
  readonly exclude?: readonly Term[];
}

export interface CompiledTermSet {
  /** Every match not inside an exclusion, in text order. */
  findAll(text: PreparedText): Match[];
}

export interface CompiledTermSets {
  /** For each set, in the order compiled: every match not inside one of its exclusions, in text order. */
  scan(text: PreparedText): Match[][];
}

const HAS_LATIN_LETTER = /\p{Script=Latin}/u;

/** Where a term's matches go: a set's terms or its exclusions. */
interface Sink {
  readonly set: number;
  readonly exclusion: boolean;
}

/** A case-insensitive Chinese term: each occurrence of the anchor is a match. */
interface SubstringTarget extends Sink {
  readonly kind: 'substring';
}

/** A case-insensitive Latin term: its whole-word pattern, tried (sticky) where its first word occurs. */
interface WordTarget extends Sink {
  readonly kind: 'word';
  readonly pattern: RegExp;
  /** Index into the per-scan "searched up to" table. */
  readonly slot: number;
}

type AnchorTarget = SubstringTarget | WordTarget;

/** Terms the automaton cannot anchor (RegExps, case-sensitive terms): searched on their own, as few as they are. */
interface DirectTerm extends Sink {
  readonly find: (text: PreparedText) => Match[];
}

export function compileTermSet(set: TermSet): CompiledTermSet {
  const compiled = compileTermSets([set]);
  return { findAll: (text) => compiled.scan(text)[0] ?? [] };
}

export function compileTermSets(sets: readonly TermSet[]): CompiledTermSets {
  const automaton = new AnchorAutomaton();
  const targets: AnchorTarget[][] = [];
  const direct: DirectTerm[] = [];
  let slots = 0;
  const add = (term: Term, sink: Sink): void => {
    const compiled = classifyTerm(term);
    if (compiled.kind === 'direct') {
      direct.push({ ...sink, find: compiled.find });
      return;
    }
    const anchor = automaton.add(compiled.anchor);
    const target: AnchorTarget = compiled.kind === 'substring' ? { ...sink, kind: 'substring' } : { ...sink, kind: 'word', pattern: compiled.pattern, slot: slots++ };
    (targets[anchor] ??= []).push(target);
  };
  sets.forEach((set, index) => {
    for (const term of set.terms) add(term, { set: index, exclusion: false });
    for (const term of set.exclude ?? []) add(term, { set: index, exclusion: true });
  });
  automaton.build();
  const searchedTo = new Int32Array(slots);
  const searchedIn = new Uint32Array(slots);
  let generation = 0;

  return {
    scan(text: PreparedText): Match[][] {
      // Stamps instead of clearing `searchedTo` per scan: a slot counts only if written during this scan.
      generation = generation === 0xffffffff ? 1 : generation + 1;
      if (generation === 1) searchedIn.fill(0);
      const found: (Match[] | undefined)[] = [];
      const excluded: (Match[] | undefined)[] = [];
      const put = (sink: Sink, match: Match): void => {
        if (sink.exclusion) (excluded[sink.set] ??= []).push(match);
        else (found[sink.set] ??= []).push(match);
      };
      const lower = text.lower;
      automaton.forEachOccurrence(lower, (anchor, start, end) => {
        for (const target of targets[anchor] ?? []) {
          if (target.kind === 'substring') {
            put(target, { start, end, text: lower.slice(start, end) });
            continue;
          }
          // A regexp search resumes after its previous match: an occurrence inside it cannot start another.
          if (searchedIn[target.slot] === generation && start < (searchedTo[target.slot] ?? 0)) continue;
          target.pattern.lastIndex = start;
          const m = target.pattern.exec(lower);
          if (m === null || m[0] === '') continue;
          const matchEnd = start + m[0].length;
          searchedIn[target.slot] = generation;
          searchedTo[target.slot] = matchEnd;
          put(target, { start, end: matchEnd, text: lower.slice(start, matchEnd) });
        }
      });
      for (const term of direct) for (const match of term.find(text)) put(term, match);
      return sets.map((_set, index) => {
        const matches = found[index];
        if (matches === undefined) return [];
        const exclusions = excluded[index];
        const kept = exclusions === undefined ? matches : matches.filter((m) => !exclusions.some((x) => x.start <= m.start && m.end <= x.end));
        return kept.sort(byStartThenLongest);
      });
    },
  };
}

function byStartThenLongest(a: Match, b: Match): number {
  return a.start - b.start || b.end - a.end;
}

type ClassifiedTerm =
  | { readonly kind: 'substring'; readonly anchor: string }
  | { readonly kind: 'word'; readonly anchor: string; readonly pattern: RegExp }
  | { readonly kind: 'direct'; readonly find: (text: PreparedText) => Match[] };

function classifyTerm(term: Term): ClassifiedTerm {
  if (term instanceof RegExp) {
    const flags = term.flags.includes('g') ? term.flags : `${term.flags}g`;
    const regexp = new RegExp(term.source, flags);
    return { kind: 'direct', find: (text) => regexpMatches(regexp, text.lower) };
  }
  const caseSensitive = term.startsWith('=');
  const body = caseSensitive ? term.slice(1) : term.toLowerCase();
  if (body === '') throw new Error('empty keyword term');
  if (!HAS_LATIN_LETTER.test(body)) {
    if (caseSensitive) return { kind: 'direct', find: (text) => substringMatches(body, text.exact, text.lower) };
    return { kind: 'substring', anchor: body };
  }
  const pattern = wordPattern(body);
  const firstWord = (body.split(/[\s-]+/).find((w) => w !== '') ?? '').replace(/\*$/, '');
  if (caseSensitive || firstWord === '') {
    const regexp = new RegExp(pattern, 'gu');
    return {
      kind: 'direct',
      find: (text) => {
        const haystack = caseSensitive ? text.exact : text.lower;
        return haystack.includes(firstWord) ? regexpMatches(regexp, haystack, text.lower) : [];
      },
    };
  }
  // The pattern starts with the first word as a literal, so every match starts at an occurrence of it.
  return { kind: 'word', anchor: firstWord, pattern: new RegExp(pattern, 'uy') };
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

/**
 * Aho-Corasick over UTF-16 code units: reports every occurrence of every anchor, overlapping ones included, in one
 * pass. The same anchor added twice is one anchor.
 */
class AnchorAutomaton {
  private readonly ids = new Map<string, number>();
  private readonly lengths: number[] = [];
  private readonly next: Map<number, number>[] = [new Map()];
  private fail: Int32Array = new Int32Array(1);
  /** Anchors ending at each state, its own and those of its suffixes. */
  private readonly outputs: (number[] | undefined)[] = [];
  private readonly ends: (number | undefined)[] = [];

  add(anchor: string): number {
    const known = this.ids.get(anchor);
    if (known !== undefined) return known;
    const id = this.lengths.length;
    this.ids.set(anchor, id);
    this.lengths.push(anchor.length);
    let state = 0;
    for (let i = 0; i < anchor.length; i++) {
      const code = anchor.charCodeAt(i);
      const transitions = this.next[state] as Map<number, number>;
      let to = transitions.get(code);
      if (to === undefined) {
        to = this.next.length;
        this.next.push(new Map());
        transitions.set(code, to);
      }
      state = to;
    }
    this.ends[state] = id;
    return id;
  }

  /** Links each state to its longest proper suffix that is also a state, breadth first. */
  build(): void {
    const fail = new Int32Array(this.next.length);
    const order: number[] = [];
    for (const to of (this.next[0] as Map<number, number>).values()) order.push(to);
    for (let head = 0; head < order.length; head++) {
      const state = order[head] as number;
      for (const [code, to] of this.next[state] as Map<number, number>) {
        let link = fail[state] as number;
        while (link !== 0 && !(this.next[link] as Map<number, number>).has(code)) link = fail[link] as number;
        const candidate = (this.next[link] as Map<number, number>).get(code);
        fail[to] = candidate !== undefined && candidate !== to ? candidate : 0;
        order.push(to);
      }
    }
    this.fail = fail;
    // Breadth-first order: a state's suffix link is complete before the state itself.
    for (const state of order) {
      const own = this.ends[state];
      const inherited = this.outputs[fail[state] as number];
      if (own === undefined && inherited === undefined) continue;
      this.outputs[state] = [...(own === undefined ? [] : [own]), ...(inherited ?? [])];
    }
  }

  forEachOccurrence(text: string, visit: (anchor: number, start: number, end: number) => void): void {
    const { next, fail, outputs, lengths } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      let to = (next[state] as Map<number, number>).get(code);
      while (to === undefined && state !== 0) {
        state = fail[state] as number;
        to = (next[state] as Map<number, number>).get(code);
      }
      state = to ?? 0;
      const found = outputs[state];
      if (found === undefined) continue;
      for (const anchor of found) visit(anchor, i + 1 - (lengths[anchor] as number), i + 1);
    }
  }
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
