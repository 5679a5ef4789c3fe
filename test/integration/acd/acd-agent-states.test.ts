// Agent states in the Redis store: every operation from every state, allowed or refused with the agent's state,
// the call an agent held going back to the head of the queue, device availability, login updates.
// Given an agent brought to a state through the store's own operations, when an operation is applied, then the
// agent is in the expected state, or the operation is refused and nothing changed.

import { describe, expect, it } from 'vitest';
import type { RedisAcdStore } from '../../../src/adapters/acd/redis-acd-store.js';
import type { AgentState } from '../../../src/domain/acd/types.js';
import { HEAD_PRIORITY, NO_ANSWER_REASON } from '../../../src/domain/acd/types.js';
import { acdFixture, call, readyAgent, skills, T0 } from './acd-fixture.js';

const fx = acdFixture('states');

const STATES: readonly AgentState[] = ['offline', 'paused', 'ready', 'reserved', 'ringing', 'onCall', 'wrapUp'];

/** Brings agent `id` to `state`; its own call `c-<id>` (skill `s-<id>`) is the one it holds where it holds one. */
async function agentIn(store: RedisAcdStore, id: string, state: AgentState, at: number): Promise<void> {
  const skill = `s-${id}`;
  const callId = `c-${id}`;
  await store.login({ id, endpoint: `Local/${id}@agents`, skills: skills(skill, 'zh') }, at);
  if (state === 'offline') await store.logout(id, at);
  if (state === 'paused') return;
  if (state !== 'offline') await store.ready(id, at);
  if (['reserved', 'ringing', 'onCall', 'wrapUp'].includes(state)) await store.enqueue(call(callId, skill, 'zh', 5, at), at);
  if (['ringing', 'onCall', 'wrapUp'].includes(state)) await store.ringing(id, callId, at);
  if (['onCall', 'wrapUp'].includes(state)) await store.answered(id, callId, at);
  if (state === 'wrapUp') await store.callEnded(id, callId, 60_000, at);
  expect((await store.agent(id))?.state).toBe(state);
}

type Operation = (store: RedisAcdStore, id: string, at: number) => Promise<{ ok: boolean; state?: AgentState }>;
const held = (id: string): string => `c-${id}`;
const OPERATIONS: Record<string, Operation> = {
  login: (s, id, at) => s.login({ id, endpoint: `Local/${id}@agents`, skills: skills(`s-${id}`, 'zh') }, at),
  logout: (s, id, at) => s.logout(id, at),
  ready: (s, id, at) => s.ready(id, at),
  pause: (s, id, at) => s.pause(id, 'lunch', at),
  ringing: (s, id, at) => s.ringing(id, held(id), at),
  answered: (s, id, at) => s.answered(id, held(id), at),
  ringNoAnswer: async (s, id, at) => (await s.ringNoAnswer(id, held(id), at)).agent,
  agentLost: async (s, id, at) => (await s.agentLost(id, held(id), 'phone dropped', at)).agent,
  callEnded: (s, id, at) => s.callEnded(id, held(id), 0, at),
  wrapUpDone: (s, id, at) => s.wrapUpDone(id, at),
};

// Written out here rather than read from the store's table, so that a change of either shows.
const EXPECTED: Record<string, Partial<Record<AgentState, AgentState>>> = {
  login: { offline: 'paused', paused: 'paused', ready: 'ready', reserved: 'reserved', ringing: 'ringing', onCall: 'onCall', wrapUp: 'wrapUp' },
  logout: { paused: 'offline', ready: 'offline', reserved: 'offline', ringing: 'offline', onCall: 'offline', wrapUp: 'offline' },
  ready: { paused: 'ready', wrapUp: 'ready', ready: 'ready' },
  pause: { ready: 'paused', paused: 'paused', wrapUp: 'paused' },
  ringing: { reserved: 'ringing' },
  answered: { ringing: 'onCall' },
  ringNoAnswer: { ringing: 'paused', reserved: 'paused' },
  agentLost: { reserved: 'paused', ringing: 'paused', onCall: 'paused' },
  callEnded: { onCall: 'ready' },
  wrapUpDone: { wrapUp: 'ready' },
};

