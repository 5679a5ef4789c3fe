// Entering a node. Returns the node to enter next when the node does not wait for anything
// (set, goto, language, condition, or a prompt that had nothing to play); the caller loops.

import type { Flow, FlowNode } from '../flow/types.js';
import { enterCollect } from './collect.js';
import type { Draft } from './draft.js';
import { enterMenu } from './menu.js';
import { playThen } from './prompting.js';
import { chooseBranch } from './time-window.js';

export function findNode(flow: Flow, id: string): FlowNode | undefined {
  return Object.hasOwn(flow.nodes, id) ? flow.nodes[id] : undefined;
}

/** Whatever the old node had running is over: its playback, its input timers, its entry. */
function leaveNode(d: Draft): void {
  d.stopPlayback();
  d.cancelTimer('input');
  d.cancelTimer('interDigit');
  // A recording in progress is stopped by the adapter when the node changes; the machine just forgets it,
  // so its late recordingFinished is stale.
  d.recording = null;
  d.pending = null;
  d.phase = 'idle';
  d.attempt = 0;
  d.collected = '';
}

export function enterNode(flow: Flow, d: Draft, node: FlowNode): string | null {
  leaveNode(d);
  d.node = node.id;
  d.path.push(node.id);
  if (node.id === flow.onMaxDuration) d.reachedOnMaxDuration = true;
  d.emit({ type: 'entered', node: node.id });
  switch (node.type) {
    case 'set':
      Object.assign(d.variables, node.variables);
      return node.next;
    case 'goto':
      return node.target;
    case 'language':
      d.language = node.language;
      return node.next;
    case 'condition':
      return chooseBranch(flow, node, d.at);
    case 'play':
      // The caller already barged into an earlier prompt: an interruptible one is skipped as well,
      // so their digits reach the menu they were aiming for.
      if (node.bargeIn && d.typeAhead.length > 0) return node.next;
      // A prompt that must be heard in full: digits typed before it were not meant for what follows it.
      if (!node.bargeIn) d.typeAhead = [];
      return playThen(flow, d, node, node.prompts);
    case 'menu':
      return enterMenu(flow, d, node);
    case 'collect':
      return enterCollect(flow, d, node);
    case 'emergency':
      d.finish({ type: 'forwardEmergency', service: node.service }, { kind: 'emergency', service: node.service });
      return null;
    case 'queue':
      d.typeAhead = [];
      d.variables['queue.skill'] = node.skill;
      d.variables['queue.priority'] = String(node.priority);
      return playThen(flow, d, node, node.prompts);
    case 'submit': {
      // A failed recording stored nothing: there is no message to make a work order of.
      const recording = d.variables[node.recording];
      if (recording === undefined || recording === '') return node.onFail;
      d.request({ type: 'submit', kind: node.kind, recording, category: d.variables['category'] ?? null, lang: d.language });
      return null;
    }
    case 'caseStatus': {
      const ticket = d.variables[node.ticket];
      if (ticket === undefined || ticket === '') return node.outcomes.notFound;
      d.request({ type: 'lookupCase', ticket });
      return null;
    }
    case 'hangup':
    case 'record':
      d.typeAhead = [];
      return playThen(flow, d, node, node.prompts);
  }
}
