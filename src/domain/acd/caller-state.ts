// A queue caller's state. Immutable: every step returns a new state and leaves the old one untouched.

import type { Lang } from '../flow/types.js';
import type { CallerTimer, QueueCallerOutcome } from './caller-protocol.js';

/**
 * Waiting in the queue: `notice` the recording notice plays; `hold` music on hold (between announcements);
 * `announcing` position and wait play; `options` the options play, or their input window runs (under hold);
 * `confirming` the callback number is read back, then a key is awaited; `booking` the callback is being booked;
 * `voicemailIntro` the instructions play; `recording` the message is recorded; `submitting` it is being filed;
 * `apology` a callback or message failed and the caller is told before waiting again.
 * Then: `ringing` an agent's phone rings (hold); `connected` talking to the agent; `survey` the question plays or
 * its input window runs; `rating` the rating is being stored; `closing` the last prompt plays, then hang-up;
 * `done` finished.
 */
export type CallerPhase =
  | 'notice'
  | 'hold'
  | 'announcing'
  | 'options'
  | 'confirming'
  | 'booking'
  | 'voicemailIntro'
  | 'recording'
  | 'submitting'
  | 'apology'
  | 'ringing'
  | 'connected'
  | 'survey'
  | 'rating'
  | 'closing'
  | 'done';

export const WAITING_PHASES: readonly CallerPhase[] = [
  'notice',
  'hold',
  'announcing',
  'options',
  'confirming',
  'booking',
  'voicemailIntro',
  'recording',
  'submitting',
  'apology',
];

/** A `position` answer kept until it can be announced. */
export interface HeardPosition {
  readonly position: number;
  readonly estimatedWaitMs: number | null;
}

export interface QueueCallerState {
  readonly callId: string;
  readonly lang: Lang;
  /** Digits to call back (a leading + dropped), or null when the number is withheld: no callback then. */
  readonly callbackNumber: string | null;
  readonly queuedAt: number;
  readonly phase: CallerPhase;
  /** Music on hold is on. */
  readonly held: boolean;
  /** Last playback number handed out; an older playback's end is recognisably stale. */
  readonly lastPlayback: number;
  readonly playing: number | null;
  /** Timers started and neither cancelled nor fired. */
  readonly timers: readonly CallerTimer[];
  /** An `askPosition` is unanswered. */
  readonly asking: boolean;
  /** An answer to announce once the caller is back on hold. */
  readonly heard: HeardPosition | null;
  /** The options wait is over: they come with every announcement from now on. */
  readonly optionsUnlocked: boolean;
  /** The options are due as soon as the caller is back on hold. */
  readonly optionsOwed: boolean;
  /** Recordings started (numbers their names). */
  readonly recordings: number;
  readonly recording: string | null;
  /** Failed survey answers (invalid key or no key). */
  readonly surveyMisses: number;
  /** With `closing`: what `done` will say once the last prompt has played. */
  readonly closingOutcome: QueueCallerOutcome | null;
  /**
   * The caller hung up while a message was being recorded or filed, a callback booked or a rating stored: the
   * machine still waits for that answer (nothing is played any more), and `done` says how it went.
   */
  readonly gone: boolean;
  readonly outcome: QueueCallerOutcome | null;
}
