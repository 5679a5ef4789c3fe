// Random event sequences (stale, duplicate and out-of-place events, agents and hang-ups at every point) against
// random settings, checking the invariants the application relies on when it executes the commands.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startQueueCaller, stepQueueCaller } from '../../../src/domain/acd/caller-machine.js';
import type { QueueCallerState } from '../../../src/domain/acd/caller-machine.js';
import type { CallerTimer, QueueCallerCommand, QueueCallerEvent, QueueCallerSettings } from '../../../src/domain/acd/caller-protocol.js';
import type { Digit } from '../../../src/domain/flow/types.js';
import { PROMPT_AUDIO, T0 } from './caller-fixtures.js';

const PHASES = ['notice', 'hold', 'announcing', 'options', 'confirming', 'booking', 'voicemailIntro', 'recording', 'submitting', 'apology', 'ringing', 'connected', 'survey', 'rating', 'closing', 'done'];

const DIGITS: readonly Digit[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];
const TIMERS: readonly CallerTimer[] = ['announce', 'options', 'input'];
const SIMPLE = ['agentRinging', 'agentAnswered', 'returned', 'agentHungUp', 'hungUp'] as const;

type Action =
  | { readonly kind: 'digit'; readonly digit: Digit }
  | { readonly kind: 'finishCurrent' }
  | { readonly kind: 'finishOther'; readonly playback: number }
  | { readonly kind: 'fireRunning'; readonly pick: number }
  | { readonly kind: 'timer'; readonly timer: CallerTimer }
  | { readonly kind: 'position'; readonly position: number | null; readonly wait: number | null }
  | { readonly kind: 'recording'; readonly ok: boolean; readonly sameName: boolean; readonly durationMs: number }
  | { readonly kind: 'submitted'; readonly ticket: string | null }
  | { readonly kind: 'booked'; readonly ok: boolean }
  | { readonly kind: 'rated'; readonly ok: boolean }
  | { readonly kind: 'simple'; readonly type: (typeof SIMPLE)[number] }
  | { readonly kind: 'queued' }
  /** What would move the caller on from where they are (the answer awaited, an agent, a key the phase takes). */
  | { readonly kind: 'progress'; readonly pick: number; readonly ok: boolean };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('1', '1', '2', '2', ...DIGITS).map((digit) => ({ kind: 'digit' as const, digit })) },
  { weight: 8, arbitrary: fc.constant({ kind: 'finishCurrent' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: -1, max: 20 }).map((playback) => ({ kind: 'finishOther' as const, playback })) },
  { weight: 5, arbitrary: fc.nat(3).map((pick) => ({ kind: 'fireRunning' as const, pick })) },
  { weight: 1, arbitrary: fc.constantFrom(...TIMERS).map((timer) => ({ kind: 'timer' as const, timer })) },
  {
    weight: 4,
    arbitrary: fc
      .record({ position: fc.option(fc.integer({ min: 1, max: 50 })), wait: fc.option(fc.integer({ min: 0, max: 3_600_000 })) })
      .map((r) => ({ kind: 'position' as const, ...r })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ ok: fc.boolean(), sameName: fc.constantFrom(true, true, false), durationMs: fc.constantFrom(0, 8_000) })
      .map((r) => ({ kind: 'recording' as const, ...r })),
  },
  { weight: 2, arbitrary: fc.constantFrom('202503030001', null).map((ticket) => ({ kind: 'submitted' as const, ticket })) },
  { weight: 2, arbitrary: fc.boolean().map((ok) => ({ kind: 'booked' as const, ok })) },
  { weight: 2, arbitrary: fc.boolean().map((ok) => ({ kind: 'rated' as const, ok })) },
  { weight: 1, arbitrary: fc.constantFrom(...SIMPLE).map((type) => ({ kind: 'simple' as const, type })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'queued' as const }) },
  { weight: 12, arbitrary: fc.record({ pick: fc.constantFrom(0, 1, 2, 3, 4, 5), ok: fc.constantFrom(true, true, false) }).map((r) => ({ kind: 'progress' as const, ...r })) },
);

