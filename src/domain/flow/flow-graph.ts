// Where each node can send the caller, and which prompts it plays: shared by the checker and anyone walking a flow.

import type { PathSegment } from './flow-error.js';
import type { FlowNode, PromptRef } from './types.js';

export interface NodeLink {
  /** Path of the field inside the node, e.g. `['options', '3']`. */
  readonly field: readonly PathSegment[];
  readonly target: string;
}

export function nodeLinks(node: FlowNode): NodeLink[] {
  switch (node.type) {
    case 'play':
    case 'record':
    case 'set':
    case 'language':
      return [{ field: ['next'], target: node.next }];
    case 'menu':
      return [
        ...Object.entries(node.options).map(([digit, target]) => ({ field: ['options', digit], target: target ?? '' })),
        { field: ['onFail'], target: node.onFail },
      ];
    case 'caseStatus':
    case 'rateCase':
    case 'openCase':
    case 'fairUse':
      return Object.entries(node.outcomes).map(([outcome, target]: [string, string]) => ({ field: ['outcomes', outcome], target }));
    case 'submit':
    case 'collect':
      return [
        { field: ['next'], target: node.next },
        { field: ['onFail'], target: node.onFail },
      ];
    case 'goto':
      return [{ field: ['target'], target: node.target }];
    case 'condition':
      return [
        ...node.branches.map((branch, index) => ({ field: ['branches', index, 'next'], target: branch.next })),
        { field: ['otherwise'], target: node.otherwise },
      ];
    case 'emergency':
    case 'queue':
    case 'hangup':
      return [];
  }
}

export interface PromptUse {
  readonly field: readonly PathSegment[];
  readonly ref: PromptRef;
}

export function nodePromptUses(node: FlowNode): PromptUse[] {
  const lists: Array<[string, readonly PromptRef[]]> = [];
  if ('prompts' in node) lists.push(['prompts', node.prompts]);
  if (node.type === 'menu' || node.type === 'collect') {
    lists.push(['invalidPrompts', node.invalidPrompts], ['timeoutPrompts', node.timeoutPrompts]);
  }
  return lists.flatMap(([key, refs]) => refs.map((ref, index) => ({ field: [key, index], ref })));
}

/** Nodes that wait for the caller: a loop through at least one of them cannot spin on its own. */
export function waitsForCaller(node: FlowNode): boolean {
  return node.type === 'menu' || node.type === 'collect' || node.type === 'record';
}
