// Device states of the simulated Asterisk, as its device state cache holds them and AMI reports them: derived
// from channels (INUSE while a channel is on the device, NOT_INUSE after the last one), or set from outside
// for what channels do not show (an endpoint whose qualify fails is UNAVAILABLE; an unknown one INVALID).

import { DEVICE_STATES, isUnreachable } from '../../domain/telephony/device-state.js';
import type { DeviceState } from '../../domain/telephony/device-state.js';

export { DEVICE_STATES };
export type { DeviceState };

/**
 * The device a channel belongs to: its name without the unique suffix (`PJSIP/psap-police-0000000b` ->
 * `PJSIP/psap-police`, `Local/12345@ivr-inbound-00000005;2` -> `Local/12345@ivr-inbound`).
 */
export function deviceOfChannelName(name: string): string {
  return name.replace(/-[0-9a-f]{8}(;\d)?$/, '');
}

export class SimDevices {
  private readonly states = new Map<string, DeviceState>();

  /** `changed` runs for every state published, also a repeated one (Asterisk repeats them too). */
  constructor(private readonly changed: (device: string, state: DeviceState) => void) {}

  get(device: string): DeviceState | undefined {
    return this.states.get(device);
  }

  /** Every device with a state, as DeviceStateList lists them. */
  all(): Array<{ device: string; state: DeviceState }> {
    return [...this.states].map(([device, state]) => ({ device, state }));
  }

  set(device: string, state: DeviceState): void {
    this.states.set(device, state);
    this.changed(device, state);
  }

  /** Drops the device from the cache without publishing anything (a reset forgetting `Stasis:` devices). */
  forget(device: string): void {
    this.states.delete(device);
  }

  /** A channel was created on the device. A device Asterisk cannot reach keeps that state. */
  channelCreated(device: string): void {
    if (!isUnreachable(this.states.get(device) ?? null)) this.set(device, 'INUSE');
  }

  /** The device's last channel is gone. */
  idle(device: string): void {
    if (!isUnreachable(this.states.get(device) ?? null)) this.set(device, 'NOT_INUSE');
  }

  /** After a reset no channel exists and every device is reachable again: all idle. */
  reset(): void {
    for (const [device, state] of this.states) if (state !== 'NOT_INUSE') this.set(device, 'NOT_INUSE');
  }
}
