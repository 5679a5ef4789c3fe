// Random event sequences (including stale, duplicate and out-of-place events, and hang-ups at every point)
// against a flow that uses every node kind, checking the invariants the ARI adapter relies on.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASE_OUTCOMES, FAIR_USE_OUTCOMES, OPEN_CASE_OUTCOMES, RATE_OUTCOMES, UNRATED_OUTCOMES } from '../../../src/domain/flow/types.js';
import type { CaseOutcome, Digit, FairUseOutcome, Flow, OpenCaseOutcome, RateOutcome } from '../../../src/domain/flow/types.js';
import { activeTimers, isFinished, startCall, step } from '../../../src/domain/ivr/machine.js';
import type { IvrState } from '../../../src/domain/ivr/machine.js';
import type { IvrCommand, IvrEvent, TimerName } from '../../../src/domain/ivr/protocol.js';
import { intakeFlow } from './fixtures.js';

const DIGITS: readonly Digit[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];
const TIMERS: readonly TimerName[] = ['input', 'interDigit', 'maxDuration'];
const WEEK_MS = 7 * 24 * 3600_000;
const TICKETS: readonly (string | null)[] = ['000000018', '123456789012', null];
const LOOKUP_OUTCOMES: readonly CaseOutcome[] = [...CASE_OUTCOMES, ...(Object.keys(UNRATED_OUTCOMES) as CaseOutcome[])];
const PRESET_PIN = '123456';
/** The answers a node waits for, by the node kind that asked. */
const ANSWERED_BY = { submitted: 'submit', caseLooked: 'caseStatus', caseRated: 'rateCase', openCaseFound: 'openCase', callerChecked: 'fairUse' } as const;
type AnswerEvent = Extract<IvrEvent, { type: keyof typeof ANSWERED_BY }>;
const isAnswer = (event: IvrEvent): event is AnswerEvent => Object.hasOwn(ANSWERED_BY, event.type);
const REQUESTS = { submit: 'submit', lookupCase: 'caseStatus', rateCase: 'rateCase', openCase: 'openCase', checkCaller: 'fairUse' } as const;

type Action =
  | { readonly kind: 'digit'; readonly digit: Digit }
  | { readonly kind: 'finishCurrent'; readonly ok: boolean }
  | { readonly kind: 'finishOther'; readonly playback: number; readonly ok: boolean }
  | { readonly kind: 'fireRunning'; readonly pick: number }
  | { readonly kind: 'timer'; readonly timer: TimerName }
  | { readonly kind: 'recording'; readonly ok: boolean; readonly sameName: boolean }
  /** `current`: answers the request the adapter last saw; otherwise a random (mostly stale) request number. */
  | { readonly kind: 'submitted'; readonly current: boolean; readonly request: number; readonly ticket: string | null }
  | { readonly kind: 'caseLooked'; readonly current: boolean; readonly request: number; readonly outcome: CaseOutcome }
  | { readonly kind: 'caseRated'; readonly current: boolean; readonly request: number; readonly outcome: RateOutcome }
  | { readonly kind: 'callerChecked'; readonly current: boolean; readonly request: number; readonly outcome: FairUseOutcome }
  | { readonly kind: 'openCaseFound'; readonly current: boolean; readonly request: number; readonly outcome: OpenCaseOutcome; readonly ticket: string | null }
  | { readonly kind: 'hungUp' }
  | { readonly kind: 'started' };

