// The contract of a caller waiting in the gateway's queue, and of the survey after their call: events in, commands
// out. The machine (`caller-machine.ts`) is pure; the application executes the commands in order (it owns the
// timers, the playback ids and the queue store) and feeds back events. Like the IVR's protocol, every event
// carries the time it happened (`at`, epoch ms) and the machine has no other clock.

import type { Digit, Lang } from '../flow/types.js';
import type { QueuePromptAudio } from './caller-prompts.js';

/** Named timers; at most one of each runs per caller. Starting a running timer restarts it. */
export type CallerTimer = 'announce' | 'options' | 'input';

/** A rating as the caller keys it. */
export type SurveyScore = 1 | 2 | 3 | 4 | 5;

export type QueueCallerEvent =
  /**
   * The call entered the queue; starts the machine. `recorded`: the call will be recorded (the caller is told).
   * `callerNumber` may be empty or a word such as `anonymous` when withheld: no callback is offered then.
   */
  | {
      readonly type: 'queued';
      readonly at: number;
      readonly callId: string;
      readonly lang: Lang;
      readonly callerNumber: string;
      readonly recorded: boolean;
    }
  /**
   * The answer to `askPosition`: 1 is the next call served; `estimatedWaitMs` null when there is no estimate.
   * `position` null when the queue does not know the call (nothing is announced).
   */
  | {
      readonly type: 'position';
      readonly at: number;
      readonly position: number | null;
      readonly waiting: number;
      readonly estimatedWaitMs: number | null;
    }
  | { readonly type: 'timer'; readonly at: number; readonly timer: CallerTimer }
  | { readonly type: 'digit'; readonly at: number; readonly digit: Digit }
  /** A playback the machine asked for ended (done, stopped or failed alike: a missing sound must not stall the caller). */
  | { readonly type: 'playbackFinished'; readonly at: number; readonly playback: number }
  /** The recording the machine asked for ended; `name` is the name it asked for. */
  | { readonly type: 'recordingFinished'; readonly at: number; readonly ok: boolean; readonly name: string; readonly durationMs: number }
  /** The answer to `submitVoiceMessage`: the ticket and its PIN, or nulls when intake could not take it. */
  | { readonly type: 'submitted'; readonly at: number; readonly ticket: string | null; readonly pin: string | null }
  /** The answer to `bookCallback`. `ok` only if the call was still waiting: no agent can be offered it afterwards. */
  | { readonly type: 'callbackBooked'; readonly at: number; readonly ok: boolean }
  /** An agent's phone rings for this caller. */
  | { readonly type: 'agentRinging'; readonly at: number }
  /** Caller and agent are bridged. */
  | { readonly type: 'agentAnswered'; readonly at: number }
  /** Back in the queue (at its head): the agent did not answer, or their leg was lost. */
  | { readonly type: 'returned'; readonly at: number }
  /** The agent left the call; the caller is still on the line. */
  | { readonly type: 'agentHungUp'; readonly at: number }
  /** The answer to `rate`. */
  | { readonly type: 'rated'; readonly at: number; readonly ok: boolean }
  /** The caller hung up (or the channel is gone). */
  | { readonly type: 'hungUp'; readonly at: number };

export type QueueCallerCommand =
  /** Music on hold for the caller on / off. The machine never plays a prompt over music on hold. */
  | { readonly type: 'hold' }
  | { readonly type: 'unhold' }
  /**
   * Media in order as one playback. `playback` is the machine's own number for it (numbers only grow), mapped by
   * the application to an ARI playback id. `media`: `sound:<audio>`, `digits:<d>`, `number:<n>`.
   */
  | { readonly type: 'play'; readonly playback: number; readonly media: readonly string[]; readonly lang: Lang }
  | { readonly type: 'stopPlayback'; readonly playback: number }
  | { readonly type: 'startTimer'; readonly timer: CallerTimer; readonly ms: number }
  | { readonly type: 'cancelTimer'; readonly timer: CallerTimer }
  /** Where the caller stands (answer: `position`); must always be answered. */
  | { readonly type: 'askPosition' }
  /** Keep the caller's place and call them back on `number` when their turn comes (answer: `callbackBooked`). */
  | { readonly type: 'bookCallback'; readonly number: string }
  | { readonly type: 'record'; readonly name: string; readonly maxDurationMs: number; readonly maxSilenceMs: number; readonly beep: boolean; readonly terminateOn: '#' }
  /** A recording the machine started that must end now (an agent is ringing for the caller). */
  | { readonly type: 'stopRecording'; readonly name: string }
  /** File the recording as a voice message (answer: `submitted`); must always be answered, also when intake is down. */
  | { readonly type: 'submitVoiceMessage'; readonly recording: string; readonly lang: Lang }
  /** Store the caller's rating of the call just ended (answer: `rated`); must always be answered. */
  | { readonly type: 'rate'; readonly score: SurveyScore }
  /** The caller stops waiting on the line: their callback is booked, or their voice message is filed. */
  | { readonly type: 'leaveQueue'; readonly reason: 'callback' | 'voicemail' }
  | { readonly type: 'hangup' }
  /** The machine is finished with the caller; always the last command. */
  | { readonly type: 'done'; readonly outcome: QueueCallerOutcome };

/**
 * `served`: talked to an agent (no survey, or the caller hung up before it); `surveyed`: and rated the call;
 * `surveySkipped`: and gave no valid rating; `surveyFailed`: rated, but the rating could not be stored;
 * `callback` / `voicemail`: left the queue with a booked callback / a filed voice message;
 * `abandoned`: hung up before an agent answered.
 */
export type QueueCallerOutcome = 'served' | 'surveyed' | 'surveySkipped' | 'surveyFailed' | 'callback' | 'voicemail' | 'abandoned';

export interface QueueCallerSettings {
  /** Period of the position announcement while waiting; 0: announced once, on entering the queue. */
  readonly announceEveryMs: number;
  /** Wait after which the callback / voice message options are offered (then with every announcement); 0: never. */
  readonly optionsAfterMs: number;
  readonly callback: boolean;
  readonly voicemail: boolean;
  /** Satisfaction survey when the agent hangs up first. */
  readonly survey: boolean;
  /** Time to press a key after the options, the callback confirmation or the survey question. */
  readonly inputTimeoutMs: number;
  readonly voiceMessage: { readonly maxDurationMs: number; readonly maxSilenceMs: number };
  /** Audio of each queue prompt (`queuePromptAudio(flow)`). */
  readonly prompts: QueuePromptAudio;
}