function progress(state: QueueCallerState, x: Executor, at: number, pick: number, ok: boolean): QueueCallerEvent {
  const choose = <T>(options: readonly T[]): T => options[pick % options.length] as T;
  // Hanging up while an answer is awaited is common (after leaving a message): one time in three.
  if (!state.gone && pick < 2 && ['booking', 'recording', 'submitting', 'rating'].includes(state.phase)) return { type: 'hungUp', at };
  switch (state.phase) {
    case 'booking':
      return { type: 'callbackBooked', at, ok };
    case 'recording':
      return { type: 'recordingFinished', at, ok, name: state.recording ?? 'r', durationMs: 8_000 };
    case 'submitting':
      return { type: 'submitted', at, ticket: ok ? '202503030001' : null, pin: '123456' };
    case 'rating':
      return { type: 'rated', at, ok };
    case 'connected':
      return choose([{ type: 'agentHungUp', at }, { type: 'agentHungUp', at }, { type: 'returned', at }]);
    case 'ringing':
      return choose([{ type: 'agentAnswered', at }, { type: 'agentAnswered', at }, { type: 'returned', at }]);
    case 'options':
    case 'confirming':
      return { type: 'digit', at, digit: choose(['1', '2', '1', '2', '9']) };
    case 'survey':
      return { type: 'digit', at, digit: choose(['1', '5', '0', '3']) };
    default:
      if (x.playing !== null) return { type: 'playbackFinished', at, playback: x.playing };
      if (state.asking) return { type: 'position', at, position: 2, waiting: 4, estimatedWaitMs: 120_000 };
      return ok ? { type: 'timer', at, timer: [...x.timers][pick % Math.max(x.timers.size, 1)] ?? 'options' } : { type: 'agentRinging', at };
  }
}

const settingsArb: fc.Arbitrary<QueueCallerSettings> = fc.record({
  announceEveryMs: fc.constantFrom(0, 60_000),
  optionsAfterMs: fc.constantFrom(0, 1_000, 1_000, 120_000),
  // Mostly on, so that sequences get deep into each option.
  callback: fc.constantFrom(true, true, true, false),
  voicemail: fc.constantFrom(true, true, true, false),
  survey: fc.constantFrom(true, true, true, false),
  inputTimeoutMs: fc.constant(5_000),
  voiceMessage: fc.constant({ maxDurationMs: 120_000, maxSilenceMs: 5_000 }),
  prompts: fc.constant(PROMPT_AUDIO),
});

/** What the application knows from the commands alone, to check them against. */
class Executor {
  held = false;
  playing: number | null = null;
  lastPlayback = 0;
  timers = new Set<CallerTimer>();
  recording: string | null = null;
  done = false;
  gone = false;

  apply(commands: readonly QueueCallerCommand[]): void {
    commands.forEach((command, index) => {
      expect(this.done, 'no command after done').toBe(false);
      if (this.gone) expect(['cancelTimer', 'submitVoiceMessage', 'leaveQueue', 'done'], `after hang-up: ${command.type}`).toContain(command.type);
      switch (command.type) {
        case 'hold':
          expect(this.held, 'hold while held').toBe(false);
          this.held = true;
          break;
        case 'unhold':
          expect(this.held, 'unhold while not held').toBe(true);
          this.held = false;
          break;
        case 'play':
          expect(this.held, 'a prompt over music on hold').toBe(false);
          expect(this.playing, 'a play while another plays').toBeNull();
          expect(command.playback).toBe(this.lastPlayback + 1);
          expect(command.media.length).toBeGreaterThan(0);
          this.lastPlayback = command.playback;
          this.playing = command.playback;
          break;
        case 'stopPlayback':
          expect(command.playback).toBe(this.playing);
          this.playing = null;
          break;
        case 'startTimer':
          expect(command.ms).toBeGreaterThan(0);
          this.timers.add(command.timer);
          break;
        case 'cancelTimer':
          expect(this.timers.has(command.timer), `cancel of ${command.timer} not running`).toBe(true);
          this.timers.delete(command.timer);
          break;
        case 'record':
          expect(this.recording).toBeNull();
          expect(this.playing).toBeNull();
          this.recording = command.name;
          break;
        case 'stopRecording':
          expect(command.name).toBe(this.recording);
          this.recording = null;
          break;
        case 'done':
          expect(index, 'done is the last command').toBe(commands.length - 1);
          this.done = true;
          break;
        default:
          break;
      }
    });
  }
}

