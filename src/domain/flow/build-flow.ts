// Turns a schema-valid document into the in-memory Flow: applies the documented defaults, converts durations to
// milliseconds and clock times to minutes. Values that the schema cannot judge (e.g. "25:00") become issues here.

import { parseDuration } from './duration.js';
import { issue } from './flow-error.js';
import type { FlowIssue, PathSegment } from './flow-error.js';
import { LANGS } from './types.js';
import type {
  CaseStatusNode,
  ConditionBranch,
  Digit,
  EmergencyService,
  Flow,
  FlowNode,
  FairUseOutcome,
  Lang,
  OpenCaseOutcome,
  Prompt,
  PromptRef,
  RateOutcome,
  SubmitKind,
  TimeWindow,
  Weekday,
} from './types.js';

/** Defaults for everything a flow file may leave out; the schema's descriptions say the same. */
export const FLOW_DEFAULTS = {
  languages: ['zh'] as readonly Lang[],
  timezone: 'Asia/Shanghai',
  maxDuration: '10m',
  menuTimeout: '5s',
  collectTimeout: '5s',
  interDigitTimeout: '3s',
  retries: 2,
  minDigits: 1,
  terminator: '#' as const,
  playBargeIn: false,
  inputBargeIn: true,
  recordMaxDuration: '2m',
  recordMaxSilence: '5s',
  beep: true,
  priority: 0,
} as const;

export const ALL_WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

type RawPromptRef = string | { digits: string };

interface RawNode {
  type: FlowNode['type'];
  [key: string]: unknown;
}

interface RawWindow {
  days?: Weekday[];
  from: string;
  to: string;
}

interface RawBranch {
  when?: RawWindow[];
  holiday?: boolean | null;
  next: string;
}

/** The document as the schema guarantees it (optional fields may be absent). */
export interface RawFlow {
  version: 1;
  name: string;
  start: string;
  defaultLanguage?: Lang;
  languages?: Lang[];
  timezone?: string;
  holidays?: string[];
  maxDuration?: string;
  onMaxDuration: string;
  onIdle?: string;
  globalKeys?: { repeat?: Digit | null };
  prompts: Record<string, { audio: string; text: Partial<Record<Lang, string>> }>;
  nodes: Record<string, RawNode>;
}

export function buildFlow(raw: RawFlow): { flow: Flow; issues: FlowIssue[] } {
  const issues: FlowIssue[] = [];
  const duration = (value: unknown, fallback: string, path: readonly PathSegment[]): number => {
    const text = typeof value === 'string' ? value : fallback;
    const ms = parseDuration(text);
    if (ms === null) {
      issues.push(issue(path, 'FLOW_BAD_DURATION', `bad duration ${JSON.stringify(text)}: use e.g. "1500ms", "5s", "2m"`));
      return Number.NaN;
    }
    return ms;
  };
  const clock = (text: string, path: readonly PathSegment[], isEnd: boolean): number => {
    const minutes = parseClockTime(text, isEnd);
    if (minutes === null) {
      const range = isEnd ? '00:00-24:00' : '00:00-23:59';
      issues.push(issue(path, 'FLOW_BAD_TIME', `bad time "${text}": must be HH:MM within ${range}`));
      return Number.NaN;
    }
    return minutes;
  };

  const languages = raw.languages ?? FLOW_DEFAULTS.languages;
  const prompts: Record<string, Prompt> = {};
  for (const [id, prompt] of Object.entries(raw.prompts)) {
    // Languages the flow does not speak may have no text; '' keeps the model total without inventing words.
    const text = Object.fromEntries(LANGS.map((lang) => [lang, prompt.text[lang] ?? ''])) as Record<Lang, string>;
    prompts[id] = { audio: prompt.audio, text };
  }

  const nodes: Record<string, FlowNode> = {};
  for (const [id, node] of Object.entries(raw.nodes)) {
    nodes[id] = buildNode(id, node, ['nodes', id], duration, clock);
  }

  const flow: Flow = {
    name: raw.name,
    version: 1,
    start: raw.start,
    defaultLanguage: raw.defaultLanguage ?? languages[0] ?? 'zh',
    languages,
    timezone: raw.timezone ?? FLOW_DEFAULTS.timezone,
    holidays: raw.holidays ?? [],
    maxDurationMs: duration(raw.maxDuration, FLOW_DEFAULTS.maxDuration, ['maxDuration']),
    onMaxDuration: raw.onMaxDuration,
    onIdle: raw.onIdle ?? null,
    repeatKey: raw.globalKeys?.repeat ?? null,
    prompts,
    nodes,
  };
  return { flow, issues };
}

type DurationOf = (value: unknown, fallback: string, path: readonly PathSegment[]) => number;
type ClockOf = (text: string, path: readonly PathSegment[], isEnd: boolean) => number;

