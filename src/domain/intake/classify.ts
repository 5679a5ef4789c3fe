// Rule-based classification of a submission: what the citizen wants (kind), which department's field it is in
// (category), the language, and the hints the reply and the work-order system act on. Deliberately simple and
// explainable (keyword tables in keywords.ts); an agent re-classifies when it is wrong, and the channel's own
// answer (IVR menu choice, web form select, Open311 service) always wins over the keywords.
//
// Kind: each kind scores 3 per strong and 1 per weak keyword found (a match inside a longer match counts only as
// the longer one; closing courtesies like "谢谢" in a short last clause do not count as praise). The highest score
// wins; ties go to the more actionable kind: report, complaint, help, suggestion, consultation, feedback, praise.
// Without any keyword: `consultation` when the text is a question (question mark, final 吗/呢, or a sentence
// starting with how/what/can ...), otherwise `help` (a statement of a problem is a request to fix it; this also
// covers attachment-only submissions).
// Category: the same scoring over the category tables, ties in the order of CATEGORIES; `other` without keywords.
// Priority (BullMQ, 1 = first): 1 with an emergency hint, 5 for complaint, report and help (someone is waiting
// for something to be fixed), 10 for everything else.

import { rememberLatest } from '../remember-latest.js';
import { compileTermSets, longestMatches, prepareText } from './keyword-matcher.js';
import type { Match, PreparedText, TermSet } from './keyword-matcher.js';
import {
  CATEGORY_TERMS,
  CLOSING_COURTESY,
  EMERGENCY_RULES,
  HEALTH_TERMS,
  KIND_TERMS,
  LEGAL_TERMS,
  OUT_OF_SCOPE_TERMS,
  PRIVACY_REQUEST_TERMS,
  STATE_SECRET_TERMS,
  NEGATION_BEFORE_EN,
  NEGATION_BEFORE_ZH,
  QUESTION_EN_START,
  QUESTION_ZH,
} from './keywords.js';
import type { WeightedTerms } from './keywords.js';
import { findPrivacyKinds } from './privacy.js';
import { CATEGORIES } from './submission.js';
import type { Category, Channel, EmergencyLine, Hints, Kind, Language } from './submission.js';

export interface ClassifyInput {
  readonly text: string;
  /** Not used by the rules today; part of the input so channel-specific rules need no signature change. */
  readonly channel: Channel;
  readonly kind?: Kind;
  readonly category?: Category;
  /** An Open311 service code that names a category (`environment`, `environment.noise`) decides the category. */
  readonly open311ServiceCode?: string;
  readonly hasAttachments: boolean;
}

export interface Classification {
  readonly kind: Kind;
  readonly category: Category;
  readonly language: Language;
  readonly hints: Omit<Hints, 'repeatOf'>;
  readonly priority: number;
  /** The text asks for the request to be kept private (请保密, "keep this private"). */
  readonly privateAsked: boolean;
}

export const PRIORITY_EMERGENCY = 1;
export const PRIORITY_ACTION = 5;
export const PRIORITY_DEFAULT = 10;

const STRONG_WEIGHT = 3;
const WEAK_WEIGHT = 1;

/** Kinds in tie-break order: the ones where someone waits for action first. */
const KIND_PRECEDENCE: readonly Kind[] = ['report', 'complaint', 'help', 'suggestion', 'consultation', 'feedback', 'praise'];

/** Every term set classification uses, compiled together so that one pass over the text finds them all. */
const TERM_SETS: TermSet[] = [];
/** Registers a set and returns its index in a scan's results. */
const termSet = (set: TermSet): number => TERM_SETS.push(set) - 1;

interface WeightedSets<T> {
  readonly value: T;
  readonly strong: number;
  readonly weak: number;
}

const weightedSets = <T>(table: readonly WeightedTerms<T>[]): WeightedSets<T>[] =>
  table.map((t) => ({
    value: t.value,
    strong: termSet({ terms: t.strong, exclude: t.exclude ?? [] }),
    weak: termSet({ terms: t.weak, exclude: t.exclude ?? [] }),
  }));

