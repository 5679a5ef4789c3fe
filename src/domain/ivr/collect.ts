// Collecting a digit string (ticket number, ID digits) into a flow variable.

import type { CollectNode, Digit, Flow } from '../flow/types.js';
import type { Draft } from './draft.js';
import { inputProblem, playThen, restartPrompts } from './prompting.js';

const NUMBER_KEY = /^[0-9]$/;

/** Keys a collect reacts to; any other key is ignored (variables hold digits only). */
export function isCollectKey(flow: Flow, node: CollectNode, digit: Digit): boolean {
  return NUMBER_KEY.test(digit) || digit === node.terminator || digit === flow.repeatKey;
}

/** Entering a collect: typed-ahead digits count as the start of the entry, so the prompt is skipped. */
export function enterCollect(flow: Flow, d: Draft, node: CollectNode): string | null {
  d.collected = '';
  d.phase = 'digits';
  while (d.typeAhead.length > 0) {
    const digit = d.typeAhead.shift() as Digit;
    const next = collectKey(flow, d, node, digit);
    // Entry ended (stored, retried or restarted); digits left over stay typed ahead for the next node.
    if (d.phase !== 'digits') return next;
  }
  if (d.collected === '') return playThen(flow, d, node, node.prompts);
  return null;
}

/** One key pressed while the collect accepts input. */
export function collectKey(flow: Flow, d: Draft, node: CollectNode, digit: Digit): string | null {
  if (digit === flow.repeatKey) return restartPrompts(flow, d, node);
  if (node.terminator !== null && digit === node.terminator) return endEntry(flow, d, node);
  if (!NUMBER_KEY.test(digit)) return null;
  d.stopPlayback();
  d.cancelTimer('input');
  d.collected += digit;
  d.phase = 'digits';
  if (d.collected.length >= node.maxDigits) return endEntry(flow, d, node);
  d.startTimer('interDigit', node.interDigitTimeoutMs);
  return null;
}

/** Terminator, maxDigits or inter-digit timeout: keep the entry if its length fits, else count an invalid try. */
export function endEntry(flow: Flow, d: Draft, node: CollectNode): string | null {
  d.stopPlayback();
  d.cancelTimer('input');
  d.cancelTimer('interDigit');
  d.phase = 'idle';
  const length = d.collected.length;
  if (length < node.minDigits || length > node.maxDigits) return inputProblem(flow, d, node, 'invalid');
  d.variables[node.variable] = d.collected;
  return node.next;
}
