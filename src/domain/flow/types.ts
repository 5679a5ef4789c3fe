// The in-memory model of an IVR flow, as loaded from `ivr-flows/*.yaml` and validated by the flow checker.
// Durations are milliseconds here; the YAML spells them as "5s", "1500ms", "2m".

import { KINDS, OPEN_STATUSES, STATUSES } from '../intake/submission.js';
import type { Kind } from '../intake/submission.js';

export type Lang = 'zh' | 'en';
export const LANGS: readonly Lang[] = ['zh', 'en'];

export type EmergencyService = '110' | '119' | '120' | '122';
export const EMERGENCY_SERVICES: readonly EmergencyService[] = ['110', '119', '120', '122'];

/** A prompt: one audio file (rendered or recorded per language) and its text in every language. */
export interface Prompt {
  /** Asterisk sound name without extension or language folder, e.g. `hotline/main-menu`. */
  readonly audio: string;
  readonly text: Readonly<Record<Lang, string>>;
}

/**
 * What a node plays: a prompt id, or digits read out from a flow variable (`{ digits: "ticket" }`),
 * which becomes Asterisk's `digits:` media.
 */
export type PromptRef = string | { readonly digits: string };

export type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#';

interface NodeBase {
  readonly id: string;
}

/** Plays prompts, then goes to `next`. With bargeIn, a digit stops the playback and is kept as type-ahead for `next`. */
export interface PlayNode extends NodeBase {
  readonly type: 'play';
  readonly prompts: readonly PromptRef[];
  readonly bargeIn: boolean;
  readonly next: string;
}

export interface MenuNode extends NodeBase {
  readonly type: 'menu';
  readonly prompts: readonly PromptRef[];
  /** Digit -> node id. */
  readonly options: Readonly<Partial<Record<Digit, string>>>;
  /** Time to wait for a digit after the prompt ends. */
  readonly timeoutMs: number;
  /** How many times the menu is offered again after an invalid digit or a timeout. */
  readonly retries: number;
  readonly invalidPrompts: readonly PromptRef[];
  readonly timeoutPrompts: readonly PromptRef[];
  readonly bargeIn: boolean;
  /** Where the caller goes when retries are exhausted (the hotline sends them to an agent, never hangs up). */
  readonly onFail: string;
  /** Flow variable that receives the key chosen (e.g. a rating 1-5 all options lead to); `null`: none. */
  readonly variable: string | null;
}

export interface CollectNode extends NodeBase {
  readonly type: 'collect';
  readonly prompts: readonly PromptRef[];
  readonly minDigits: number;
  readonly maxDigits: number;
  /** Ends input early; not stored. `null` when no terminator is used. */
  readonly terminator: '#' | null;
  /** Time to wait for the first digit after the prompt ends. */
  readonly timeoutMs: number;
  readonly interDigitTimeoutMs: number;
  readonly retries: number;
  readonly invalidPrompts: readonly PromptRef[];
  readonly timeoutPrompts: readonly PromptRef[];
  readonly bargeIn: boolean;
  /** Flow variable that receives the digits. */
  readonly variable: string;
  readonly next: string;
  readonly onFail: string;
}

/** Forward to a dedicated emergency line at once. Terminal for the IVR. */
export interface EmergencyNode extends NodeBase {
  readonly type: 'emergency';
  readonly service: EmergencyService;
}

/** Hand the caller to the agent queue with a skill and a priority (higher is served first). Terminal for the IVR. */
export interface QueueNode extends NodeBase {
  readonly type: 'queue';
  readonly prompts: readonly PromptRef[];
  readonly skill: string;
  readonly priority: number;
}

/** Record a voice message; `#` ends it. The recording name is stored in `variable`. */
export interface RecordNode extends NodeBase {
  readonly type: 'record';
  readonly prompts: readonly PromptRef[];
  readonly maxDurationMs: number;
  /** Silence that ends the recording; 0 disables. */
  readonly maxSilenceMs: number;
  readonly beep: boolean;
  readonly variable: string;
  readonly next: string;
}

/** What a work order about a voice message is (the intake's kinds). */
export const SUBMIT_KINDS: readonly Kind[] = KINDS;
export type SubmitKind = Kind;

/**
 * Turns the call's recording into a work order in the intake queue and stores its ticket number in `variable`
 * (so the next node can read it back). `next` once it is durable, `onFail` when intake could not take it.
 */
export interface SubmitNode extends NodeBase {
  readonly type: 'submit';
  readonly kind: SubmitKind;
  /** Variable holding the recording's name (set by a record node). */
  readonly recording: string;
  readonly variable: string;
  /** Variable that receives the ticket's PIN (read back with the ticket); `null`: the PIN is not kept. */
  readonly pin: string | null;
  /** Variable that, set to `yes`, asks for the request to be kept private; `null`: never private. */
  readonly private: string | null;
  readonly next: string;
  readonly onFail: string;
}

/** The value of a `private` variable that asks for privacy. */
export const PRIVATE_YES = 'yes';

/** The statuses a case can be in, each with its own outcome (and its own wording: `STATUS_WORDING`). */
export const STATUS_OUTCOMES = STATUSES;

/**
 * Where a case stands, as the IVR reads it out, or why it says nothing: `notFound` (not a ticket number at all),
 * `proofNeeded` (the caller ID does not open the case: ask for the PIN), `denied` (the PIN does not open it, or no
 * such case: the same answer, so tickets cannot be probed), `locked` (too many wrong PINs), `unavailable`.
 */
export const CASE_OUTCOMES = [...STATUS_OUTCOMES, 'notFound', 'proofNeeded', 'denied', 'locked', 'unavailable'] as const;

