// Whether an agent's phone can be offered a call, from the two things Asterisk says about it: the endpoint's
// registration state (ARI `endpoints`, EndpointStateChange) and the device state (AMI DeviceStateChange). Either
// may be missing (a Local channel has no registration; a device AMI never reported), and a missing word is never
// held against the agent: a phone Asterisk cannot watch still rings.

import { canTakeCall } from './device-state.js';
import type { DeviceState } from './device-state.js';

/** ARI's Endpoint.state, as Asterisk 22 spells it (api-docs endpoints.json). */
export const ENDPOINT_STATES = ['unknown', 'offline', 'online'] as const;

export type EndpointState = (typeof ENDPOINT_STATES)[number];

const NAMES: ReadonlySet<string> = new Set(ENDPOINT_STATES);

/** The state ARI wrote, or null for text that is not one of its names. */
export function parseEndpointState(text: string): EndpointState | null {
  return NAMES.has(text) ? (text as EndpointState) : null;
}

export interface PhoneReports {
  /** ARI's registration state of the endpoint; null when ARI does not watch it (Local, unknown to Asterisk, ARI down). */
  readonly registration: EndpointState | null;
  /** AMI's device state; null when AMI never reported the device. */
  readonly device: DeviceState | null;
}

/**
 * Unreachable if either source says so (ARI: endpoint offline; AMI: UNAVAILABLE or INVALID), busy from the device
 * state (INUSE, BUSY, RINGING, RINGINUSE, ONHOLD: only AMI knows the calls on a device). Otherwise available.
 * An endpoint ARI calls `online` does not outvote AMI: a registered phone can still be busy.
 */
export function phoneCanTakeCall(reports: PhoneReports): boolean {
  if (reports.registration === 'offline') return false;
  return reports.device === null || canTakeCall(reports.device);
}

/**
 * The endpoint whose registration ARI can report for an agent's dial string: `PJSIP/1001` -> `PJSIP/1001`. Only a
 * plain PJSIP endpoint: Local channels have no registration, and a dial string with a request user or a URI
 * (`PJSIP/1001@host`, `PJSIP/1001/sip:...`) is not the name the queue keys device states by. Null otherwise.
 */
export function registeredEndpointOf(dialString: string): { readonly technology: 'PJSIP'; readonly resource: string } | null {
  const match = /^pjsip\/([^/@\s]+)$/i.exec(dialString);
  return match === null ? null : { technology: 'PJSIP', resource: match[1] as string };
}
