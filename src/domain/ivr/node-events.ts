// Events that concern the current node: digits, the end of its playback, its input timers, its recording.

import type { Digit, Flow, FlowNode } from '../flow/types.js';
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

type AnswerEvent = Extract<IvrEvent, { type: 'submitted' | 'caseLooked' }>;

/** Whether `event` is the kind of answer `node` asked for. */
export function answersNode(node: FlowNode, event: AnswerEvent): boolean {
  return (event.type === 'submitted' && node.type === 'submit') || (event.type === 'caseLooked' && node.type === 'caseStatus');
}

/** The adapter answered the node's request: a submission's ticket, or where a case stands. */
export function onAnswer(d: Draft, node: FlowNode, event: AnswerEvent): string | null {
  d.pending = null;
  if (event.type === 'submitted' && node.type === 'submit') {
    if (event.ticket === null) return node.onFail;
    d.variables[node.variable] = event.ticket;
    return node.next;
  }
  if (event.type === 'caseLooked' && node.type === 'caseStatus') {
    // An outcome the flow has no branch for (the adapter knows a newer status) is as good as no answer.
    return Object.hasOwn(node.outcomes, event.outcome) ? node.outcomes[event.outcome] : node.outcomes.unavailable;
  }
  return null;
}