/**
 * Outcomes a flow may add: a resolved or closed case read with proof and not rated yet (the caller may rate it).
 * Without them, such a case takes `resolved` / `closed`.
 */
export const UNRATED_OUTCOMES = { resolvedUnrated: 'resolved', closedUnrated: 'closed' } as const;
export type UnratedOutcome = keyof typeof UNRATED_OUTCOMES;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number] | UnratedOutcome;

/**
 * Reads the case whose ticket is in `ticket`, with proof: the caller's own number first, else the PIN in `pin`
 * (which the node uses once and clears), and branches on where the case stands.
 */
export interface CaseStatusNode extends NodeBase {
  readonly type: 'caseStatus';
  readonly ticket: string;
  /** Variable holding a PIN the caller keyed in; `null`: only the caller ID is tried. */
  readonly pin: string | null;
  readonly outcomes: Readonly<Record<(typeof CASE_OUTCOMES)[number], string>> & Readonly<Partial<Record<UnratedOutcome, string>>>;
}

/** What became of a rating: kept, refused (already rated, or not rateable), or not taken (proof, intake). */
export const RATE_OUTCOMES = ['rated', 'refused', 'failed'] as const;
export type RateOutcome = (typeof RATE_OUTCOMES)[number];

/** Rates the case a `caseStatus` node opened (ticket in `ticket`), 1-5 from `score`, with the same proof. */
export interface RateCaseNode extends NodeBase {
  readonly type: 'rateCase';
  readonly ticket: string;
  readonly score: string;
  readonly outcomes: Readonly<Record<RateOutcome, string>>;
}

/** Where the caller's own newest open case stands (`none`: they have none), for a repeat caller. */
export const OPEN_CASE_OUTCOMES = [...OPEN_STATUSES, 'none', 'unavailable'] as const;
export type OpenCaseOutcome = (typeof OPEN_CASE_OUTCOMES)[number];

/**
 * Looks up the newest open case filed under the caller's number and branches on its status; its ticket goes into
 * `variable`. A caller who already keyed a choice (type-ahead) is not held up: `none`, without a lookup.
 */
export interface OpenCaseNode extends NodeBase {
  readonly type: 'openCase';
  readonly variable: string;
  readonly outcomes: Readonly<Record<OpenCaseOutcome, string>>;
}

/**
 * How often the caller's number has called: within the limits, past them (a notice and an agent instead of the
 * menus), or so far past them that the call is clearly abusive (a notice, emergencies only, then a polite goodbye).
 */
export const FAIR_USE_OUTCOMES = ['ok', 'over', 'abusive'] as const;
export type FairUseOutcome = (typeof FAIR_USE_OUTCOMES)[number];

/** Counts this call against the caller's number and branches on the verdict. */
export interface FairUseNode extends NodeBase {
  readonly type: 'fairUse';
  readonly outcomes: Readonly<Record<FairUseOutcome, string>>;
}

export interface SetNode extends NodeBase {
  readonly type: 'set';
  readonly variables: Readonly<Record<string, string>>;
  readonly next: string;
}

export interface GotoNode extends NodeBase {
  readonly type: 'goto';
  readonly target: string;
}

export interface HangupNode extends NodeBase {
  readonly type: 'hangup';
  readonly prompts: readonly PromptRef[];
}

export interface LanguageNode extends NodeBase {
  readonly type: 'language';
  readonly language: Lang;
  readonly next: string;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** A time window in the flow's time zone. `from`/`to` are minutes after midnight; `to` is exclusive. */
export interface TimeWindow {
  readonly days: readonly Weekday[];
  readonly fromMinute: number;
  readonly toMinute: number;
}

export interface ConditionBranch {
  /** Any of these windows matches (empty = always). */
  readonly windows: readonly TimeWindow[];
  /** `true`: only on holidays; `false`: never on holidays; `null`: holidays do not matter. */
  readonly holiday: boolean | null;
  readonly next: string;
}

/** Time-of-day / holiday condition: the first matching branch wins, else `otherwise`. */
export interface ConditionNode extends NodeBase {
  readonly type: 'condition';
  readonly branches: readonly ConditionBranch[];
  readonly otherwise: string;
}

export type FlowNode =
  | PlayNode
  | MenuNode
  | CollectNode
  | EmergencyNode
  | QueueNode
  | RecordNode
  | SubmitNode
  | CaseStatusNode
  | RateCaseNode
  | OpenCaseNode
  | FairUseNode
  | SetNode
  | GotoNode
  | HangupNode
  | LanguageNode
  | ConditionNode;

export type NodeType = FlowNode['type'];

export interface Flow {
  readonly name: string;
  readonly version: 1;
  readonly start: string;
  readonly defaultLanguage: Lang;
  readonly languages: readonly Lang[];
  /** IANA zone for condition nodes, e.g. `Asia/Shanghai`. */
  readonly timezone: string;
  /** ISO dates (YYYY-MM-DD, in `timezone`) that count as holidays. */
  readonly holidays: readonly string[];
  /** Longest time a caller may spend in the IVR before being sent to `onMaxDuration`. */
  readonly maxDurationMs: number;
  readonly onMaxDuration: string;
  /**
   * Where a caller goes who has been held in the IVR without progress (no node they had not been to yet) for the
   * gateway's idle limit (`IVR_IDLE_LIMIT`); `null`: no idle limit.
   */
  readonly onIdle: string | null;
  /** Global keys: `*` repeats the current prompt. */
  readonly repeatKey: Digit | null;
  readonly prompts: Readonly<Record<string, Prompt>>;
  readonly nodes: Readonly<Record<string, FlowNode>>;
}
