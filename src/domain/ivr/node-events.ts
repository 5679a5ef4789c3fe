// Events that concern the current node: digits, the end of its playback, its input timers, its recording.

import { STATUS_OUTCOMES, UNRATED_OUTCOMES } from '../flow/types.js';
import type { CaseOutcome, CaseStatusNode, Digit, Flow, FlowNode, UnratedOutcome } from '../flow/types.js';
import type { IvrEvent } from './protocol.js';
import { collectKey, endEntry, isCollectKey } from './collect.js';
import type { Draft } from './draft.js';
import { chooseOption } from './menu.js';
import { afterPrompt, inputProblem, restartPrompts } from './prompting.js';

/** Returns the node to enter next, if the digit moves the caller on. */
export function onDigit(flow: Flow, d: Draft, node: FlowNode, digit: Digit): string | null {
  // Repeating never skips anything, so the repeat key works even where barge-in is off.
  const repeat = digit === flow.repeatKey;
  switch (node.type) {
    case 'play':
      if (d.phase !== 'prompt') return null;
      if (repeat) return restartPrompts(flow, d, node);
      if (!node.bargeIn) return null;
      d.stopPlayback();
      d.typeAhead = [digit];
      return node.next;
    case 'menu':
      if (d.phase === 'input' || (d.phase === 'prompt' && (node.bargeIn || repeat))) {
        return chooseOption(flow, d, node, digit);
      }
      return null;
    case 'collect':
      if (d.phase === 'input' || d.phase === 'digits') return collectKey(flow, d, node, digit);
      if (d.phase === 'prompt' && (node.bargeIn || repeat) && isCollectKey(flow, node, digit)) {
        return collectKey(flow, d, node, digit);
      }
      return null;
    case 'openCase':
      // A key while the caller's open case is looked up: they know what they want (it may be an emergency), so
      // the lookup is abandoned (its late answer is stale) and the key goes on as type-ahead.
      if (d.phase !== 'waiting') return null;
      d.typeAhead = [digit];
      return node.outcomes.none;
    default:
      // Queue/hangup announcements and recordings take no keys (`#` ending a recording is Asterisk's business).
      return null;
  }
}

export function onPlaybackDone(flow: Flow, d: Draft, node: FlowNode): string | null {
  switch (node.type) {
    case 'play':
    case 'menu':
    case 'collect':
    case 'queue':
    case 'hangup':
    case 'record':
      return afterPrompt(flow, d, node);
    default:
      d.playing = null;
      return null;
  }
}

export function onInputTimer(flow: Flow, d: Draft, node: FlowNode, timer: 'input' | 'interDigit'): string | null {
  if (node.type === 'menu' && timer === 'input' && d.phase === 'input') return inputProblem(flow, d, node, 'timeout');
  if (node.type === 'collect') {
    if (timer === 'input' && d.phase === 'input') return inputProblem(flow, d, node, 'timeout');
    if (timer === 'interDigit' && d.phase === 'digits') return endEntry(flow, d, node);
  }
  return null;
}

export function onRecordingDone(
  d: Draft,
  node: FlowNode,
  event: { readonly ok: boolean; readonly durationMs: number; readonly name: string },
): string | null {
  if (node.type !== 'record') return null;
  d.recording = null;
  // A failed recording still moves on: the message is lost, but the caller is not stuck.
  if (event.ok) {
    d.variables[node.variable] = event.name;
    d.variables[`${node.variable}.durationMs`] = String(event.durationMs);
  }
  return node.next;
}

type AnswerEvent = Extract<IvrEvent, { type: 'submitted' | 'caseLooked' | 'caseRated' | 'openCaseFound' | 'callerChecked' }>;

const ANSWERED_BY: Readonly<Record<AnswerEvent['type'], FlowNode['type']>> = {
  submitted: 'submit',
  caseLooked: 'caseStatus',
  caseRated: 'rateCase',
  openCaseFound: 'openCase',
  callerChecked: 'fairUse',
};

/** Whether `event` is the kind of answer `node` asked for. */
export function answersNode(node: FlowNode, event: AnswerEvent): boolean {
  return ANSWERED_BY[event.type] === node.type;
}

/** The adapter answered the node's request: a submission's ticket, where a case stands, a rating, an open case. */
export function onAnswer(d: Draft, node: FlowNode, event: AnswerEvent): string | null {
  d.pending = null;
  if (event.type === 'submitted' && node.type === 'submit') {
    if (event.ticket === null) return node.onFail;
    d.variables[node.variable] = event.ticket;
    if (node.pin !== null && event.pin !== null) d.variables[node.pin] = event.pin;
    return node.next;
  }
  if (event.type === 'caseLooked' && node.type === 'caseStatus') {
    const target = caseTarget(node, event.outcome);
    // Only a status means the case opened: anything else leaves no proof to rate with.
    if (!isStatusOutcome(event.outcome)) d.caseProof = null;
    return target;
  }
  if (event.type === 'caseRated' && node.type === 'rateCase') {
    return Object.hasOwn(node.outcomes, event.outcome) ? node.outcomes[event.outcome] : node.outcomes.failed;
  }
  if (event.type === 'callerChecked' && node.type === 'fairUse') {
    // A verdict the flow does not know is no reason to keep anyone from the hotline.
    return Object.hasOwn(node.outcomes, event.outcome) ? node.outcomes[event.outcome] : node.outcomes.ok;
  }
  if (event.type === 'openCaseFound' && node.type === 'openCase') {
    if (!Object.hasOwn(node.outcomes, event.outcome)) return node.outcomes.unavailable;
    if (event.ticket !== null) d.variables[node.variable] = event.ticket;
    return node.outcomes[event.outcome];
  }
  return null;
}

/**
 * The node for an outcome. A flow without the unrated outcomes reads such a case like any resolved or closed one;
 * an outcome the flow has no branch for at all (the adapter knows a newer status) is as good as no answer.
 */
function caseTarget(node: CaseStatusNode, outcome: CaseOutcome): string {
  const unrated = Object.hasOwn(UNRATED_OUTCOMES, outcome) ? UNRATED_OUTCOMES[outcome as UnratedOutcome] : null;
  if (Object.hasOwn(node.outcomes, outcome)) {
    const target = node.outcomes[outcome];
    if (target !== undefined) return target;
  }
  return unrated !== null ? node.outcomes[unrated] : node.outcomes.unavailable;
}

function isStatusOutcome(outcome: CaseOutcome): boolean {
  return (STATUS_OUTCOMES as readonly string[]).includes(outcome) || Object.hasOwn(UNRATED_OUTCOMES, outcome);
}