/** Three answers in four are to the request in flight, so the nodes behind an answer are explored too. */
const mostlyCurrent = fc.constantFrom(true, true, true, false);

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...DIGITS).map((digit) => ({ kind: 'digit' as const, digit })) },
  { weight: 6, arbitrary: fc.boolean().map((ok) => ({ kind: 'finishCurrent' as const, ok })) },
  { weight: 1, arbitrary: fc.record({ playback: fc.integer({ min: -1, max: 30 }), ok: fc.boolean() }).map((r) => ({ kind: 'finishOther' as const, ...r })) },
  { weight: 4, arbitrary: fc.nat(7).map((pick) => ({ kind: 'fireRunning' as const, pick })) },
  { weight: 1, arbitrary: fc.constantFrom(...TIMERS).map((timer) => ({ kind: 'timer' as const, timer })) },
  { weight: 2, arbitrary: fc.record({ ok: fc.boolean(), sameName: fc.boolean() }).map((r) => ({ kind: 'recording' as const, ...r })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ current: mostlyCurrent, request: fc.integer({ min: -1, max: 6 }), ticket: fc.constantFrom(...TICKETS) })
      .map((r) => ({ kind: 'submitted' as const, ...r })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ current: mostlyCurrent, request: fc.integer({ min: -1, max: 6 }), outcome: fc.constantFrom(...LOOKUP_OUTCOMES) })
      .map((r) => ({ kind: 'caseLooked' as const, ...r })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ current: mostlyCurrent, request: fc.integer({ min: -1, max: 6 }), outcome: fc.constantFrom(...RATE_OUTCOMES) })
      .map((r) => ({ kind: 'caseRated' as const, ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ current: mostlyCurrent, request: fc.integer({ min: -1, max: 6 }), outcome: fc.constantFrom(...FAIR_USE_OUTCOMES) })
      .map((r) => ({ kind: 'callerChecked' as const, ...r })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        current: mostlyCurrent,
        request: fc.integer({ min: -1, max: 6 }),
        outcome: fc.constantFrom(...OPEN_CASE_OUTCOMES),
        ticket: fc.constantFrom(...TICKETS),
      })
      .map((r) => ({ kind: 'openCaseFound' as const, ...r })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'hungUp' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'started' as const }) },
);

// The flow is built from generated options inside the property, so a counterexample prints the options only.
const flowOptions = fc.record({
    menuBargeIn: fc.boolean(),
    collectBargeIn: fc.boolean(),
    greetingBargeIn: fc.boolean(),
    repeatKey: fc.constantFrom<Digit | null>('*', null),
    terminator: fc.constantFrom<'#' | null>('#', null),
    minDigits: fc.integer({ min: 0, max: 3 }),
    retries: fc.integer({ min: 0, max: 2 }),
    // Starting further in makes the deeper nodes as likely to be exercised as the first ones.
    // The preset-* starts set the variable a lookup/submission reads and go straight to it, so waiting for an
    // answer is explored as much as waiting for the caller.
    start: fc.constantFrom('hours', 'hours', 'main', 'ticket', 'ticket', 'leave-msg', 'preset-lookup', 'preset-lookup', 'preset-lookup', 'preset-submit', 'lookup', 'submit-msg', 'mine', 'rate-menu', 'screen'),
    category: fc.constantFrom<string | null>(null, 'environment'),
});

const lookupOutcomes = Object.fromEntries(CASE_OUTCOMES.map((outcome) => [outcome, `case-${outcome}`])) as Record<(typeof CASE_OUTCOMES)[number], string>;

type FlowOptions = typeof flowOptions extends fc.Arbitrary<infer T> ? T : never;

function flowFor(o: FlowOptions): Flow {
  return intakeFlow({ repeatKey: o.repeatKey, start: o.start }, {
      welcome: { variables: o.category === null ? { channel: 'phone' } : { channel: 'phone', category: o.category } },
      'preset-lookup': { type: 'set', variables: { ticket: '1234', pin: PRESET_PIN }, next: 'lookup' },
      lookup: { pin: 'pin', outcomes: { ...lookupOutcomes, resolvedUnrated: 'rate-menu', closedUnrated: 'rate-menu' } },
      'rate-menu': { type: 'menu', prompts: ['case-status'], options: { '1': 'rate', '2': 'rate', '3': 'rate', '4': 'rate', '5': 'rate', '0': 'main' }, timeoutMs: 4000, retries: o.retries, invalidPrompts: [], timeoutPrompts: [], bargeIn: true, onFail: 'main', variable: 'score' },
      rate: { type: 'rateCase', ticket: 'ticket', score: 'score', outcomes: { rated: 'rated', refused: 'main', failed: 'agent' } },
      rated: { type: 'play', prompts: ['thanks'], bargeIn: false, next: 'main' },
      mine: { type: 'openCase', variable: 'mine', outcomes: { received: 'mine-said', accepted: 'mine-said', in_progress: 'mine-said', none: 'main', unavailable: 'greeting' } },
      screen: { type: 'fairUse', outcomes: { ok: 'hours', over: 'over-notice', abusive: 'closed' } },
      'over-notice': { type: 'play', prompts: ['agent'], bargeIn: true, next: 'main' },
      'mine-said': { type: 'play', prompts: ['ticket-is', { digits: 'mine' }], bargeIn: true, next: 'main' },
      'preset-submit': { type: 'set', variables: { message: 'earlier-recording' }, next: 'submit-msg' },
      greeting: { bargeIn: o.greetingBargeIn },
      main: { bargeIn: o.menuBargeIn, retries: o.retries },
      ticket: { bargeIn: o.collectBargeIn, terminator: o.terminator, minDigits: o.minDigits, maxDigits: 4, retries: o.retries },
    });
}

