import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderRoutes } from '../../../src/domain/emergency/route-order.js';
import { DEVICE_STATES, isUnreachable, parseDeviceState } from '../../../src/domain/telephony/device-state.js';
import type { DeviceState } from '../../../src/domain/telephony/device-state.js';
import { deviceOfDialString } from '../../../src/domain/telephony/dial-string-device.js';

const POLICE = ['PJSIP/110@psap-police', 'PJSIP/110@psap-police-backup'];

function states(entries: Record<string, DeviceState>): (device: string) => DeviceState | null {
  return (device) => entries[device] ?? null;
}

describe('deviceOfDialString', () => {
  it.each([
    // PJSIP: [user@]endpoint[/aor or URI]; the endpoint is the device.
    ['PJSIP/110@psap-police', 'PJSIP/psap-police'],
    ['PJSIP/psap-police', 'PJSIP/psap-police'],
    ['PJSIP/110@psap-police/sip:110@192.0.2.20:5060', 'PJSIP/psap-police'],
    ['PJSIP/agent-1001/agent-1001-aor', 'PJSIP/agent-1001'],
    ['pjsip/110@psap-police', 'PJSIP/psap-police'],
    // SIP and IAX2: the peer, without user, secret or port.
    ['SIP/110@psap-police', 'SIP/psap-police'],
    ['SIP/psap-police/110', 'SIP/psap-police'],
    ['SIP/psap-police:5070', 'SIP/psap-police'],
    ['IAX2/psap-police/110', 'IAX2/psap-police'],
    ['IAX2/gateway:s3cret@psap-police:4569/110@from-hotline', 'IAX2/psap-police'],
    // DAHDI: a numbered channel, with or without options; groups and spans are no single device.
    ['DAHDI/1/110', 'DAHDI/1'],
    ['DAHDI/24c/110', 'DAHDI/24'],
    ['DAHDI/g1/110', null],
    ['DAHDI/R2/110', null],
    ['DAHDI/i1/110', null],
    // Local: exten@context, options dropped.
    ['Local/110@emergency-routes', 'Local/110@emergency-routes'],
    ['Local/110@emergency-routes/n', 'Local/110@emergency-routes'],
    ['LOCAL/110@emergency-routes', 'Local/110@emergency-routes'],
    ['Local/110', null],
    ['Local/@ctx', null],
    ['Local/110@', null],
    // Technologies without a rule, and what no rule can read.
    ['Motif/google/110@voice.google.com', null],
    ['WebSocket/connection-1', null],
    ['PJSIP/', null],
    ['PJSIP/110@', null],
    ['PJSIP', null],
    ['/psap-police', null],
    ['', null],
  ])('%s -> %s', (dialString, device) => {
    expect(deviceOfDialString(dialString)).toBe(device);
  });
});

describe('device states', () => {
  it('reads exactly the names Asterisk writes', () => {
    for (const state of DEVICE_STATES) expect(parseDeviceState(state)).toBe(state);
    expect(parseDeviceState('unavailable')).toBeNull();
    expect(parseDeviceState('Not in use')).toBeNull();
    expect(parseDeviceState('')).toBeNull();
  });

  it('counts only UNAVAILABLE and INVALID as unreachable', () => {
    expect(DEVICE_STATES.filter((s) => isUnreachable(s))).toEqual(['INVALID', 'UNAVAILABLE']);
    expect(isUnreachable(null)).toBe(false);
  });
});

