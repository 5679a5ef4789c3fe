// The IVR's per-call state. Immutable: every `step` returns a new state and leaves the old one untouched.

import type { Digit, Lang } from '../flow/types.js';
import type { IvrOutcome, TimerName } from './protocol.js';

/**
 * What the current node is waiting for:
 * `prompt` its playback, `input` a first digit (the `input` timer runs), `digits` more digits of a collect
 * (the `interDigit` timer runs), `recording` the recording, `waiting` the answer to a request (submit,
 * lookupCase, rateCase, openCase), `done` nothing (the IVR is finished).
 * `idle` only exists while the machine moves between nodes inside one step.
 */
export type Phase = 'idle' | 'prompt' | 'input' | 'digits' | 'recording' | 'waiting' | 'done';

export interface IvrState {
  readonly callId: string;
  readonly caller: string;
  /** Current node; `null` only before the first node is entered. */
  readonly node: string | null;
  /** Language of the next `play` commands. */
  readonly language: Lang;
  /** Flow variables: collected digits, recording names, queue skill/priority, notes such as `ivr.error`. */
  readonly variables: Readonly<Record<string, string>>;
  /** Every node entered, in order (the call record's route through the IVR). */
  readonly path: readonly string[];
  readonly outcome: IvrOutcome | null;
  /** Epoch ms of the `started` event. */
  readonly startedAt: number;
  readonly phase: Phase;
  /** Last playback number handed out; numbers only grow, so an older playback's events are recognisably stale. */
  readonly lastPlayback: number;
  /** The playback in progress, if any. */
  readonly playing: number | null;
  /** Input problems (invalid or timeout) at the current menu/collect. */
  readonly attempt: number;
  /** Digits pressed during a barge-in playback, waiting for the next menu/collect. */
  readonly typeAhead: readonly Digit[];
  /** Digits collected so far by the current collect node. */
  readonly collected: string;
  /** Timers started and neither cancelled nor fired. */
  readonly timers: readonly TimerName[];
  /** How many recordings this call has started (numbers the recording names). */
  readonly recordings: number;
  /** Name of the recording in progress, if any. */
  readonly recording: string | null;
  /** Last request number handed out (submit, lookupCase); like playbacks, an older request's answer is stale. */
  readonly lastRequest: number;
  /** The request the current node waits for, if any. */
  readonly pending: number | null;
  /** The caller has been at `flow.onMaxDuration`; the maxDuration timer no longer moves them. */
  readonly reachedOnMaxDuration: boolean;
  /** The loop/unknown-node fallback to `flow.onMaxDuration` has been used once already. */
  readonly fallbackUsed: boolean;
  /**
   * The ticket the last `caseStatus` node read and the PIN it was read with (if any): a `rateCase` node rates that
   * case with the same proof. Dropped when the read did not open the case.
   */
  readonly caseProof: CaseProofHeld | null;
  /** Time without progress before `flow.onIdle`; `null`: no idle limit for this call. */
  readonly idleLimitMs: number | null;
}

export interface CaseProofHeld {
  readonly ticket: string;
  readonly pin: string | null;
}
