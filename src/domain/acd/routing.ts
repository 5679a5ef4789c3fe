// The routing policy, as a reference model: the Redis store applies the same rules atomically in Lua (with sorted
// sets ordered by `rankScore`) and is tested against these functions.
//
// Eligibility. A call needs its matter skill (`CallNeeds.skill`) and its language (`CallNeeds.lang`). The language is
// a skill like any other, but its level does not matter: a caller who speaks only Mandarin is served by anyone who
// speaks it. An agent is eligible for a call when
//   - the agent is ready and their phone is available, and
//   - the agent has the language skill (any level), and
//   - either the call has waited overflowAfterMs or more (when overflowAfterMs > 0: the matter skill is no longer
//     required), or the agent has the matter skill at a level <= maxLevel(waited), where
//     maxLevel(waited) = widenEveryMs === 0 ? 9 : min(9, 1 + floor(waited / widenEveryMs)).
// waited = now - enqueuedAt, and never less than 0: gateways' clocks differ a little, and a call stamped by a clock
// ahead of ours counts as just queued rather than as nobody's.
// Eligibility only grows while a call waits: an agent once eligible stays so (as long as their state and phone do).
//
// Ranking. An agent takes the best eligible call: priority descending (HEAD_PRIORITY, calls given back by a ring-no-
// answer or a lost agent, above all), then the earliest enqueuedAt, then the smallest callId so that every gateway
// picks the same one. A call takes the best eligible agent: the longest idle (smallest idleSince), then the smallest
// agent id.

import { HEAD_PRIORITY, MAX_LEVEL, MIN_LEVEL } from './types.js';
import type { AgentRecord, RoutingSettings, WaitingCall } from './types.js';

/** enqueuedAt must be below this (2039-09-07) for `rankScore` to order by it. */
export const MAX_RANKED_TIME = 2 ** 41;

export class RoutingError extends Error {
  readonly code = 'ACD_RANK_OUT_OF_RANGE';
  constructor(message: string) {
    super(message);
    this.name = 'RoutingError';
  }
}

/**
 * One number per call that orders calls as the ranking does, up to the callId tie-break (the Redis sorted set
 * breaks equal scores by member, i.e. by callId): ascending score is served first. Exact in a double:
 * at most 11 * 2^41 < 2^53.
 */
export function rankScore(call: Pick<WaitingCall, 'priority' | 'enqueuedAt'>): number {
  const { priority, enqueuedAt } = call;
  if (!Number.isInteger(priority) || priority < 0 || priority > HEAD_PRIORITY) {
    throw new RoutingError(`call priority must be a whole number from 0 to ${HEAD_PRIORITY}, got ${priority}`);
  }
  if (!Number.isInteger(enqueuedAt) || enqueuedAt < 0 || enqueuedAt >= MAX_RANKED_TIME) {
    throw new RoutingError(`enqueuedAt must be whole epoch ms from 0 to 2^41, got ${enqueuedAt}`);
  }
  return (HEAD_PRIORITY - priority) * MAX_RANKED_TIME + enqueuedAt;
}

/** Negative when `a` is served before `b`. */
export function compareCalls(a: WaitingCall, b: WaitingCall): number {
  return b.priority - a.priority || a.enqueuedAt - b.enqueuedAt || compareIds(a.callId, b.callId);
}

/** Negative when agent `a` takes a call before `b`. */
function compareAgents(a: AgentRecord, b: AgentRecord): number {
  return a.idleSince - b.idleSince || compareIds(a.id, b.id);
}

/** The best call `agent` is eligible for, or null. The agent's own phone is the caller's to check. */
export function pickCallForAgent(agent: AgentRecord, calls: readonly WaitingCall[], now: number, settings: RoutingSettings): WaitingCall | null {
  let best: WaitingCall | null = null;
  for (const call of calls) {
    if (eligible(agent, call, now, settings) && (best === null || compareCalls(call, best) < 0)) best = call;
  }
  return best;
}

/** The best agent eligible for `call`, or null. */
export function pickAgentForCall(
  call: WaitingCall,
  agents: readonly AgentRecord[],
  now: number,
  settings: RoutingSettings,
  deviceAvailable: (endpoint: string) => boolean,
): AgentRecord | null {
  let best: AgentRecord | null = null;
  for (const agent of agents) {
    if (best !== null && compareAgents(agent, best) >= 0) continue;
    if (eligible(agent, call, now, settings) && deviceAvailable(agent.endpoint)) best = agent;
  }
  return best;
}

/**
 * When the call's eligible set next widens (a deeper level joins, or the skill stops being required), strictly
 * after `now`; null when it never will. The store re-matches the call then.
 */
export function nextEligibilityChange(call: Pick<WaitingCall, 'enqueuedAt'>, now: number, settings: RoutingSettings): number | null {
  const { widenEveryMs, overflowAfterMs } = settings;
  const overflowAt = overflowAfterMs > 0 ? call.enqueuedAt + overflowAfterMs : null;
  if (overflowAt !== null && overflowAt <= now) return null;
  let next = overflowAt;
  if (widenEveryMs > 0) {
    // The first widening step after now, if a level is still to join: step k lets level 1 + k in.
    const step = Math.max(1, Math.floor((now - call.enqueuedAt) / widenEveryMs) + 1);
    const widenAt = call.enqueuedAt + step * widenEveryMs;
    if (step <= MAX_LEVEL - MIN_LEVEL && (next === null || widenAt < next)) next = widenAt;
  }
  return next;
}

function eligible(agent: AgentRecord, call: WaitingCall, now: number, settings: RoutingSettings): boolean {
  if (agent.state !== 'ready') return false;
  let speaks = false;
  let level: number | null = null;
  for (const skill of agent.skills) {
    if (skill.name === call.lang) speaks = true;
    if (skill.name === call.skill) level = skill.level;
  }
  if (!speaks) return false;
  const waited = Math.max(0, now - call.enqueuedAt);
  if (settings.overflowAfterMs > 0 && waited >= settings.overflowAfterMs) return true;
  return level !== null && level <= maxLevel(waited, settings.widenEveryMs);
}

function maxLevel(waited: number, widenEveryMs: number): number {
  return widenEveryMs === 0 ? MAX_LEVEL : Math.min(MAX_LEVEL, MIN_LEVEL + Math.floor(waited / widenEveryMs));
}

/** Code-unit order, which is Redis's byte order for the ASCII ids Asterisk and the agents' config use. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
