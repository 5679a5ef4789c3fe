import { describe, expect, it } from 'vitest';
import { AGENT_CALL_EVENTS, AGENT_EVENT_TYPES, AGENT_TRANSITIONS, applyAgentEvent, parsePauseReason } from '../../../src/domain/acd/agent-state.js';
import type { AgentEvent, AgentEventType } from '../../../src/domain/acd/agent-state.js';
import { AGENT_STATES, DEVICE_UNAVAILABLE_REASON, LOGGED_IN_REASON, NO_ANSWER_REASON } from '../../../src/domain/acd/types.js';
import type { AgentRecord, AgentState } from '../../../src/domain/acd/types.js';

// The machine as the issue describes it, written out by hand: every allowed "event: from -> to". Any pair not
// listed must be refused. The table in the source is checked against this list, so a typo in either fails.
const EXPECTED = `
  login: offline -> paused, ready -> ready, paused -> paused, reserved -> reserved, ringing -> ringing, onCall -> onCall, wrapUp -> wrapUp
  logout: ready -> offline, paused -> offline, reserved -> offline, ringing -> offline, onCall -> offline, wrapUp -> offline
  ready: paused -> ready, wrapUp -> ready, ready -> ready
  pause: ready -> paused, paused -> paused, wrapUp -> paused
  reserve: ready -> reserved
  ring: reserved -> ringing
  answer: ringing -> onCall
  noAnswer: ringing -> paused, reserved -> paused
  lost: reserved -> paused, ringing -> paused, onCall -> paused
  release: reserved -> ready, ringing -> ready
  end: onCall -> wrapUp
  wrapUpDone: wrapUp -> ready
`;

function expectedTable(): Record<string, Record<string, string>> {
  const table: Record<string, Record<string, string>> = {};
  for (const line of EXPECTED.trim().split('\n')) {
    const [event, pairs] = line.trim().split(': ') as [string, string];
    table[event] = Object.fromEntries(pairs.split(', ').map((pair) => pair.split(' -> ') as [string, string]));
  }
  return table;
}

const CALL = 'call-1';
const T0 = 1_000;
const NOW = 50_000;

/** An agent in `state` that holds CALL when the state holds a call. */
function agentIn(state: AgentState): AgentRecord {
  const holds = state === 'reserved' || state === 'ringing' || state === 'onCall' || state === 'wrapUp';
  return {
    id: 'a1',
    endpoint: 'PJSIP/1001',
    skills: [{ name: 'zh', level: 1 }],
    state,
    reason: state === 'paused' ? 'lunch' : null,
    callId: holds ? CALL : null,
    since: T0,
    idleSince: T0 - 500,
  };
}

function eventOf(type: AgentEventType, callId = CALL): AgentEvent {
  switch (type) {
    case 'login':
      return { type, endpoint: 'PJSIP/2002', skills: [{ name: 'en', level: 2 }] };
    case 'pause':
      return { type, reason: '  meeting ' };
    case 'lost':
      return { type, callId, reason: DEVICE_UNAVAILABLE_REASON };
    case 'end':
      return { type, callId, wrapUpMs: 30_000 };
    case 'reserve':
      return { type, callId: callId === CALL ? 'call-2' : callId };
    case 'ring':
    case 'answer':
    case 'noAnswer':
    case 'release':
      return { type, callId };
    case 'logout':
    case 'ready':
    case 'wrapUpDone':
      return { type };
  }
}

const pairs = AGENT_EVENT_TYPES.flatMap((event) => AGENT_STATES.map((state) => [event, state] as const));

describe('the agent transition table', () => {
  it('is exactly the machine the issue describes', () => {
    expect(AGENT_TRANSITIONS).toEqual(expectedTable());
    expect(Object.keys(AGENT_TRANSITIONS).sort()).toEqual([...AGENT_EVENT_TYPES].sort());
  });

  it('survives JSON, so the Lua scripts can embed it as is', () => {
    expect(JSON.parse(JSON.stringify(AGENT_TRANSITIONS))).toEqual(AGENT_TRANSITIONS);
  });

  it('covers every state and event pair', () => {
    expect(pairs).toHaveLength(AGENT_STATES.length * AGENT_EVENT_TYPES.length);
  });
});

