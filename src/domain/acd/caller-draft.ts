// A mutable working copy of a queue caller's state for one step; mutation stays local to the step, so the
// machine is pure from the outside while the handlers read like a script.

import type { Lang } from '../flow/types.js';
import type { CallerTimer, QueueCallerCommand, QueueCallerOutcome } from './caller-protocol.js';
import type { CallerPhase, HeardPosition, QueueCallerState } from './caller-state.js';

export class CallerDraft {
  readonly commands: QueueCallerCommand[] = [];
  readonly callId: string;
  readonly lang: Lang;
  readonly callbackNumber: string | null;
  readonly queuedAt: number;
  phase: CallerPhase;
  held: boolean;
  lastPlayback: number;
  playing: number | null;
  timers: CallerTimer[];
  asking: boolean;
  heard: HeardPosition | null;
  optionsUnlocked: boolean;
  optionsOwed: boolean;
  recordings: number;
  recording: string | null;
  surveyMisses: number;
  closingOutcome: QueueCallerOutcome | null;
  gone: boolean;
  outcome: QueueCallerOutcome | null;

  /** @param at time of the event being handled. */
  constructor(
    state: QueueCallerState,
    readonly at: number,
  ) {
    this.callId = state.callId;
    this.lang = state.lang;
    this.callbackNumber = state.callbackNumber;
    this.queuedAt = state.queuedAt;
    this.phase = state.phase;
    this.held = state.held;
    this.lastPlayback = state.lastPlayback;
    this.playing = state.playing;
    this.timers = [...state.timers];
    this.asking = state.asking;
    this.heard = state.heard;
    this.optionsUnlocked = state.optionsUnlocked;
    this.optionsOwed = state.optionsOwed;
    this.recordings = state.recordings;
    this.recording = state.recording;
    this.surveyMisses = state.surveyMisses;
    this.closingOutcome = state.closingOutcome;
    this.gone = state.gone;
    this.outcome = state.outcome;
  }

  toState(): QueueCallerState {
    return {
      callId: this.callId,
      lang: this.lang,
      callbackNumber: this.callbackNumber,
      queuedAt: this.queuedAt,
      phase: this.phase,
      held: this.held,
      lastPlayback: this.lastPlayback,
      playing: this.playing,
      timers: this.timers,
      asking: this.asking,
      heard: this.heard,
      optionsUnlocked: this.optionsUnlocked,
      optionsOwed: this.optionsOwed,
      recordings: this.recordings,
      recording: this.recording,
      surveyMisses: this.surveyMisses,
      closingOutcome: this.closingOutcome,
      gone: this.gone,
      outcome: this.outcome,
    };
  }

  emit(command: QueueCallerCommand): void {
    this.commands.push(command);
  }

  hold(): void {
    if (this.held) return;
    this.emit({ type: 'hold' });
    this.held = true;
  }

  unhold(): void {
    if (!this.held) return;
    this.emit({ type: 'unhold' });
    this.held = false;
  }

  /** Starting a running timer restarts it (protocol rule), so no cancel is needed first. */
  startTimer(timer: CallerTimer, ms: number): void {
    this.emit({ type: 'startTimer', timer, ms });
    if (!this.timers.includes(timer)) this.timers.push(timer);
  }

  /** Only running timers are cancelled, so every `cancelTimer` pairs with an earlier `startTimer`. */
  cancelTimer(timer: CallerTimer): void {
    if (!this.timers.includes(timer)) return;
    this.emit({ type: 'cancelTimer', timer });
    this.timers = this.timers.filter((t) => t !== timer);
  }

  cancelAllTimers(): void {
    for (const timer of [...this.timers]) this.cancelTimer(timer);
  }

  timerFired(timer: CallerTimer): void {
    this.timers = this.timers.filter((t) => t !== timer);
  }

  /** Plays `media` as one playback, music on hold off first: a prompt is never heard over music. */
  play(media: readonly string[]): void {
    this.stopPlayback();
    this.unhold();
    this.lastPlayback += 1;
    this.playing = this.lastPlayback;
    this.emit({ type: 'play', playback: this.playing, media, lang: this.lang });
  }

  stopPlayback(): void {
    if (this.playing === null) return;
    this.emit({ type: 'stopPlayback', playback: this.playing });
    this.playing = null;
  }

  stopRecording(): void {
    if (this.recording === null) return;
    this.emit({ type: 'stopRecording', name: this.recording });
    this.recording = null;
  }

  /** The last commands of the machine: nothing keeps running afterwards. */
  finish(outcome: QueueCallerOutcome): void {
    this.cancelAllTimers();
    this.emit({ type: 'done', outcome });
    this.outcome = outcome;
    this.phase = 'done';
    this.playing = null;
    this.recording = null;
    this.asking = false;
    this.heard = null;
    this.closingOutcome = null;
  }
}
