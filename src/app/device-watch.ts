// Keeps the state Asterisk reports for every device (`PJSIP/psap-police` UNAVAILABLE, ...): the whole list after
// every (re)connect of the manager link, then each change as it is announced. Emergency forwarding reads it to
// try lines Asterisk knows are down last; metrics show it for the emergency trunks.

import { isUnreachable, parseDeviceState } from '../domain/telephony/device-state.js';
import type { DeviceState } from '../domain/telephony/device-state.js';
import type { Log } from './app-ports.js';
import type { Clock, TimerHandle } from './ports.js';

/** The manager link as the device watch needs it (AMI: DeviceStateList and DeviceStateChange). */
export interface DeviceStateFeed {
  readonly connected: boolean;
  /** Every device Asterisk holds a state for, states as Asterisk spells them. */
  listDeviceStates(): Promise<ReadonlyArray<{ readonly device: string; readonly state: string }>>;
  /** Runs after every successful (re)connect. Returns the unsubscribe function. */
  onConnected(listener: () => void): () => void;
  /** Runs for every state change Asterisk announces. Returns the unsubscribe function. */
  onDeviceStateChange(listener: (device: string, state: string) => void): () => void;
}

/** What readers of device states need; DeviceWatch is one. */
export interface DeviceStateLookup {
  /** The state Asterisk last reported for the device, or null when it reported none. */
  stateOf(device: string): DeviceState | null;
}

export interface DeviceStateChange {
  readonly device: string;
  /** null: the device is no longer reported (it was missing from the list after a reconnect). */
  readonly state: DeviceState | null;
  readonly previous: DeviceState | null;
}

export interface DeviceWatchDeps {
  readonly feed: DeviceStateFeed;
  readonly clock: Clock;
  readonly log: Log;
  /** Wait before asking again for a list that failed while the link stayed up. Default 5 s. */
  readonly retryMs?: number;
  /** The devices of the emergency lines: each of their changes is logged (others change too often to log). */
  readonly emergencyDevices?: readonly string[];
}

export class DeviceWatch implements DeviceStateLookup {
  private states = new Map<string, DeviceState>();
  private readonly listeners = new Set<(change: DeviceStateChange) => void>();
  private readonly unsubscribe: Array<() => void> = [];
  /** Changes announced since the list in flight was asked for; null while no list is in flight. */
  private sinceList: Array<readonly [string, DeviceState]> | null = null;
  /** Counts lists asked for, so that the answer to an older one is ignored. */
  private generation = 0;
  private retry: TimerHandle | null = null;
  private started = false;
  private closed = false;
  private listed = false;
  private readonly retryMs: number;
  private readonly logged: ReadonlySet<string>;

  constructor(private readonly deps: DeviceWatchDeps) {
    this.retryMs = deps.retryMs ?? 5000;
    this.logged = new Set(deps.emergencyDevices ?? []);
  }

  /** Subscribes to the feed; lists at once if the link is already up. Call before the link is started. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.unsubscribe.push(
      this.deps.feed.onConnected(() => void this.sync()),
      this.deps.feed.onDeviceStateChange((device, state) => this.changed(device, state)),
    );
    if (this.deps.feed.connected) void this.sync();
  }

  stateOf(device: string): DeviceState | null {
    return this.states.get(device) ?? null;
  }

  /**
   * True once a full list has been read. A lost link keeps the states (Asterisk's word from moments ago beats
   * none, and a state only ever changes the order lines are tried in) until the next list replaces them.
   */
  get synced(): boolean {
    return this.listed;
  }

  /** Called for every device whose state differs from before (never for a state repeated). Returns the unsubscribe function. */
  onChange(listener: (change: DeviceStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.retry?.cancel();
    this.retry = null;
    for (const off of this.unsubscribe.splice(0)) off();
    this.listeners.clear();
  }

  /**
   * Reads the whole list. Changes announced meanwhile are applied at once and again on top of the list: one sent
   * after the list was taken may reach us before the list does, and must not be undone by it. Replaying one sent
   * before gives at worst a state a moment old, which the change that followed it (also replayed) corrects.
   */
  private async sync(): Promise<void> {
    if (this.closed) return;
    this.retry?.cancel();
    this.retry = null;
    const generation = ++this.generation;
    this.sinceList = [];
    let listed: ReadonlyArray<{ readonly device: string; readonly state: string }>;
    try {
      listed = await this.deps.feed.listDeviceStates();
    } catch (err) {
      if (generation !== this.generation || this.closed) return;
      this.sinceList = null;
      // A lost link lists again when it is back; a link still up (a timeout, an error answer) is asked again later.
      const again = this.deps.feed.connected;
      this.deps.log.warn({ err: errorText(err), retryInMs: again ? this.retryMs : null }, 'device states could not be listed');
      if (again) this.retry = this.deps.clock.setTimer(this.retryMs, () => void this.sync());
      return;
    }
    if (generation !== this.generation || this.closed) return;
    const next = new Map<string, DeviceState>();
    for (const { device, state } of listed) next.set(device, this.parsed(device, state));
    for (const [device, state] of this.sinceList ?? []) next.set(device, state);
    this.sinceList = null;
    const previous = this.states;
    this.states = next;
    const firstList = !this.listed;
    this.listed = true;
    const unreachable = [...next].filter(([, state]) => isUnreachable(state)).map(([device]) => device);
    this.deps.log.info(
      { devices: next.size, unreachable: unreachable.length, unreachableFirst: unreachable.slice(0, 20) },
      firstList ? 'device states listed' : 'device states listed again',
    );
    for (const [device, state] of next) if (previous.get(device) !== state) this.notify({ device, state, previous: previous.get(device) ?? null });
    for (const [device, state] of previous) if (!next.has(device)) this.notify({ device, state: null, previous: state });
  }

  private changed(device: string, raw: string): void {
    if (this.closed || device === '') return;
    const state = this.parsed(device, raw);
    this.sinceList?.push([device, state]);
    const previous = this.states.get(device) ?? null;
    this.states.set(device, state);
    if (previous !== state) this.notify({ device, state, previous });
  }

  /** A state Asterisk might add in a later version counts as UNKNOWN: nothing is decided on it. */
  private parsed(device: string, raw: string): DeviceState {
    const state = parseDeviceState(raw);
    if (state !== null) return state;
    this.deps.log.warn({ device, state: raw }, 'device state not understood; taken as UNKNOWN');
    return 'UNKNOWN';
  }

  private notify(change: DeviceStateChange): void {
    if (this.logged.has(change.device)) {
      const fields = { device: change.device, state: change.state, previous: change.previous };
      if (isUnreachable(change.state)) this.deps.log.warn(fields, "an emergency line's device is unreachable: its routes are tried last");
      else this.deps.log.info(fields, "an emergency line's device changed state");
    }
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.deps.log.error({ err: errorText(err), device: change.device }, 'device state listener failed');
      }
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
