// A device set UNAVAILABLE through the `/_sim` control API, seen from outside as Asterisk shows it: a
// DeviceStateChange on AMI, the device in DeviceStateList, and ARI refusing to create a channel to it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmiClient } from '../../../src/adapters/ami/ami-client.js';
import type { AmiDeviceStateChangeEvent, AmiEvent } from '../../../src/adapters/ami/ami-events.js';
import { silentLog } from '../../../src/app/app-ports.js';
import { startSimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import type { SimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';

let sim: SimulatedAsterisk;
let ami: AmiClient;
let auth: string;

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ ariPort: 0, amiPort: 0 });
  auth = `Basic ${Buffer.from(`${sim.credentials.ari.username}:${sim.credentials.ari.password}`).toString('base64')}`;
  ami = new AmiClient({ host: '127.0.0.1', port: sim.amiPort, ...sim.credentials.ami, log: silentLog, events: { classes: ['call'], names: ['DeviceStateChange'] } });
  await ami.connect(2_000);
});

afterAll(async () => {
  await ami.close();
  await sim.close();
});

function nextDeviceChange(device: string): Promise<AmiDeviceStateChangeEvent> {
  return new Promise((resolve) => {
    const listener = (event: AmiEvent): void => {
      if (event.kind !== 'DeviceStateChange' || event.device !== device) return;
      ami.off('event', listener);
      resolve(event);
    };
    ami.on('event', listener);
  });
}

async function setState(device: string, state: string): Promise<number> {
  const res = await fetch(`${sim.controlUrl}/devices/${encodeURIComponent(device)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ state }),
  });
  return res.status;
}

async function createChannel(endpoint: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sim.ariUrl}/ari/channels/create?endpoint=${encodeURIComponent(endpoint)}&app=hotline-test`, { method: 'POST', headers: { Authorization: auth } });
  return { status: res.status, body: await res.json() };
}

describe('simulated device states on the wire', () => {
  it('announces the state on AMI, lists it, and refuses channels to the device until it is back', async () => {
    const down = nextDeviceChange('PJSIP/psap-police');
    expect(await setState('PJSIP/psap-police', 'UNAVAILABLE')).toBe(204);
    expect(await down).toMatchObject({ device: 'PJSIP/psap-police', state: 'UNAVAILABLE', fields: { privilege: 'call,all' } });
    expect(await ami.deviceStateList()).toContainEqual({ device: 'PJSIP/psap-police', state: 'UNAVAILABLE' });
    // res_ari's answer to a failed ast_request(): 500 with an `error` (not `message`) body.
    expect(await createChannel('PJSIP/110@psap-police')).toEqual({ status: 500, body: { error: 'Allocation failed' } });
    const backup = await createChannel('PJSIP/110@psap-police-backup');
    expect(backup.status).toBe(200);

    const up = nextDeviceChange('PJSIP/psap-police');
    expect(await setState('PJSIP/psap-police', 'NOT_INUSE')).toBe(204);
    expect((await up).state).toBe('NOT_INUSE');
    const inUse = nextDeviceChange('PJSIP/psap-police');
    expect((await createChannel('PJSIP/110@psap-police')).status).toBe(200);
    expect((await inUse).state).toBe('INUSE');
  });

  it('answers a state Asterisk does not have with 400', async () => {
    expect(await setState('PJSIP/psap-police', 'OFFLINE')).toBe(400);
  });
});
