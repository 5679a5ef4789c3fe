// Device states in the simulator's model: set from outside, derived from channels, refused channels to a device
// Asterisk cannot reach, and the control API that sets them.

import { describe, expect, it } from 'vitest';
import { SimulatorControl } from '../../../src/simulator/control.js';
import { engineAmiBackend } from '../../../src/simulator/engine-ami-backend.js';
import { AsteriskEngine } from '../../../src/simulator/engine/asterisk-engine.js';
import type { LifecycleEvent } from '../../../src/simulator/engine/asterisk-engine.js';
import { deviceOfChannelName } from '../../../src/simulator/engine/devices.js';
import { AriError } from '../../../src/simulator/errors.js';
import { handleControl } from '../../../src/simulator/http/control-routes.js';
import { RequestLog } from '../../../src/simulator/http/request-log.js';
import { UniformSoundCatalog } from '../../../src/simulator/sounds/sound-catalog.js';
import type { AmiBackendEvent } from '../../../src/simulator/ami/ami-backend.js';

function model(): { engine: AsteriskEngine; control: SimulatorControl; devices: Array<[string, string]>; ami: AmiBackendEvent[] } {
  const engine = new AsteriskEngine({
    sounds: new UniformSoundCatalog(10),
    msPerDigit: 5,
    asteriskId: '02:fc:00:00:00:01',
    inboundApp: 'ivr-12345',
    inboundContext: 'from-carrier',
    inboundNumber: '12345',
    carrierEndpoint: 'carrier',
    stasisFailedFallback: { context: 'ivr-fallback', extension: 'menu', priority: 1 },
    defaultDialBehaviour: { result: 'answer', afterMs: 5 },
    recordingMsPerSecond: 10,
  });
  const control = new SimulatorControl(engine, new RequestLog(10), { dropAll: () => 0 }, { dtmfIntervalMs: 5, waitTimeoutMs: 1000 });
  const devices: Array<[string, string]> = [];
  engine.events.on('lifecycle', (e: LifecycleEvent) => {
    if (e.type === 'deviceStateChanged') devices.push([e.device, e.state]);
  });
  const ami: AmiBackendEvent[] = [];
  engineAmiBackend(engine).subscribe((e) => ami.push(e));
  return { engine, control, devices, ami };
}

const create = (engine: AsteriskEngine, endpoint: string): Record<string, unknown> => engine.ariCreateChannel({ endpoint, app: 'ivr-12345' });

