// Given the gateway's own agent queue and agents whose PJSIP phones Asterisk watches, when a phone unregisters or is
// busy on another call, then that agent is not offered callers (another ready agent takes them), and once the phone
// is back the agent is offered the next one. Registration comes over ARI (endpoint subscription, EndpointStateChange,
// GET /endpoints), busy over AMI (DeviceStateChange); either one saying "unreachable" is enough to skip the agent.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentPhones } from '../../../src/app/acd/agent-phones.js';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';
import { agentDesk, until } from './agent-support.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    ACD_ANNOUNCE_EVERY: '0',
    ACD_OPTIONS_AFTER: '0',
    ACD_RING_TIMEOUT: '2s',
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

function phones(): AgentPhones {
  const found = h.gateway.phones;
  if (found === null) throw new Error('the agent queue is off');
  return found;
}


/** Waits until the gateway has told the shared queue whether the phone can take calls. */
async function phoneRecorded(endpoint: string, available: boolean): Promise<void> {
  await until(`${endpoint} recorded as ${available ? 'available' : 'unavailable'}`, () => (phones().phoneOf(endpoint).recorded === available ? true : null));
}

async function readyAgent(id: string, skills: string): Promise<string> {
  const endpoint = `PJSIP/${id}`;
  await desk().login({ agentId: id, endpoint, skills });
  await desk().ready(id);
  return endpoint;
}

/** A caller who chose consultation (2) and the agent leg the queue rang for them. */
async function callerFor(endpoint: string): Promise<{ caller: string; leg: string }> {
  const caller = await h.call();
  await h.sim.sendDigits(caller, '2');
  const leg = (await h.sim.waitForOutboundChannel(endpoint)).id;
  const bridge = await h.sim.waitForBridgeWith(leg);
  expect(bridge.channelIds).toContain(caller);
  return { caller, leg };
}

function dialled(endpoint: string): boolean {
  return h.sim.channels({ includeHungUp: true }).some((c) => c.name.startsWith(`${endpoint}-`));
}

describe('agents\' phones', () => {
  it('an agent whose phone unregisters is skipped (even when AMI says idle); back registered, they take the next caller', async () => {
    // Given a registered phone: the gateway subscribes to its endpoint and reads its state when the agent logs in.
    h.sim.setEndpointRegistered('PJSIP/5001', true);
    h.sim.clearRequests();
    const first = await readyAgent('5001', 'consultation:1, zh:1');
    const asked = h.sim.requests().map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(asked).toContain(`POST /ari/applications/${h.gateway.config.ari.app}/subscription 200`);
    expect(h.sim.requests().find((r) => r.path.endsWith('/subscription'))?.query).toMatchObject({ eventSource: 'endpoint:PJSIP/5001' });
    expect(asked).toContain('GET /ari/endpoints/PJSIP/5001 200');
    expect(phones().phoneOf(first)).toMatchObject({ registration: 'online', canTakeCall: true, recorded: true });
    const second = await readyAgent('5002', 'consultation:1, zh:1');

    // When the phone unregisters, and AMI's device state comes back as idle (only ARI still says offline) ...
    h.sim.setEndpointRegistered(first, false);
    await until('ARI to report the phone offline', () => (phones().phoneOf(first).registration === 'offline' ? true : null));
    h.sim.setDeviceState(first, 'NOT_INUSE');
    await until('AMI to report the device idle', () => (h.gateway.devices.stateOf(first) === 'NOT_INUSE' ? true : null));
    await phoneRecorded(first, false);

    // ... then the caller goes to the other ready agent although 5001 has been idle longer.
    const served = await callerFor(second);
    expect(dialled(first)).toBe(false);
    expect((await desk().agent('5001'))?.state).toBe('ready');
    h.sim.hangup(served.caller);
    await until('5002 in wrap-up', async () => ((await desk().agent('5002'))?.state === 'wrapUp' ? true : null));

    // When the phone registers again, the next caller is offered to 5001.
    h.sim.setEndpointRegistered(first, true);
    await phoneRecorded(first, true);
    const next = await callerFor(first);
    h.sim.hangup(next.caller);
    await desk().logout('5001');
    await desk().logout('5002');
  });

  it('reads the registration when the agent logs in: a phone already unregistered is never offered a call', async () => {
    h.sim.setEndpointRegistered('PJSIP/5101', false);
    // AMI alone would let it through: the device state is idle; ARI's GET /endpoints at login says offline.
    h.sim.setDeviceState('PJSIP/5101', 'NOT_INUSE');
    await until('AMI to report the device idle', () => (h.gateway.devices.stateOf('PJSIP/5101') === 'NOT_INUSE' ? true : null));
    const offline = await readyAgent('5101', 'consultation:1, zh:1');
    expect(phones().phoneOf(offline)).toMatchObject({ registration: 'offline', canTakeCall: false, recorded: false });
    const online = await readyAgent('5102', 'consultation:1, zh:1');
    const served = await callerFor(online);
    expect(dialled(offline)).toBe(false);
    h.sim.hangup(served.caller);
    await desk().logout('5101');
    await desk().logout('5102');
  });

  it('a registration change missed while the ARI link was down is read again once it is back', async () => {
    h.sim.setEndpointRegistered('PJSIP/5201', true);
    const first = await readyAgent('5201', 'consultation:1, zh:1');
    expect(phones().phoneOf(first).registration).toBe('online');
    const second = await readyAgent('5202', 'consultation:1, zh:1');

    // The phone unregisters while no ARI socket is connected: its EndpointStateChange is never delivered. AMI's
    // states arrive, and end idle.
    h.sim.dropWebSockets({ refuseMs: 300 });
    h.sim.setEndpointRegistered(first, false);
    h.sim.setDeviceState(first, 'NOT_INUSE');
    await until('AMI to report the device idle', () => (h.gateway.devices.stateOf(first) === 'NOT_INUSE' ? true : null));

    // After the reconnect the gateway reads every logged-in agent's endpoint again.
    await h.sim.waitForApp(h.gateway.config.ari.app, 10_000);
    await until('the registration read again', () => (phones().phoneOf(first).registration === 'offline' ? true : null), 10_000);
    await phoneRecorded(first, false);
    const served = await callerFor(second);
    expect(dialled(first)).toBe(false);
    h.sim.hangup(served.caller);
    await desk().logout('5201');
    await desk().logout('5202');
  }, 20_000);

  it('an agent whose phone is busy on another call (device INUSE) is skipped until it is idle again', async () => {
    const busy = await readyAgent('6001', 'consultation:1, zh:1');
    const free = await readyAgent('6002', 'consultation:1, zh:1');
    h.sim.setDeviceState(busy, 'INUSE');
    await phoneRecorded(busy, false);

    const served = await callerFor(free);
    expect(dialled(busy)).toBe(false);
    h.sim.hangup(served.caller);
    await until('6002 in wrap-up', async () => ((await desk().agent('6002'))?.state === 'wrapUp' ? true : null));

    h.sim.setDeviceState(busy, 'NOT_INUSE');
    await phoneRecorded(busy, true);
    const next = await callerFor(busy);
    h.sim.hangup(next.caller);
    await desk().logout('6001');
    await desk().logout('6002');
  });
});