const kindTables = weightedSets(KIND_TERMS);
const categoryTables = weightedSets(CATEGORY_TERMS);
const courtesy = termSet(CLOSING_COURTESY);
const legal = termSet(LEGAL_TERMS);
const outOfScope = termSet(OUT_OF_SCOPE_TERMS);
const stateSecret = termSet(STATE_SECRET_TERMS);
const privacyRequest = termSet(PRIVACY_REQUEST_TERMS);
const emergencies = EMERGENCY_RULES.map((rule) => ({ line: rule.line, terms: termSet(rule) }));
const health = termSet(HEALTH_TERMS);
const allTerms = compileTermSets(TERM_SETS);

/** The prepared text with each term set's matches (by the index `termSet` gave it). */
interface Scanned extends PreparedText {
  readonly matches: readonly (readonly Match[])[];
}

const matchesOf = (text: Scanned, set: number): readonly Match[] => text.matches[set] ?? [];

/**
 * Texts scanned lately, newest last: a channel asks whether a text is an emergency (fair use) before intake
 * classifies the same text, with other requests' awaits in between, and the scan is most of either's cost. Bounded,
 * and a pure function's results, so nothing but the time changes.
 */
const scan = rememberLatest((raw: string): Scanned => {
  const prepared = prepareText(raw);
  return { ...prepared, matches: allTerms.scan(prepared) };
}, 256);

/** The emergency line a text names (`classify(...).hints.emergency`), without the rest of the classification. */
export function emergencyIn(text: string): { line: EmergencyLine; matched: string } | undefined {
  return findEmergency(scan(text));
}

export function classify(input: ClassifyInput): Classification {
  const text = scan(input.text);
  const emergency = findEmergency(text);
  const kind = input.kind ?? kindFromText(text);
  const category = input.category ?? categoryFromServiceCode(input.open311ServiceCode) ?? categoryFromText(text);
  const legalMatch = matchesOf(text, legal)[0];
  const outOfScopeMatch = matchesOf(text, outOfScope)[0];
  const stateSecretMatch = matchesOf(text, stateSecret)[0];
  const privacy = findPrivacyKinds(text, matchesOf(text, health).length > 0);
  const hints: Omit<Hints, 'repeatOf'> = {
    ...(emergency ? { emergency } : {}),
    ...(legalMatch ? { legalProcedure: { matched: legalMatch.text } } : {}),
    ...(outOfScopeMatch ? { outOfScope: { matched: outOfScopeMatch.text } } : {}),
    ...(stateSecretMatch ? { stateSecret: { matched: stateSecretMatch.text } } : {}),
    ...(privacy.length > 0 ? { privacy: { matched: privacy } } : {}),
  };
  const privateAsked = matchesOf(text, privacyRequest).length > 0;
  return { kind, category, language: detectLanguage(input.text), hints, priority: priorityOf(kind, hints), privateAsked };
}

export function priorityOf(kind: Kind, hints: Hints): number {
  if (hints.emergency) return PRIORITY_EMERGENCY;
  if (kind === 'complaint' || kind === 'report' || kind === 'help') return PRIORITY_ACTION;
  return PRIORITY_DEFAULT;
}

/**
 * `zh` when Han characters are at least as many as Latin words (a Han character carries about a word), `en` when
 * Latin words outnumber them; text with neither (empty, digits, emoji) is `zh`, the hotline's default.
 */
export function detectLanguage(text: string): Language {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const latinWords = text.match(/\p{Script=Latin}+/gu)?.length ?? 0;
  if (han === 0 && latinWords === 0) return 'zh';
  return han >= latinWords ? 'zh' : 'en';
}

function findEmergency(text: Scanned): { line: EmergencyLine; matched: string } | undefined {
  for (const rule of emergencies) {
    const match = matchesOf(text, rule.terms).find((m) => !negated(text.lower, m));
    if (match) return { line: rule.line, matched: match.text };
  }
  return undefined;
}