describe('simulated device states', () => {
  it('names the device of a channel as Asterisk does', () => {
    expect(deviceOfChannelName('PJSIP/psap-police-0000000b')).toBe('PJSIP/psap-police');
    expect(deviceOfChannelName('Local/12345@ivr-inbound-00000005;2')).toBe('Local/12345@ivr-inbound');
    expect(deviceOfChannelName('PJSIP/carrier')).toBe('PJSIP/carrier');
  });

  it('derives INUSE and NOT_INUSE from channels, and AMI sees each change after the channel event', () => {
    const { engine, devices, ami } = model();
    const a = create(engine, 'PJSIP/110@psap-police');
    const b = create(engine, 'PJSIP/110@psap-police');
    engine.ariHangup(String(a['id']));
    expect(devices).toEqual([
      ['PJSIP/psap-police', 'INUSE'],
      ['PJSIP/psap-police', 'INUSE'],
    ]);
    engine.ariHangup(String(b['id']));
    expect(devices.at(-1)).toEqual(['PJSIP/psap-police', 'NOT_INUSE']);
    expect(ami.map((e) => e.type)).toEqual(['newchannel', 'deviceStateChange', 'newchannel', 'deviceStateChange', 'hangup', 'hangup', 'deviceStateChange']);
    expect(engineAmiBackend(engine).deviceStates()).toEqual([{ device: 'PJSIP/psap-police', state: 'NOT_INUSE' }]);
  });

  it('refuses a channel to an UNAVAILABLE or INVALID device the way ARI does (500, "Allocation failed"), until it is back', () => {
    const { engine, control, ami } = model();
    for (const state of ['UNAVAILABLE', 'INVALID'] as const) {
      control.setDeviceState('PJSIP/psap-police', state);
      ami.length = 0;
      let error: unknown;
      try {
        create(engine, 'PJSIP/110@psap-police');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(AriError);
      expect(error).toMatchObject({ status: 500, message: 'Allocation failed', bodyKey: 'error' });
      expect(() => engine.ariOriginate({ endpoint: 'PJSIP/110@psap-police', app: 'ivr-12345' })).toThrow('Allocation failed');
      // No channel was ever made, so no channel or device event either.
      expect(ami).toEqual([]);
      expect(engine.channels.size).toBe(0);
    }
    // Another device of the same technology is not affected.
    expect(create(engine, 'PJSIP/110@psap-police-backup')['name']).toMatch(/^PJSIP\/psap-police-backup-/);
    control.setDeviceState('PJSIP/psap-police', 'NOT_INUSE');
    expect(create(engine, 'PJSIP/110@psap-police')['name']).toMatch(/^PJSIP\/psap-police-/);
    expect(control.deviceStates()).toContainEqual({ device: 'PJSIP/psap-police', state: 'INUSE' });
  });

  it('keeps an unreachable device unreachable while its old channels come and go, and announces every state set', () => {
    const { engine, control, devices } = model();
    const old = create(engine, 'PJSIP/110@psap-police');
    control.setDeviceState('PJSIP/psap-police', 'UNAVAILABLE');
    control.setDeviceState('PJSIP/psap-police', 'UNAVAILABLE');
    engine.ariHangup(String(old['id']));
    expect(devices).toEqual([
      ['PJSIP/psap-police', 'INUSE'],
      ['PJSIP/psap-police', 'UNAVAILABLE'],
      ['PJSIP/psap-police', 'UNAVAILABLE'],
    ]);
  });

  it('reset() brings every device back to NOT_INUSE, announcing it', () => {
    const { engine, control, devices } = model();
    control.setDeviceState('PJSIP/psap-police', 'UNAVAILABLE');
    control.setDeviceState('PJSIP/psap-fire', 'NOT_INUSE');
    devices.length = 0;
    control.reset();
    expect(devices).toEqual([['PJSIP/psap-police', 'NOT_INUSE']]);
    expect(create(engine, 'PJSIP/110@psap-police')['name']).toMatch(/^PJSIP\/psap-police-/);
  });

  it('refuses a state Asterisk does not have and a device name that could not go on the AMI wire', () => {
    const { control } = model();
    expect(() => control.setDeviceState('PJSIP/psap-police', 'DOWN' as 'UNAVAILABLE')).toThrow(/state "DOWN" is not one of UNKNOWN, NOT_INUSE/);
    expect(() => control.setDeviceState('PJSIP/psap\r\nEvent: Fake', 'UNAVAILABLE')).toThrow(/not a device name/);
    expect(() => control.setDeviceState('', 'UNAVAILABLE')).toThrow(/not a device name/);
    expect(control.deviceStates()).toEqual([]);
  });

  it('sets and lists states over the control API, the device name URL-encoded', async () => {
    const { control } = model();
    const set = await handleControl(control, 'POST', '/devices/PJSIP%2Fpsap-police', new URLSearchParams(), { state: 'UNAVAILABLE' });
    expect(set).toEqual({ status: 204 });
    expect(await handleControl(control, 'GET', '/devices', new URLSearchParams(), null)).toEqual({
      status: 200,
      body: [{ device: 'PJSIP/psap-police', state: 'UNAVAILABLE' }],
    });
    const bad = await handleControl(control, 'POST', '/devices/PJSIP%2Fpsap-police', new URLSearchParams(), { state: 'gone' });
    expect(bad).toMatchObject({ status: 400, body: { code: 'SIM_BAD_REQUEST' } });
  });
});
