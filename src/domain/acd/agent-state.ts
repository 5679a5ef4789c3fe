// The agent state machine: which operation may happen in which state, and what the agent record becomes.
// The transitions are plain data (`AGENT_TRANSITIONS`) so the Redis store can embed them in its Lua scripts as JSON
// and apply exactly the same machine atomically; `applyAgentEvent` is the reference the store is tested against.
//
// Rules besides the table, which the store applies the same way:
// - Events that name a call (`AGENT_CALL_EVENTS` except `reserve`) are refused unless it is the agent's own call:
//   a late `ring` or `answer` from a call the agent no longer holds must not move them.
// - `end` with no wrap-up time (`wrapUpMs` 0) is `end` followed at once by `wrapUpDone`: the agent lands in ready.
// - `since` becomes `now` whenever the state changes (re-pausing with another reason keeps it: still unavailable
//   since then). `idleSince` becomes `now` whenever the agent becomes ready from another state: longest idle
//   counts from the last call or break, so the agent who just came back waits behind those already waiting.
// - `reason` is set in paused only; `callId` in reserved, ringing, onCall and wrapUp only.

import { LOGGED_IN_REASON, NO_ANSWER_REASON } from './types.js';
import type { AgentRecord, AgentState, Skill } from './types.js';

export const AGENT_EVENT_TYPES = [
  'login',
  'logout',
  'ready',
  'pause',
  'reserve',
  'ring',
  'answer',
  'noAnswer',
  'lost',
  'release',
  'end',
  'wrapUpDone',
] as const;
export type AgentEventType = (typeof AGENT_EVENT_TYPES)[number];

export type AgentEvent =
  /** Logs in, or updates endpoint and skills of an agent already logged in (state unchanged). */
  | { readonly type: 'login'; readonly endpoint: string; readonly skills: readonly Skill[] }
  | { readonly type: 'logout' }
  | { readonly type: 'ready' }
  | { readonly type: 'pause'; readonly reason: string }
  | { readonly type: 'reserve'; readonly callId: string }
  | { readonly type: 'ring'; readonly callId: string }
  | { readonly type: 'answer'; readonly callId: string }
  /** The agent did not answer in time (or the ring could not start): paused so the next call goes elsewhere. */
  | { readonly type: 'noAnswer'; readonly callId: string }
  /** The agent's leg dropped before or during the call (phone gone, busy): paused with `reason`. */
  | { readonly type: 'lost'; readonly callId: string; readonly reason: string }
  /** The caller left, or the reservation lapsed: the agent did nothing wrong and is ready again. */
  | { readonly type: 'release'; readonly callId: string }
  | { readonly type: 'end'; readonly callId: string; readonly wrapUpMs: number }
  | { readonly type: 'wrapUpDone' };

/** For each event, the states it is allowed from and the state it leads to; a missing state refuses the event. */
export const AGENT_TRANSITIONS: Readonly<Record<AgentEventType, Readonly<Partial<Record<AgentState, AgentState>>>>> = {
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

/** Events that must name the call the agent holds (`reserve` names the new one instead). */
export const AGENT_CALL_EVENTS = ['ring', 'answer', 'noAnswer', 'lost', 'release', 'end'] as const satisfies readonly AgentEventType[];

/** States in which the agent holds a call a caller is still waiting on: logging out hands it back to the queue. */
const HOLDS_WAITING_CALLER: readonly AgentState[] = ['reserved', 'ringing', 'onCall'];

/** The longest pause reason kept (the supervisor view shows it in a column). */
export const MAX_PAUSE_REASON_LENGTH = 64;

export type AgentEventResult =
  | { readonly ok: true; readonly agent: AgentRecord; readonly handedBack?: string }
  | { readonly ok: false; readonly code: 'not_allowed'; readonly state: AgentState }
  | { readonly ok: false; readonly code: 'bad_reason'; readonly message: string };

export function applyAgentEvent(agent: AgentRecord, event: AgentEvent, now: number): AgentEventResult {
  const refused = { ok: false, code: 'not_allowed', state: agent.state } as const;
  let target = AGENT_TRANSITIONS[event.type][agent.state];
  if (target === undefined) return refused;
  if (isCallEvent(event) && event.callId !== agent.callId) return refused;

  let reason: string | null = null;
  if (event.type === 'pause' || event.type === 'lost') {
    const parsed = parsePauseReason(event.reason);
    if (typeof parsed !== 'string') return { ok: false, code: 'bad_reason', message: parsed.error };
    reason = parsed;
  }
  if (event.type === 'end' && !(event.wrapUpMs > 0)) target = AGENT_TRANSITIONS.wrapUpDone.wrapUp ?? target;

  const next: AgentRecord = {
    ...agent,
    ...(event.type === 'login' ? { endpoint: event.endpoint, skills: event.skills } : {}),
    state: target,
    reason: target !== 'paused' ? null : event.type === 'noAnswer' ? NO_ANSWER_REASON : event.type === 'login' ? loginReason(agent) : reason,
    callId: !holdsCall(target) ? null : event.type === 'reserve' ? event.callId : agent.callId,
    since: target === agent.state ? agent.since : now,
    idleSince: target === 'ready' && agent.state !== 'ready' ? now : agent.idleSince,
  };
  const handedBack = event.type === 'logout' && HOLDS_WAITING_CALLER.includes(agent.state) ? agent.callId : null;
  return handedBack === null ? { ok: true, agent: next } : { ok: true, agent: next, handedBack };
}

/** The pause reason as kept: trimmed, 1..64 characters, one line. */
export function parsePauseReason(text: string): string | { readonly error: string } {
  const reason = text.trim();
  if (reason === '') return { error: 'pause reason: required (why the agent is not taking calls)' };
  const length = [...reason].length;
  if (length > MAX_PAUSE_REASON_LENGTH) return { error: `pause reason: too long: ${length} characters, at most ${MAX_PAUSE_REASON_LENGTH}` };
  if (/\p{Cc}/u.test(reason)) return { error: 'pause reason: must be one line without control characters' };
  return reason;
}

function isCallEvent(event: AgentEvent): event is Extract<AgentEvent, { type: (typeof AGENT_CALL_EVENTS)[number] }> {
  return (AGENT_CALL_EVENTS as readonly string[]).includes(event.type);
}

/** A login again keeps the agent's own pause reason. */
function loginReason(agent: AgentRecord): string | null {
  return agent.state === 'offline' ? LOGGED_IN_REASON : agent.reason;
}

function holdsCall(state: AgentState): boolean {
  return state === 'reserved' || state === 'ringing' || state === 'onCall' || state === 'wrapUp';
}
