// Given the gateway's own queue with call-backs dialed through `PJSIP/{number}@carrier`, when a caller waiting for
// a paused agent presses 1 for a call-back and confirms their number, then they are told it is booked and hung up;
// when the agent becomes ready, the gateway dials the caller, tells them who calls, rings the agent and joins them,
// and the agent's wrap-up files the work order of the first call. A caller who does not answer is tried again,
// then given up, the agent free meanwhile.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { heard, startHarness } from './harness.js';
import { agentDesk, until } from './agent-support.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    ACD_ANNOUNCE_EVERY: '0',
    ACD_OPTIONS_AFTER: '300ms',
    ACD_RING_TIMEOUT: '2s',
    ACD_WRAP_UP: '1m',
    ACD_WIDEN_EVERY: '0',
    ACD_OVERFLOW_AFTER: '0',
    ACD_CALLBACK: 'on',
    ACD_CALLBACK_DIAL: 'PJSIP/{number}@carrier',
    ACD_CALLBACK_RING_TIMEOUT: '1s',
    ACD_CALLBACK_ATTEMPTS: '2',
    ACD_CALLBACK_RETRY: '0',
  });
});

afterAll(async () => {
  await h.close();
});

function desk() {
  return agentDesk(h);
}


/** The caller waits in the consultation queue, books a call-back on their own number and is let go. */
async function bookCallback(from: string): Promise<string> {
  const caller = await h.call(from);
  await h.sim.sendDigits(caller, '2');
  await h.sim.waitForPlayback(caller, 'sound:hotline/queue-option-callback');
  await h.sim.sendDigits(caller, '1');
  await h.sim.waitForPlayback(caller, 'sound:hotline/queue-callback-confirm');
  expect(heard(h.sim, caller)).toContain(`zh:digits:${from}`);
  await h.sim.sendDigits(caller, '1');
  await h.sim.waitForPlayback(caller, 'sound:hotline/queue-callback-booked');
  await h.sim.waitForHangup(caller);
  return caller;
}

describe('call-backs from the gateway\'s own queue', () => {
  it('keeps the caller\'s place, calls them back when the agent is ready, joins them and files one work order for the call', async () => {
    const before = (await desk().stats()).today;
    await desk().login({ agentId: '5001', endpoint: 'PJSIP/5001', skills: 'consultation:1, zh:1' }); // paused
    const caller = await bookCallback('13911112222');
    // Off the line, still in the queue, not abandoned.
    const booked = await desk().stats();
    expect(booked.waiting).toBe(1);
    expect(booked.today).toMatchObject({ abandoned: before.abandoned, callbacksBooked: before.callbacksBooked + 1 });

    await desk().ready('5001');
    const citizen = (await h.sim.waitForOutboundChannel('PJSIP/13911112222@carrier')).id;
    await h.sim.waitForPlayback(citizen, 'sound:hotline/queue-callback-intro');
    const leg = (await h.sim.waitForOutboundChannel('PJSIP/5001')).id;
    const bridge = await h.sim.waitForBridgeWith(leg);
    expect(bridge.bridgeType).toBe('mixing');
    expect([...bridge.channelIds].sort()).toEqual([citizen, leg].sort());
    expect((await desk().agent('5001'))?.state).toBe('onCall');

    h.sim.hangup(leg, 16); // the agent hangs up; the caller hears the survey
    await h.sim.waitForPlayback(citizen, 'sound:hotline/queue-survey');
    h.sim.hangup(citizen);
    await until('the agent in wrap-up', async () => ((await desk().agent('5001'))?.state === 'wrapUp' ? true : null));
    const { order } = await desk().wrapUp('5001', { kind: 'help', category: 'other', matter: 'Asked about the residence permit', disposition: 'answered' });
    const record = await until('the work order', () => h.gateway.intake.intake.getByTicket(order.ticket));
    expect(record.submission.refs.callId).toBe(caller);
    expect(record.submission.contact.phone).toBe('13911112222');
    expect((await desk().stats()).waiting).toBe(0);
    await desk().logout('5001');
  });

  it('releases the agent when the caller does not answer, tries again, and gives the call-back up after the last attempt', async () => {
    const before = (await desk().stats()).today;
    const number = '13933334444';
    const dialString = `PJSIP/${number}@carrier`;
    h.sim.setDialBehaviour(dialString, { result: 'noanswer' });
    await desk().login({ agentId: '6001', endpoint: 'PJSIP/6001', skills: 'consultation:1, zh:1' });
    await bookCallback(number);
    await desk().ready('6001');
    await h.sim.waitForOutboundChannel(dialString);
    // Two attempts (ACD_CALLBACK_ATTEMPTS=2), then the call leaves the queue counted abandoned.
    const today = await until('the call-back given up', async () => {
      const stats = await desk().stats();
      return stats.today.callbacksAbandoned === before.callbacksAbandoned + 1 ? stats.today : null;
    });
    expect(today.abandoned).toBe(before.abandoned + 1);
    const dialed = h.sim.channels({ includeHungUp: true }).filter((ch) => ch.endpoint === dialString);
    expect(dialed).toHaveLength(2);
    expect((await desk().stats()).waiting).toBe(0);
    // The agent was never rung, and is free for the next caller.
    expect(h.sim.channels({ includeHungUp: true }).some((ch) => ch.endpoint === 'PJSIP/6001')).toBe(false);
    expect((await desk().agent('6001'))?.state).toBe('ready');
    await desk().logout('6001');
  });
});
