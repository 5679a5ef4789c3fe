// Entering a node. Returns the node to enter next when the node does not wait for anything
// (set, goto, language, condition, or a prompt that had nothing to play); the caller loops.

import { PRIVATE_YES } from '../flow/types.js';
import type { CaseStatusNode, Flow, FlowNode, RateCaseNode } from '../flow/types.js';
import { enterCollect } from './collect.js';
import type { Draft } from './draft.js';
import { enterMenu } from './menu.js';
import { playThen } from './prompting.js';
import type { Score } from './protocol.js';
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
  const progress = !d.path.includes(node.id);
  d.path.push(node.id);
  if (node.id === flow.onMaxDuration) {
    d.reachedOnMaxDuration = true;
    // On the way to a person: being held is over.
    d.cancelTimer('idle');
  } else if (progress && d.idleLimitMs !== null && d.timers.includes('idle')) {
    // A node the caller had not been to is progress: the idle limit starts again (while it still runs).
    d.startTimer('idle', d.idleLimitMs);
  }
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
      const asksPrivacy = node.private !== null && d.variables[node.private] === PRIVATE_YES;
      d.request({ type: 'submit', kind: node.kind, recording, category: d.variables['category'] ?? null, lang: d.language, private: asksPrivacy });
      return null;
    }
    case 'caseStatus':
      return enterCaseStatus(d, node);
    case 'rateCase':
      return enterRateCase(d, node);
    case 'fairUse':
      d.request({ type: 'checkCaller' });
      return null;
    case 'openCase':
      // A caller who keyed a choice during the greeting knows what they want (it may be an emergency).
      if (d.typeAhead.length > 0) return node.outcomes.none;
      d.request({ type: 'openCase' });
      return null;
    case 'hangup':
    case 'record':
      d.typeAhead = [];
      return playThen(flow, d, node, node.prompts);
  }
}

/**
 * Reads the case with the caller's own number as proof, and with the PIN the caller keyed in, if any. The PIN is
 * taken out of the variables (it proves one reading, and must not open the next ticket the caller keys in); the
 * machine keeps it with its ticket for a rating of the same case.
 */
function enterCaseStatus(d: Draft, node: CaseStatusNode): string | null {
  const ticket = d.variables[node.ticket];
  let pin: string | null = null;
  if (node.pin !== null) {
    const keyed = d.variables[node.pin];
    if (keyed !== undefined && keyed !== '') pin = keyed;
    delete d.variables[node.pin];
  }
  d.caseProof = null;
  if (ticket === undefined || ticket === '') return node.outcomes.notFound;
  d.caseProof = { ticket, pin };
  d.request({ type: 'lookupCase', ticket, pin });
  return null;
}

const SCORE = /^[1-5]$/;

/** Rates the case the last read opened, with the proof that opened it; anything else cannot be rated here. */
function enterRateCase(d: Draft, node: RateCaseNode): string | null {
  const ticket = d.variables[node.ticket];
  const score = d.variables[node.score];
  const proof = d.caseProof;
  if (proof === null || ticket === undefined || proof.ticket !== ticket || score === undefined || !SCORE.test(score)) {
    return node.outcomes.failed;
  }
  d.request({ type: 'rateCase', ticket, pin: proof.pin, score: Number(score) as Score });
  return null;
}
