// The test-facing control of the simulator: plays the far end (callers, dialled lines), shows what the gateway
// did (played media, bridges, dialplan continuations, ARI requests) and awaits it without sleeping.

import type { AsteriskEngine, DeliveredEvent, LifecycleEvent } from './engine/asterisk-engine.js';
import { DEVICE_STATES } from './engine/devices.js';
import type { DeviceState } from './engine/devices.js';
import type { CallerId, ChannelState, DialBehaviour, DialplanLocation, PlayedMedia, SimBridge, SimChannel, StoredRecording } from './engine/types.js';
import { SimulatorControlError, SimulatorWaitTimeoutError } from './errors.js';
import type { RequestLog, RequestRecord } from './http/request-log.js';

export interface ChannelView {
  readonly id: string;
  readonly name: string;
  readonly kind: SimChannel['kind'];
  readonly state: ChannelState;
  /** The Stasis application the channel is in (null when in the dialplan or gone). */
  readonly app: string | null;
  readonly bridgeId: string | null;
  readonly caller: CallerId;
  readonly connected: CallerId;
  /**
   * The identity the far end of an outbound channel is shown: its connected line (set by `dial?caller=` or
   * CONNECTEDLINE()), else its own caller id (CALLERID() / originate `callerId`).
   */
  readonly presentedCallerId: CallerId;
  readonly endpoint: string | null;
  readonly dialstring: string | null;
  /** Every media URI started on the channel, in order. */
  readonly played: readonly PlayedMedia[];
  readonly ringing: boolean;
  readonly mohClass: string | null;
  readonly variables: Readonly<Record<string, string>>;
  readonly dtmf: string;
  readonly stasisStatus: 'SUCCESS' | 'FAILED' | null;
  /** Where the channel went in the dialplan (continue, redirect, or the STASISSTATUS=FAILED fallback). */
  readonly continuedTo: DialplanLocation | null;
  readonly recording: string | null;
  /** What it hears in its bridge: the members mixed to it and any music on hold (its own or the bridge's). */
  readonly hears: { readonly channels: readonly string[]; readonly moh: string | null };
  /** Where `channels/{id}/redirect` sent it. */
  readonly redirectedTo: string | null;
  readonly hungUp: boolean;
  readonly hangupCause: number | null;
  readonly hangupBy: SimChannel['hangupBy'];
}

export interface BridgeView {
  readonly id: string;
  readonly name: string;
  readonly bridgeType: 'mixing' | 'holding';
  readonly channelIds: readonly string[];
  /** The music on hold class `bridges/{id}/moh` plays, null when none. */
  readonly mohClass: string | null;
  /** Every media URI played into the bridge (`bridges/{id}/play`), in order. */
  readonly played: readonly PlayedMedia[];
  /** The live recording of the bridge, if any. */
  readonly recording: string | null;
}

export interface EndpointView {
  readonly technology: string;
  readonly resource: string;
  readonly state: 'unknown' | 'offline' | 'online';
}

export interface SocketControl {
  /** Closes every ARI WebSocket; new ones are refused (HTTP 503) for `refuseMs`. Returns how many were closed. */
  dropAll(refuseMs: number): number;
}

export interface PlaceCallOptions {
  readonly from: string;
  readonly to?: string;
  readonly callerName?: string;
}

export class SimulatorControl {
  constructor(
    private readonly engine: AsteriskEngine,
    private readonly requestLog: RequestLog,
    private readonly sockets: SocketControl,
    private readonly defaults: { readonly dtmfIntervalMs: number; readonly waitTimeoutMs: number },
  ) {}

  // ------------------------------------------------------------------ far end

  /** An inbound call from the carrier; it enters the IVR application, or the dialplan fallback if none is connected. */
  placeCall(options: PlaceCallOptions): { channelId: string } {
    if (!options.from) throw new SimulatorControlError('SIM_BAD_REQUEST', 'placeCall: `from` (the caller number) is required');
    return { channelId: this.engine.placeInboundCall(options.from, options.to, options.callerName) };
  }