/** The adapter's view: which timers run and which playback plays, built from the commands alone. */
interface World {
  running: Set<TimerName>;
  playing: number | null;
  lastPlayback: number;
  /** The last submit/lookupCase request, and whether its answer is still outstanding. */
  lastRequest: number;
  pending: number | null;
  terminalCommands: number;
}

function newWorld(): World {
  return { running: new Set(), playing: null, lastPlayback: 0, lastRequest: 0, pending: null, terminalCommands: 0 };
}

function toEvent(a: Action, state: IvrState, world: World, at: number): IvrEvent {
  switch (a.kind) {
    case 'digit':
      return { type: 'digit', at, digit: a.digit };
    case 'finishCurrent':
      return { type: 'playbackFinished', at, playback: world.playing ?? world.lastPlayback, ok: a.ok };
    case 'finishOther':
      return { type: 'playbackFinished', at, playback: a.playback, ok: a.ok };
    case 'fireRunning': {
      // maxDuration ends most of the interesting paths, so it fires less often than the input timers.
      const inputTimers = [...world.running].filter((t) => t !== 'maxDuration');
      const timer: TimerName =
        inputTimers.length > 0 && a.pick > 0 ? (inputTimers[a.pick % inputTimers.length] as TimerName) : world.running.has('maxDuration') ? 'maxDuration' : 'input';
      return { type: 'timer', at, timer };
    }
    case 'timer':
      return { type: 'timer', at, timer: a.timer };
    case 'recording':
      return { type: 'recordingFinished', at, ok: a.ok, name: a.sameName ? (state.recording ?? 'x') : 'other', durationMs: 1000 };
    case 'submitted':
      return { type: 'submitted', at, request: a.current ? world.lastRequest : a.request, ticket: a.ticket, pin: null };
    case 'caseLooked':
      return { type: 'caseLooked', at, request: a.current ? world.lastRequest : a.request, outcome: a.outcome };
    case 'callerChecked':
      return { type: 'callerChecked', at, request: a.current ? world.lastRequest : a.request, outcome: a.outcome };
    case 'caseRated':
      return { type: 'caseRated', at, request: a.current ? world.lastRequest : a.request, outcome: a.outcome };
    case 'openCaseFound':
      return { type: 'openCaseFound', at, request: a.current ? world.lastRequest : a.request, outcome: a.outcome, ticket: a.ticket };
    case 'hungUp':
      return { type: 'hungUp', at };
    case 'started':
      return { type: 'started', at, callId: 'again', caller: '0' };
  }
}

/** Applies one step's commands to the adapter's view, checking each against it. */
function applyCommands(flow: Flow, world: World, commands: readonly IvrCommand[], after: IvrState): void {
  commands.forEach((c, i) => {
    switch (c.type) {
      case 'startTimer':
        world.running.add(c.timer);
        break;
      case 'cancelTimer':
        // Only running timers are cancelled.
        expect(world.running.has(c.timer)).toBe(true);
        world.running.delete(c.timer);
        break;
      case 'play':
        expect(c.playback).toBeGreaterThan(world.lastPlayback);
        expect(c.media.length).toBeGreaterThan(0);
        expect(world.playing).toBeNull(); // never two playbacks at once
        world.lastPlayback = c.playback;
        world.playing = c.playback;
        break;
      case 'stopPlayback':
        expect(c.playback).toBe(world.playing);
        world.playing = null;
        break;
      case 'entered':
        expect(Object.hasOwn(flow.nodes, c.node)).toBe(true);
        break;
      case 'record':
        expect(flow.nodes[after.node ?? '']?.type).toBe('record');
        break;
      case 'submit':
      case 'lookupCase':
      case 'rateCase':
      case 'openCase':
      case 'checkCaller': {
        // One request at a time, numbered upwards, and it is the last thing the step does: the node waits for it.
        expect(world.pending).toBeNull();
        expect(c.request).toBe(world.lastRequest + 1);
        expect(i).toBe(commands.length - 1);
        world.lastRequest = c.request;
        world.pending = c.request;
        const node = flow.nodes[after.node ?? ''];
        expect(node?.type).toBe(REQUESTS[c.type]);
        expect(after.pending).toBe(c.request);
        if (c.type === 'submit' && node?.type === 'submit') {
          expect(c.recording).toBe(after.variables[node.recording]);
          expect(c.recording).not.toBe('');
          expect(c.category).toBe(after.variables.category ?? null);
          expect(c.lang).toBe(after.language);
        }
        if (c.type === 'lookupCase' && node?.type === 'caseStatus') {
          expect(c.ticket).toBe(after.variables[node.ticket]);
          // The PIN proves one reading: it is taken out of the variables, and kept with the ticket for a rating.
          expect([null, PRESET_PIN]).toContain(c.pin);
          expect(after.variables.pin).toBeUndefined();
          expect(after.caseProof).toEqual({ ticket: c.ticket, pin: c.pin });
        }
        if (c.type === 'rateCase') {
          // Only the case the last reading opened, with its proof, and a score 1-5.
          expect(after.caseProof).toEqual({ ticket: c.ticket, pin: c.pin });
          expect(c.ticket).toBe(after.variables.ticket);
          expect([1, 2, 3, 4, 5]).toContain(c.score);
        }
        break;
      }
      case 'forwardEmergency':
      case 'enqueue':
      case 'hangup':
        world.terminalCommands += 1;
        expect(i).toBe(commands.length - 1);
        expect(world.running.size).toBe(0);
        expect(world.playing).toBeNull();
        break;
      default:
        break;
    }
    if (c.type === 'hangup') {
      // Bad input never hangs up: only a hangup node does (this flow has no loops to fall back from).
      expect(flow.nodes[after.node ?? '']?.type).toBe('hangup');
      expect(after.outcome).toEqual({ kind: 'hangup' });
    }
  });
}