function eventFor(a: Action, state: QueueCallerState, x: Executor, at: number): QueueCallerEvent {
  switch (a.kind) {
    case 'digit':
      return { type: 'digit', at, digit: a.digit };
    case 'finishCurrent':
      return { type: 'playbackFinished', at, playback: x.playing ?? state.lastPlayback };
    case 'finishOther':
      return { type: 'playbackFinished', at, playback: a.playback };
    case 'fireRunning': {
      const running = [...x.timers];
      return { type: 'timer', at, timer: running[a.pick % Math.max(running.length, 1)] ?? 'announce' };
    }
    case 'timer':
      return { type: 'timer', at, timer: a.timer };
    case 'position':
      return { type: 'position', at, position: a.position, waiting: 3, estimatedWaitMs: a.wait };
    case 'recording':
      return { type: 'recordingFinished', at, ok: a.ok, name: a.sameName ? (x.recording ?? 'r') : 'other', durationMs: a.durationMs };
    case 'submitted':
      return { type: 'submitted', at, ticket: a.ticket, pin: a.ticket === null ? null : '123456' };
    case 'booked':
      return { type: 'callbackBooked', at, ok: a.ok };
    case 'rated':
      return { type: 'rated', at, ok: a.ok };
    case 'simple':
      return { type: a.type, at };
    case 'queued':
      return { type: 'queued', at, callId: 'again', lang: 'en', callerNumber: '1', recorded: true };
    case 'progress':
      return progress(state, x, at, a.pick, a.ok);
  }
}

describe('queue caller machine, random event sequences', () => {
  it('keeps every invariant the application relies on', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(
        settingsArb,
        fc.constantFrom('13912345678', '', '+8613912345678'),
        fc.boolean(),
        fc.array(action, { minLength: 30, maxLength: 60 }),
        (settings, callerNumber, recorded, actions) => {
          const x = new Executor();
          let at = T0;
          let result = startQueueCaller(settings, { type: 'queued', at, callId: 'c1', lang: 'zh', callerNumber, recorded });
          x.apply(result.commands);
          for (const a of actions) {
            at += 1_000;
            const before = result.state;
            const event = eventFor(a, before, x, at);
            if (event.type === 'hungUp' && !x.done) {
              // The channel is gone, and with it the music and any playback.
              x.gone = true;
              x.playing = null;
              x.held = false;
            }
            if (event.type === 'recordingFinished' && event.name === x.recording && before.phase === 'recording') x.recording = null;
            if (event.type === 'playbackFinished' && event.playback === x.playing) x.playing = null;
            if (event.type === 'timer') x.timers.delete(event.timer);
            result = stepQueueCaller(settings, before, event);
            x.apply(result.commands);
            const s = result.state;
            reached.add(s.gone && s.outcome === null ? `gone:${s.phase}` : s.phase);
            expect(new Set(s.timers)).toEqual(x.timers);
            expect(s.playing).toBe(x.playing);
            if (x.done) {
              expect(s.outcome).not.toBeNull();
              expect(s.timers).toEqual([]);
              continue;
            }
            expect(s.outcome).toBeNull();
            if (s.gone) continue;
            expect(s.held).toBe(x.held);
            if (s.phase === 'hold' || s.phase === 'ringing') expect(s.held, s.phase).toBe(true);
            if (s.phase === 'connected') expect(s.held).toBe(false);
            // A caller waiting for a key always has a timer that ends the wait.
            if (['options', 'confirming', 'survey'].includes(s.phase) && s.playing === null) expect(s.timers).toContain('input');
            // Prompts that end the call are always playing until they end it.
            if (['notice', 'announcing', 'voicemailIntro', 'apology', 'closing'].includes(s.phase)) expect(s.playing).not.toBeNull();
          }
        },
      ),
      { numRuns: 300 },
    );
    // The sequences reach every phase, so the invariants were checked everywhere.
    expect([...reached].sort()).toEqual([...PHASES, 'gone:booking', 'gone:rating', 'gone:recording', 'gone:submitting'].sort());
  });
});