function buildNode(id: string, raw: RawNode, path: readonly PathSegment[], duration: DurationOf, clock: ClockOf): FlowNode {
  const str = (key: string): string => raw[key] as string;
  const optionalStr = (key: string): string | null => (raw[key] as string | undefined) ?? null;
  const refs = (key: string): PromptRef[] => ((raw[key] as RawPromptRef[] | undefined) ?? []).map(toPromptRef);
  const bool = (key: string, fallback: boolean): boolean => (raw[key] as boolean | undefined) ?? fallback;
  const int = (key: string, fallback: number): number => (raw[key] as number | undefined) ?? fallback;
  const ms = (key: string, fallback: string): number => duration(raw[key], fallback, [...path, key]);

  switch (raw.type) {
    case 'play':
      return { id, type: 'play', prompts: refs('prompts'), bargeIn: bool('bargeIn', FLOW_DEFAULTS.playBargeIn), next: str('next') };
    case 'menu':
      return {
        id,
        type: 'menu',
        prompts: refs('prompts'),
        options: { ...(raw.options as Partial<Record<Digit, string>>) },
        timeoutMs: ms('timeout', FLOW_DEFAULTS.menuTimeout),
        retries: int('retries', FLOW_DEFAULTS.retries),
        invalidPrompts: refs('invalidPrompts'),
        timeoutPrompts: refs('timeoutPrompts'),
        bargeIn: bool('bargeIn', FLOW_DEFAULTS.inputBargeIn),
        onFail: str('onFail'),
        variable: optionalStr('variable'),
      };
    case 'collect':
      return {
        id,
        type: 'collect',
        prompts: refs('prompts'),
        minDigits: int('minDigits', FLOW_DEFAULTS.minDigits),
        maxDigits: int('maxDigits', Number.NaN),
        terminator: raw.terminator === undefined ? FLOW_DEFAULTS.terminator : (raw.terminator as '#' | null),
        timeoutMs: ms('timeout', FLOW_DEFAULTS.collectTimeout),
        interDigitTimeoutMs: ms('interDigitTimeout', FLOW_DEFAULTS.interDigitTimeout),
        retries: int('retries', FLOW_DEFAULTS.retries),
        invalidPrompts: refs('invalidPrompts'),
        timeoutPrompts: refs('timeoutPrompts'),
        bargeIn: bool('bargeIn', FLOW_DEFAULTS.inputBargeIn),
        variable: str('variable'),
        next: str('next'),
        onFail: str('onFail'),
      };
    case 'emergency':
      // YAML reads an unquoted 110 as a number; the model always holds the string.
      return { id, type: 'emergency', service: String(raw.service) as EmergencyService };
    case 'queue':
      return { id, type: 'queue', prompts: refs('prompts'), skill: str('skill'), priority: int('priority', FLOW_DEFAULTS.priority) };
    case 'record':
      return {
        id,
        type: 'record',
        prompts: refs('prompts'),
        maxDurationMs: ms('maxDuration', FLOW_DEFAULTS.recordMaxDuration),
        maxSilenceMs: ms('maxSilence', FLOW_DEFAULTS.recordMaxSilence),
        beep: bool('beep', FLOW_DEFAULTS.beep),
        variable: str('variable'),
        next: str('next'),
      };
    case 'submit':
      return {
        id,
        type: 'submit',
        kind: raw.kind as SubmitKind,
        recording: str('recording'),
        variable: str('variable'),
        pin: optionalStr('pin'),
        private: optionalStr('private'),
        next: str('next'),
        onFail: str('onFail'),
      };
    case 'caseStatus':
      return {
        id,
        type: 'caseStatus',
        ticket: str('ticket'),
        pin: optionalStr('pin'),
        outcomes: { ...(raw.outcomes as CaseStatusNode['outcomes']) },
      };
    case 'rateCase':
      return { id, type: 'rateCase', ticket: str('ticket'), score: str('score'), outcomes: { ...(raw.outcomes as Record<RateOutcome, string>) } };
    case 'fairUse':
      return { id, type: 'fairUse', outcomes: { ...(raw.outcomes as Record<FairUseOutcome, string>) } };
    case 'openCase':
      return { id, type: 'openCase', variable: str('variable'), outcomes: { ...(raw.outcomes as Record<OpenCaseOutcome, string>) } };
    case 'set':
      return { id, type: 'set', variables: { ...(raw.variables as Record<string, string>) }, next: str('next') };
    case 'goto':
      return { id, type: 'goto', target: str('target') };
    case 'hangup':
      return { id, type: 'hangup', prompts: refs('prompts') };
    case 'language':
      return { id, type: 'language', language: raw.language as Lang, next: str('next') };
    case 'condition': {
      const branches: ConditionBranch[] = (raw.branches as RawBranch[]).map((branch, b) => ({
        windows: (branch.when ?? []).map((window, w): TimeWindow => {
          const windowPath = [...path, 'branches', b, 'when', w];
          return {
            days: window.days ?? ALL_WEEKDAYS,
            fromMinute: clock(window.from, [...windowPath, 'from'], false),
            toMinute: clock(window.to, [...windowPath, 'to'], true),
          };
        }),
        holiday: branch.holiday ?? null,
        next: branch.next,
      }));
      return { id, type: 'condition', branches, otherwise: str('otherwise') };
    }
  }
}

function toPromptRef(ref: RawPromptRef): PromptRef {
  return typeof ref === 'string' ? ref : { digits: ref.digits };
}

/** `"08:30"` -> 510. `"24:00"` is allowed only as the (exclusive) end of a window. */
export function parseClockTime(text: string, isEnd = false): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59) return null;
  if (hours < 24) return hours * 60 + minutes;
  if (isEnd && hours === 24 && minutes === 0) return 24 * 60;
  return null;
}