function negated(lower: string, match: Match): boolean {
  const before = lower.slice(Math.max(0, match.start - 40), match.start);
  return NEGATION_BEFORE_ZH.test(before) || NEGATION_BEFORE_EN.test(before);
}

function kindFromText(text: Scanned): Kind {
  const closing = closingCourtesyRange(text);
  const scored = score(kindTables, text, (m) => {
    if (m.value !== 'praise' || !closing || m.start < closing.start) return m.weight;
    return m.weight === STRONG_WEIGHT ? WEAK_WEIGHT : 0;
  });
  const best = pickBest(scored, KIND_PRECEDENCE);
  if (best !== undefined) return best;
  return isQuestion(text) ? 'consultation' : 'help';
}

function categoryFromText(text: Scanned): Category {
  return pickBest(score(categoryTables, text, (m) => m.weight), CATEGORIES) ?? 'other';
}

function categoryFromServiceCode(code: string | undefined): Category | undefined {
  if (code === undefined) return undefined;
  const lower = code.trim().toLowerCase();
  return CATEGORIES.find((c) => lower === c || ['.', '/', ':'].some((sep) => lower.startsWith(c + sep)));
}

interface ScoredMatch<T> extends Match {
  readonly value: T;
  readonly weight: number;
}

function score<T>(
  tables: readonly WeightedSets<T>[],
  text: Scanned,
  weigh: (m: ScoredMatch<T>) => number,
): Map<T, number> {
  const matches: ScoredMatch<T>[] = [];
  for (const t of tables) {
    for (const m of matchesOf(text, t.strong)) matches.push({ start: m.start, end: m.end, text: m.text, value: t.value, weight: STRONG_WEIGHT });
    for (const m of matchesOf(text, t.weak)) matches.push({ start: m.start, end: m.end, text: m.text, value: t.value, weight: WEAK_WEIGHT });
  }
  const scores = new Map<T, number>();
  for (const m of longestMatches(matches)) scores.set(m.value, (scores.get(m.value) ?? 0) + weigh(m));
  return scores;
}

function pickBest<T>(scores: Map<T, number>, precedence: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestScore = 0;
  for (const value of precedence) {
    const s = scores.get(value) ?? 0;
    if (s > bestScore) {
      best = value;
      bestScore = s;
    }
  }
  return best;
}

/** Longest clause that may count as a closing courtesy: 8 Han characters or 6 Latin words. */
const CLOSING_MAX_HAN = 8;
const CLOSING_MAX_WORDS = 6;
const CLAUSE_END = new Set([...',，。.!！?？;；\n']);

/**
 * The last clause of the text when it is a short courtesy after other content ("……请尽快处理，谢谢！",
 * "... Thank you very much."): a plain thanks there is politeness, not praise (weighs 0), and even strong praise
 * there weighs only as much as a weak keyword of the request before it.
 */
function closingCourtesyRange(text: Scanned): { start: number; end: number } | undefined {
  const lower = text.lower;
  const trimmed = lower.replace(/[\s\p{P}\p{S}]+$/u, '');
  let boundary = trimmed.length - 1;
  while (boundary >= 0 && !CLAUSE_END.has(trimmed.charAt(boundary))) boundary--;
  if (boundary < 0) return undefined;
  const range = { start: boundary + 1, end: lower.length };
  // Most texts end without a courtesy: the scan's matches say so before any of the clause is counted.
  if (!matchesOf(text, courtesy).some((m) => m.start >= range.start)) return undefined;
  const before = trimmed.slice(0, boundary);
  if (!/[\p{L}\p{N}]/u.test(before)) return undefined;
  const clause = trimmed.slice(boundary + 1);
  const han = clause.match(/\p{Script=Han}/gu)?.length ?? 0;
  const words = clause.match(/\p{Script=Latin}+/gu)?.length ?? 0;
  if (han > CLOSING_MAX_HAN || words > CLOSING_MAX_WORDS) return undefined;
  return range;
}

function isQuestion(text: PreparedText): boolean {
  return text.lower.includes('?') || QUESTION_ZH.test(text.lower) || QUESTION_EN_START.test(text.lower.trimStart());
}
