// Two gateways (two stores, two Redis connections) share one queue under load: 50 agents and 500 calls, logins,
// readies, enqueues and call ends all in flight at once from both. Given every offer each gateway takes, when each
// is rung, answered and ended, then no call was offered twice, no agent held two calls, every call was served once,
// and the queue's indexes are empty at the end.

import { describe, expect, it } from 'vitest';
import type { Offer } from '../../../src/app/acd/acd-store.js';
import type { RedisAcdStore } from '../../../src/adapters/acd/redis-acd-store.js';
import { acdFixture, call, skills } from './acd-fixture.js';

const fx = acdFixture('concurrency');

const AGENTS = 50;
const CALLS = 500;
const MATTERS = ['env', 'traffic', 'water'] as const;
const LANGS = ['zh', 'en'] as const;

/** A small deterministic generator, so that a failure can be run again as it was. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('RedisAcdStore under two gateways at once', () => {
  it('never offers a call twice nor an agent two calls, and serves every call once', async () => {
    const one = fx.store({ settings: { widenEveryMs: 2, overflowAfterMs: 40 } });
    const two = fx.sibling(one);
    const gateways: [string, RedisAcdStore][] = [
      ['gw-1', one],
      ['gw-2', two],
    ];
    const rnd = random(12345);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
    const storeAt = (i: number): RedisAcdStore => (i % 2 === 0 ? one : two);

    const offersOfCall = new Map<string, number>();
    const busy = new Set<string>();
    const problems: string[] = [];
    const served = new Set<string>();
    let allServed: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allServed = resolve));

    const handle = async (store: RedisAcdStore, offer: Offer): Promise<void> => {
      offersOfCall.set(offer.callId, (offersOfCall.get(offer.callId) ?? 0) + 1);
      if (busy.has(offer.agentId)) problems.push(`${offer.agentId} offered ${offer.callId} while holding a call`);
      busy.add(offer.agentId);
      const ringing = await store.ringing(offer.agentId, offer.callId, Date.now());
      const answered = await store.answered(offer.agentId, offer.callId, Date.now());
      if (!ringing.ok || !answered.ok) problems.push(`${offer.agentId} could not take ${offer.callId}: ${JSON.stringify([ringing, answered])}`);
      served.add(offer.callId);
      // Free before the end reaches Redis: an offer for this agent can only be made after it.
      busy.delete(offer.agentId);
      const ended = await storeAt(served.size).callEnded(offer.agentId, offer.callId, 0, Date.now());
      if (!ended.ok) problems.push(`${offer.agentId} could not end ${offer.callId}`);
      if (served.size === CALLS) allServed();
    };

    let running = true;
    const worker = async ([gateway, store]: [string, RedisAcdStore]): Promise<void> => {
      while (running) {
        const offers = await store.takeOffers(gateway, Date.now());
        if (offers.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
        await Promise.all(offers.map((offer) => handle(store, offer)));
      }
    };
    const workers = gateways.map(worker);

    const agents = Array.from({ length: AGENTS }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
    const agentLoad = agents.map(async (id, i) => {
      const store = storeAt(i);
      // A first-line matter, a backup matter one or two levels down, one language.
      const own = [`${MATTERS[i % 3] as string}:1`, `${MATTERS[(i + 1) % 3] as string}:${2 + (i % 2)}`, LANGS[i % 2] as string];
      await store.login({ id, endpoint: `Local/${id}@agents`, skills: skills(...own) }, Date.now());
      await storeAt(i + 1).ready(id, Date.now());
    });
    const callLoad = Array.from({ length: CALLS }, async (_, i) => {
      const [gateway, store] = gateways[i % 2] as [string, RedisAcdStore];
      const at = Date.now();
      await store.enqueue(call(`call-${i}`, pick(MATTERS), pick(LANGS), Math.floor(rnd() * 10), at, gateway), at);
    });
    // Overflow and widening only happen on ticks: both gateways tick while the load runs.
    const ticking = (async () => {
      while (running) {
        await Promise.all([one.tick(Date.now()), two.tick(Date.now())]);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await Promise.all([...agentLoad, ...callLoad]);
    await done;
    running = false;
    await Promise.all([...workers, ticking]);

    expect(problems).toEqual([]);
    expect(served.size).toBe(CALLS);
    expect([...offersOfCall.values()].every((n) => n === 1)).toBe(true);
    expect(offersOfCall.size).toBe(CALLS);
    const stats = await one.stats(Date.now());
    expect(stats.waiting).toBe(0);
    expect(stats.agentsByState.ready).toBe(AGENTS);
    expect(stats.today).toMatchObject({ queued: CALLS, offered: CALLS, answered: CALLS });
    expect(await one.callsOf('gw-1')).toEqual([]);
    expect(await two.callsOf('gw-2')).toEqual([]);
    // Nothing left behind in the call indexes; every agent in the overflow index of its language.
    const redis = fx.client();
    const base = one.keys.base;
    for (const key of ['reservations', 'due', 'waitingByTime', 'wrapUps']) expect(await redis.zcard(`${base}${key}`)).toBe(0);
    expect((await redis.keys(`${base}w:*`)).concat(await redis.keys(`${base}wl:*`))).toEqual([]);
    expect((await redis.zcard(`${base}rl:zh`)) + (await redis.zcard(`${base}rl:en`))).toBe(AGENTS);
  });
});
