// Routing in the Redis store: which call an agent takes and which agent a call takes, levels widening with time,
// overflow, reservations that lapse, wrap-ups that run out, the calls of a dead gateway, the caller's position and
// the day's figures. Time is the tests' own clock (`now` arguments), so nothing here sleeps.

import { describe, expect, it } from 'vitest';
import type { AcdChange } from '../../../src/app/acd/acd-store.js';
import { HEAD_PRIORITY } from '../../../src/domain/acd/types.js';
import { acdFixture, call, readyAgent, skills, T0 } from './acd-fixture.js';

const fx = acdFixture('routing');

describe('RedisAcdStore routing', () => {
  it('gives a ready agent the call of its skills and languages with the highest priority, then the longest waiting, then the lowest id', async () => {
    const store = fx.store();
    for (const c of [
      call('c-low', 'env', 'zh', 1, T0),
      call('c-high', 'env', 'zh', 7, T0 + 5),
      call('c-b', 'env', 'zh', 7, T0 + 5),
      call('c-early', 'env', 'zh', 7, T0 + 1),
      call('c-other-skill', 'traffic', 'zh', 9, T0),
      call('c-other-lang', 'env', 'en', 9, T0),
    ]) {
      expect(await store.enqueue(c, T0 + 10)).toBeNull();
    }
    const taken: string[] = [];
    for (const [i, id] of ['a1', 'a2', 'a3', 'a4', 'a5'].entries()) {
      await store.login({ id, endpoint: `Local/${id}`, skills: skills('env', 'zh', 'water') }, T0 + 20);
      const ready = await store.ready(id, T0 + 20 + i);
      taken.push(ready.ok ? (ready.offer?.callId ?? 'none') : 'refused');
    }
    expect(taken).toEqual(['c-early', 'c-b', 'c-high', 'c-low', 'none']);
    // A call back at the head goes before every priority, however late it first came.
    await store.enqueue(call('c-head', 'traffic', 'zh', HEAD_PRIORITY, T0 + 9), T0 + 30);
    await store.login({ id: 'a6', endpoint: 'Local/a6', skills: skills('traffic', 'zh') }, T0 + 40);
    const ready = await store.ready('a6', T0 + 40);
    expect(ready.ok && ready.offer?.callId).toBe('c-head');
  });

  it('gives a call the longest-idle eligible agent, then the lowest agent id', async () => {
    const store = fx.store();
    await readyAgent(store, 'a-en', ['env', 'en'], T0 - 1000);
    await readyAgent(store, 'a-other', ['traffic', 'zh'], T0 - 1000);
    await readyAgent(store, 'a3', ['env', 'zh'], T0);
    await readyAgent(store, 'a2', ['env', 'zh'], T0);
    await readyAgent(store, 'a1', ['env', 'zh'], T0 + 10);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) order.push((await store.enqueue(call(`c${i}`, 'env', 'zh', 5, T0 + 100), T0 + 100))?.agentId ?? 'none');
    expect(order).toEqual(['a2', 'a3', 'a1', 'none']);
  });

  it('widens to deeper levels as the call waits, found by tick and by an agent becoming ready', async () => {
    const store = fx.store({ settings: { widenEveryMs: 10_000, overflowAfterMs: 0 } });
    await readyAgent(store, 'a-l2', ['env:2', 'zh'], T0 - 5000);
    expect(await store.enqueue(call('c1', 'env', 'zh', 5, T0), T0)).toBeNull();
    expect((await store.tick(T0 + 9_999)).offers).toEqual([]);
    const widened = await store.tick(T0 + 10_000);
    expect(widened.offers.map((o) => [o.callId, o.agentId])).toEqual([['c1', 'a-l2']]);

    await store.enqueue(call('c2', 'env', 'zh', 5, T0 + 1000), T0 + 1000);
    await store.login({ id: 'a-l3', endpoint: 'Local/a-l3', skills: skills('env:3', 'zh') }, T0 + 2000);
    expect(await store.ready('a-l3', T0 + 2000)).toMatchObject({ ok: true, offer: null });
    expect(await store.ready('a-l3', T0 + 20_999)).toMatchObject({ ok: true, offer: null });
    expect(await store.ready('a-l3', T0 + 21_000)).toMatchObject({ ok: true, offer: { callId: 'c2', agentId: 'a-l3' } });
  });

  it('keeps widening a call that no agent could take for a while: the next level is still found by tick', async () => {
    const store = fx.store({ settings: { widenEveryMs: 10_000, overflowAfterMs: 0 } });
    await store.enqueue(call('c1', 'env', 'zh', 5, T0), T0);
    // Nobody speaks Mandarin yet: the ticks as levels 2 and 3 come find nobody, and leave the call for the next level.
    expect((await store.tick(T0 + 10_000)).offers).toEqual([]);
    expect((await store.tick(T0 + 20_000)).offers).toEqual([]);
    await store.login({ id: 'a-l4', endpoint: 'Local/a-l4', skills: skills('env:4', 'zh') }, T0 + 21_000);
    expect(await store.ready('a-l4', T0 + 21_000)).toMatchObject({ ok: true, offer: null });
    expect((await store.tick(T0 + 29_999)).offers).toEqual([]);
    expect((await store.tick(T0 + 30_000)).offers.map((o) => [o.callId, o.agentId])).toEqual([['c1', 'a-l4']]);
  });

  it('counts a call stamped by a clock ahead as just queued: level 1 at once, level 2 one step after its stamp', async () => {
    const store = fx.store({ settings: { widenEveryMs: 10_000, overflowAfterMs: 0 } });
    await readyAgent(store, 'a-l2', ['env:2', 'zh'], T0 - 5000);
    expect(await store.enqueue(call('c-ahead', 'env', 'zh', 5, T0 + 3000), T0)).toBeNull();
    expect((await store.tick(T0 + 12_999)).offers).toEqual([]);
    expect((await store.tick(T0 + 13_000)).offers.map((o) => o.agentId)).toEqual(['a-l2']);
    await readyAgent(store, 'a-l1', ['env', 'zh'], T0);
    expect((await store.enqueue(call('c-ahead-2', 'env', 'zh', 5, T0 + 3000), T0))?.agentId).toBe('a-l1');
  });

  it('offers a call to level-1 agents at once and, once widened, to the longest idle of every level allowed', async () => {
    const store = fx.store({ settings: { widenEveryMs: 10_000, overflowAfterMs: 0 } });
    await readyAgent(store, 'a-l2', ['env:2', 'zh'], T0 - 5000);
    await readyAgent(store, 'a-l1', ['env:1', 'zh'], T0 - 10);
    expect((await store.enqueue(call('c1', 'env', 'zh', 5, T0), T0))?.agentId).toBe('a-l1');
    await store.ready('a-l1', T0);
    await store.logout('a-l1', T0);
    await readyAgent(store, 'a-l1b', ['env:1', 'zh'], T0 + 5);
    // An hour-old call (back at the head) may go to level 2, whose agent has been idle longest.
    expect((await store.enqueue(call('c2', 'env', 'zh', 5, T0 - 3_600_000), T0 + 10))?.agentId).toBe('a-l2');
  });

  it('overflows after overflowAfterMs to any ready agent speaking the language', async () => {
    const store = fx.store({ settings: { widenEveryMs: 0, overflowAfterMs: 30_000 } });
    await readyAgent(store, 'a-traffic', ['traffic', 'zh'], T0);
    await readyAgent(store, 'a-en', ['env', 'en'], T0 - 100);
    expect(await store.enqueue(call('c1', 'env', 'zh', 5, T0), T0)).toBeNull();
    expect((await store.tick(T0 + 29_999)).offers).toEqual([]);
    expect((await store.tick(T0 + 30_000)).offers.map((o) => [o.callId, o.agentId])).toEqual([['c1', 'a-traffic']]);

    await store.enqueue(call('c2', 'env', 'zh', 5, T0 + 1), T0 + 1);
    await store.login({ id: 'a-zh-only', endpoint: 'Local/zh', skills: skills('zh') }, T0 + 2);
    expect(await store.ready('a-zh-only', T0 + 30_000)).toMatchObject({ offer: null });
    expect(await store.ready('a-zh-only', T0 + 30_001)).toMatchObject({ offer: { callId: 'c2', agentId: 'a-zh-only' } });
    // Overflow keeps the language: the English speaker never gets a Chinese call.
    expect((await store.agent('a-en'))?.state).toBe('ready');
  });

  it('lapses a reservation the gateway did not ring in time: the call back at the head, the agent ready', async () => {
    const store = fx.store({ reservationMs: 5000 });
    await readyAgent(store, 'a1', ['env', 'zh'], T0);
    const offer = await store.enqueue(call('c1', 'env', 'zh', 3, T0 + 1), T0 + 1);
    expect(offer).toMatchObject({ callId: 'c1', agentId: 'a1', offeredAt: T0 + 1, expiresAt: T0 + 5001 });
    await readyAgent(store, 'a2', ['env', 'zh'], T0 + 2);
    expect(await store.tick(T0 + 5000)).toEqual({ offers: [], lapsed: [], wrapUpsEnded: [] });
    const tick = await store.tick(T0 + 5001);
    expect(tick.lapsed).toEqual([offer]);
    expect(tick.offers).toMatchObject([{ callId: 'c1', agentId: 'a2', enqueuedAt: T0 + 1, expiresAt: T0 + 10_001 }]);
    expect(await store.agent('a1')).toMatchObject({ state: 'ready', idleSince: T0 + 5001, callId: null });
    expect(await store.ringing('a1', 'c1', T0 + 5002)).toEqual({ ok: false, code: 'not_allowed', state: 'ready' });
    expect((await store.callsOf('gw-a'))[0]).toMatchObject({ callId: 'c1', priority: HEAD_PRIORITY, phase: 'offered', agentId: 'a2' });
    // The old offer, still in the list, is not handed out: only the standing one.
    expect((await store.takeOffers('gw-a', T0 + 5003)).map((o) => o.agentId)).toEqual(['a2']);
  });

  it('gives a lapsed call back to the only agent free and offers that agent nothing else in the same tick', async () => {
    const store = fx.store({ reservationMs: 5000 });
    await readyAgent(store, 'a1', ['env', 'traffic', 'zh'], T0);
    await store.enqueue(call('c1', 'env', 'zh', 5, T0 + 1), T0 + 1);
    await store.enqueue(call('c2', 'traffic', 'zh', 5, T0 + 2), T0 + 2);
    const tick = await store.tick(T0 + 5001);
    expect(tick.offers.map((o) => [o.callId, o.agentId])).toEqual([['c1', 'a1']]);
    expect(await store.agent('a1')).toMatchObject({ state: 'reserved', callId: 'c1' });
    expect((await store.waitingCalls()).map((c) => c.callId)).toEqual(['c2']);
  });

  it('ends each run-out wrap-up exactly once when two gateways tick at the same time', async () => {
    const one = fx.store();
    const two = fx.sibling(one);
    const agents = Array.from({ length: 30 }, (_, i) => `a${i}`);
    for (const [i, id] of agents.entries()) {
      await readyAgent(one, id, ['env', 'zh'], T0);
      await one.enqueue(call(`c${i}`, 'env', 'zh', 5, T0 + 1), T0 + 1);
      await one.ringing(id, `c${i}`, T0 + 2);
      await one.answered(id, `c${i}`, T0 + 3);
      await one.callEnded(id, `c${i}`, 1000 + i * 10, T0 + 4);
    }
    const ticks = [];
    for (let t = T0 + 1000; t <= T0 + 1400; t += 20) ticks.push(one.tick(t), two.tick(t), one.tick(t + 5), two.tick(t + 5));
    const ended = (await Promise.all(ticks)).flatMap((r) => r.wrapUpsEnded);
    expect(ended.map((e) => e.agentId).sort()).toEqual([...agents].sort());
    expect(new Map(ended.map((e) => [e.agentId, e.callId])).get('a7')).toBe('c7');
    expect((await one.agents()).every((a) => a.state === 'ready')).toBe(true);
  });

  it('refuses a call id another live gateway holds (two Asterisks with one systemname), and lets a dead one\'s be taken back', async () => {
    const store = fx.store();
    await store.heartbeat('gw-a', 3000, T0);
    await store.heartbeat('gw-b', 60_000, T0);
    await store.enqueue(call('same', 'env', 'zh', 5, T0, 'gw-a'), T0);
    await expect(store.enqueue(call('same', 'env', 'zh', 5, T0 + 1, 'gw-b'), T0 + 1)).rejects.toMatchObject({ code: 'ACD_CALL_ID_CONFLICT' });
    expect((await store.callsOf('gw-a')).map((c) => c.callId)).toEqual(['same']);
    expect(await store.callsOf('gw-b')).toEqual([]);
    // Once gw-a's heartbeat ran out the id is free to be taken (its caller is gone with it).
    await store.enqueue(call('same', 'env', 'zh', 5, T0 + 4000, 'gw-b'), T0 + 4000);
    expect((await store.callsOf('gw-b')).map((c) => c.callId)).toEqual(['same']);
  });

  it('parks the calls of a gateway whose heartbeat ran out, until it enqueues them again', async () => {
    const store = fx.store({ reservationMs: 5000 });
    await store.heartbeat('gw-a', 3000, T0);
    await store.heartbeat('gw-b', 60_000, T0);
    await store.enqueue(call('c1', 'env', 'zh', 5, T0, 'gw-a'), T0);
    await store.enqueue(call('c2', 'env', 'zh', 5, T0 + 1, 'gw-a'), T0 + 1);
    await store.enqueue(call('c3', 'env', 'zh', 5, T0 + 2, 'gw-b'), T0 + 2);
    await readyAgent(store, 'a-taken', ['traffic', 'zh'], T0);
    expect((await store.enqueue(call('c4', 'traffic', 'zh', 5, T0 + 3, 'gw-a'), T0 + 3))?.agentId).toBe('a-taken');
    await store.heartbeat('gw-a', 3000, T0 + 1000);
    expect(await store.tick(T0 + 3999)).toEqual({ offers: [], lapsed: [], wrapUpsEnded: [] });
    await store.tick(T0 + 4000);
    expect((await store.callsOf('gw-a')).map((c) => [c.callId, c.phase])).toEqual([
      ['c1', 'parked'],
      ['c2', 'parked'],
      ['c4', 'offered'],
    ]);
    expect((await store.waitingCalls()).map((c) => c.callId)).toEqual(['c3']);
    expect(await store.position('c1', T0 + 4000)).toBeNull();
    // A ready agent gets gw-b's call, never a parked one; the reserved call of the dead gateway is parked when it lapses.
    await readyAgent(store, 'a1', ['env', 'zh'], T0 + 4000);
    expect(await store.agent('a1')).toMatchObject({ state: 'reserved', callId: 'c3' });
    const lapse = await store.tick(T0 + 5003);
    expect(lapse.lapsed.map((o) => o.callId)).toEqual(['c4']);
    expect(lapse.offers).toEqual([]);
    expect((await store.callsOf('gw-a')).find((c) => c.callId === 'c4')).toMatchObject({ phase: 'parked', priority: HEAD_PRIORITY });

    // gw-a is back and adopts c1 again: it is waiting (and offered) with its first enqueuedAt.
    await store.logout('a1', T0 + 6000);
    await readyAgent(store, 'a2', ['env', 'zh'], T0 + 6000);
    const readopted = await store.enqueue(call('c1', 'env', 'zh', 5, T0 + 6500, 'gw-a'), T0 + 6500);
    expect(readopted).toBeNull();
    expect((await store.callsOf('gw-a')).map((c) => [c.callId, c.phase, c.enqueuedAt])).toEqual([
      ['c1', 'waiting', T0],
      ['c2', 'parked', T0 + 1],
      ['c4', 'parked', T0 + 3],
    ]);
    // a2 took c3, back at the head after a1 logged out; c1 waits for the next agent.
    expect(await store.agent('a2')).toMatchObject({ state: 'reserved', callId: 'c3' });
  });

  it('enqueues a call once: again it keeps its enqueuedAt, its place and the day counts it once', async () => {
    const store = fx.store();
    await store.enqueue(call('c1', 'env', 'zh', 5, T0), T0);
    await store.enqueue(call('c2', 'env', 'zh', 5, T0 + 10), T0 + 10);
    await store.enqueue(call('c1', 'env', 'zh', 5, T0 + 20), T0 + 20);
    expect(await store.waitingCalls()).toEqual([call('c1', 'env', 'zh', 5, T0), call('c2', 'env', 'zh', 5, T0 + 10)]);
    expect(await store.position('c1', T0 + 30)).toMatchObject({ position: 1, waiting: 2 });
    expect((await store.stats(T0 + 30)).today.queued).toBe(2);
    await readyAgent(store, 'a1', ['env', 'zh'], T0 + 40);
    // Offered already: enqueuing it again changes nothing and offers nothing.
    expect(await store.enqueue(call('c1', 'env', 'zh', 5, T0 + 50), T0 + 50)).toBeNull();
    expect(await store.agent('a1')).toMatchObject({ state: 'reserved', callId: 'c1' });
    expect((await store.callsOf('gw-a')).map((c) => c.phase)).toEqual(['offered', 'waiting']);
  });

  it('takes a call out of the queue wherever it is, releasing its agent to the next call', async () => {
    const store = fx.store();
    await store.enqueue(call('c-wait', 'env', 'zh', 5, T0), T0);
    expect(await store.leave('c-wait', 'abandoned', T0 + 1)).toEqual(call('c-wait', 'env', 'zh', 5, T0));
    expect(await store.leave('c-wait', 'abandoned', T0 + 2)).toBeNull();
    await readyAgent(store, 'a1', ['env', 'zh'], T0 + 3);
    await store.enqueue(call('c-offered', 'env', 'zh', 5, T0 + 4), T0 + 4);
    await store.enqueue(call('c-next', 'env', 'zh', 5, T0 + 5), T0 + 5);
    expect(await store.leave('c-offered', 'callback', T0 + 6)).toMatchObject({ callId: 'c-offered' });
    expect(await store.agent('a1')).toMatchObject({ state: 'reserved', callId: 'c-next' });
    await store.ringing('a1', 'c-next', T0 + 7);
    expect(await store.leave('c-next', 'voicemail', T0 + 8)).toMatchObject({ callId: 'c-next' });
    expect(await store.agent('a1')).toMatchObject({ state: 'ready', idleSince: T0 + 8 });
    await store.enqueue(call('c-talk', 'env', 'zh', 5, T0 + 9), T0 + 9);
    await store.ringing('a1', 'c-talk', T0 + 10);
    await store.answered('a1', 'c-talk', T0 + 11);
    expect(await store.leave('c-talk', 'abandoned', T0 + 12)).toBeNull();
    expect(await store.agent('a1')).toMatchObject({ state: 'onCall', callId: 'c-talk' });
    expect((await store.stats(T0 + 13)).today).toMatchObject({ queued: 4, abandoned: 1 });
    expect((await store.callsOf('gw-a')).map((c) => c.callId)).toEqual(['c-talk']);
  });

  it('tells a caller their place among calls of the same skill and language, the agents for them and the mean handle time', async () => {
    const store = fx.store();
    await store.enqueue(call('c1', 'env', 'zh', 5, T0), T0);
    await store.enqueue(call('c2', 'env', 'zh', 8, T0 + 5), T0 + 5);
    await store.enqueue(call('c3', 'env', 'en', 5, T0 + 6), T0 + 6);
    await store.login({ id: 'a1', endpoint: 'Local/a1', skills: skills('env:2', 'zh', 'en') }, T0);
    await store.login({ id: 'a2', endpoint: 'Local/a2', skills: skills('env', 'zh') }, T0);
    await store.login({ id: 'a3', endpoint: 'Local/a3', skills: skills('env', 'zh') }, T0);
    await store.logout('a3', T0);
    expect(await store.position('c1', T0 + 10)).toEqual({ position: 2, waiting: 2, agents: 2, meanHandleMs: null });
    expect(await store.position('c2', T0 + 10)).toEqual({ position: 1, waiting: 2, agents: 2, meanHandleMs: null });
    expect(await store.position('c3', T0 + 10)).toEqual({ position: 1, waiting: 1, agents: 1, meanHandleMs: null });
    expect(await store.position('nobody', T0 + 10)).toBeNull();

    // Two env calls handled: 60 s talk + 30 s wrap-up (ended by a pause), and 100 s talk without wrap-up.
    expect(await store.ready('a1', T0 + 20)).toMatchObject({ offer: { callId: 'c2' } });
    await store.ringing('a1', 'c2', T0 + 20);
    await store.answered('a1', 'c2', T0 + 20);
    await store.callEnded('a1', 'c2', 60_000, T0 + 60_020);
    await store.pause('a1', 'done', T0 + 90_020);
    expect(await store.ready('a2', T0 + 200_000)).toMatchObject({ offer: { callId: 'c1' } });
    await store.ringing('a2', 'c1', T0 + 200_000);
    await store.answered('a2', 'c1', T0 + 200_000);
    await store.callEnded('a2', 'c1', 0, T0 + 300_000);
    await store.pause('a2', 'done', T0 + 300_000);
    await store.enqueue(call('c4', 'env', 'zh', 5, T0 + 400_000), T0 + 400_000);
    await store.enqueue(call('c5', 'water', 'en', 5, T0 + 400_000), T0 + 400_000);
    expect(await store.position('c4', T0 + 400_001)).toEqual({ position: 1, waiting: 1, agents: 2, meanHandleMs: 95_000 });
    // No water call handled yet: the mean over every skill.
    expect(await store.position('c5', T0 + 400_001)).toEqual({ position: 1, waiting: 1, agents: 0, meanHandleMs: 95_000 });
  });

  it('counts the day in Beijing time: queued, offered, answered, in time within the service level, abandoned', async () => {
    const store = fx.store({ serviceLevelMs: 20_000 });
    await readyAgent(store, 'a1', ['env', 'zh'], T0);
    await readyAgent(store, 'a2', ['env', 'zh'], T0);
    await store.login({ id: 'a3', endpoint: 'Local/a3', skills: skills('env', 'zh') }, T0);
    await store.enqueue(call('c1', 'env', 'zh', 5, T0), T0);
    await store.enqueue(call('c2', 'env', 'zh', 5, T0), T0);
    await store.enqueue(call('c3', 'env', 'zh', 5, T0 + 100), T0 + 100);
    await store.enqueue(call('c4', 'env', 'zh', 5, T0 + 200), T0 + 200);
    await store.leave('c4', 'abandoned', T0 + 300);
    await store.ringing('a1', 'c1', T0 + 1000);
    await store.answered('a1', 'c1', T0 + 20_000);
    await store.ringing('a2', 'c2', T0 + 1000);
    await store.answered('a2', 'c2', T0 + 20_001);
    const stats = await store.stats(T0 + 30_100);
    expect(stats).toEqual({
      waiting: 1,
      longestWaitMs: 30_000,
      agentsByState: { offline: 0, ready: 0, paused: 1, reserved: 0, ringing: 0, onCall: 2, wrapUp: 0 },
      today: { queued: 4, offered: 2, answered: 2, abandoned: 1, answeredInTime: 1, callbacksBooked: 0, callbacksAbandoned: 0 },
    });
    // 16:00 UTC is midnight in Beijing: a new day with nothing counted yet.
    const tomorrow = Date.UTC(2025, 5, 1, 16, 0, 0);
    expect((await store.stats(tomorrow)).today).toEqual({ queued: 0, offered: 0, answered: 0, abandoned: 0, answeredInTime: 0, callbacksBooked: 0, callbacksAbandoned: 0 });
    expect((await store.stats(tomorrow - 1)).today.queued).toBe(4);
  });

  it('nudges a gateway about its own offers and every gateway about agent and queue changes', async () => {
    const one = fx.store();
    const two = fx.sibling(one);
    const seenA: AcdChange[] = [];
    const seenB: AcdChange[] = [];
    let offerSeen: () => void = () => undefined;
    const offerArrived = new Promise<void>((resolve) => (offerSeen = resolve));
    const stopA = await one.subscribe('gw-a', (change) => {
      seenA.push(change);
      if (change.kind === 'offer') offerSeen();
    });
    const stopB = await two.subscribe('gw-b', (change) => seenB.push(change));
    // Made by gw-b's store, for gw-a's call.
    await two.enqueue(call('c1', 'env', 'zh', 5, T0), T0);
    await readyAgent(two, 'a1', ['env', 'zh'], T0);
    await offerArrived;
    expect(seenA).toContainEqual({ kind: 'offer', gateway: 'gw-a' });
    expect(seenA).toContainEqual({ kind: 'queue' });
    expect(seenA).toContainEqual({ kind: 'agent', agentId: 'a1', state: 'reserved' });
    await stopA();
    await stopB();
    expect(seenB.some((change) => change.kind === 'offer')).toBe(false);
    expect(seenB).toContainEqual({ kind: 'agent', agentId: 'a1', state: 'paused' });
  });

  it('lists a gateway\'s calls in every phase for reconciliation', async () => {
    const store = fx.store();
    for (const id of ['a1', 'a2', 'a3']) await readyAgent(store, id, ['env', 'zh'], T0);
    for (let i = 1; i <= 4; i++) await store.enqueue(call(`c${i}`, 'env', 'zh', 5, T0 + i), T0 + i);
    await store.enqueue(call('c-other', 'env', 'zh', 5, T0 + 9, 'gw-b'), T0 + 9);
    await store.ringing('a2', 'c2', T0 + 10);
    await store.ringing('a3', 'c3', T0 + 10);
    await store.answered('a3', 'c3', T0 + 11);
    expect(await store.callsOf('gw-a')).toEqual([
      { ...call('c1', 'env', 'zh', 5, T0 + 1), phase: 'offered', agentId: 'a1', callback: null, callbackLeg: null },
      { ...call('c2', 'env', 'zh', 5, T0 + 2), phase: 'ringing', agentId: 'a2', callback: null, callbackLeg: null },
      { ...call('c3', 'env', 'zh', 5, T0 + 3), phase: 'onCall', agentId: 'a3', callback: null, callbackLeg: null },
      { ...call('c4', 'env', 'zh', 5, T0 + 4), phase: 'waiting', agentId: null, callback: null, callbackLeg: null },
    ]);
  });
});
