// POST/DELETE /applications/{name}/subscription, as res_stasis's app_handle_subscriptions does it: the event
// sources are taken in order and the first failure answers (those before it stay done). Schemes: `channel:`,
// `bridge:`, `endpoint:` (an endpoint, a technology, or empty for all) and `deviceState:` (any name, empty for all).

import { AriError } from '../errors.js';
import { DEVICE_STATE_ALL, ENDPOINT_ALL } from './applications.js';
import type { AppRecord } from './applications.js';
import type { SimBridge } from './types.js';

export interface EventSources {
  channelExists(id: string): boolean;
  bridge(id: string): SimBridge | undefined;
  /** `PJSIP/1001` or a technology `PJSIP`. */
  endpointExists(id: string): boolean;
}

type Scheme = 'channel' | 'bridge' | 'endpoint' | 'deviceState';

const SCHEMES: readonly Scheme[] = ['channel', 'bridge', 'endpoint', 'deviceState'];

/** `deviceState:Stasis:agent` -> `['deviceState', 'Stasis:agent']`; undefined for a scheme Asterisk has no source for. */
export function parseEventSource(uri: string): [Scheme, string] | undefined {
  // app_event_source_find: ast_begins_with(uri, scheme), case-sensitive.
  const scheme = SCHEMES.find((s) => uri.startsWith(`${s}:`));
  return scheme === undefined ? undefined : [scheme, uri.slice(scheme.length + 1)];
}

export function subscribeApp(app: AppRecord, uris: readonly string[], sources: EventSources): void {
  for (const uri of uris) {
    const parsed = parseEventSource(uri);
    if (!parsed) throw new AriError(400, 'Invalid event source URI scheme');
    const [scheme, id] = parsed;
    switch (scheme) {
      case 'channel':
        if (!id || !sources.channelExists(id)) throw notFound();
        app.channelIds.add(id);
        break;
      case 'bridge': {
        const bridge = id ? sources.bridge(id) : undefined;
        if (!bridge) throw notFound();
        bridge.apps.add(app.name);
        app.bridgeIds.add(id);
        break;
      }
      case 'endpoint':
        if (id && !sources.endpointExists(id)) throw notFound();
        app.endpointIds.add(id || ENDPOINT_ALL);
        break;
      case 'deviceState':
        // find_device_state makes a subscription for any name: a device need not exist to be watched.
        app.deviceNames.add(id || DEVICE_STATE_ALL);
        break;
    }
  }
}

export function unsubscribeApp(app: AppRecord, uris: readonly string[], sources: EventSources): void {
  for (const uri of uris) {
    const parsed = parseEventSource(uri);
    if (!parsed) throw new AriError(400, 'Invalid event source URI scheme');
    const [scheme, id] = parsed;
    switch (scheme) {
      case 'channel':
        if (!app.channelIds.delete(id)) throw notSubscribed();
        break;
      case 'bridge':
        if (!app.bridgeIds.delete(id)) throw notSubscribed();
        sources.bridge(id)?.apps.delete(app.name);
        break;
      case 'endpoint':
        if (!app.endpointIds.delete(id || ENDPOINT_ALL)) throw notSubscribed();
        break;
      case 'deviceState':
        if (!app.deviceNames.delete(id || DEVICE_STATE_ALL)) throw notSubscribed();
        break;
    }
  }
}

/** Whether the application gets DeviceStateChanged for `device`. */
export function watchesDevice(app: AppRecord, device: string): boolean {
  return app.subscribeAll || app.deviceNames.has(DEVICE_STATE_ALL) || app.deviceNames.has(device);
}

/** Whether the application gets EndpointStateChange for `technology/resource` (a technology covers its endpoints). */
export function watchesEndpoint(app: AppRecord, technology: string, resource: string): boolean {
  if (app.subscribeAll || app.endpointIds.has(ENDPOINT_ALL)) return true;
  const t = technology.toLowerCase();
  for (const id of app.endpointIds) {
    const lower = id.toLowerCase();
    if (lower === t || lower === `${t}/${resource.toLowerCase()}`) return true;
  }
  return false;
}

function notFound(): AriError {
  return new AriError(422, 'Event source does not exist');
}

function notSubscribed(): AriError {
  return new AriError(422, 'Event source was not subscribed to');
}
