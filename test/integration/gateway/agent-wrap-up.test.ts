// Given an agent who lets their wrap-up run out without recording the call, then the gateway files the call's work
// order with what it knows (disposition `unrecorded`), and the agent's late record becomes that order's follow-up:
// every answered call is a work order, and nothing the agent writes is lost.

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';
import { until } from './agent-support.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ ACD_ANNOUNCE_EVERY: '0', ACD_OPTIONS_AFTER: '0', ACD_WRAP_UP: '1s', ACD_SURVEY: 'off' });
});

afterAll(async () => {
  await h.close();
});


it('files an unrecorded order when the wrap-up runs out, and the late record as its follow-up', async () => {
  const desk = h.gateway.agents;
  if (desk === null) throw new Error('the agent queue is off');
  await desk.login({ agentId: '7001', endpoint: 'PJSIP/7001', skills: 'complaint:1, environment:1, zh:1' });
  await desk.ready('7001');
  const caller = await h.call('13955556666');
  await h.sim.sendDigits(caller, '32');
  const leg = (await h.sim.waitForOutboundChannel('PJSIP/7001')).id;
  await h.sim.waitForBridgeWith(leg);
  h.sim.hangup(leg, 16);
  await h.sim.waitForHangup(caller); // no survey: the caller's call ends with the agent's
  expect((await desk.agent('7001'))?.state).toBe('wrapUp');

  const agent = await until('the wrap-up to run out', async () => {
    const found = await desk.agent('7001');
    return found?.state === 'ready' ? found : null;
  });
  expect(agent.callId).toBeNull();
  const order = await until('the unrecorded order', async () => {
    const found = await h.gateway.intake.intake.find({ channel: 'voice', limit: 10 });
    return found.find((r) => r.submission.refs.callId === caller) ?? null;
  });
  expect(order.submission.call).toMatchObject({ disposition: 'unrecorded', agentId: '7001', queueSkill: 'complaint' });
  expect(order.submission.category).toBe('environment');
  expect(order.submission.contact.phone).toBe('13955556666');

  const late = await desk.wrapUp('7001', { kind: 'complaint', category: 'environment', matter: 'Smoke from a factory chimney', disposition: 'answered' }, caller);
  expect(late.order.ticket).toBe(order.submission.ticket);
  const followUp = await until('the follow-up', async () => {
    const found = await h.gateway.intake.intake.find({ channel: 'voice', limit: 10 });
    return found.find((r) => r.submission.refs.followUpOf === order.submission.ticket && r.submission.text.includes('factory')) ?? null;
  });
  expect(followUp.submission.call?.disposition).toBe('answered');
  await desk.logout('7001');
});
