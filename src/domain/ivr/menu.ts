// Menu choices.

import type { Digit, Flow, MenuNode } from '../flow/types.js';
import type { Draft } from './draft.js';
import { inputProblem, playThen, restartPrompts } from './prompting.js';

/** Entering a menu: a digit typed ahead answers it at once, without the prompt. */
export function enterMenu(flow: Flow, d: Draft, node: MenuNode): string | null {
  const first = d.typeAhead.shift();
  if (first === undefined) return playThen(flow, d, node, node.prompts);
  return chooseOption(flow, d, node, first);
}

/** A digit the menu accepts now (typed ahead, during a barge-in prompt, or while waiting for input). */
export function chooseOption(flow: Flow, d: Draft, node: MenuNode, digit: Digit): string | null {
  // The repeat key wins over an option on the same key (the flow checker reports such an option).
  if (digit === flow.repeatKey) return restartPrompts(flow, d, node);
  d.stopPlayback();
  d.cancelTimer('input');
  const target = Object.hasOwn(node.options, digit) ? node.options[digit] : undefined;
  if (target === undefined) return inputProblem(flow, d, node, 'invalid');
  if (node.variable !== null) d.variables[node.variable] = digit;
  // Further type-ahead digits stay for the next menu.
  return target;
}
