// Test flows built in TypeScript and a small driver that feeds events to the machine.

import { CASE_OUTCOMES } from '../../../src/domain/flow/types.js';
import type { CaseOutcome, Digit, FairUseOutcome, Flow, FlowNode, OpenCaseOutcome, Prompt, RateOutcome } from '../../../src/domain/flow/types.js';
import { startCall, step } from '../../../src/domain/ivr/machine.js';
import type { IvrState } from '../../../src/domain/ivr/machine.js';
import type { IvrCommand, IvrEvent, TimerName } from '../../../src/domain/ivr/protocol.js';

function prompt(audio: string): Prompt {
  return { audio: `hotline/${audio}`, text: { zh: audio, en: audio } };
}

const PROMPTS = [
  'greeting',
  'main-menu',
  'invalid',
  'timeout',
  'ticket-prompt',
  'readback',
  'record-prompt',
  'thanks',
  'agent',
  'goodbye',
  'holiday',
  'case-status',
  'ticket-is',
  'not-saved',
];

/** 2025-03-03 is a Monday; 10:00 in Shanghai is 02:00 UTC. */
export const MONDAY_10AM_SHANGHAI = Date.UTC(2025, 2, 3, 2, 0);

/** A flow using every node kind (the 12345 menu in miniature). */
export function hotlineFlow(overrides: Partial<Flow> = {}, nodeOverrides: Record<string, Partial<FlowNode>> = {}): Flow {
  const nodes: Record<string, FlowNode> = {
    hours: {
      id: 'hours',
      type: 'condition',
      branches: [
        { windows: [], holiday: true, next: 'holiday-msg' },
        { windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], fromMinute: 8 * 60, toMinute: 20 * 60 }], holiday: null, next: 'welcome' },
      ],
      otherwise: 'closed',
    },
    welcome: { id: 'welcome', type: 'set', variables: { channel: 'phone' }, next: 'greeting' },
    greeting: { id: 'greeting', type: 'play', prompts: ['greeting'], bargeIn: true, next: 'main' },
    main: {
      id: 'main',
      type: 'menu',
      prompts: ['main-menu'],
      options: { '1': 'ticket', '2': 'leave-msg', '3': 'police', '4': 'english', '0': 'agent' },
      timeoutMs: 5000,
      retries: 2,
      invalidPrompts: ['invalid'],
      timeoutPrompts: ['timeout'],
      bargeIn: true,
      onFail: 'agent',
      variable: null,
    },
    ticket: {
      id: 'ticket',
      type: 'collect',
      prompts: ['ticket-prompt'],
      minDigits: 4,
      maxDigits: 8,
      terminator: '#',
      timeoutMs: 6000,
      interDigitTimeoutMs: 3000,
      retries: 1,
      invalidPrompts: ['invalid'],
      timeoutPrompts: ['timeout'],
      bargeIn: true,
      variable: 'ticket',
      next: 'readback',
      onFail: 'agent',
    },
    readback: { id: 'readback', type: 'play', prompts: ['readback', { digits: 'ticket' }], bargeIn: false, next: 'agent' },
    'leave-msg': {
      id: 'leave-msg',
      type: 'record',
      prompts: ['record-prompt'],
      maxDurationMs: 60_000,
      maxSilenceMs: 5000,
      beep: true,
      variable: 'message',
      next: 'thanks',
    },
    thanks: { id: 'thanks', type: 'hangup', prompts: ['thanks'] },
    police: { id: 'police', type: 'emergency', service: '110' },
    english: { id: 'english', type: 'language', language: 'en', next: 'to-main' },
    'to-main': { id: 'to-main', type: 'goto', target: 'main' },
    agent: { id: 'agent', type: 'queue', prompts: ['agent'], skill: 'general', priority: 5 },
    'holiday-msg': { id: 'holiday-msg', type: 'play', prompts: ['holiday'], bargeIn: false, next: 'agent' },
    closed: { id: 'closed', type: 'hangup', prompts: ['goodbye'] },
  };
  for (const [id, patch] of Object.entries(nodeOverrides)) {
    nodes[id] = { ...(nodes[id] ?? {}), ...patch, id } as FlowNode;
  }
  return {
    name: 'test',
    version: 1,
    start: 'hours',
    defaultLanguage: 'zh',
    languages: ['zh', 'en'],
    timezone: 'Asia/Shanghai',
    holidays: ['2025-10-01'],
    maxDurationMs: 300_000,
    onMaxDuration: 'agent',
    onIdle: null,
    repeatKey: '*',
    prompts: Object.fromEntries(PROMPTS.map((p) => [p, prompt(p)])),
    nodes,
    ...overrides,
  };
}

/**
 * `hotlineFlow` with intake: the ticket read back is looked up (every outcome to its own `case-<outcome>` play
 * node, back to the main menu), and a message left is submitted (`msgTicket` read back, else `not-saved`).
 * `nodeOverrides` are merged into these patches, so overriding one field keeps the intake wiring.
 */
