// A mutable working copy of the state for the duration of one step. Mutation stays local to `step`,
// which keeps the machine pure from the outside while the node logic reads like a script.

import type { Digit, Lang } from '../flow/types.js';
import type { IvrCommand, IvrOutcome, TimerName } from './protocol.js';
import type { CaseProofHeld, IvrState, Phase } from './state.js';

export class Draft {
  readonly commands: IvrCommand[] = [];
  readonly callId: string;
  readonly caller: string;
  readonly startedAt: number;
  node: string | null;
  language: Lang;
  variables: Record<string, string>;
  path: string[];
  outcome: IvrOutcome | null;
  phase: Phase;
  lastPlayback: number;
  playing: number | null;
  attempt: number;
  typeAhead: Digit[];
  collected: string;
  timers: TimerName[];
  recordings: number;
  recording: string | null;
  lastRequest: number;
  pending: number | null;
  reachedOnMaxDuration: boolean;
  fallbackUsed: boolean;
  caseProof: CaseProofHeld | null;
  readonly idleLimitMs: number | null;

  /** @param at time of the event being handled (condition nodes evaluate against it). */
  constructor(
    state: IvrState,
    readonly at: number,
  ) {
    this.callId = state.callId;
    this.caller = state.caller;
    this.startedAt = state.startedAt;
    this.node = state.node;
    this.language = state.language;
    this.variables = { ...state.variables };
    this.path = [...state.path];
    this.outcome = state.outcome;
    this.phase = state.phase;
    this.lastPlayback = state.lastPlayback;
    this.playing = state.playing;
    this.attempt = state.attempt;
    this.typeAhead = [...state.typeAhead];
    this.collected = state.collected;
    this.timers = [...state.timers];
    this.recordings = state.recordings;
    this.recording = state.recording;
    this.lastRequest = state.lastRequest;
    this.pending = state.pending;
    this.reachedOnMaxDuration = state.reachedOnMaxDuration;
    this.fallbackUsed = state.fallbackUsed;
    this.caseProof = state.caseProof;
    this.idleLimitMs = state.idleLimitMs;
  }

  toState(): IvrState {
    return {
      callId: this.callId,
      caller: this.caller,
      node: this.node,
      language: this.language,
      variables: this.variables,
      path: this.path,
      outcome: this.outcome,
      startedAt: this.startedAt,
      phase: this.phase,
      lastPlayback: this.lastPlayback,
      playing: this.playing,
      attempt: this.attempt,
      typeAhead: this.typeAhead,
      collected: this.collected,
      timers: this.timers,
      recordings: this.recordings,
      recording: this.recording,
      lastRequest: this.lastRequest,
      pending: this.pending,
      reachedOnMaxDuration: this.reachedOnMaxDuration,
      fallbackUsed: this.fallbackUsed,
      caseProof: this.caseProof,
      idleLimitMs: this.idleLimitMs,
    };
  }

  get finished(): boolean {
    return this.outcome !== null;
  }

  emit(command: IvrCommand): void {
    this.commands.push(command);
  }

  /** Starting a running timer restarts it (protocol rule), so no cancel is needed first. */
  startTimer(timer: TimerName, ms: number): void {
    this.emit({ type: 'startTimer', timer, ms });
    if (!this.timers.includes(timer)) this.timers.push(timer);
  }

  /** Only running timers are cancelled, so every `cancelTimer` pairs with an earlier `startTimer`. */
  cancelTimer(timer: TimerName): void {
    if (!this.timers.includes(timer)) return;
    this.emit({ type: 'cancelTimer', timer });
    this.timers = this.timers.filter((t) => t !== timer);
  }

  cancelAllTimers(): void {
    for (const timer of [...this.timers]) this.cancelTimer(timer);
  }

  /** A timer's event arrived: it is no longer running (nothing to cancel). */
  timerFired(timer: TimerName): void {
    this.timers = this.timers.filter((t) => t !== timer);
  }

  /** Plays `media` as one playlist. Returns false (and plays nothing) when there is nothing to play. */
  play(media: readonly string[]): boolean {
    if (media.length === 0) return false;
    this.lastPlayback += 1;
    this.playing = this.lastPlayback;
    this.emit({ type: 'play', playback: this.playing, media, lang: this.language });
    return true;
  }

  stopPlayback(): void {
    if (this.playing === null) return;
    this.emit({ type: 'stopPlayback', playback: this.playing });
    this.playing = null;
  }

  /** Asks the adapter for something (a submission, a lookup, a rating) and waits for its answer. */
  request(command: DistributiveOmit<Extract<IvrCommand, { type: RequestType }>, 'request'>): void {
    this.lastRequest += 1;
    this.pending = this.lastRequest;
    this.phase = 'waiting';
    this.emit({ ...command, request: this.lastRequest } as IvrCommand);
  }

  /** Ends the IVR's part of the call: nothing may keep running afterwards. */
  finish(command: IvrCommand, outcome: IvrOutcome): void {
    this.cancelAllTimers();
    this.stopPlayback();
    this.emit(command);
    this.outcome = outcome;
    this.phase = 'done';
    this.typeAhead = [];
    this.recording = null;
    this.pending = null;
  }
}

type RequestType = 'submit' | 'lookupCase' | 'rateCase' | 'openCase' | 'checkCaller';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
