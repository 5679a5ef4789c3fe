// Given a gateway process holding callers in its agent queue, when it is killed (SIGKILL: no goodbye, no clean-up)
// and started again with the same settings, then it takes its callers back from the shared store and Asterisk:
// the waiting ones are served in turn, in the order they queued, none lost; a call that was connected to an agent
// is still watched, so when the agent hangs up the agent goes to wrap-up. The store keeps nothing stale.

import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisAcdStore } from '../../../src/adapters/acd/redis-acd-store.js';
import type { SimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import { REDIS_URL } from '../../support/redis.js';
import type { AgentBody, GatewayProcess, GatewaySpec, Hotline, QueueBody } from './acd-processes.js';
import { agentStep, ANSWERED_FORM, callerNumber, FarEnds, PROCESS_START_MS, spawnGateway, startAsterisk, startHotline, until } from './acd-processes.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ACD_ENV = {
  ACD_ANNOUNCE_EVERY: '0',
  ACD_OPTIONS_AFTER: '0',
  ACD_RING_TIMEOUT: '5s',
  ACD_WRAP_UP: '1m',
  ACD_WIDEN_EVERY: '0',
  ACD_OVERFLOW_AFTER: '0',
  ACD_SURVEY: 'off',
  // What the restarted gateway says it took back is how the test knows it has.
  LOG_LEVEL: 'info',
};
const GATEWAY_ID = 'gw-restart@pbx-1';
const AGENT = 'r1';
const SKILLS = 'consultation:1, zh:1';

interface Setup {
  readonly hotline: Hotline;
  readonly asterisk: SimulatedAsterisk;
  readonly farEnds: FarEnds;
  readonly spec: GatewaySpec;
  readonly store: RedisAcdStore;
  start(): Promise<GatewayProcess>;
}

async function setup(name: string): Promise<Setup> {
  const hotline = await startHotline(name);
  cleanups.push(() => hotline.close());
  const asterisk = await startAsterisk();
  cleanups.push(() => asterisk.close());
  const farEnds = new FarEnds('2', '5');
  farEnds.watch('pbx-1', asterisk);
  cleanups.push(() => farEnds.close());
  const spec: GatewaySpec = { hotline, asterisk, gatewayId: GATEWAY_ID, dataDir: await hotline.dataDir(GATEWAY_ID), env: ACD_ENV };
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  cleanups.push(() => redis.disconnect());
  const store = new RedisAcdStore({ redis, prefix: hotline.prefix, settings: { widenEveryMs: 0, overflowAfterMs: 0 }, reservationMs: 5000 });
  return {
    hotline,
    asterisk,
    farEnds,
    spec,
    store,
    async start() {
      const gateway = await spawnGateway(spec);
      cleanups.push(() => gateway.kill());
      return gateway;
    },
  };
}

async function queue(gateway: GatewayProcess): Promise<QueueBody> {
  const response = await gateway.api<QueueBody>('GET', '/v1/queue');
  expect(response.status).toBe(200);
  return response.body;
}

async function agent(gateway: GatewayProcess): Promise<AgentBody> {
  return agentStep(gateway, 'GET', `/v1/agents/${AGENT}`);
}

