// Given two gateway processes serving one hotline (one Redis prefix, each with its own Asterisk) and 50 agents
// logged in through either gateway's API, when 500 callers call, spread over both, and choose an agent, then the
// agents take them one after the other: each agent talks, hangs up, the caller rates the call, and the agent files
// the work order through the API and is offered the next. No agent ever has two calls at once across both
// Asterisks, no caller is offered to two agents at once, every caller is answered, and every answered call has its
// work order in intake exactly once, with the caller's rating.

import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisAcdStore } from '../../../src/adapters/acd/redis-acd-store.js';
import { IntakeKeys } from '../../../src/adapters/intake/intake-keys.js';
import { RedisIntakeStore } from '../../../src/adapters/intake/redis-intake-store.js';
import type { SimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import { REDIS_URL } from '../../support/redis.js';
import type { AgentLeg, GatewayProcess, Hotline, QueueBody } from './acd-processes.js';
import { ANSWERED_FORM, agentStep, callerNumber, FarEnds, PROCESS_START_MS, spawnGateway, startAsterisk, startHotline, until } from './acd-processes.js';

const CALLS = 500;
const AGENTS = 50;
const TALK_MS = 40;
/** Calls placed at once, and the pause between such bursts: all 500 are on the line within a few seconds. */
const BURST = 20;
const BURST_GAP_MS = 60;
const ACD_ENV = {
  ACD_ANNOUNCE_EVERY: '0',
  ACD_OPTIONS_AFTER: '0',
  ACD_RING_TIMEOUT: '5s',
  // Long: every wrap-up is ended by the agent filing the work order, never by the timer.
  ACD_WRAP_UP: '2m',
  ACD_WIDEN_EVERY: '0',
  ACD_OVERFLOW_AFTER: '0',
};

const cleanups: (() => Promise<unknown> | void)[] = [];
let hotline: Hotline;
let asterisks: SimulatedAsterisk[];
let gateways: GatewayProcess[];
let redis: Redis;

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}, 30_000);

/** The gateway agent `n` uses (they log in through either). */
function gatewayOf(agentId: string): GatewayProcess {
  return gateways[Number(agentId.slice(1)) % gateways.length] as GatewayProcess;
}

