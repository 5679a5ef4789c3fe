// Playing a node's prompts and what happens once they are over; shared by every node that speaks.

import type {
  CollectNode,
  Flow,
  HangupNode,
  MenuNode,
  PlayNode,
  PromptRef,
  QueueNode,
  RecordNode,
} from '../flow/types.js';
import type { Draft } from './draft.js';
import { resolveMedia } from './media.js';

export type PromptingNode = PlayNode | MenuNode | CollectNode | QueueNode | HangupNode | RecordNode;
export type InputNode = MenuNode | CollectNode;

/** Keeps a recording name safe as a file name on the Asterisk side. */
export function recordingName(callId: string, node: string, n: number): string {
  return `${callId}-${node}-${n}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * Plays `refs` and waits for the playback, or, when nothing is playable, goes straight on as if it had finished:
 * a node whose prompts all resolve to nothing must not leave the caller waiting in silence forever.
 * Returns the next node to enter, if any.
 */
export function playThen(flow: Flow, d: Draft, node: PromptingNode, refs: readonly PromptRef[]): string | null {
  if (d.play(resolveMedia(flow, refs, d.variables))) {
    d.phase = 'prompt';
    return null;
  }
  return afterPrompt(flow, d, node);
}

/** The node's playback is over (finished, failed or there was none). */
export function afterPrompt(flow: Flow, d: Draft, node: PromptingNode): string | null {
  d.playing = null;
  switch (node.type) {
    case 'play':
      return node.next;
    case 'menu':
    case 'collect':
      d.phase = 'input';
      d.startTimer('input', node.timeoutMs);
      return null;
    case 'queue':
      d.finish({ type: 'enqueue', skill: node.skill, priority: node.priority }, {
        kind: 'queue',
        skill: node.skill,
        priority: node.priority,
      });
      return null;
    case 'hangup':
      d.finish({ type: 'hangup' }, { kind: 'hangup' });
      return null;
    case 'record': {
      d.recordings += 1;
      const name = recordingName(d.callId, node.id, d.recordings);
      d.recording = name;
      d.phase = 'recording';
      d.emit({
        type: 'record',
        name,
        maxDurationMs: node.maxDurationMs,
        maxSilenceMs: node.maxSilenceMs,
        beep: node.beep,
        terminateOn: '#',
      });
      return null;
    }
  }
}

/** The repeat key: the node's own prompts from the start, attempts untouched. */
export function restartPrompts(flow: Flow, d: Draft, node: PromptingNode): string | null {
  d.stopPlayback();
  d.cancelTimer('input');
  d.cancelTimer('interDigit');
  d.collected = '';
  d.typeAhead = [];
  return playThen(flow, d, node, node.prompts);
}

/**
 * An invalid entry or a timeout at a menu/collect: count it, then offer the node again (problem prompt followed
 * by the node's prompts, in one playlist) or, once the retries are used up, go to `onFail` (an agent on the
 * hotline: bad input never hangs up on a caller).
 */
export function inputProblem(flow: Flow, d: Draft, node: InputNode, problem: 'invalid' | 'timeout'): string | null {
  d.stopPlayback();
  d.cancelTimer('input');
  d.cancelTimer('interDigit');
  d.attempt += 1;
  d.emit({ type: 'inputProblem', node: node.id, problem, attempt: d.attempt });
  d.collected = '';
  d.typeAhead = [];
  d.phase = 'idle';
  if (d.attempt > node.retries) return node.onFail;
  const problemPrompts = problem === 'invalid' ? node.invalidPrompts : node.timeoutPrompts;
  return playThen(flow, d, node, [...problemPrompts, ...node.prompts]);
}