describe('RedisAcdStore agent states', () => {
  it('applies every allowed transition and refuses every other one with the current state, changing nothing', async () => {
    const store = fx.store();
    for (const [name, operation] of Object.entries(OPERATIONS)) {
      for (const from of STATES) {
        const id = `${name}-${from}`;
        await agentIn(store, id, from, T0);
        const before = await store.agent(id);
        const result = await operation(store, id, T0 + 1000);
        const expected = EXPECTED[name]?.[from];
        const after = await store.agent(id);
        if (expected === undefined) {
          expect(result, `${name} from ${from}`).toEqual({ ok: false, code: 'not_allowed', state: from });
          expect(after, `${name} from ${from} changed the agent`).toEqual(before);
        } else {
          expect(result.ok, `${name} from ${from}`).toBe(true);
          expect(after?.state, `${name} from ${from}`).toBe(expected);
        }
      }
    }
  });

  it('refuses an operation naming a call that is not the agent\'s, and every operation on an unknown agent', async () => {
    const store = fx.store();
    await agentIn(store, 'a1', 'reserved', T0);
    expect(await store.ringing('a1', 'someone-else', T0)).toEqual({ ok: false, code: 'not_allowed', state: 'reserved' });
    await store.ringing('a1', 'c-a1', T0);
    expect(await store.answered('a1', 'someone-else', T0)).toEqual({ ok: false, code: 'not_allowed', state: 'ringing' });
    expect((await store.ringNoAnswer('a1', 'someone-else', T0)).agent).toEqual({ ok: false, code: 'not_allowed', state: 'ringing' });
    for (const result of [
      await store.ready('ghost', T0),
      await store.pause('ghost', 'x', T0),
      await store.logout('ghost', T0),
      await store.wrapUpDone('ghost', T0),
      (await store.agentLost('ghost', 'c', 'x', T0)).agent,
    ]) {
      expect(result).toEqual({ ok: false, code: 'unknown_agent' });
    }
    expect(await store.agent('ghost')).toBeNull();
  });

  it('logs an agent in paused ("logged in"); logging in again updates endpoint and skills in the same state', async () => {
    const store = fx.store();
    const first = await store.login({ id: 'a1', endpoint: 'PJSIP/1001', skills: skills('environment:2', 'zh') }, T0);
    expect(first).toEqual({
      ok: true,
      agent: { id: 'a1', endpoint: 'PJSIP/1001', skills: skills('environment:2', 'zh'), state: 'paused', reason: 'logged in', callId: null, since: T0, idleSince: T0 },
    });
    await store.ready('a1', T0 + 10);
    const again = await store.login({ id: 'a1', endpoint: 'PJSIP/2002', skills: skills('traffic', 'en') }, T0 + 20);
    expect(again.ok && again.agent).toMatchObject({ endpoint: 'PJSIP/2002', skills: skills('traffic', 'en'), state: 'ready', since: T0 + 10, idleSince: T0 + 10 });
    // The ready agent is routed by the new skills only.
    expect(await store.enqueue(call('c-env', 'environment', 'zh', 5, T0 + 30), T0 + 30)).toBeNull();
    expect((await store.enqueue(call('c-traffic', 'traffic', 'en', 5, T0 + 40), T0 + 40))?.agentId).toBe('a1');
  });

  it('keeps idleSince when ready again from ready, and starts it anew from another state', async () => {
    const store = fx.store();
    await readyAgent(store, 'a1', ['environment', 'zh'], T0);
    const again = await store.ready('a1', T0 + 500);
    expect(again.ok && again.agent).toMatchObject({ state: 'ready', since: T0, idleSince: T0 });
    await store.pause('a1', 'coffee', T0 + 600);
    const back = await store.ready('a1', T0 + 700);
    expect(back.ok && back.agent).toMatchObject({ state: 'ready', since: T0 + 700, idleSince: T0 + 700 });
  });

  it('pauses with the reason given; ring-no-answer pauses with "no answer" and puts the call back at the head, keeping enqueuedAt', async () => {
    const store = fx.store();
    await readyAgent(store, 'a1', ['environment', 'zh'], T0);
    const paused = await store.pause('a1', 'training', T0 + 1);
    expect(paused.ok && paused.agent).toMatchObject({ state: 'paused', reason: 'training', callId: null });
    await store.ready('a1', T0 + 2);
    const offer = await store.enqueue(call('c1', 'environment', 'zh', 2, T0 + 3), T0 + 3);
    expect(offer?.agentId).toBe('a1');
    await store.ringing('a1', 'c1', T0 + 4);
    const rona = await store.ringNoAnswer('a1', 'c1', T0 + 20_000);
    expect(rona.agent.ok && rona.agent.agent).toMatchObject({ state: 'paused', reason: NO_ANSWER_REASON, callId: null });
    expect(rona.offer).toBeNull();
    expect(await store.waitingCalls()).toEqual([{ ...call('c1', 'environment', 'zh', HEAD_PRIORITY, T0 + 3) }]);
  });

  it('logging out with a call reserved, ringing or on call returns the call to the head of the queue and says which', async () => {
    const store = fx.store();
    for (const state of ['reserved', 'ringing', 'onCall'] as const) {
      await agentIn(store, `a-${state}`, state, T0);
      const out = await store.logout(`a-${state}`, T0 + 100);
      expect(out).toMatchObject({ ok: true, callId: `c-a-${state}`, agent: { state: 'offline', callId: null } });
    }
    await agentIn(store, 'a-paused', 'paused', T0);
    expect(await store.logout('a-paused', T0 + 100)).toMatchObject({ ok: true, callId: null });
    expect(await store.logout('a-paused', T0 + 200)).toEqual({ ok: false, code: 'not_allowed', state: 'offline' });
    const waiting = await store.waitingCalls();
    expect(waiting.map((c) => [c.callId, c.priority, c.enqueuedAt])).toEqual([
      ['c-a-onCall', HEAD_PRIORITY, T0],
      ['c-a-reserved', HEAD_PRIORITY, T0],
      ['c-a-ringing', HEAD_PRIORITY, T0],
    ]);
  });

  it('an agent lost on a call is paused with the reason and the caller is offered to the next agent at once', async () => {
    const store = fx.store();
    await readyAgent(store, 'a1', ['environment', 'zh'], T0);
    await store.enqueue(call('c1', 'environment', 'zh', 5, T0 + 1), T0 + 1);
    await store.ringing('a1', 'c1', T0 + 2);
    await store.answered('a1', 'c1', T0 + 3);
    await readyAgent(store, 'a2', ['environment', 'zh'], T0 + 4);
    const lost = await store.agentLost('a1', 'c1', 'phone dropped', T0 + 5);
    expect(lost.agent.ok && lost.agent.agent).toMatchObject({ state: 'paused', reason: 'phone dropped' });
    expect(lost.offer).toMatchObject({ callId: 'c1', agentId: 'a2', enqueuedAt: T0 + 1 });
  });

  it('ends a call into wrap-up, or into ready (matching at once) without wrap-up time', async () => {
    const store = fx.store();
    await readyAgent(store, 'a1', ['environment', 'zh'], T0);
    await store.enqueue(call('c1', 'environment', 'zh', 5, T0), T0);
    await store.ringing('a1', 'c1', T0 + 1);
    await store.answered('a1', 'c1', T0 + 2);
    const wrap = await store.callEnded('a1', 'c1', 30_000, T0 + 60_000);
    expect(wrap).toMatchObject({ ok: true, offer: null, agent: { state: 'wrapUp', callId: 'c1' } });
    expect(await store.callsOf('gw-a')).toEqual([]);
    await store.enqueue(call('c2', 'environment', 'zh', 5, T0 + 61_000), T0 + 61_000);
    const done = await store.wrapUpDone('a1', T0 + 62_000);
    expect(done).toMatchObject({ ok: true, agent: { state: 'reserved', callId: 'c2', idleSince: T0 + 62_000 }, offer: { callId: 'c2', agentId: 'a1' } });
    await store.ringing('a1', 'c2', T0 + 62_001);
    await store.answered('a1', 'c2', T0 + 62_002);
    await store.enqueue(call('c3', 'environment', 'zh', 5, T0 + 62_003), T0 + 62_003);
    const next = await store.callEnded('a1', 'c2', 0, T0 + 70_000);
    expect(next).toMatchObject({ ok: true, agent: { state: 'reserved', callId: 'c3' }, offer: { callId: 'c3', agentId: 'a1' } });
  });

  it('does not offer calls to a ready agent whose device is unavailable, and offers at once when it is back', async () => {
    const store = fx.store();
    await readyAgent(store, 'a1', ['environment', 'zh'], T0);
    await readyAgent(store, 'a2', ['environment', 'zh'], T0 + 1);
    await store.deviceAvailable('Local/a1@agents', false, T0 + 2);
    const first = await store.enqueue(call('c1', 'environment', 'zh', 5, T0 + 3), T0 + 3);
    expect(first?.agentId).toBe('a2');
    expect(await store.enqueue(call('c2', 'environment', 'zh', 5, T0 + 4), T0 + 4)).toBeNull();
    expect((await store.agent('a1'))?.state).toBe('ready');
    // A ready again does not bring back an agent whose phone is away.
    expect(await store.ready('a1', T0 + 5)).toMatchObject({ ok: true, offer: null });
    await store.deviceAvailable('Local/a1@agents', true, T0 + 6);
    expect(await store.agent('a1')).toMatchObject({ state: 'reserved', callId: 'c2' });
    expect((await store.takeOffers('gw-a', T0 + 7)).map((o) => [o.callId, o.agentId])).toEqual([
      ['c1', 'a2'],
      ['c2', 'a1'],
    ]);
  });

  it('refuses names that cannot be keys or skills, before anything is written', async () => {
    const store = fx.store();
    await expect(store.login({ id: 'a1', endpoint: 'PJSIP/1', skills: [{ name: 'a,b', level: 1 }] }, T0)).rejects.toMatchObject({ code: 'ACD_INPUT_INVALID' });
    await expect(store.login({ id: 'a1', endpoint: 'PJSIP/1', skills: [{ name: 'env', level: 10 }] }, T0)).rejects.toThrow(/level 1\.\.9/);
    await expect(store.enqueue(call('c1', 'env', 'zh', 11, T0), T0)).rejects.toThrow(/priority 0\.\.10/);
    await expect(store.enqueue(call('c\n1', 'env', 'zh', 1, T0), T0)).rejects.toThrow(/call id/);
    await expect(store.pause('a1', '  ', T0)).rejects.toThrow(/pause reason/);
    await expect(store.agentLost('a1', 'c1', 'x'.repeat(65), T0)).rejects.toThrow(/pause reason/);
    expect(await store.agents()).toEqual([]);
  });
});
