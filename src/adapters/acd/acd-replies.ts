// The ACD scripts' replies as the port's types. Scripts answer flat arrays (Lua has no records on the wire); the
// field orders are the prelude's agentReply, callReply and offerReply.

import type { AgentRecord, AgentState, WaitingCall } from '../../domain/acd/types.js';
import { AGENT_STATES } from '../../domain/acd/types.js';
import type { AgentRefusal, CallPhase, Offer, OwnedCall } from '../../app/acd/acd-store.js';
import { decodeSkills } from './acd-input.js';

export class AcdReplyError extends Error {
  readonly code = 'ACD_REPLY_INVALID';
  constructor(what: string, reply: unknown) {
    super(`an ACD script answered ${what} that the store cannot read: ${JSON.stringify(reply)}`);
    this.name = 'AcdReplyError';
  }
}

const PHASES: readonly CallPhase[] = ['waiting', 'parked', 'offered', 'ringing', 'onCall', 'retrying'];

function strings(reply: unknown, length: number, what: string): string[] {
  if (!Array.isArray(reply) || reply.length !== length) throw new AcdReplyError(what, reply);
  return reply.map((item) => String(item));
}

function state(value: string, reply: unknown): AgentState {
  if (!(AGENT_STATES as readonly string[]).includes(value)) throw new AcdReplyError('an agent state', reply);
  return value as AgentState;
}

export function agentOf(reply: unknown): AgentRecord {
  const [id, endpoint, skills, st, reason, callId, since, idleSince] = strings(reply, 8, 'an agent') as [string, string, string, string, string, string, string, string];
  const agentState = state(st, reply);
  return {
    id,
    endpoint,
    skills: decodeSkills(skills),
    state: agentState,
    reason: agentState === 'paused' ? reason : null,
    callId: callId === '' ? null : callId,
    since: Number(since),
    idleSince: Number(idleSince),
  };
}

export function offerOf(reply: unknown): Offer | null {
  if (Array.isArray(reply) && reply.length === 0) return null;
  const [callId, gateway, agentId, endpoint, offeredAt, expiresAt, enqueuedAt, callback] = strings(reply, 8, 'an offer') as [string, string, string, string, string, string, string, string];
  return {
    callId,
    gateway,
    agentId,
    endpoint,
    offeredAt: Number(offeredAt),
    expiresAt: Number(expiresAt),
    enqueuedAt: Number(enqueuedAt),
    callback: callback === '' ? null : { number: callback },
  };
}

export function offersOf(reply: unknown): Offer[] {
  if (!Array.isArray(reply)) throw new AcdReplyError('a list of offers', reply);
  return reply.map((item) => {
    const offer = offerOf(item);
    if (offer === null) throw new AcdReplyError('an empty offer in a list', reply);
    return offer;
  });
}

export function ownedCallOf(reply: unknown): OwnedCall {
  const [callId, gateway, skill, lang, priority, enqueuedAt, phase, agentId, callback, callbackLeg] = strings(reply, 10, 'a call') as [
    string, string, string, string, string, string, string, string, string, string,
  ];
  if (!(PHASES as readonly string[]).includes(phase)) throw new AcdReplyError('a call phase', reply);
  return {
    callId,
    gateway,
    skill,
    lang,
    priority: Number(priority),
    enqueuedAt: Number(enqueuedAt),
    phase: phase as CallPhase,
    agentId: agentId === '' ? null : agentId,
    callback: callback === '' ? null : callback,
    callbackLeg: callbackLeg === '' ? null : callbackLeg,
  };
}

export function waitingCallOf(reply: unknown): WaitingCall {
  const { callId, gateway, skill, lang, priority, enqueuedAt } = ownedCallOf(reply);
  return { callId, gateway, skill, lang, priority, enqueuedAt };
}

/** The status word and the agent of an agent operation's reply; a refusal is answered as the port's refusal. */
export function agentStatusOf(reply: unknown): { ok: true; agent: AgentRecord; rest: unknown[] } | AgentRefusal {
  if (!Array.isArray(reply) || reply.length === 0) throw new AcdReplyError('an agent operation', reply);
  const [status, agent, ...rest] = reply as [unknown, unknown, ...unknown[]];
  if (status === 'unknown_agent') return { ok: false, code: 'unknown_agent' };
  if (status === 'not_allowed') return { ok: false, code: 'not_allowed', state: agentOf(agent).state };
  if (status !== 'ok') throw new AcdReplyError('an agent operation', reply);
  return { ok: true, agent: agentOf(agent), rest };
}
