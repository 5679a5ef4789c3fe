// The order in which an emergency forward tries its lines, given what Asterisk reports about their devices.
// A line whose device Asterisk cannot reach (UNAVAILABLE) or does not know (INVALID) is tried last rather than
// first, so the caller is not held on a line that fails anyway. It is never dropped: Asterisk may be wrong (a
// qualify that lags, a trunk that just came back), and an emergency caller must be offered every line there is.

import { isUnreachable } from '../telephony/device-state.js';
import type { DeviceState } from '../telephony/device-state.js';
import { deviceOfDialString } from '../telephony/dial-string-device.js';

export interface DeferredRoute {
  readonly route: string;
  readonly device: string;
  readonly state: 'UNAVAILABLE' | 'INVALID';
}

export interface RouteOrder {
  /** Every configured route, each exactly as often as configured: reachable ones first, both groups in configured order. */
  readonly routes: readonly string[];
  /** The routes moved behind the others, with the device state that moved them, in configured order. */
  readonly deferred: readonly DeferredRoute[];
  /** The order differs from the configured one. */
  readonly reordered: boolean;
}

/**
 * Orders `routes` (dial strings such as `PJSIP/110@psap-police`) for one forward. `stateOf` gives the state
 * Asterisk reports for a device, or null when it reports none; a route whose device cannot be worked out from
 * its dial string counts as unknown and keeps its place.
 */
export function orderRoutes(routes: readonly string[], stateOf: (device: string) => DeviceState | null): RouteOrder {
  const first: string[] = [];
  const deferred: DeferredRoute[] = [];
  for (const route of routes) {
    const device = deviceOfDialString(route);
    const state = device === null ? null : stateOf(device);
    if (device !== null && isUnreachable(state)) deferred.push({ route, device, state });
    else first.push(route);
  }
  const ordered = [...first, ...deferred.map((d) => d.route)];
  return { routes: ordered, deferred, reordered: ordered.some((route, i) => route !== routes[i]) };
}
