// Asterisk's device states: what AMI (DeviceStateChange, DeviceStateList) and ARI report for a device such as
// `PJSIP/psap-police`. Pure names; the AMI adapter and the device watch turn wire text into these.

/** As ast_devstate_str() spells them. */
export const DEVICE_STATES = ['UNKNOWN', 'NOT_INUSE', 'INUSE', 'BUSY', 'INVALID', 'UNAVAILABLE', 'RINGING', 'RINGINUSE', 'ONHOLD'] as const;

export type DeviceState = (typeof DEVICE_STATES)[number];

const NAMES: ReadonlySet<string> = new Set(DEVICE_STATES);

/** The state Asterisk wrote, or null for text that is not one of its state names (they are upper case). */
export function parseDeviceState(text: string): DeviceState | null {
  return NAMES.has(text) ? (text as DeviceState) : null;
}

/**
 * Asterisk cannot reach the device (UNAVAILABLE: an unqualified or unregistered endpoint) or knows no such device
 * (INVALID): a call to it fails at once instead of ringing.
 */
export function isUnreachable(state: DeviceState | null): state is 'UNAVAILABLE' | 'INVALID' {
  return state === 'UNAVAILABLE' || state === 'INVALID';
}

/**
 * Whether an agent's phone in this state can be offered a call: idle, or a state Asterisk does not know (a phone it
 * cannot watch still rings). Unregistered, invalid, busy, ringing or on hold: not now.
 */
export function canTakeCall(state: DeviceState | null): boolean {
  return state === 'NOT_INUSE' || state === 'UNKNOWN';
}