describe('IVR machine invariants (property)', () => {
  it('holds for random event sequences, hang-ups anywhere', () => {
    fc.assert(
      fc.property(
        flowOptions,
        fc.integer({ min: 0, max: WEEK_MS }),
        fc.array(action, { maxLength: 60, size: 'medium' }),
        (options, offset, actions) => {
          const flow = flowFor(options);
          let at = Date.UTC(2025, 8, 29) + offset; // a week covering the 2025-10-01 holiday
          const first = startCall(flow, { type: 'started', at, callId: 'prop-1', caller: '1' });
          const world = newWorld();
          applyCommands(flow, world, first.commands, first.state);
          let state = first.state;
          for (const a of actions) {
            at += 250;
            const event = toEvent(a, state, world, at);
            const wasFinished = isFinished(state);
            const timerWasRunning = event.type === 'timer' && world.running.has(event.timer);
            const result = step(flow, state, event);
            if (wasFinished) {
              // Nothing happens after the end.
              expect(result.commands).toEqual([]);
              expect(result.state).toBe(state);
              continue;
            }
            if (timerWasRunning && event.type === 'timer') world.running.delete(event.timer);
            if (event.type === 'playbackFinished' && event.playback === world.playing) world.playing = null;
            // An answer is accepted only by the node that asked, for the request it asked; anything else is stale.
            const asker = flow.nodes[state.node ?? '']?.type;
            const accepted = isAnswer(event) && event.request === world.pending && ANSWERED_BY[event.type] === asker;
            if (accepted) world.pending = null;
            if (isAnswer(event) && !accepted) {
              expect(result.commands).toEqual([]);
              expect(result.state).toEqual(state);
            }
            if (event.type === 'hungUp') {
              // The channel is gone: only timer cancellations, and all of them.
              expect(result.commands.every((c) => c.type === 'cancelTimer')).toBe(true);
              expect(result.state.outcome).toEqual({ kind: 'callerHungUp' });
              world.playing = null;
              world.pending = null;
            }
            if (result.commands.some((c) => c.type === 'entered')) {
              // Leaving the node abandons its request: its answer will be stale.
              world.pending = null;
            }
            applyCommands(flow, world, result.commands, result.state);
            state = result.state;

            // The machine's own view of timers equals the adapter's.
            expect([...activeTimers(state)].sort()).toEqual([...world.running].sort());
            expect(state.playing).toBe(world.playing);
            expect(state.pending).toBe(world.pending);
            expect(state.pending !== null).toBe(state.phase === 'waiting');
            if (isFinished(state)) {
              // No timer or playback is left behind.
              expect(activeTimers(state)).toEqual([]);
              expect(world.running.size).toBe(0);
              expect(world.playing).toBeNull();
            } else {
              // Never waiting for nothing: something is pending that will produce an event.
              const waiting =
                state.playing !== null ||
                state.timers.includes('input') ||
                state.timers.includes('interDigit') ||
                state.phase === 'recording' ||
                state.pending !== null;
              expect(waiting).toBe(true);
            }
            // Input timers run only while their node waits for input (a left node's timers are gone).
            const nodeType = flow.nodes[state.node ?? '']?.type;
            if (state.timers.includes('input')) {
              expect(state.phase).toBe('input');
              expect(['menu', 'collect']).toContain(nodeType);
            }
            if (state.timers.includes('interDigit')) {
              expect(state.phase).toBe('digits');
              expect(nodeType).toBe('collect');
            }
            const ticket = state.variables.ticket;
            if (ticket !== undefined) expect(ticket).toMatch(/^[0-9]{0,4}$/);
            // Only a ticket intake gave is kept; a failed submission leaves nothing to read back.
            const msgTicket = state.variables.msgTicket;
            if (msgTicket !== undefined) expect(TICKETS).toContain(msgTicket);
          }
          expect(world.terminalCommands).toBeLessThanOrEqual(1);
          if (world.terminalCommands === 1) expect(isFinished(state)).toBe(true);
          // Hanging up at the very end always leaves nothing running.
          const end = step(flow, state, { type: 'hungUp', at: at + 1 });
          expect(activeTimers(end.state)).toEqual([]);
          expect(isFinished(end.state)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reaches every node kind across the generated runs (the property is not vacuous)', () => {
    const seen = new Set<string>();
    /** Where accepted answers to submissions and lookups led. */
    const answered = new Set<string>();
    const randomActions = fc.array(action, { maxLength: 60, size: 'medium' });
    const explore = (options: fc.Arbitrary<FlowOptions>, numRuns: number, actionLists: fc.Arbitrary<Action[]> = randomActions): void =>
      fc.assert(
      fc.property(options, fc.integer({ min: 0, max: WEEK_MS }), actionLists, (options, offset, actions) => {
        const flow = flowFor(options);
        let at = Date.UTC(2025, 8, 29) + offset;
        let { state } = startCall(flow, { type: 'started', at, callId: 'p', caller: '1' });
        const note = (s: IvrState): void => {
          for (const id of s.path) seen.add(flow.nodes[id]?.type ?? '?');
        };
        const world = newWorld();
        // The start may already have asked for something (the preset-* starts).
        world.lastRequest = state.lastRequest;
        for (const a of actions) {
          at += 250;
          const event = toEvent(a, state, world, at);
          const result = step(flow, state, event);
          const firstEntered = result.commands.find((c) => c.type === 'entered');
          if (isAnswer(event) && firstEntered?.type === 'entered') answered.add(firstEntered.node);
          for (const c of result.commands) {
            if (c.type === 'startTimer') world.running.add(c.timer);
            if (c.type === 'cancelTimer') world.running.delete(c.timer);
            if (c.type === 'play') world.playing = world.lastPlayback = c.playback;
          }
          state = result.state;
          world.lastRequest = state.lastRequest;
          world.playing = state.playing;
          world.running = new Set(state.timers);
        }
        note(state);
      }),
      { numRuns, seed: 12345 },
    );
    explore(flowOptions, 2000);
    // The rating is three steps deep (a finished unrated case read, a score keyed, the rating's answer): these calls
    // start there and go on at random, so each way a rating can end is taken.
    const atRating: Action[] = [
      { kind: 'caseLooked', current: true, request: 1, outcome: 'resolvedUnrated' },
      { kind: 'digit', digit: '3' },
    ];
    explore(
      flowOptions.map((o) => ({ ...o, start: 'preset-lookup' as const })),
      300,
      randomActions.map((rest) => [...atRating, ...rest]),
    );
    expect([...seen].sort()).toEqual(
      ['caseStatus', 'collect', 'condition', 'emergency', 'fairUse', 'goto', 'hangup', 'language', 'menu', 'openCase', 'play', 'queue', 'rateCase', 'record', 'set', 'submit'].sort(),
    );
    // Every answer was taken somewhere: each case outcome's branch (a finished unrated case: the rating offer), a
    // ticket read back, a failed submission, each rating outcome, each open-case outcome.
    expect([...answered].sort()).toEqual(
      [...new Set([...CASE_OUTCOMES.map((outcome) => `case-${outcome}`), 'rate-menu', 'msg-ticket', 'not-saved', 'rated', 'main', 'agent', 'mine-said', 'greeting', 'hours', 'over-notice', 'closed'])].sort(),
    );
  });
});
