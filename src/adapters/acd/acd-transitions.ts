// Which agent states each store operation starts from. The target state is the operation's own (ready goes to
// ready, ringNoAnswer to paused, ...); the Lua scripts check the start state against this one table, rendered into
// their prelude, so the rules live in one place and can be replaced by the domain's table when it has one.

import type { AgentState } from '../../domain/acd/types.js';
import { AGENT_STATES } from '../../domain/acd/types.js';

export const STORE_TRANSITIONS = {
  /** offline -> paused ("logged in"); from any other state, endpoint and skills change and the state stays. */
  login: AGENT_STATES,
  /** Any state -> offline; a call reserved, ringing or on call goes back to the head of the queue. */
  logout: AGENT_STATES,
  ready: ['paused', 'wrapUp', 'ready'],
  pause: ['ready', 'paused', 'wrapUp'],
  /** A match: ready -> reserved. */
  reserve: ['ready'],
  ringing: ['reserved'],
  answered: ['ringing'],
  ringNoAnswer: ['ringing', 'reserved'],
  agentLost: ['reserved', 'ringing', 'onCall'],
  /** onCall -> wrapUp, or -> ready without wrap-up time. */
  callEnded: ['onCall'],
  wrapUpDone: ['wrapUp'],
  /** The reservation ran out before the gateway rang the agent: -> ready. */
  lapse: ['reserved'],
  /** The caller left while reserved for or ringing the agent: -> ready. */
  release: ['reserved', 'ringing'],
  /** The wrap-up time ran out: -> ready. */
  wrapUpExpired: ['wrapUp'],
} as const satisfies Record<string, readonly AgentState[]>;

export type StoreOperation = keyof typeof STORE_TRANSITIONS;

/** The table as a Lua table literal: `{ready = {paused = true, ...}, ...}`. */
export function transitionsLua(table: Readonly<Record<string, readonly AgentState[]>> = STORE_TRANSITIONS): string {
  const entries = Object.entries(table).map(([operation, from]) => `${operation} = {${from.map((state) => `${state} = true`).join(', ')}}`);
  return `{\n  ${entries.join(',\n  ')}\n}`;
}
