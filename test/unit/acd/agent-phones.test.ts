// Whether an agent's phone can take a call, from ARI's registration and AMI's device state: the pure rule, and the
// service that follows logged-in agents' endpoints and writes the combined answer to the shared store.

import { describe, expect, it } from 'vitest';
import { AgentPhones } from '../../../src/app/acd/agent-phones.js';
import type { EndpointStates } from '../../../src/app/acd/agent-phones.js';
import type { Log } from '../../../src/app/app-ports.js';
import type { Clock, TimerHandle } from '../../../src/app/ports.js';
import type { AgentRecord } from '../../../src/domain/acd/types.js';
import { parseEndpointState, phoneCanTakeCall, registeredEndpointOf } from '../../../src/domain/telephony/agent-phone.js';
import type { EndpointState } from '../../../src/domain/telephony/agent-phone.js';
import { DEVICE_STATES } from '../../../src/domain/telephony/device-state.js';
import type { DeviceState } from '../../../src/domain/telephony/device-state.js';

describe('phoneCanTakeCall', () => {
  it('is unavailable when either source says unreachable, busy only from the device state, and unknown is no objection', () => {
    const cases: Array<[EndpointState | null, DeviceState | null, boolean]> = [
      [null, null, true],
      ['online', null, true],
      ['unknown', 'UNKNOWN', true],
      ['online', 'NOT_INUSE', true],
      ['offline', 'NOT_INUSE', false],
      ['offline', null, false],
      ['online', 'UNAVAILABLE', false],
      [null, 'INVALID', false],
      ['online', 'INUSE', false],
      ['online', 'BUSY', false],
      ['online', 'RINGING', false],
      ['online', 'RINGINUSE', false],
      ['online', 'ONHOLD', false],
    ];
    for (const [registration, device, expected] of cases) expect(phoneCanTakeCall({ registration, device }), `${registration} ${device}`).toBe(expected);
  });

  it('an endpoint ARI calls offline is never available, whatever AMI says', () => {
    for (const device of [null, ...DEVICE_STATES]) expect(phoneCanTakeCall({ registration: 'offline', device })).toBe(false);
  });

  it('reads ARI endpoint states and names only plain PJSIP endpoints as having a registration', () => {
    expect(parseEndpointState('online')).toBe('online');
    expect(parseEndpointState('ONLINE')).toBeNull();
    expect(registeredEndpointOf('PJSIP/1001')).toEqual({ technology: 'PJSIP', resource: '1001' });
    expect(registeredEndpointOf('pjsip/agent-7')).toEqual({ technology: 'PJSIP', resource: 'agent-7' });
    expect(registeredEndpointOf('Local/1001@agents')).toBeNull();
    expect(registeredEndpointOf('PJSIP/1001@pbx')).toBeNull();
    expect(registeredEndpointOf('PJSIP/1001/sip:1001@10.0.0.5')).toBeNull();
  });
});

const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLog };

class ManualClock implements Clock {
  readonly timers: Array<{ fire: () => void; cancelled: boolean }> = [];
  now(): number {
    return 1000;
  }
  setTimer(_ms: number, fire: () => void): TimerHandle {
    const timer = { fire, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }
}

/** Endpoint reads the test answers by hand, so it decides what arrives while a read is under way. */
class FakeEndpoints implements EndpointStates {
  readonly reads: Array<{ endpoint: string; resolve: (state: EndpointState | null) => void; reject: (err: Error) => void }> = [];
  readonly unwatched: string[] = [];
  watch(technology: string, resource: string): Promise<EndpointState | null> {
    return new Promise((resolve, reject) => this.reads.push({ endpoint: `${technology}/${resource}`, resolve, reject }));
  }
  unwatch(technology: string, resource: string): Promise<void> {
    this.unwatched.push(`${technology}/${resource}`);
    return Promise.resolve();
  }
}

function setup(agents: AgentRecord[] = []) {
  const writes: Array<[string, boolean]> = [];
  const deviceStates = new Map<string, DeviceState>();
  const endpoints = new FakeEndpoints();
  const clock = new ManualClock();
  const phones = new AgentPhones({
    store: {
      deviceAvailable: (endpoint, available) => {
        writes.push([endpoint, available]);
        return Promise.resolve();
      },
      agents: () => Promise.resolve(agents),
    },
    endpoints,
    devices: { stateOf: (device) => deviceStates.get(device) ?? null },
    clock,
    log: silentLog,
  });
  return { phones, writes, deviceStates, endpoints, clock };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function agent(id: string, endpoint: string, state: AgentRecord['state'] = 'paused'): AgentRecord {
  return { id, endpoint, state, skills: [], reason: null, callId: null, since: 0, idleSince: 0 };
}

describe('AgentPhones', () => {
  it('a login waits for the registration read and writes the combined state', async () => {
    const { phones, writes, endpoints } = setup();
    let answered = false;
    const login = phones.agentLoggedIn(agent('1001', 'PJSIP/1001')).then(() => (answered = true));
    await settle();
    expect(answered).toBe(false);
    expect(endpoints.reads.map((r) => r.endpoint)).toEqual(['PJSIP/1001']);
    endpoints.reads[0]?.resolve('offline');
    await login;
    expect(writes).toEqual([['PJSIP/1001', false]]);
    expect(phones.phoneOf('PJSIP/1001')).toMatchObject({ registration: 'offline', canTakeCall: false, recorded: false });
  });

  it('a login answers anyway when ARI is slow, and an ARI failure leaves the device state to decide', async () => {
    const { phones, writes, endpoints, clock, deviceStates } = setup();
    deviceStates.set('PJSIP/1001', 'INUSE');
    const login = phones.agentLoggedIn(agent('1001', 'PJSIP/1001'));
    await settle();
    clock.timers[0]?.fire();
    await login;
    expect(writes).toEqual([]);
    endpoints.reads[0]?.reject(new Error('ARI unreachable'));
    await settle();
    expect(writes).toEqual([['PJSIP/1001', false]]);
    expect(phones.phoneOf('PJSIP/1001').registration).toBeNull();
  });

  it('a Local endpoint has no registration to read: its device state is written at once', async () => {
    const { phones, writes, endpoints } = setup();
    await phones.agentLoggedIn(agent('1001', 'Local/1001@agents'));
    expect(endpoints.reads).toEqual([]);
    expect(writes).toEqual([['Local/1001@agents', true]]);
  });

  it('an EndpointStateChange during the read is newer than the read\'s answer', async () => {
    const { phones, writes, endpoints } = setup();
    const login = phones.agentLoggedIn(agent('1001', 'PJSIP/1001'));
    await settle();
    phones.endpointChanged('PJSIP', '1001', 'offline');
    endpoints.reads[0]?.resolve('online');
    await login;
    expect(phones.phoneOf('PJSIP/1001').registration).toBe('offline');
    expect(writes.at(-1)).toEqual(['PJSIP/1001', false]);
  });

  it('changes from either source are written only when the combined answer changes', async () => {
    const { phones, writes, endpoints, deviceStates } = setup();
    const login = phones.agentLoggedIn(agent('1001', 'PJSIP/1001'));
    await settle();
    endpoints.reads[0]?.resolve('online');
    await login;
    writes.length = 0;
    deviceStates.set('PJSIP/1001', 'INUSE');
    phones.deviceChanged({ device: 'PJSIP/1001', state: 'INUSE', previous: null });
    phones.endpointChanged('PJSIP', '1001', 'offline');
    deviceStates.set('PJSIP/1001', 'NOT_INUSE');
    phones.deviceChanged({ device: 'PJSIP/1001', state: 'NOT_INUSE', previous: 'INUSE' });
    phones.endpointChanged('PJSIP', '1001', 'online');
    await settle();
    expect(writes).toEqual([
      ['PJSIP/1001', false],
      ['PJSIP/1001', true],
    ]);
  });

  it('follows an agent logged in on another gateway, forgets them at logout, and ignores endpoints nobody follows', async () => {
    const { phones, writes, endpoints } = setup();
    phones.agentSeen(agent('2001', 'PJSIP/2001', 'paused'));
    phones.agentSeen(agent('2001', 'PJSIP/2001', 'ready'));
    await settle();
    expect(endpoints.reads.map((r) => r.endpoint)).toEqual(['PJSIP/2001']);
    endpoints.reads[0]?.resolve('online');
    await settle();
    phones.agentSeen(agent('2001', 'PJSIP/2001', 'offline'));
    expect(endpoints.unwatched).toEqual(['PJSIP/2001']);
    writes.length = 0;
    phones.endpointChanged('PJSIP', '2001', 'offline');
    await settle();
    expect(writes).toEqual([]);
  });

  it('after a reconnect reads every logged-in agent\'s endpoint again and forgets agents who left', async () => {
    const { phones, endpoints, writes } = setup([agent('1', 'PJSIP/1', 'ready'), agent('2', 'PJSIP/2', 'offline'), agent('3', 'Local/3@agents', 'paused')]);
    phones.agentSeen(agent('2', 'PJSIP/2', 'ready'));
    await settle();
    endpoints.reads.shift()?.resolve('online');
    await settle();
    writes.length = 0;
    const resync = phones.resync();
    await settle();
    expect(endpoints.unwatched).toEqual(['PJSIP/2']);
    expect(endpoints.reads.map((r) => r.endpoint)).toEqual(['PJSIP/1']);
    endpoints.reads[0]?.resolve('offline');
    await resync;
    expect(writes).toEqual([['PJSIP/1', false]]);
  });
});