describe('applyAgentEvent on every (event, state) pair', () => {
  it.each(pairs)('%s from %s follows the table', (type, state) => {
    const agent = agentIn(state);
    const result = applyAgentEvent(agent, eventOf(type), NOW);
    const target = expectedTable()[type]?.[state];
    if (target === undefined) {
      expect(result).toEqual({ ok: false, code: 'not_allowed', state });
      return;
    }
    if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`);
    const next = result.agent;
    expect(next.state).toBe(target);
    expect(next.since).toBe(target === state ? T0 : NOW);
    expect(next.idleSince).toBe(target === 'ready' && state !== 'ready' ? NOW : agent.idleSince);
    // Invariants: a reason exactly in paused, a call exactly in the states that hold one.
    expect(next.reason !== null).toBe(target === 'paused');
    expect(next.callId !== null).toBe(['reserved', 'ringing', 'onCall', 'wrapUp'].includes(target));
    expect(next.id).toBe(agent.id);
    if (type === 'login') expect([next.endpoint, next.skills]).toEqual(['PJSIP/2002', [{ name: 'en', level: 2 }]]);
    else expect([next.endpoint, next.skills]).toEqual([agent.endpoint, agent.skills]);
    const handsBack = type === 'logout' && ['reserved', 'ringing', 'onCall'].includes(state);
    expect(result.handedBack).toBe(handsBack ? CALL : undefined);
  });

  it.each(AGENT_CALL_EVENTS.flatMap((type) => AGENT_STATES.map((state) => [type, state] as const)))(
    '%s from %s naming another call is refused',
    (type, state) => {
      expect(applyAgentEvent(agentIn(state), eventOf(type, 'other-call'), NOW)).toEqual({ ok: false, code: 'not_allowed', state });
    },
  );
});

describe('what each transition records', () => {
  it('login from offline pauses with "logged in"; again keeps the state and the reason', () => {
    const first = applyAgentEvent(agentIn('offline'), eventOf('login'), NOW);
    expect(first).toMatchObject({ ok: true, agent: { state: 'paused', reason: LOGGED_IN_REASON, since: NOW } });
    expect(applyAgentEvent(agentIn('paused'), eventOf('login'), NOW)).toMatchObject({ ok: true, agent: { state: 'paused', reason: 'lunch', since: T0 } });
    expect(applyAgentEvent(agentIn('onCall'), eventOf('login'), NOW)).toMatchObject({ ok: true, agent: { state: 'onCall', callId: CALL } });
  });

  it('logout from wrap-up or paused hands nothing back', () => {
    for (const state of ['paused', 'ready', 'wrapUp'] as const) {
      const result = applyAgentEvent(agentIn(state), { type: 'logout' }, NOW);
      expect(result).toEqual({ ok: true, agent: { ...agentIn(state), state: 'offline', reason: null, callId: null, since: NOW } });
    }
  });

  it('pause keeps the trimmed reason; re-pausing changes the reason but not since', () => {
    expect(applyAgentEvent(agentIn('ready'), { type: 'pause', reason: ' coffee ' }, NOW)).toMatchObject({ ok: true, agent: { reason: 'coffee', since: NOW } });
    expect(applyAgentEvent(agentIn('paused'), { type: 'pause', reason: 'training' }, NOW)).toMatchObject({ ok: true, agent: { reason: 'training', since: T0 } });
  });

  it('refuses a bad pause or lost reason, naming the problem', () => {
    expect(applyAgentEvent(agentIn('ready'), { type: 'pause', reason: '   ' }, NOW)).toEqual({
      ok: false,
      code: 'bad_reason',
      message: 'pause reason: required (why the agent is not taking calls)',
    });
    expect(applyAgentEvent(agentIn('onCall'), { type: 'lost', callId: CALL, reason: 'x'.repeat(65) }, NOW)).toMatchObject({ ok: false, code: 'bad_reason' });
    // A refused state is said first: the reason does not matter when the event is not allowed at all.
    expect(applyAgentEvent(agentIn('offline'), { type: 'pause', reason: '' }, NOW)).toMatchObject({ code: 'not_allowed' });
  });

  it('reserve takes the new call; ring and answer keep it', () => {
    const reserved = applyAgentEvent(agentIn('ready'), { type: 'reserve', callId: 'c9' }, NOW);
    expect(reserved).toMatchObject({ ok: true, agent: { state: 'reserved', callId: 'c9' } });
    if (!reserved.ok) return;
    const ringing = applyAgentEvent(reserved.agent, { type: 'ring', callId: 'c9' }, NOW + 1);
    expect(ringing).toMatchObject({ ok: true, agent: { state: 'ringing', callId: 'c9', since: NOW + 1 } });
    if (!ringing.ok) return;
    expect(applyAgentEvent(ringing.agent, { type: 'answer', callId: 'c9' }, NOW + 2)).toMatchObject({ ok: true, agent: { state: 'onCall', callId: 'c9' } });
  });

  it('no answer and lost pause with their reasons and drop the call', () => {
    expect(applyAgentEvent(agentIn('ringing'), { type: 'noAnswer', callId: CALL }, NOW)).toMatchObject({ ok: true, agent: { state: 'paused', reason: NO_ANSWER_REASON, callId: null } });
    expect(applyAgentEvent(agentIn('onCall'), eventOf('lost'), NOW)).toMatchObject({ ok: true, agent: { state: 'paused', reason: DEVICE_UNAVAILABLE_REASON, callId: null } });
  });

  it('end with wrap-up time goes to wrap-up with the call; with none straight to ready, idle from now', () => {
    expect(applyAgentEvent(agentIn('onCall'), { type: 'end', callId: CALL, wrapUpMs: 1 }, NOW)).toMatchObject({
      ok: true,
      agent: { state: 'wrapUp', callId: CALL, idleSince: agentIn('onCall').idleSince },
    });
    expect(applyAgentEvent(agentIn('onCall'), { type: 'end', callId: CALL, wrapUpMs: 0 }, NOW)).toMatchObject({
      ok: true,
      agent: { state: 'ready', callId: null, since: NOW, idleSince: NOW },
    });
  });

  it('ready when already ready changes nothing', () => {
    expect(applyAgentEvent(agentIn('ready'), { type: 'ready' }, NOW)).toEqual({ ok: true, agent: agentIn('ready') });
  });
});

describe('parsePauseReason', () => {
  it.each<[string, string | RegExp]>([
    ['lunch', 'lunch'],
    ['  training  ', 'training'],
    ['开会', '开会'],
    ['x'.repeat(64), 'x'.repeat(64)],
    ['😀'.repeat(64), '😀'.repeat(64)],
    ['', /required/],
    ['x'.repeat(65), /too long: 65 characters, at most 64/],
    ['a\u0007b', /control characters/],
    ['a\nb', /one line/],
  ])('%j', (input, expected) => {
    const parsed = parsePauseReason(input);
    if (typeof expected === 'string') expect(parsed).toBe(expected);
    else expect(typeof parsed === 'string' ? parsed : parsed.error).toMatch(expected);
  });
});