describe('a gateway process killed with callers in its queue', () => {
  it.each([
    ['after the restart, through the restarted gateway', 'after'],
    // As another gateway's API does it: the store offers the first caller to the dead gateway, which never rings.
    ['while the gateway is down, through the shared store', 'meanwhile'],
  ] as const)('serves every waiting caller after its restart, in the order they queued, with the agent ready %s, and leaves nothing stale', async (_when, when) => {
    const { asterisk, farEnds, store, start } = await setup('acd-restart');
    const first = await start();
    await agentStep(first, 'PUT', `/v1/agents/${AGENT}/session`, { endpoint: `PJSIP/${AGENT}`, skills: SKILLS }); // paused

    // Given five callers waiting, each queued before the next calls.
    const callers: string[] = [];
    for (let n = 1; n <= 5; n++) {
      callers.push(farEnds.call(asterisk, callerNumber(n)));
      await until(`caller ${n} queued`, async () => ((await queue(first)).waiting === n ? true : null));
    }

    // When the gateway dies and comes back: the callers waited in Asterisk meanwhile.
    await first.kill();
    for (const caller of callers) expect(asterisk.control.channel(caller)?.hungUp).toBe(false);
    if (when === 'meanwhile') {
      const ready = await store.ready(AGENT, Date.now());
      expect(ready.ok && ready.offer?.callId).toBe(callers[0]);
    }
    const second = await start();
    if (when === 'after') {
      expect((await queue(second)).waiting).toBe(5);
      await agentStep(second, 'POST', `/v1/agents/${AGENT}/ready`);
    }

    // Then the agent takes them one after the other: each is joined to the agent, the agent hangs up, files the
    // work order, and is offered the next.
    for (const [index, caller] of callers.entries()) {
      const leg = await until(`caller ${index + 1} joined to the agent`, () => farEnds.legsOf(caller)[0]);
      expect(leg.agent).toBe(`PJSIP/${AGENT}`);
      // Nobody who queued later was served first.
      for (const later of callers.slice(index + 1)) expect(farEnds.legsOf(later)).toEqual([]);
      asterisk.control.hangupFarEnd(leg.legId);
      await asterisk.control.waitForHangup(caller);
      await until('the agent in wrap-up', async () => ((await agent(second)).state === 'wrapUp' ? true : null));
      await agentStep(second, 'POST', `/v1/agents/${AGENT}/wrap-up`, { workOrder: ANSWERED_FORM });
    }
    expect(callers.map((caller) => farEnds.legsOf(caller).length)).toEqual([1, 1, 1, 1, 1]);
    expect(farEnds.doubles).toEqual([]);

    // Nothing stale: no call of this gateway in the store, nobody waiting, every call counted once.
    const figures = await queue(second);
    expect(figures.waiting).toBe(0);
    expect(figures.today).toMatchObject({ queued: 5, answered: 5, abandoned: 0 });
    expect(await store.callsOf(GATEWAY_ID)).toEqual([]);
    expect(await store.waitingCalls()).toEqual([]);
    expect(await agent(second)).toMatchObject({ state: 'ready', callId: null });
  }, 2 * PROCESS_START_MS + 30_000);

  it('still watches a call that was connected to an agent: when the agent hangs up, they go to wrap-up', async () => {
    const { asterisk, farEnds, store, start } = await setup('acd-restart-connected');
    const first = await start();
    await agentStep(first, 'PUT', `/v1/agents/${AGENT}/session`, { endpoint: `PJSIP/${AGENT}`, skills: SKILLS });
    await agentStep(first, 'POST', `/v1/agents/${AGENT}/ready`);

    // Given a caller talking to the agent.
    const caller = farEnds.call(asterisk, callerNumber(1));
    const leg = await until('the caller joined to the agent', () => farEnds.legsOf(caller)[0]);
    expect((await agent(first)).state).toBe('onCall');

    // When the gateway dies and comes back, the two still talk (Asterisk keeps the bridge).
    await first.kill();
    const second = await start();
    expect(asterisk.control.channel(leg.legId)?.hungUp).toBe(false);
    expect(asterisk.control.channel(caller)?.hungUp).toBe(false);
    await second.process.line((line) => line.includes('took back a connected agent call after a restart'));
    expect((await agent(second)).state).toBe('onCall');

    // Then the agent hanging up ends the call: the agent is in wrap-up with that call, the caller is let go.
    asterisk.control.hangupFarEnd(leg.legId);
    const wrapping = await until('the agent in wrap-up', async () => {
      const now = await agent(second);
      return now.state === 'wrapUp' ? now : null;
    });
    expect(wrapping.callId).toBe(caller);
    await asterisk.control.waitForHangup(caller);
    await agentStep(second, 'POST', `/v1/agents/${AGENT}/wrap-up`, { workOrder: ANSWERED_FORM });
    expect(await store.callsOf(GATEWAY_ID)).toEqual([]);
    expect(farEnds.doubles).toEqual([]);
  }, 2 * PROCESS_START_MS + 30_000);
});
