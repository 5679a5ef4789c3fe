// Given the gateway with its own agent queue and agents logged in through the agent desk, when callers choose an
// agent in the IVR, then the queue routes each to the right agent, rings their phone, joins them in a mixing
// bridge, asks the caller for a rating when the agent hangs up, and files the call as a work order on wrap-up.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { heard, startHarness } from './harness.js';
import { agentDesk, until } from './agent-support.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    ACD_ANNOUNCE_EVERY: '0',
    ACD_OPTIONS_AFTER: '0',
    ACD_RING_TIMEOUT: '1s',
    ACD_WRAP_UP: '1m',
    ACD_WIDEN_EVERY: '0',
    ACD_OVERFLOW_AFTER: '0',
  });
});

afterAll(async () => {
  await h.close();
});

function desk() {
  return agentDesk(h);
}


/** An agent logged in and ready, their phone answering as the simulator's default says. */
async function readyAgent(id: string, skills: string, endpoint = `PJSIP/${id}`): Promise<string> {
  await desk().login({ agentId: id, endpoint, skills });
  await desk().ready(id);
  return endpoint;
}

async function agentLegOf(endpoint: string): Promise<string> {
  return (await h.sim.waitForOutboundChannel(endpoint)).id;
}

describe('the gateway\'s own agent queue', () => {
  it('routes a complaint about the environment to the agent with that skill, joins them, surveys the caller and files the work order', async () => {
    await readyAgent('1001', 'consultation:1, zh:1');
    const skilled = await readyAgent('1002', 'environment:1, zh:1');

    const caller = await h.call('13911112222');
    await h.sim.sendDigits(caller, '32'); // complaints, then the environment
    const leg = await agentLegOf(skilled);
    const bridge = await h.sim.waitForBridgeWith(leg);
    expect(bridge.bridgeType).toBe('mixing');
    expect([...bridge.channelIds].sort()).toEqual([caller, leg].sort());
    expect((await desk().agent('1002'))?.state).toBe('onCall');
    expect((await desk().agent('1001'))?.state).toBe('ready');

    h.sim.hangup(leg, 16); // the agent hangs up; the caller is still there
    await h.sim.waitForPlayback(caller, 'sound:hotline/queue-survey');
    await h.sim.sendDigits(caller, '4');
    await h.sim.waitForPlayback(caller, 'sound:hotline/queue-survey-thanks');
    await h.sim.waitForHangup(caller);
    expect((await desk().agent('1002'))?.state).toBe('wrapUp');

    const { agent, order } = await desk().wrapUp('1002', {
      kind: 'complaint',
      category: 'environment',
      matter: 'Construction noise at night on Chaoyang Road',
      disposition: 'dispatched',
      department: 'Chaoyang environment bureau',
    });
    expect(agent.state).toBe('ready');
    const record = await until('the work order with its rating', async () => {
      const found = await h.gateway.intake.intake.getByTicket(order.ticket);
      return found?.rating === undefined ? null : found;
    });
    expect(record.submission.channel).toBe('voice');
    expect(record.submission.refs.callId).toBe(caller);
    expect(record.submission.contact.phone).toBe('13911112222');
    expect(record.submission.call).toMatchObject({ queueSkill: 'complaint', agentId: '1002', disposition: 'dispatched' });
    expect(record.submission.call?.ivrPath).toContain('complaint-queue');
    expect(record.rating?.score).toBe(4);

    // Filing again (a retried request) gives the same order.
    const again = await desk().wrapUp('1002', { kind: 'complaint', category: 'environment', matter: 'again', disposition: 'answered' }, caller);
    expect(again.order.ticket).toBe(order.ticket);
    await desk().logout('1001');
    await desk().logout('1002');
  });

  it('gives a call an agent did not answer back to the head of the queue and pauses that agent ("no answer")', async () => {
    const silent = 'PJSIP/2001';
    h.sim.setDialBehaviour(silent, { result: 'noanswer' });
    await readyAgent('2001', 'consultation:1, zh:1');
    const caller = await h.call();
    await h.sim.sendDigits(caller, '2');
    await agentLegOf(silent);
    const paused = await until('the agent paused for not answering', async () => {
      const agent = await desk().agent('2001');
      return agent?.state === 'paused' ? agent : null;
    });
    expect(paused.reason).toBe('no answer');

    const backup = await readyAgent('2002', 'consultation:1, zh:1');
    const leg = await agentLegOf(backup);
    await h.sim.waitForBridgeWith(leg);
    h.sim.hangup(caller);
    await until('the agent in wrap-up', async () => ((await desk().agent('2002'))?.state === 'wrapUp' ? true : null));
    await desk().logout('2001');
    await desk().logout('2002');
  });

  it('an agent logging out mid-call does not lose the caller: they go back to the head and the next agent takes them', async () => {
    const first = await readyAgent('3001', 'consultation:1, zh:1');
    const caller = await h.call();
    await h.sim.sendDigits(caller, '2');
    const leg = await agentLegOf(first);
    await h.sim.waitForBridgeWith(leg);
    await desk().logout('3001');
    await h.sim.waitForHangup(leg);
    const second = await readyAgent('3002', 'consultation:1, zh:1');
    const next = await agentLegOf(second);
    const bridge = await h.sim.waitForBridgeWith(next);
    expect(bridge.channelIds).toContain(caller);
    h.sim.hangup(caller);
    await desk().logout('3002');
  });

  it('an agent ends the call from the desk: the caller is asked for a rating and the agent goes to wrap-up', async () => {
    const endpoint = await readyAgent('5001', 'consultation:1, zh:1');
    const caller = await h.call();
    await h.sim.sendDigits(caller, '2');
    const leg = await agentLegOf(endpoint);
    await h.sim.waitForBridgeWith(leg);
    await desk().hangup('5001');
    await h.sim.waitForHangup(leg);
    await h.sim.waitForPlayback(caller, 'sound:hotline/queue-survey');
    await until('the agent in wrap-up', async () => ((await desk().agent('5001'))?.state === 'wrapUp' ? true : null));
    h.sim.hangup(caller);
    await expect(desk().hangup('5001')).rejects.toMatchObject({ code: 'not_allowed', state: 'wrapUp' });
    await desk().logout('5001');
  });

  it('an agent transfers the caller to another skill: they wait at the head and the agent with that skill files the order', async () => {
    const first = await readyAgent('6001', 'consultation:1, zh:1');
    await desk().login({ agentId: '6002', endpoint: 'PJSIP/6002', skills: 'transportation:1, zh:1' });
    const caller = await h.call('13933334444');
    await h.sim.sendDigits(caller, '2');
    const leg = await agentLegOf(first);
    await h.sim.waitForBridgeWith(leg);
    await desk().transfer('6001', 'transportation');
    await h.sim.waitForHangup(leg);
    await until('the first agent in wrap-up', async () => ((await desk().agent('6001'))?.state === 'wrapUp' ? true : null));
    await until('the caller waiting again', async () => ((await desk().stats()).waiting === 1 ? true : null));
    await desk().ready('6002');
    const next = await agentLegOf('PJSIP/6002');
    expect((await h.sim.waitForBridgeWith(next)).channelIds).toContain(caller);
    await expect(desk().wrapUp('6001', { kind: 'consultation', category: 'transportation', matter: 'handed on', disposition: 'answered' }, caller)).rejects.toMatchObject({ code: 'not_your_call' });
    h.sim.hangup(next, 16);
    await until('the second agent in wrap-up', async () => ((await desk().agent('6002'))?.state === 'wrapUp' ? true : null));
    const { order } = await desk().wrapUp('6002', { kind: 'consultation', category: 'transportation', matter: 'Bus route 52 timetable', disposition: 'answered' });
    const record = await h.gateway.intake.intake.getByTicket(order.ticket);
    expect(record?.submission.call?.agentId).toBe('6002');
    await desk().ready('6001');
    await desk().logout('6001');
    await desk().logout('6002');
  });

  it("an agent's line dropping mid-call (not a hang-up) gives the caller back to the head and pauses the agent", async () => {
    const first = await readyAgent('8001', 'consultation:1, zh:1');
    const caller = await h.call();
    await h.sim.sendDigits(caller, '2');
    const leg = await agentLegOf(first);
    await h.sim.waitForBridgeWith(leg);
    h.sim.hangup(leg, 38); // network out of order
    const paused = await until('the agent paused', async () => {
      const agent = await desk().agent('8001');
      return agent?.state === 'paused' ? agent : null;
    });
    expect(paused.reason).toBe('agent line dropped');
    expect(heard(h.sim, caller)).not.toContain('zh:sound:hotline/queue-survey');
    const second = await readyAgent('8002', 'consultation:1, zh:1');
    const next = await agentLegOf(second);
    expect((await h.sim.waitForBridgeWith(next)).channelIds).toContain(caller);
    h.sim.hangup(caller);
    await desk().logout('8001');
    await desk().logout('8002');
  });

  it('tells the desk what happens to an agent: state changes, offered, answered, ended', async () => {
    const events: string[] = [];
    const stop = desk().onEvent((event) => {
      if (event.type === 'queueChanged') return;
      const agentId = event.type === 'stateChanged' ? event.agent.id : event.agentId;
      if (agentId === '9001') events.push(event.type === 'stateChanged' ? `state:${event.agent.state}` : event.type);
    });
    // A Local channel as the agent's phone, as a deployment's softphone bridge or a test rig would give.
    const endpoint = await readyAgent('9001', 'consultation:1, zh:1', 'Local/9001@agents');
    const caller = await h.call();
    await h.sim.sendDigits(caller, '2');
    const leg = await agentLegOf(endpoint);
    await h.sim.waitForBridgeWith(leg);
    h.sim.hangup(leg, 16);
    await until('the end reported', () => (events.includes('ended') ? true : null));
    h.sim.hangup(caller);
    stop();
    await desk().logout('9001');
    expect(events.indexOf('offered')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('offered')).toBeLessThan(events.indexOf('answered'));
    expect(events.indexOf('answered')).toBeLessThan(events.indexOf('ended'));
    expect(events).toContain('state:onCall');
    expect(events).toContain('state:wrapUp');
  });

  it('a caller who hangs up while waiting leaves the queue and counts as abandoned', async () => {
    const before = (await desk().stats()).today.abandoned;
    await desk().login({ agentId: '4001', endpoint: 'PJSIP/4001', skills: 'consultation:1, zh:1' }); // logged in, not ready
    const caller = await h.call();
    await h.sim.sendDigits(caller, '2');
    await until('the caller waiting', async () => ((await desk().stats()).waiting > 0 ? true : null));
    expect(heard(h.sim, caller)).not.toContain('zh:sound:hotline/queue-survey');
    h.sim.hangup(caller);
    await until('the abandoned call counted', async () => ((await desk().stats()).today.abandoned === before + 1 ? true : null));
    expect((await desk().stats()).waiting).toBe(0);
    await desk().logout('4001');
  });

  it('with no agent logged in who speaks the caller\'s language, the caller goes to the dialplan\'s queue', async () => {
    await until('the gateway to see nobody logged in', () => (h.gateway.queue?.serves('zh') === false ? true : null));
    const caller = await h.call();
    await h.sim.sendDigits(caller, '2');
    expect(await h.sim.waitForContinue(caller)).toMatchObject({ context: 'ivr-fallback', extension: 'queue', priority: 1 });
  });
});
