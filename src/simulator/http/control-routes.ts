// The control API over HTTP (`/_sim/...`, JSON), for tests and tools outside the process. Mirrors SimulatorControl.

import type { SimulatorControl } from '../control.js';
import type { DeviceState } from '../engine/devices.js';
import type { DialBehaviour } from '../engine/types.js';
import { SimulatorControlError } from '../errors.js';

export interface ControlResponse {
  readonly status: number;
  readonly body?: unknown;
}

const DIAL_RESULTS = new Set(['answer', 'busy', 'congestion', 'noanswer', 'chanunavail']);

export async function handleControl(
  control: SimulatorControl,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Record<string, unknown> | null,
): Promise<ControlResponse> {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const route = `${method} /${parts.map((p, i) => (i === 1 && parts[0] !== 'requests' && parts[0] !== 'websockets' ? ':id' : p)).join('/')}`;
  const id = parts[1] ?? '';
  const b = body ?? {};
  try {
    switch (route) {
      case 'POST /calls':
        return { status: 201, body: control.placeCall({ from: str(b['from']) ?? '', to: str(b['to']), callerName: str(b['callerName']) }) };
      case 'GET /channels':
        return { status: 200, body: control.channels({ includeHungUp: query.get('all') === '1' || query.get('all') === 'true' }) };
      case 'GET /channels/:id': {
        const view = control.channel(id);
        return view ? { status: 200, body: view } : { status: 404, body: { code: 'SIM_NO_CHANNEL', message: `no channel ${id}` } };
      }
      case 'POST /channels/:id/dtmf':
        await control.sendDigits(id, str(b['digits']) ?? '', num(b['intervalMs']));
        return { status: 204 };
      case 'POST /channels/:id/hangup':
        control.hangup(id, num(b['cause']));
        return { status: 204 };
      case 'POST /channels/:id/far-end-hangup':
        control.hangupFarEnd(id, num(b['cause']));
        return { status: 204 };
      case 'POST /channels/:id/redirect':
        control.redirect(id, { context: str(b['context']) ?? '', extension: str(b['extension']) ?? '', priority: num(b['priority']) ?? 1 });
        return { status: 204 };
      case 'PUT /dial-behaviours/:id': {
        const result = str(b['result']) ?? '';
        if (!DIAL_RESULTS.has(result)) throw new SimulatorControlError('SIM_BAD_REQUEST', `unknown dial result "${result}"`);
        control.setDialBehaviour(id, { result, afterMs: num(b['afterMs']) } as DialBehaviour);
        return { status: 204 };
      }
      case 'GET /devices':
        return { status: 200, body: control.deviceStates() };
      case 'POST /devices/:id':
        // The device name has a slash: `POST /_sim/devices/PJSIP%2Fpsap-police`.
        control.setDeviceState(id, (str(b['state']) ?? '') as DeviceState);
        return { status: 204 };
      case 'GET /bridges':
        return { status: 200, body: control.bridges() };
      case 'GET /endpoints':
        return { status: 200, body: control.endpoints() };
      case 'PUT /endpoints/:id': {
        // `PUT /_sim/endpoints/PJSIP%2F1001` with `{"registered": true|false}`.
        const registered = b['registered'];
        if (typeof registered !== 'boolean') throw new SimulatorControlError('SIM_BAD_REQUEST', 'endpoint registration: `registered` must be true or false');
        control.setEndpointRegistered(id, registered);
        return { status: 204 };
      }
      case 'GET /recordings':
        return { status: 200, body: control.storedRecordings() };
      case 'GET /apps':
        return { status: 200, body: control.connectedApps() };
      case 'GET /requests':
        return { status: 200, body: control.requests() };
      case 'DELETE /requests':
        control.clearRequests();
        return { status: 204 };
      case 'POST /websockets/drop':
        return { status: 200, body: { closed: control.dropWebSockets({ refuseMs: num(b['refuseMs']) }) } };
      case 'POST /reset':
        control.reset();
        return { status: 204 };
      default:
        return { status: 404, body: { code: 'SIM_NO_ROUTE', message: `no control route ${method} /_sim${path}` } };
    }
  } catch (err) {
    if (err instanceof SimulatorControlError) {
      return { status: err.code === 'SIM_NO_CHANNEL' ? 404 : 400, body: { code: err.code, message: err.message } };
    }
    throw err;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
