// The IVR as a pure state machine: `step(flow, state, event) -> { state, commands }`.
// No I/O, no clock: time comes from the events, timers are commands the adapter runs and reports back.

import type { Flow } from '../flow/types.js';
import { Draft } from './draft.js';
import { enterNode, findNode } from './enter-node.js';
import { answersNode, onAnswer, onDigit, onInputTimer, onPlaybackDone, onRecordingDone } from './node-events.js';
import type { IvrCommand, IvrEvent, TimerName } from './protocol.js';
import type { IvrState } from './state.js';

export type { IvrState, Phase } from './state.js';

export interface IvrStep {
  readonly state: IvrState;
  readonly commands: readonly IvrCommand[];
}

/**
 * Nodes entered in one step without waiting for anything. Far above any sane chain of set/goto/condition
 * nodes, so hitting it means the flow loops.
 */
export const HOP_LIMIT = 100;

type StartedEvent = Extract<IvrEvent, { type: 'started' }>;

export function startCall(flow: Flow, event: StartedEvent): IvrStep {
  const initial: IvrState = {
    callId: event.callId,
    caller: event.caller,
    node: null,
    language: flow.defaultLanguage,
    variables: {},
    path: [],
    outcome: null,
    startedAt: event.at,
    phase: 'idle',
    lastPlayback: 0,
    playing: null,
    attempt: 0,
    typeAhead: [],
    collected: '',
    timers: [],
    recordings: 0,
    recording: null,
    lastRequest: 0,
    pending: null,
    reachedOnMaxDuration: false,
    fallbackUsed: false,
    caseProof: null,
    idleLimitMs: flow.onIdle !== null && event.idleLimitMs !== undefined && event.idleLimitMs > 0 ? event.idleLimitMs : null,
  };
  const d = new Draft(initial, event.at);
  d.emit({ type: 'answer' });
  d.startTimer('maxDuration', flow.maxDurationMs);
  if (d.idleLimitMs !== null) d.startTimer('idle', d.idleLimitMs);
  run(flow, d, flow.start);
  return { state: d.toState(), commands: d.commands };
}

export function step(flow: Flow, state: IvrState, event: IvrEvent): IvrStep {
  const unchanged: IvrStep = { state, commands: [] };
  if (isFinished(state)) return unchanged;
  const node = state.node === null ? undefined : findNode(flow, state.node);
  const d = new Draft(state, event.at);
  let next: string | null;
  switch (event.type) {
    case 'started':
      // The call is already running; a repeated StasisStart changes nothing.
      return unchanged;
    case 'hungUp':
      // The channel is gone: only our own timers need stopping, there is nothing left to play to or stop.
      d.cancelAllTimers();
      d.playing = null;
      d.recording = null;
      d.pending = null;
      d.typeAhead = [];
      d.phase = 'done';
      d.outcome = { kind: 'callerHungUp' };
      return { state: d.toState(), commands: d.commands };
    case 'digit':
      if (node === undefined) return unchanged;
      next = onDigit(flow, d, node, event.digit);
      break;
    case 'playbackFinished':
      // Another playback's end (one we stopped, or of an earlier node) is stale.
      if (node === undefined || event.playback !== state.playing) return unchanged;
      next = onPlaybackDone(flow, d, node);
      break;
    case 'timer':
      // A timer we cancelled (or never started) may still report in: it must not act.
      if (!state.timers.includes(event.timer)) return unchanged;
      d.timerFired(event.timer);
      if (event.timer === 'maxDuration') next = onMaxDuration(flow, d);
      // Held without progress: once, to `onIdle` (a notice and an agent); the timer is not started again.
      else if (event.timer === 'idle') next = flow.onIdle;
      else next = node === undefined ? null : onInputTimer(flow, d, node, event.timer);
      break;
    case 'recordingFinished':
      // The adapter reports the name the machine asked for; anything else is a recording we abandoned.
      if (node === undefined || state.phase !== 'recording' || event.name !== state.recording) return unchanged;
      next = onRecordingDone(d, node, event);
      break;
    case 'submitted':
    case 'caseLooked':
    case 'caseRated':
    case 'openCaseFound':
    case 'callerChecked':
      // An answer to a request the caller has moved on from (the IVR time limit) is stale. So is an answer of the
      // other kind: taking it would end the wait for the real answer and leave the caller in silence.
      if (node === undefined || state.phase !== 'waiting' || event.request !== state.pending || !answersNode(node, event)) {
        return unchanged;
      }
      next = onAnswer(d, node, event);
      break;
  }
  run(flow, d, next);
  return { state: d.toState(), commands: d.commands };
}

export function activeTimers(state: IvrState): readonly TimerName[] {
  return state.timers;
}

export function isFinished(state: IvrState): boolean {
  return state.outcome !== null;
}

/**
 * The caller has spent too long in the IVR: off to `onMaxDuration` (an agent), once. Entering it stops any
 * playback and input timers; a recording in progress is abandoned (the adapter stops it on the node change).
 */
function onMaxDuration(flow: Flow, d: Draft): string | null {
  if (d.reachedOnMaxDuration) return null;
  return flow.onMaxDuration;
}

/** Enters `target` and whatever it chains to, until a node waits for an event or the IVR is finished. */
function run(flow: Flow, d: Draft, target: string | null): void {
  let hops = 0;
  let next = target;
  while (next !== null && !d.finished) {
    const node = findNode(flow, next);
    if (node === undefined || hops >= HOP_LIMIT) {
      next = flowBroken(flow, d, node === undefined ? `unknown node ${next}` : `loop at ${next}`);
      hops = 0;
      continue;
    }
    hops += 1;
    next = enterNode(flow, d, node);
  }
}

/**
 * The flow loops or names a missing node (the flow checker should have caught it). Hanging up on a citizen is
 * not acceptable for the hotline, so the caller goes to `onMaxDuration` (the agent) and the problem is noted in
 * `ivr.error`; only if that is broken too does the machine give up and hang up.
 */
function flowBroken(flow: Flow, d: Draft, problem: string): string | null {
  if (d.variables['ivr.error'] === undefined) d.variables['ivr.error'] = problem;
  else d.variables['ivr.error'] += `; ${problem}`;
  if (!d.fallbackUsed) {
    d.fallbackUsed = true;
    return flow.onMaxDuration;
  }
  d.finish({ type: 'hangup' }, { kind: 'hangup' });
  return null;
}
