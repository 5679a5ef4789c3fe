// Call-backs in the Redis store. Given a caller waiting in the queue, when they book a call-back, then they keep
// their place; when their turn comes the offer says whom to dial; the gateway dialing them takes the call over; a
// caller who does not answer is tried again later at the head of the queue, and leaves it after the last attempt.

import { describe, expect, it } from 'vitest';
import { HEAD_PRIORITY } from '../../../src/domain/acd/types.js';
import { acdFixture, call, readyAgent, T0 } from './acd-fixture.js';

const fx = acdFixture('callback');

describe('RedisAcdStore call-backs', () => {
  it('books a call-back only for a waiting call, which keeps its place, and offers it with the number to dial', async () => {
    const store = fx.store();
    await store.enqueue(call('c1', 'env', 'zh', 5, T0 + 1), T0 + 1);
    await store.enqueue(call('c2', 'env', 'zh', 5, T0 + 2), T0 + 2);
    expect(await store.bookCallback('c2', '+8613911112222', T0 + 10)).toBe(true);
    expect(await store.bookCallback('ghost', '13911112222', T0 + 10)).toBe(false);
    expect(await store.position('c2', T0 + 11)).toMatchObject({ position: 2, waiting: 2 });
    expect((await store.waitingCalls()).map((c) => c.callId)).toEqual(['c1', 'c2']);

    const first = await readyAgent(store, 'a1', ['env', 'zh'], T0 + 20);
    expect(first).toMatchObject({ callId: 'c1', callback: null });
    // Offered: too late to book, the agent is about to ring.
    expect(await store.bookCallback('c1', '13900000000', T0 + 21)).toBe(false);
    const second = await readyAgent(store, 'a2', ['env', 'zh'], T0 + 30);
    expect(second).toMatchObject({ callId: 'c2', agentId: 'a2', enqueuedAt: T0 + 2, callback: { number: '+8613911112222' } });
    expect((await store.takeOffers('gw-a', T0 + 31)).find((o) => o.callId === 'c2')?.callback).toEqual({ number: '+8613911112222' });
    expect((await store.stats(T0 + 32)).today).toMatchObject({ callbacksBooked: 1, callbacksAbandoned: 0 });
  });

  it('lets the gateway dialing the caller take the call over while its agent waits, only while the reservation holds', async () => {
    const store = fx.store({ reservationMs: 5000 });
    await store.enqueue(call('c1', 'env', 'zh', 5, T0), T0);
    await store.bookCallback('c1', '13911112222', T0 + 1);
    await readyAgent(store, 'a1', ['env', 'zh'], T0 + 2);
    // Another agent may not claim it, nor an offer other than the one standing.
    expect(await store.dialingCallback('a2', 'c1', T0 + 2, 'gw-b', 'c1-cb', T0 + 3)).toEqual({ ok: false, code: 'unknown_agent' });
    expect(await store.dialingCallback('a1', 'c1', T0 + 1, 'gw-b', 'c1-cb', T0 + 3)).toEqual({ ok: false, code: 'not_allowed', state: 'reserved' });
    const dialing = await store.dialingCallback('a1', 'c1', T0 + 2, 'gw-b', 'c1-cb', T0 + 3);
    expect(dialing.ok && dialing.agent).toMatchObject({ state: 'ringing', callId: 'c1' });
    expect(await store.callsOf('gw-a')).toEqual([]);
    expect(await store.callsOf('gw-b')).toMatchObject([{ callId: 'c1', phase: 'ringing', agentId: 'a1', callback: '13911112222', callbackLeg: 'c1-cb' }]);
    // Twice is refused: one dial per offer.
    expect(await store.dialingCallback('a1', 'c1', T0 + 2, 'gw-b', 'c1-cb', T0 + 4)).toEqual({ ok: false, code: 'not_allowed', state: 'ringing' });
    // Ringing has no reservation to lapse: the dial takes as long as the caller's phone rings.
    expect((await store.tick(T0 + 60_000)).lapsed).toEqual([]);

    await store.enqueue(call('c2', 'env', 'zh', 5, T0), T0);
    await store.bookCallback('c2', '13933334444', T0 + 1);
    await readyAgent(store, 'a2', ['env', 'zh'], T0 + 2);
    // The job came too late: the reservation lapsed, and the call was offered anew (to the same agent, now free).
    const tick = await store.tick(T0 + 5002);
    expect(tick.lapsed).toMatchObject([{ callId: 'c2', agentId: 'a2', offeredAt: T0 + 2 }]);
    expect(tick.offers).toMatchObject([{ callId: 'c2', agentId: 'a2', offeredAt: T0 + 5002 }]);
    expect(await store.dialingCallback('a2', 'c2', T0 + 2, 'gw-b', 'c2-cb', T0 + 5003)).toEqual({ ok: false, code: 'not_allowed', state: 'reserved' });
  });

  it('puts a call-back whose caller did not answer back at the head after the retry delay, its agent ready at once', async () => {
    const store = fx.store({ callbackAttempts: 3, callbackRetryMs: 60_000 });
    await store.enqueue(call('c1', 'env', 'zh', 5, T0), T0);
    await store.bookCallback('c1', '13911112222', T0 + 1);
    await readyAgent(store, 'a1', ['env', 'zh'], T0 + 2);
    await store.dialingCallback('a1', 'c1', T0 + 2, 'gw-a', 'c1-cb-1', T0 + 3);
    // Another caller waits meanwhile: the released agent takes them at once.
    await store.enqueue(call('c2', 'env', 'zh', 5, T0 + 4), T0 + 4);
    const failed = await store.callbackFailed('a1', 'c1', T0 + 30_000);
    expect(failed.outcome).toBe('retry');
    expect(failed.offer).toMatchObject({ callId: 'c2', agentId: 'a1', callback: null });
    await store.ringing('a1', 'c2', T0 + 30_001);
    expect(await store.callsOf('gw-a')).toMatchObject([
      { callId: 'c1', phase: 'retrying', agentId: null, callback: '13911112222', callbackLeg: null },
      { callId: 'c2', phase: 'ringing' },
    ]);
    expect(await store.waitingCalls()).toEqual([]);
    // Asked again with the same call: no longer the agent's.
    expect((await store.callbackFailed('a1', 'c1', T0 + 30_001)).agent).toMatchObject({ ok: false, code: 'not_allowed' });

    await readyAgent(store, 'a2', ['env', 'zh'], T0 + 40_000);
    expect((await store.tick(T0 + 89_999)).offers).toEqual([]);
    const due = await store.tick(T0 + 90_000);
    expect(due.offers).toMatchObject([{ callId: 'c1', agentId: 'a2', enqueuedAt: T0, callback: { number: '13911112222' } }]);
    expect((await store.callsOf('gw-a')).find((c) => c.callId === 'c1')).toMatchObject({ priority: HEAD_PRIORITY, phase: 'offered' });
  });

  it('gives a call-back up after its last unanswered attempt: it leaves the queue, counted abandoned', async () => {
    const store = fx.store({ callbackAttempts: 2, callbackRetryMs: 1000 });
    await store.enqueue(call('c1', 'env', 'zh', 5, T0), T0);
    await store.bookCallback('c1', '13911112222', T0);
    await readyAgent(store, 'a1', ['env', 'zh'], T0);
    await store.dialingCallback('a1', 'c1', T0, 'gw-a', 'leg-1', T0 + 1);
    expect((await store.callbackFailed('a1', 'c1', T0 + 2)).outcome).toBe('retry');
    const again = await store.tick(T0 + 1002);
    expect(again.offers).toMatchObject([{ callId: 'c1', agentId: 'a1' }]);
    // The reservation itself may be given up before dialing (the gateway could not dial).
    const last = await store.callbackFailed('a1', 'c1', T0 + 1003);
    expect(last.outcome).toBe('abandoned');
    expect(last.agent.ok && last.agent.agent.state).toBe('ready');
    expect(await store.callsOf('gw-a')).toEqual([]);
    expect((await store.stats(T0 + 1004)).today).toMatchObject({ abandoned: 1, callbacksBooked: 1, callbacksAbandoned: 1 });
  });

  it('treats a call-back whose caller answered as a caller on the line: an agent not answering puts it back, offered without a number', async () => {
    const store = fx.store();
    await store.enqueue(call('c1', 'env', 'zh', 5, T0), T0);
    await store.bookCallback('c1', '13911112222', T0);
    await readyAgent(store, 'a1', ['env', 'zh'], T0);
    await store.dialingCallback('a1', 'c1', T0, 'gw-a', 'leg-1', T0 + 1);
    // The caller answered; their agent's phone rang out.
    const rona = await store.ringNoAnswer('a1', 'c1', T0 + 20_000);
    expect(rona.agent.ok && rona.agent.agent.state).toBe('paused');
    const next = await readyAgent(store, 'a2', ['env', 'zh'], T0 + 20_001);
    expect(next).toMatchObject({ callId: 'c1', agentId: 'a2', callback: null });
    expect(await store.ringing('a2', 'c1', T0 + 20_002)).toMatchObject({ ok: true });
  });

  it('takes a retrying call-back out of the queue when it leaves', async () => {
    const store = fx.store({ callbackRetryMs: 1000 });
    await store.enqueue(call('c1', 'env', 'zh', 5, T0), T0);
    await store.bookCallback('c1', '13911112222', T0);
    await readyAgent(store, 'a1', ['env', 'zh'], T0);
    await store.dialingCallback('a1', 'c1', T0, 'gw-a', 'leg-1', T0 + 1);
    await store.callbackFailed('a1', 'c1', T0 + 2);
    expect(await store.leave('c1', 'gone', T0 + 3)).toMatchObject({ callId: 'c1' });
    expect((await store.tick(T0 + 5000)).offers).toEqual([]);
    expect(await store.callsOf('gw-a')).toEqual([]);
  });
});
