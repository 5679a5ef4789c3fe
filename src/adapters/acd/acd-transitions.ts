// The agent state machine as the store's Lua applies it: the domain's table (`AGENT_TRANSITIONS`), rendered into the
// scripts' prelude, so the rules live in one place and every script checks a start state against them.
//
// Store operations by event: login, logout, ready, pause; reserve (a match); ring (`ringing`), answer (`answered`),
// noAnswer (`ringNoAnswer`), lost (`agentLost`), release (the caller left, or the reservation lapsed), end
// (`callEnded`; without wrap-up time it lands where wrapUpDone does), wrapUpDone (by the agent, or when the
// wrap-up time runs out).

import { AGENT_TRANSITIONS } from '../../domain/acd/agent-state.js';
import type { AgentState } from '../../domain/acd/types.js';

/**
 * The start states as one Lua string, `'|ready:ready|ready:paused|...|'`: a lookup in a constant string costs a
 * script nothing to set up, where a table of tables would be built again on every call.
 */
export function transitionsLua(table: Readonly<Record<string, Readonly<Partial<Record<AgentState, AgentState>>>>> = AGENT_TRANSITIONS): string {
  const pairs = Object.entries(table).flatMap(([event, moves]) => Object.keys(moves).map((from) => `${event}:${from}`));
  return `'|${pairs.join('|')}|'`;
}