  /** The caller presses `digits` (ChannelDtmfReceived each, 100 ms long), `intervalMs` apart. */
  sendDigits(channelId: string, digits: string, intervalMs: number = this.defaults.dtmfIntervalMs): Promise<void> {
    if (!/^[0-9*#A-D]+$/.test(digits)) throw new SimulatorControlError('SIM_BAD_REQUEST', `sendDigits: invalid DTMF digits "${digits}"`);
    this.requireLive(channelId);
    return this.engine.sendDtmf(channelId, digits, intervalMs);
  }

  /** The far end of the channel hangs up (Q.850 `cause`, 16 = normal clearing). */
  hangup(channelId: string, cause = 16): void {
    if (!this.engine.farEndHangup(channelId, cause)) throw this.noChannel(channelId);
  }

  /** AMI-style Redirect: the channel leaves Stasis if it was in it and continues at `location`. */
  redirect(channelId: string, location: DialplanLocation): void {
    if (!this.engine.redirect(channelId, location)) throw this.noChannel(channelId);
  }

  /**
   * What the line behind `dialString` does when dialled: keyed by the full endpoint (`PJSIP/110@psap-police`),
   * the dial string (`110@psap-police`) or `*` for any. Unknown lines answer.
   */
  setDialBehaviour(dialString: string, behaviour: DialBehaviour): void {
    this.engine.setDialBehaviour(dialString, behaviour);
  }

  /**
   * The device (`PJSIP/psap-police`, `Local/110@emergency`, ...) changes state, and AMI sends DeviceStateChange as
   * Asterisk does. UNAVAILABLE or INVALID make every new channel to it fail as Asterisk fails it (ARI
   * channels/create and originate answer 500 "Allocation failed") until another state is set; channels then
   * move the state between INUSE and NOT_INUSE again.
   */
  setDeviceState(device: string, state: DeviceState): void {
    if (device === '' || device.length > 200 || /[\p{Cc}\s]/u.test(device)) {
      throw new SimulatorControlError('SIM_BAD_REQUEST', `setDeviceState: ${JSON.stringify(device)} is not a device name like PJSIP/psap-police`);
    }
    if (!(DEVICE_STATES as readonly string[]).includes(state)) {
      throw new SimulatorControlError('SIM_BAD_REQUEST', `setDeviceState: state ${JSON.stringify(state)} is not one of ${DEVICE_STATES.join(', ')}`);
    }
    this.engine.setDeviceState(device, state);
  }

  /**
   * A simulated phone (`PJSIP/1001`) registers or unregisters. Registered: endpoint online (EndpointStateChange),
   * device NOT_INUSE (INUSE while it has a channel). Unregistered: endpoint offline, device UNAVAILABLE (AMI
   * DeviceStateChange, ARI DeviceStateChanged), and calls to it fail as to an unreachable line.
   */
  setEndpointRegistered(endpoint: string, registered: boolean): void {
    const slash = endpoint.indexOf('/');
    if (slash <= 0 || slash === endpoint.length - 1 || /[\p{Cc}\s]/u.test(endpoint)) {
      throw new SimulatorControlError('SIM_BAD_REQUEST', `setEndpointRegistered: ${JSON.stringify(endpoint)} is not an endpoint like PJSIP/1001`);
    }
    this.engine.setEndpointRegistered(endpoint.slice(0, slash), endpoint.slice(slash + 1), registered);
  }

  /**
   * The far end of an outbound call hangs up: the agent's phone behind a Local channel (its ;2 half, which takes
   * the ;1 half with it) or the dialled line of a PJSIP channel.
   */
  hangupFarEnd(channelId: string, cause = 16): void {
    if (!this.engine.farEndOfCallHangup(channelId, cause)) throw this.noChannel(channelId);
  }

  // ------------------------------------------------------------------ inspection

  /** Every endpoint the simulator knows (registered or seen in a channel). */
  endpoints(): EndpointView[] {
    return this.engine.endpoints.all().map((ep) => ({ technology: ep.technology, resource: ep.resource, state: ep.state }));
  }

  /** Every device with a state, as AMI DeviceStateList reports them. */
  deviceStates(): Array<{ device: string; state: DeviceState }> {
    return this.engine.devices.all();
  }

  /** Live channels; pass `{ includeHungUp: true }` for every channel since the last reset. */
  channels(options: { includeHungUp?: boolean } = {}): ChannelView[] {
    const source = options.includeHungUp ? this.engine.history : this.engine.channels;
    return [...source.values()].map((ch) => viewOf(ch, this.engine));
  }

  /** A channel, also after it hung up; undefined if it never existed. */
  channel(channelId: string): ChannelView | undefined {
    const ch = this.engine.history.get(channelId);
    return ch ? viewOf(ch, this.engine) : undefined;
  }

  bridges(): BridgeView[] {
    return [...this.engine.bridges.values()].map(bridgeViewOf);
  }

  bridge(bridgeId: string): BridgeView | undefined {
    const bridge = this.engine.bridges.get(bridgeId);
    return bridge ? bridgeViewOf(bridge) : undefined;
  }

  storedRecordings(): StoredRecording[] {
    return [...this.engine.storedRecordings.values()];
  }

  /** The ARI requests the gateway made, oldest first. */
  requests(): readonly RequestRecord[] {
    return this.requestLog.all();
  }

  clearRequests(): void {
    this.requestLog.clear();
  }

  /** Applications with a connected WebSocket. */
  connectedApps(): string[] {
    return this.engine.apps
      .all()
      .filter((a) => a.sink)
      .map((a) => a.name);
  }

  dropWebSockets(options: { refuseMs?: number } = {}): number {
    return this.sockets.dropAll(options.refuseMs ?? 0);
  }

  /**
   * Forgets every channel, bridge, recording, dial behaviour and logged request, and puts every device back to
   * NOT_INUSE (with DeviceStateChange on AMI); sockets stay connected.
   */
  reset(): void {
    this.engine.reset();
    this.requestLog.clear();
  }

  /** Channel lifecycle for other simulated interfaces (the AMI server). Returns the unsubscribe function. */
  onLifecycle(listener: (event: LifecycleEvent) => void): () => void {
    this.engine.events.on('lifecycle', listener);
    return () => this.engine.events.off('lifecycle', listener);
  }

  /** Every ARI event as delivered to an application (also when no socket is connected to receive it). */
  onAriEvent(listener: (event: DeliveredEvent) => void): () => void {
    this.engine.events.on('ari', listener);
    return () => this.engine.events.off('ari', listener);
  }

  // ------------------------------------------------------------------ waiting

  /** Resolves with `check()`'s first non-undefined value, re-checked on every channel lifecycle change. */
  waitFor<T>(description: string, check: () => T | undefined, timeoutMs: number = this.defaults.waitTimeoutMs): Promise<T> {
    const first = check();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const onEvent = (): void => {
        const value = check();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new SimulatorWaitTimeoutError(description, timeoutMs));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.engine.events.off('lifecycle', onEvent);
      };
      this.engine.events.on('lifecycle', onEvent);
    });
  }

  waitForApp(app: string, timeoutMs?: number): Promise<void> {
    return this.waitFor(`application "${app}" to connect`, () => (this.engine.apps.isActive(app) ? true : undefined), timeoutMs).then(() => undefined);
  }

  /** The channel entered a Stasis application. */
  waitForStasis(channelId: string, timeoutMs?: number): Promise<ChannelView> {
    return this.waitFor(`channel ${channelId} to enter Stasis`, () => this.viewIf(channelId, (ch) => ch.app !== null), timeoutMs);
  }

  /** `media` started playing on the channel (now or earlier); with `finished`, it also ended. */
  waitForPlayback(channelId: string, media: string, options: { finished?: boolean; timeoutMs?: number } = {}): Promise<PlayedMedia> {
    return this.waitFor(
      `channel ${channelId} to ${options.finished ? 'finish playing' : 'play'} ${media}`,
      () => this.engine.history.get(channelId)?.played.find((p) => p.media === media && (!options.finished || p.outcome !== 'playing')),
      options.timeoutMs,
    );
  }

  /** `media` started playing into the bridge (now or earlier); with `finished`, it also ended. */
  waitForBridgePlayback(bridgeId: string, media: string, options: { finished?: boolean; timeoutMs?: number } = {}): Promise<PlayedMedia> {
    return this.waitFor(
      `bridge ${bridgeId} to ${options.finished ? 'finish playing' : 'play'} ${media}`,
      () => this.engine.bridges.get(bridgeId)?.played.find((p) => p.media === media && (!options.finished || p.outcome !== 'playing')),
      options.timeoutMs,
    );
  }

  waitForChannelState(channelId: string, state: ChannelState, timeoutMs?: number): Promise<ChannelView> {
    return this.waitFor(`channel ${channelId} to reach state ${state}`, () => this.viewIf(channelId, (ch) => ch.state === state), timeoutMs);
  }

  /** The channel left Stasis into the dialplan (continue, redirect or STASISSTATUS=FAILED fallback). */
  waitForContinue(channelId: string, timeoutMs?: number): Promise<DialplanLocation> {
    return this.waitFor(`channel ${channelId} to continue in the dialplan`, () => this.engine.history.get(channelId)?.continuedTo ?? undefined, timeoutMs);
  }

  /** The channel is in a bridge with at least one other channel. */
  waitForBridgeWith(channelId: string, timeoutMs?: number): Promise<BridgeView> {
    return this.waitFor(
      `channel ${channelId} to be bridged with another channel`,
      () => {
        const ch = this.engine.channels.get(channelId);
        const bridge = ch?.bridgeId ? this.engine.bridges.get(ch.bridgeId) : undefined;
        if (!bridge || bridge.channelIds.length < 2) return undefined;
        return bridgeViewOf(bridge);
      },
      timeoutMs,
    );
  }

  waitForHangup(channelId: string, timeoutMs?: number): Promise<ChannelView> {
    return this.waitFor(`channel ${channelId} to hang up`, () => this.viewIf(channelId, (ch) => ch.destroyed), timeoutMs);
  }

  /** An outbound channel to `endpointOrDialString` was created (by `channels/create` or originate). */
  waitForOutboundChannel(endpointOrDialString: string, timeoutMs?: number): Promise<ChannelView> {
    return this.waitFor(
      `an outbound channel to ${endpointOrDialString}`,
      () => {
        for (const ch of this.engine.history.values()) {
          if (ch.kind === 'outbound' && (ch.endpoint === endpointOrDialString || ch.dialstring === endpointOrDialString)) return viewOf(ch, this.engine);
        }
        return undefined;
      },
      timeoutMs,
    );
  }

  waitForStoredRecording(name: string, timeoutMs?: number): Promise<StoredRecording> {
    return this.waitFor(`recording "${name}" to be stored`, () => this.engine.storedRecordings.get(name), timeoutMs);
  }

  /** The next ARI event matching `predicate` (only events from now on). */
  waitForAriEvent(description: string, predicate: (event: DeliveredEvent) => boolean, timeoutMs: number = this.defaults.waitTimeoutMs): Promise<DeliveredEvent> {
    return new Promise((resolve, reject) => {
      const onEvent = (event: DeliveredEvent): void => {
        if (!predicate(event)) return;
        cleanup();
        resolve(event);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new SimulatorWaitTimeoutError(description, timeoutMs));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.engine.events.off('ari', onEvent);
      };
      this.engine.events.on('ari', onEvent);
    });
  }

  private viewIf(channelId: string, predicate: (ch: SimChannel) => boolean): ChannelView | undefined {
    const ch = this.engine.history.get(channelId);
    return ch && predicate(ch) ? viewOf(ch, this.engine) : undefined;
  }

  private requireLive(channelId: string): void {
    if (!this.engine.channels.has(channelId)) throw this.noChannel(channelId);
  }

  private noChannel(channelId: string): SimulatorControlError {
    return new SimulatorControlError('SIM_NO_CHANNEL', `no live channel ${channelId} in the simulator`);
  }
}

