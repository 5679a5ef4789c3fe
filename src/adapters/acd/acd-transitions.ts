// Which agent state each event starts from and leads to, as the store applies it. This is the domain's table
// (`AGENT_TRANSITIONS` of src/domain/acd/agent-state.ts on the acd-domain branch), same event names, same shape,
// copied here until both branches are merged: then this file imports it instead. The Lua scripts get it rendered
// into their prelude and check every start state against it, so the rules live in one place.
//
// Store operations by event: login, logout, ready, pause; reserve (a match); ring (`ringing`), answer (`answered`),
// noAnswer (`ringNoAnswer`), lost (`agentLost`), release (the caller left, or the reservation lapsed), end
// (`callEnded`; without wrap-up time it lands where wrapUpDone does), wrapUpDone (by the agent, or when the
// wrap-up time runs out).

import type { AgentState } from '../../domain/acd/types.js';

export type AgentEventType = 'login' | 'logout' | 'ready' | 'pause' | 'reserve' | 'ring' | 'answer' | 'noAnswer' | 'lost' | 'release' | 'end' | 'wrapUpDone';

export const STORE_TRANSITIONS: Readonly<Record<AgentEventType, Readonly<Partial<Record<AgentState, AgentState>>>>> = {
  login: { offline: 'paused', ready: 'ready', paused: 'paused', reserved: 'reserved', ringing: 'ringing', onCall: 'onCall', wrapUp: 'wrapUp' },
  logout: { ready: 'offline', paused: 'offline', reserved: 'offline', ringing: 'offline', onCall: 'offline', wrapUp: 'offline' },
  ready: { ready: 'ready', paused: 'ready', wrapUp: 'ready' },
  pause: { ready: 'paused', paused: 'paused', wrapUp: 'paused' },
  reserve: { ready: 'reserved' },
  ring: { reserved: 'ringing' },
  answer: { ringing: 'onCall' },
  noAnswer: { reserved: 'paused', ringing: 'paused' },
  lost: { reserved: 'paused', ringing: 'paused', onCall: 'paused' },
  release: { reserved: 'ready', ringing: 'ready' },
  end: { onCall: 'wrapUp' },
  wrapUpDone: { wrapUp: 'ready' },
};

/**
 * The start states as one Lua string, `'|ready:ready|ready:paused|...|'`: a lookup in a constant string costs a
 * script nothing to set up, where a table of tables would be built again on every call.
 */
export function transitionsLua(table: Readonly<Record<string, Readonly<Partial<Record<AgentState, AgentState>>>>> = STORE_TRANSITIONS): string {
  const pairs = Object.entries(table).flatMap(([event, moves]) => Object.keys(moves).map((from) => `${event}:${from}`));
  return `'|${pairs.join('|')}|'`;
}
