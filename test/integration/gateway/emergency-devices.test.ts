// Given the gateway watching device states over AMI, when Asterisk reports the first police line's device
// UNAVAILABLE, then a caller choosing 1 then 1 is dialled to the second line first, the first is still tried
// when the second fails, the metrics show the state, and once the device is back the configured order returns.

import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/log/index.js';
import type { DeviceState } from '../../../src/domain/telephony/device-state.js';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';

const PRIMARY = 'PJSIP/110@psap-police';
const BACKUP = 'PJSIP/110@psap-police-backup';
const DEVICE = 'PJSIP/psap-police';

let h: Harness;
const logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  h = await startHarness(
    { EMERGENCY_DIAL_110: `${PRIMARY},${BACKUP}`, EMERGENCY_ROUNDS: '1' },
    { log: createLogger({ level: 'info', destination }), simulator: { ringTimeoutMs: 300 } },
  );
});

afterAll(async () => {
  await h.close();
});

beforeEach(() => {
  h.sim.setDialBehaviour(BACKUP, { result: 'answer', afterMs: 20 });
});

/** Resolves once the gateway's device watch holds `state` for `device` (from AMI, not from the simulator directly). */
function gatewaySees(device: string, state: DeviceState): Promise<void> {
  const { devices } = h.gateway;
  if (devices.stateOf(device) === state) return Promise.resolve();
  return new Promise((resolve) => {
    const off = devices.onChange((change) => {
      if (change.device !== device || change.state !== state) return;
      off();
      resolve();
    });
  });
}

/** Endpoints of the outbound channels the gateway asked Asterisk to create, in order. */
function createdEndpoints(): string[] {
  return h.sim
    .requests()
    .filter((r) => r.method === 'POST' && r.path === '/ari/channels/create')
    .map((r) => String(r.query['endpoint'] ?? (r.body as Record<string, unknown> | null)?.['endpoint']));
}

async function gauge(device: string): Promise<Record<string, number>> {
  const text = await h.gateway.metrics.render();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^hotline_device_state\{device="([^"]+)",state="([A-Z_]+)"\} (\d+)$/.exec(line);
    if (m !== null && m[1] === device) out[m[2] as string] = Number(m[3]);
  }
  return out;
}

async function bridgedLine(channelId: string): Promise<string | null> {
  const bridge = await h.sim.waitForBridgeWith(channelId);
  const peerId = bridge.channelIds.find((id) => id !== channelId);
  return peerId === undefined ? null : (h.sim.channel(peerId)?.endpoint ?? null);
}

describe('emergency routes and device states', () => {
  it('dials the second line first while Asterisk reports the first one UNAVAILABLE, and shows the state', async () => {
    const seen = gatewaySees(DEVICE, 'UNAVAILABLE');
    h.sim.setDeviceState(DEVICE, 'UNAVAILABLE');
    await seen;
    expect(await gauge(DEVICE)).toMatchObject({ UNAVAILABLE: 1, NOT_INUSE: 0, UNKNOWN: 0 });
    h.sim.clearRequests();

    const channelId = await h.call();
    await h.sim.sendDigits(channelId, '11');
    expect(await bridgedLine(channelId)).toBe(BACKUP);
    expect(createdEndpoints()).toEqual([BACKUP]);
    const reordered = logLines.find((l) => l['msg'] === 'emergency routes reordered: lines whose device Asterisk reports unreachable are tried last');
    expect(reordered).toMatchObject({
      service: '110',
      configured: [PRIMARY, BACKUP],
      order: [BACKUP, PRIMARY],
      down: [{ route: PRIMARY, device: DEVICE, state: 'UNAVAILABLE' }],
    });
    h.sim.hangup(channelId);
  });

  it('still tries the line Asterisk reports down when the others fail: no line is dropped', async () => {
    h.sim.setDeviceState(DEVICE, 'UNAVAILABLE');
    await gatewaySees(DEVICE, 'UNAVAILABLE');
    h.sim.setDialBehaviour(BACKUP, { result: 'busy', afterMs: 10 });
    h.sim.clearRequests();

    const channelId = await h.call();
    await h.sim.sendDigits(channelId, '11');
    // One round: the backup is busy, the primary cannot be created (as Asterisk fails an unreachable endpoint),
    // and the caller goes to the dialplan's emergency routes.
    expect(await h.sim.waitForContinue(channelId, 10_000)).toMatchObject({ context: 'emergency-fallback', extension: '110' });
    expect(createdEndpoints()).toEqual([BACKUP, PRIMARY]);
    const refused = h.sim.requests().find((r) => r.path === '/ari/channels/create' && r.status === 500);
    expect(refused?.query['endpoint'] ?? (refused?.body as Record<string, unknown> | null)?.['endpoint']).toBe(PRIMARY);
  });

  it('goes back to the configured order once the device is reachable again', async () => {
    h.sim.setDeviceState(DEVICE, 'UNAVAILABLE');
    await gatewaySees(DEVICE, 'UNAVAILABLE');
    const back = gatewaySees(DEVICE, 'NOT_INUSE');
    h.sim.setDeviceState(DEVICE, 'NOT_INUSE');
    await back;
    expect(await gauge(DEVICE)).toMatchObject({ UNAVAILABLE: 0, NOT_INUSE: 1 });
    h.sim.clearRequests();

    const channelId = await h.call();
    await h.sim.sendDigits(channelId, '11');
    expect(await bridgedLine(channelId)).toBe(PRIMARY);
    expect(createdEndpoints()).toEqual([PRIMARY]);
    // The call itself shows in the gauge: the line's device is in use while the caller talks to it.
    await gatewaySees(DEVICE, 'INUSE');
    expect(await gauge(DEVICE)).toMatchObject({ INUSE: 1, NOT_INUSE: 0 });
    h.sim.hangup(channelId);
  });
});