function bridgeViewOf(b: SimBridge): BridgeView {
  return {
    id: b.id,
    name: b.name,
    bridgeType: b.bridgeType,
    channelIds: [...b.channelIds],
    mohClass: b.mohClass,
    played: b.played.map((p) => ({ ...p })),
    recording: b.recording?.name ?? null,
  };
}

function viewOf(ch: SimChannel, engine: AsteriskEngine): ChannelView {
  return {
    id: ch.id,
    name: ch.name,
    kind: ch.kind,
    state: ch.state,
    app: ch.app,
    bridgeId: ch.bridgeId,
    caller: { ...ch.caller },
    connected: { ...ch.connected },
    presentedCallerId: ch.connected.number ? { ...ch.connected } : { ...ch.caller },
    endpoint: ch.endpoint,
    dialstring: ch.dialstring,
    played: ch.played.map((p) => ({ ...p })),
    ringing: ch.ringing,
    mohClass: ch.mohClass,
    variables: Object.fromEntries(ch.vars),
    dtmf: ch.dtmf.join(''),
    stasisStatus: ch.stasisStatus,
    continuedTo: ch.continuedTo,
    recording: ch.recording?.name ?? null,
    hears: engine.hearing(ch.id),
    redirectedTo: ch.redirectedTo,
    hungUp: ch.destroyed,
    hangupCause: ch.hangupCause,
    hangupBy: ch.hangupBy,
  };
}