describe('two gateway processes, one hotline', () => {
  it(`serve ${CALLS} callers with ${AGENTS} agents: no agent or caller twice at once, nobody lost, one work order per answered call`, async () => {
    hotline = await startHotline('acd-scale');
    cleanups.push(() => hotline.close());
    asterisks = await Promise.all([startAsterisk('pbx-1'), startAsterisk('pbx-2')]);
    for (const asterisk of asterisks) cleanups.push(() => asterisk.close());
    gateways = await Promise.all(
      asterisks.map(async (asterisk, i) => {
        const gatewayId = `gw-${i + 1}@pbx-${i + 1}`;
        const gateway = await spawnGateway({ hotline, asterisk, gatewayId, dataDir: await hotline.dataDir(gatewayId), env: ACD_ENV });
        cleanups.push(() => gateway.kill());
        return gateway;
      }),
    );
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    cleanups.push(() => redis.disconnect());

    const farEnds = new FarEnds('2', '5');
    asterisks.forEach((asterisk, i) => farEnds.watch(`pbx-${i + 1}`, asterisk));
    cleanups.push(() => farEnds.close());

    // The agents: each talks a moment, hangs up, and files the call's work order once the gateway has them in
    // wrap-up (a 409 until it has seen the hang-up), which makes them ready for the next.
    const problems: string[] = [];
    const filed = new Map<string, string[]>();
    farEnds.onBridged((leg, asterisk) => {
      setTimeout(() => {
        try {
          asterisk.control.hangupFarEnd(leg.legId);
        } catch (err) {
          problems.push(`could not hang up ${leg.legId}: ${String(err)}`);
        }
      }, TALK_MS);
    });
    farEnds.onLegHungUp((leg) => {
      if (leg.bridgedTo === null) return;
      void wrapUp(leg).catch((err: unknown) => problems.push(String(err)));
    });
    async function wrapUp(leg: AgentLeg): Promise<void> {
      const agentId = leg.agent.slice('PJSIP/'.length);
      const gateway = gatewayOf(agentId);
      const deadline = Date.now() + 20_000;
      for (;;) {
        const response = await gateway.api<{ agent: { state: string }; ticket?: string; error?: string }>('POST', `/v1/agents/${agentId}/wrap-up`, { workOrder: ANSWERED_FORM });
        if (response.status === 200) {
          filed.set(agentId, [...(filed.get(agentId) ?? []), leg.bridgedTo ?? '']);
          return;
        }
        if (response.status !== 409 || Date.now() > deadline) throw new Error(`wrap-up of ${agentId} after ${leg.legId}: ${response.status} ${JSON.stringify(response.body)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    // Given 50 agents ready, half through each gateway.
    const agentIds = Array.from({ length: AGENTS }, (_, i) => `a${i + 1}`);
    await Promise.all(
      agentIds.map(async (id) => {
        await agentStep(gatewayOf(id), 'PUT', `/v1/agents/${id}/session`, { endpoint: `PJSIP/${id}`, skills: 'consultation:1, zh:1' });
        await agentStep(gatewayOf(id), 'POST', `/v1/agents/${id}/ready`);
      }),
    );

    // When 500 callers call, alternately on either Asterisk, and press 2 (information and advice).
    const callers: string[] = [];
    for (let n = 0; n < CALLS; n++) {
      callers.push(farEnds.call(asterisks[n % asterisks.length] as SimulatedAsterisk, callerNumber(n + 1)));
      if ((n + 1) % BURST === 0) await new Promise((resolve) => setTimeout(resolve, BURST_GAP_MS));
    }

    // Then every caller is answered by an agent, rates the call and leaves, and every agent filed their last order.
    const answered = (): number => callers.filter((caller) => farEnds.legsOf(caller).length > 0).length;
    await until(`all ${CALLS} callers answered (${answered()} so far)`, () => (answered() === CALLS ? true : null), 150_000, 200);
    const gone = (): number => callers.filter((caller) => farEnds.callerGone(caller)).length;
    await until(`every caller done (${gone()} of ${CALLS})`, () => (gone() === CALLS ? true : null), 30_000, 200);
    const orders = (): number => [...filed.values()].reduce((sum, calls) => sum + calls.length, 0);
    await until(`every work order filed (${orders()})`, () => (orders() === CALLS ? true : null), 30_000, 200);
    expect(problems).toEqual([]);

    // No double assignment, no call offered twice at once, each caller answered exactly once.
    expect(farEnds.doubles).toEqual([]);
    // (Each agent leg showed one of the callers' numbers: the per-caller count above counted real callers.)
    const numbers = new Set(Array.from({ length: CALLS }, (_, n) => callerNumber(n + 1)));
    expect([...farEnds.legs.values()].filter((leg) => !numbers.has(leg.callerNumber))).toEqual([]);
    expect(callers.filter((caller) => farEnds.legsOf(caller).length !== 1)).toEqual([]);
    // Every agent worked: the queue spread the calls, it did not starve anyone.
    expect(agentIds.filter((id) => (filed.get(id) ?? []).length === 0)).toEqual([]);

    // Every answered call's work order exactly once in intake, with the caller's rating.
    const intake = new RedisIntakeStore(redis, new IntakeKeys(hotline.prefix), { idempotencyTtlSeconds: 3600 });
    const records = await until(
      'every work order rated',
      async () => {
        const found = await intake.find({ channel: 'voice', limit: 10 * CALLS });
        return found.length >= CALLS && found.every((r) => r.rating !== undefined) ? found : null;
      },
      30_000,
      500,
    );
    const byCall = new Map<string, number>();
    for (const record of records) byCall.set(record.submission.refs.callId ?? '', (byCall.get(record.submission.refs.callId ?? '') ?? 0) + 1);
    expect([...byCall.entries()].filter(([, count]) => count !== 1)).toEqual([]);
    expect([...byCall.keys()].sort()).toEqual([...callers].sort());
    expect(records.filter((r) => r.rating?.score !== 5 || r.submission.call?.disposition !== 'answered')).toEqual([]);

    // The shared queue agrees: all answered, nobody abandoned or waiting, no call left to either gateway.
    const figures = await gateways[0]?.api<QueueBody>('GET', '/v1/queue');
    expect(figures?.body).toMatchObject({ waiting: 0, today: { queued: CALLS, answered: CALLS, abandoned: 0 } });
    const store = new RedisAcdStore({ redis, prefix: hotline.prefix, settings: { widenEveryMs: 0, overflowAfterMs: 0 }, reservationMs: 5000 });
    for (const gateway of gateways) expect(await store.callsOf(gateway.gatewayId)).toEqual([]);
    expect((await store.agents()).filter((a) => a.state !== 'ready')).toEqual([]);
  }, 2 * PROCESS_START_MS + 180_000);
});