describe('orderRoutes', () => {
  it('keeps the configured order when every device is reachable or unreported', () => {
    for (const state of DEVICE_STATES.filter((s) => !isUnreachable(s))) {
      const order = orderRoutes(POLICE, states({ 'PJSIP/psap-police': state, 'PJSIP/psap-police-backup': state }));
      expect(order).toEqual({ routes: POLICE, deferred: [], reordered: false });
    }
    expect(orderRoutes(POLICE, () => null)).toEqual({ routes: POLICE, deferred: [], reordered: false });
  });

  it.each(['UNAVAILABLE', 'INVALID'] as const)('tries a first line whose device is %s last, and says why', (state) => {
    const order = orderRoutes(POLICE, states({ 'PJSIP/psap-police': state, 'PJSIP/psap-police-backup': 'NOT_INUSE' }));
    expect(order.routes).toEqual(['PJSIP/110@psap-police-backup', 'PJSIP/110@psap-police']);
    expect(order.deferred).toEqual([{ route: 'PJSIP/110@psap-police', device: 'PJSIP/psap-police', state }]);
    expect(order.reordered).toBe(true);
  });

  it('leaves the order alone when only the last line is down (nothing moves), but still reports it', () => {
    const order = orderRoutes(POLICE, states({ 'PJSIP/psap-police-backup': 'UNAVAILABLE' }));
    expect(order.routes).toEqual(POLICE);
    expect(order.deferred).toEqual([{ route: 'PJSIP/110@psap-police-backup', device: 'PJSIP/psap-police-backup', state: 'UNAVAILABLE' }]);
    expect(order.reordered).toBe(false);
  });

  it('keeps every line, in configured order, when every device is down', () => {
    const order = orderRoutes(POLICE, states({ 'PJSIP/psap-police': 'UNAVAILABLE', 'PJSIP/psap-police-backup': 'INVALID' }));
    expect(order.routes).toEqual(POLICE);
    expect(order.deferred.map((d) => d.state)).toEqual(['UNAVAILABLE', 'INVALID']);
    expect(order.reordered).toBe(false);
  });

  it('keeps a line whose device cannot be worked out where it was', () => {
    const routes = ['DAHDI/g1/110', 'PJSIP/110@psap-police', 'Local/110@emergency-routes'];
    const order = orderRoutes(routes, states({ 'PJSIP/psap-police': 'UNAVAILABLE', 'Local/110@emergency-routes': 'NOT_INUSE' }));
    expect(order.routes).toEqual(['DAHDI/g1/110', 'Local/110@emergency-routes', 'PJSIP/110@psap-police']);
  });

  it('moves every line of a device that is down, and keeps each group in configured order', () => {
    const routes = ['PJSIP/110@a', 'PJSIP/110@b', 'PJSIP/111@a', 'SIP/110@c', 'PJSIP/110@d'];
    const order = orderRoutes(routes, states({ 'PJSIP/a': 'UNAVAILABLE', 'PJSIP/d': 'INVALID', 'SIP/c': 'BUSY' }));
    expect(order.routes).toEqual(['PJSIP/110@b', 'SIP/110@c', 'PJSIP/110@a', 'PJSIP/111@a', 'PJSIP/110@d']);
  });

  it('keeps a line configured twice twice', () => {
    const routes = ['PJSIP/110@a', 'PJSIP/110@b', 'PJSIP/110@a'];
    expect(orderRoutes(routes, states({ 'PJSIP/a': 'UNAVAILABLE' })).routes).toEqual(['PJSIP/110@b', 'PJSIP/110@a', 'PJSIP/110@a']);
  });

  it('asks about each line as it is given (a device reported as itself, not the dial string)', () => {
    const asked: string[] = [];
    orderRoutes(['PJSIP/110@psap-police', 'Motif/x'], (device) => {
      asked.push(device);
      return null;
    });
    expect(asked).toEqual(['PJSIP/psap-police']);
  });

  it('is a stable partition for any routes and states', () => {
    const devices = ['a', 'b', 'c', 'd'];
    const route = fc.tuple(fc.constantFrom('PJSIP', 'SIP', 'IAX2', 'Local', 'Motif'), fc.constantFrom('110', '119'), fc.constantFrom(...devices)).map(
      ([tech, exten, device]) => `${tech}/${exten}@${device}`,
    );
    const stateMap = fc.dictionary(
      fc.tuple(fc.constantFrom('PJSIP', 'SIP', 'IAX2', 'Local'), fc.constantFrom(...devices), fc.constantFrom('110', '119')).map(([tech, device, exten]) =>
        tech === 'Local' ? `Local/${exten}@${device}` : `${tech}/${device}`,
      ),
      fc.constantFrom(...DEVICE_STATES),
    );
    fc.assert(
      fc.property(fc.array(route, { maxLength: 8 }), stateMap, (routes, known) => {
        const stateOf = (device: string): DeviceState | null => known[device] ?? null;
        const order = orderRoutes(routes, stateOf);
        const down = (r: string): boolean => {
          const device = deviceOfDialString(r);
          return device !== null && isUnreachable(stateOf(device));
        };
        // A permutation: nothing dropped, nothing added, duplicates kept.
        expect([...order.routes].sort()).toEqual([...routes].sort());
        // Reachable (or unknown) lines first, each group in configured order.
        const up = routes.filter((r) => !down(r));
        const deferred = routes.filter(down);
        expect(order.routes).toEqual([...up, ...deferred]);
        expect(order.deferred.map((d) => d.route)).toEqual(deferred);
        expect(order.reordered).toBe(order.routes.some((r, i) => r !== routes[i]));
      }),
      { numRuns: 500 },
    );
  });
});
