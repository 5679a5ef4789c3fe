// The IVR machine's contract with the outside world: events in, commands out.
// The machine (`machine.ts`) is pure: `step(flow, state, event) -> { state, commands }`.
// The ARI adapter executes the commands in order and feeds back events; it never decides anything.

import type { CaseOutcome, Digit, EmergencyService, FairUseOutcome, Lang, OpenCaseOutcome, RateOutcome, SubmitKind } from '../flow/types.js';

/** A rating as the caller keys it. */
export type Score = 1 | 2 | 3 | 4 | 5;

/** Named timers; at most one of each runs per call. Starting a running timer restarts it. */
export type TimerName = 'input' | 'interDigit' | 'maxDuration' | 'idle';

export type IvrEvent =
  /** The call entered the IVR (StasisStart). `at` is epoch ms; every event carries the time it happened. */
  | {
      readonly type: 'started';
      readonly at: number;
      readonly callId: string;
      readonly caller: string;
      /** Time without progress after which the caller goes to the flow's `onIdle` (the gateway's configuration). */
      readonly idleLimitMs?: number;
    }
  | { readonly type: 'digit'; readonly at: number; readonly digit: Digit }
  /**
   * A playback the machine asked for ended (done, stopped or failed: a missing sound must not stall the call).
   * `ok: false` says only that its last item failed; Asterisk has tried every item before it.
   */
  | { readonly type: 'playbackFinished'; readonly at: number; readonly playback: number; readonly ok: boolean }
  | { readonly type: 'timer'; readonly at: number; readonly timer: TimerName }
  /** The recording the machine asked for ended; `name` is the stored recording's name. */
  | { readonly type: 'recordingFinished'; readonly at: number; readonly ok: boolean; readonly name: string; readonly durationMs: number }
  /** The answer to a `submit` command: the ticket number and its PIN, or `null`s when intake could not take it. */
  | { readonly type: 'submitted'; readonly at: number; readonly request: number; readonly ticket: string | null; readonly pin: string | null }
  /** The answer to a `lookupCase` command. */
  | { readonly type: 'caseLooked'; readonly at: number; readonly request: number; readonly outcome: CaseOutcome }
  /** The answer to a `rateCase` command. */
  | { readonly type: 'caseRated'; readonly at: number; readonly request: number; readonly outcome: RateOutcome }
  /** The answer to an `openCase` command: the caller's newest open case (its ticket), or `none`. */
  | { readonly type: 'openCaseFound'; readonly at: number; readonly request: number; readonly outcome: OpenCaseOutcome; readonly ticket: string | null }
  /** The answer to a `checkCaller` command. */
  | { readonly type: 'callerChecked'; readonly at: number; readonly request: number; readonly outcome: FairUseOutcome }
  /** The caller hung up, or the channel is gone / left Stasis. */
  | { readonly type: 'hungUp'; readonly at: number };

export type IvrCommand =
  | { readonly type: 'answer' }
  /**
   * Play media in order as one playback (a playlist). `playback` is the machine's own sequence number for the
   * playback; the adapter maps it to an ARI playback id that it creates before sending the request.
   * `media` are ARI media URIs (`sound:hotline/main-menu`, `digits:12345`).
   */
  | { readonly type: 'play'; readonly playback: number; readonly media: readonly string[]; readonly lang: Lang }
  | { readonly type: 'stopPlayback'; readonly playback: number }
  | { readonly type: 'startTimer'; readonly timer: TimerName; readonly ms: number }
  | { readonly type: 'cancelTimer'; readonly timer: TimerName }
  | {
      readonly type: 'record';
      readonly name: string;
      readonly maxDurationMs: number;
      readonly maxSilenceMs: number;
      readonly beep: boolean;
      readonly terminateOn: '#';
    }
  /**
   * Make a work order of the call's recording (answer: `submitted`). `category` comes from the flow variable
   * `category` when the caller chose one; `private` when they asked for the request to be kept private. The
   * adapter must always answer, also when intake is down.
   */
  | {
      readonly type: 'submit';
      readonly request: number;
      readonly kind: SubmitKind;
      readonly recording: string;
      readonly category: string | null;
      readonly lang: Lang;
      readonly private: boolean;
    }
  /**
   * Read where the case with this ticket number stands (answer: `caseLooked`), with the caller's own number as
   * proof, and `pin` when the caller keyed one in; must always be answered.
   */
  | { readonly type: 'lookupCase'; readonly request: number; readonly ticket: string; readonly pin: string | null }
  /** Rate the case with the proof that opened it (answer: `caseRated`); must always be answered. */
  | { readonly type: 'rateCase'; readonly request: number; readonly ticket: string; readonly pin: string | null; readonly score: Score }
  /** Find the caller's own newest open case (answer: `openCaseFound`); must always be answered. */
  | { readonly type: 'openCase'; readonly request: number }
  /** Count this call against the caller's number (answer: `callerChecked`); must always be answered, and soon. */
  | { readonly type: 'checkCaller'; readonly request: number }
  /** Hand the call to emergency forwarding. The IVR is finished with this call. */
  | { readonly type: 'forwardEmergency'; readonly service: EmergencyService }
  /** Hand the call to the agent queue. The IVR is finished with this call. */
  | { readonly type: 'enqueue'; readonly skill: string; readonly priority: number }
  | { readonly type: 'hangup' }
  /** Informational, for logs and metrics: the caller entered a node / gave bad input. */
  | { readonly type: 'entered'; readonly node: string }
  | { readonly type: 'inputProblem'; readonly node: string; readonly problem: 'timeout' | 'invalid'; readonly attempt: number };

/** Why the IVR stopped handling the call. */
export type IvrOutcome =
  | { readonly kind: 'emergency'; readonly service: EmergencyService }
  | { readonly kind: 'queue'; readonly skill: string; readonly priority: number }
  | { readonly kind: 'hangup' }
  | { readonly kind: 'callerHungUp' };