export function intakeFlow(overrides: Partial<Flow> = {}, nodeOverrides: Record<string, Partial<FlowNode>> = {}): Flow {
  const patches: Record<string, Partial<FlowNode>> = {
    readback: { next: 'lookup' },
    lookup: {
      type: 'caseStatus',
      ticket: 'ticket',
      outcomes: Object.fromEntries(CASE_OUTCOMES.map((outcome) => [outcome, `case-${outcome}`])) as Record<CaseOutcome, string>,
    },
    ...Object.fromEntries(
      CASE_OUTCOMES.map((outcome) => [`case-${outcome}`, { type: 'play', prompts: ['case-status'], bargeIn: true, next: 'main' } as Partial<FlowNode>]),
    ),
    'leave-msg': { next: 'submit-msg' },
    'submit-msg': { type: 'submit', kind: 'suggestion', recording: 'message', variable: 'msgTicket', next: 'msg-ticket', onFail: 'not-saved' },
    'msg-ticket': { type: 'play', prompts: ['ticket-is', { digits: 'msgTicket' }], bargeIn: false, next: 'thanks' },
    'not-saved': { type: 'queue', prompts: ['not-saved'], skill: 'general', priority: 4 },
  };
  for (const [id, patch] of Object.entries(nodeOverrides)) {
    patches[id] = { ...(patches[id] ?? {}), ...patch } as Partial<FlowNode>;
  }
  return hotlineFlow(overrides, patches);
}

/** Drives one call through the machine, keeping the state and every command. */
export class CallDriver {
  state: IvrState;
  readonly log: IvrCommand[] = [];
  at: number;

  constructor(
    readonly flow: Flow,
    at = MONDAY_10AM_SHANGHAI,
    idleLimitMs?: number,
  ) {
    this.at = at;
    const first = startCall(flow, { type: 'started', at, callId: 'call-1', caller: '13800000000', ...(idleLimitMs === undefined ? {} : { idleLimitMs }) });
    this.state = first.state;
    this.log.push(...first.commands);
    this.lastCommands = first.commands;
  }

  lastCommands: readonly IvrCommand[];

  send(event: IvrEvent): readonly IvrCommand[] {
    const result = step(this.flow, this.state, event);
    this.state = result.state;
    this.log.push(...result.commands);
    this.lastCommands = result.commands;
    return result.commands;
  }

  private tick(): number {
    this.at += 100;
    return this.at;
  }

  digit(digit: Digit): readonly IvrCommand[] {
    return this.send({ type: 'digit', at: this.tick(), digit });
  }

  digits(keys: string): readonly IvrCommand[] {
    const all: IvrCommand[] = [];
    for (const key of keys) all.push(...this.digit(key as Digit));
    return all;
  }

  /** Ends the playback in progress (or the given one). */
  playbackDone(ok = true, playback = this.state.playing ?? -1): readonly IvrCommand[] {
    return this.send({ type: 'playbackFinished', at: this.tick(), playback, ok });
  }

  timer(timer: TimerName): readonly IvrCommand[] {
    return this.send({ type: 'timer', at: this.tick(), timer });
  }

  recordingDone(ok = true, name = this.state.recording ?? 'none', durationMs = 4200): readonly IvrCommand[] {
    return this.send({ type: 'recordingFinished', at: this.tick(), ok, name, durationMs });
  }

  /** Answers the pending `submit` request (or the given request number), with the ticket's PIN when given. */
  submitted(ticket: string | null, request = this.state.pending ?? -1, pin: string | null = null): readonly IvrCommand[] {
    return this.send({ type: 'submitted', at: this.tick(), request, ticket, pin });
  }

  /** Answers the pending `rateCase` request (or the given request number). */
  caseRated(outcome: RateOutcome, request = this.state.pending ?? -1): readonly IvrCommand[] {
    return this.send({ type: 'caseRated', at: this.tick(), request, outcome });
  }

  /** Answers the pending `openCase` request (or the given request number). */
  openCaseFound(outcome: OpenCaseOutcome, ticket: string | null = null, request = this.state.pending ?? -1): readonly IvrCommand[] {
    return this.send({ type: 'openCaseFound', at: this.tick(), request, outcome, ticket });
  }

  /** Answers the pending `lookupCase` request (or the given request number). */
  caseLooked(outcome: CaseOutcome, request = this.state.pending ?? -1): readonly IvrCommand[] {
    return this.send({ type: 'caseLooked', at: this.tick(), request, outcome });
  }

  /** Answers the pending `checkCaller` request (or the given request number). */
  callerChecked(outcome: FairUseOutcome, request = this.state.pending ?? -1): readonly IvrCommand[] {
    return this.send({ type: 'callerChecked', at: this.tick(), request, outcome });
  }

  hangUp(): readonly IvrCommand[] {
    return this.send({ type: 'hungUp', at: this.tick() });
  }
}

/** The commands without the informational ones, which most assertions do not care about. */
export function actions(commands: readonly IvrCommand[]): IvrCommand[] {
  return commands.filter((c) => c.type !== 'entered');
}

export function entered(commands: readonly IvrCommand[]): string[] {
  return commands.flatMap((c) => (c.type === 'entered' ? [c.node] : []));
}

export function plays(commands: readonly IvrCommand[]): Extract<IvrCommand, { type: 'play' }>[] {
  return commands.filter((c): c is Extract<IvrCommand, { type: 'play' }> => c.type === 'play');
}
