// The simulated Asterisk: channels, bridges, playbacks, recordings and Stasis applications, producing ARI events
// in the order a real Asterisk 22 produces them (see /work/shared/asterisk-ari/transcripts). Transport-free: the
// HTTP/WebSocket layer calls the `ari*` methods and plugs sockets in as event sinks; tests drive the far end
// (callers, dialled lines) through the other public methods.

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { formatAriTime } from '../ari-time.js';
import { AriError } from '../errors.js';
import type { SoundCatalog } from '../sounds/sound-catalog.js';
import { ApplicationRegistry } from './applications.js';
import type { AppRecord, EventSink } from './applications.js';
import { BridgeMedia, audibleMembers, mediaListeners } from './bridge-media.js';
import { SimEndpoints, endpointJson } from './endpoints.js';
import type { EndpointState, SimEndpoint } from './endpoints.js';
import { subscribeApp, unsubscribeApp, watchesDevice, watchesEndpoint } from './subscriptions.js';
import type { EventSources } from './subscriptions.js';
import { SimDevices, deviceOfChannelName } from './devices.js';
import type { DeviceState } from './devices.js';
import { CAUSE, HANGUP_REASON_CAUSES, SOFTHANGUP_EXPLICIT, causeText } from './hangup-causes.js';
import { mediaDurationMs } from './media.js';
import type { MediaContext } from './media.js';
import { toneWav } from '../sounds/tone-wav.js';
import type { AmiOriginateRequest } from '../ami/ami-originate.js';
import { Pbx } from '../dialplan/pbx.js';
import { findExtension } from '../dialplan/extensions-conf.js';
import type { PbxEvent, PbxHost, PbxLocation, RingOutcome } from '../dialplan/pbx.js';
import type { SimulatedDialplan } from '../dialplan/load-dialplan.js';
import { bridgeJson, channelJson, liveRecordingJson, playbackJson, storedRecordingJson } from './snapshots.js';
import type {
  CallerId,
  ChannelKind,
  ChannelState,
  DialBehaviour,
  DialplanLocation,
  MediaTarget,
  PlayedMedia,
  SimBridge,
  SimChannel,
  SimPlayback,
  SimRecording,
  StoredRecording,
} from './types.js';

export interface EngineOptions {
  readonly sounds: SoundCatalog;
  /** Playing time of one character of `digits:`/`number:`/`characters:` media. */
  readonly msPerDigit: number;
  readonly asteriskId: string;
  /**
   * asterisk.conf `systemname`: when set, channel unique ids are `<systemName>-<epoch>.<n>`, as Asterisk makes them,
   * so the ids of several Asterisks never collide. Unset: `<epoch>.<n>`.
   */
  readonly systemName?: string;
  /** Where inbound carrier calls go: `Stasis(<inboundApp>)` at `<inboundContext>,<number>,2`. */
  readonly inboundApp: string;
  readonly inboundContext: string;
  readonly inboundNumber: string;
  readonly carrierEndpoint: string;
  /** Where the dialplan sends a call whose Stasis() failed (STASISSTATUS=FAILED). */
  readonly stasisFailedFallback: DialplanLocation;
  readonly defaultDialBehaviour: DialBehaviour;
  /** When set, a dial `timeout` fires after this many ms instead of `timeout` seconds (keeps tests fast). */
  readonly ringTimeoutMs?: number;
  /** Real milliseconds per recorded second (`maxDurationSeconds`, reported `duration`). */
  readonly recordingMsPerSecond: number;
  /** The dialplan channels run outside Stasis (continue, redirect, Stasis failure); none: they just stop there. */
  readonly dialplan?: SimulatedDialplan;
  /** Real milliseconds per dialplan second (WaitExten, MusicOnHold, queue timeouts). Default 1000. */
  readonly dialplanMsPerSecond?: number;
  readonly now?: () => number;
}

/** Channel lifecycle for observers other than ARI applications (the AMI server, test helpers). */
export type LifecycleEvent =
  | { readonly type: 'channelCreated'; readonly channel: SimChannel }
  | { readonly type: 'channelStateChanged'; readonly channel: SimChannel }
  | { readonly type: 'channelHungUp'; readonly channel: SimChannel; readonly cause: number }
  /** A device state was published (AMI DeviceStateChange), after the channel event that caused it. */
  | { readonly type: 'deviceStateChanged'; readonly device: string; readonly state: DeviceState }
  | { readonly type: 'dtmf'; readonly channel: SimChannel; readonly digit: string }
  | { readonly type: 'varSet'; readonly channel: SimChannel; readonly variable: string; readonly value: string }
  | { readonly type: 'stasisStart'; readonly channel: SimChannel; readonly app: string }
  | { readonly type: 'stasisEnd'; readonly channel: SimChannel; readonly app: string }
  | { readonly type: 'stasisFailed'; readonly channel: SimChannel; readonly app: string; readonly fallback: DialplanLocation }
  | { readonly type: 'dialplanContinued'; readonly channel: SimChannel; readonly location: DialplanLocation }
  | { readonly type: 'bridgeEntered'; readonly channel: SimChannel; readonly bridge: SimBridge }
  | { readonly type: 'bridgeLeft'; readonly channel: SimChannel; readonly bridge: SimBridge }
  | { readonly type: 'playbackStarted'; readonly channel: SimChannel; readonly media: string }
  | { readonly type: 'playbackFinished'; readonly channel: SimChannel; readonly playbackId: string; readonly state: string }
  | { readonly type: 'bridgePlaybackFinished'; readonly bridge: SimBridge; readonly playbackId: string; readonly state: string }
  | { readonly type: 'endpointStateChanged'; readonly endpoint: SimEndpoint }
  | { readonly type: 'bridgeMoh'; readonly bridge: SimBridge }
  | { readonly type: 'dial'; readonly channel: SimChannel; readonly dialstatus: string }
  | { readonly type: 'recordingFinished'; readonly channel: SimChannel | null; readonly name: string; readonly state: string }
  /** The dialplan ran a step (AMI Newexten), failed (a WARNING/ERROR Asterisk would log) or moved a queue. */
  | { readonly type: 'dialplan'; readonly event: PbxEvent<SimChannel> }
  | { readonly type: 'appConnected'; readonly app: string }
  | { readonly type: 'appDisconnected'; readonly app: string };

export interface AmiOriginateResult {
  readonly reason: number;
  /** The answered channel; null when the originate failed (Asterisk reports no channel then). */
  readonly channel: SimChannel | null;
}

/** An ARI event as delivered to one application. */
export interface DeliveredEvent {
  readonly application: string;
  readonly event: Readonly<Record<string, unknown>>;
}

const STASIS_DEVICE = 'Stasis:';
/** pbx_dial_reason(): the AST_CONTROL_* a failed dial reports (busy 5, congestion 8, rang without answer 3). */
const ORIGINATE_REASONS: Readonly<Record<string, number>> = { BUSY: 5, CONGESTION: 8, NOANSWER: 3, CHANUNAVAIL: 0 };
const DEVICE_STATE_VALUES: readonly DeviceState[] = ['NOT_INUSE', 'INUSE', 'BUSY', 'INVALID', 'UNAVAILABLE', 'RINGING', 'RINGINUSE', 'ONHOLD'];
const RECORDING_FORMATS = new Set(['wav', 'wav16', 'gsm', 'ulaw', 'alaw', 'sln', 'sln16', 'g722', 'ogg']);
const LOCAL_ENDPOINT = /^Local\/([^@]+)@([^/]+?)(\/n)?$/i;

export class AsteriskEngine {
  /** `lifecycle` (LifecycleEvent) and `ari` (DeliveredEvent). */
  readonly events = new EventEmitter();
  readonly apps = new ApplicationRegistry();
  readonly channels = new Map<string, SimChannel>();
  /**
   * The live channels of each device (`PJSIP/carrier`), in creation order as `channels` holds them: every call of
   * a trunk is on one device, so finding them by a scan of all channels made each call's start and end cost
   * as much as the calls already up.
   */
  private readonly channelsByDevice = new Map<string, Set<SimChannel>>();
  readonly bridges = new Map<string, SimBridge>();
  readonly playbacks = new Map<string, SimPlayback>();
  readonly liveRecordings = new Map<string, SimRecording>();
  readonly storedRecordings = new Map<string, StoredRecording>();
  readonly dialBehaviours = new Map<string, DialBehaviour>();
  readonly devices = new SimDevices((device, state) => this.deviceChanged(device, state));
  readonly endpoints = new SimEndpoints();
  /** The `Stasis:` devices ARI set (res_stasis_device_state keeps them in astdb): what GET /deviceStates lists. */
  private readonly stasisDevices = new Set<string>();
  private readonly bridgeMedia: BridgeMedia;
  /** Where each live recording's events go (its channel's applications, or its bridge's). */
  private readonly recordingSinks = new Map<SimRecording, (event: Record<string, unknown>) => void>();
  /** Channels ever created, including destroyed ones, so tests can inspect a call after it ended. */
  readonly history = new Map<string, SimChannel>();
  readonly startedAt: number;
  private channelSeq = 0;
  private uniqueSeq = 0;
  private readonly now: () => number;
  private readonly media: MediaContext;
  /** The PBX core running channels outside Stasis, when a dialplan is loaded. */
  readonly pbx: Pbx<SimChannel> | null;
  private readonly pbxTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: EngineOptions) {
    this.events.setMaxListeners(0);
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.media = {
      sounds: options.sounds,
      msPerDigit: options.msPerDigit,
      storedRecording: (name) => this.storedRecordings.get(name),
    };
    this.bridgeMedia = new BridgeMedia({
      media: this.media,
      playbacks: this.playbacks,
      now: () => this.now(),
      channel: (id) => this.channels.get(id),
      toBridgeApps: (bridge, event) => {
        for (const app of this.bridgeAudience(bridge)) this.deliver(app, event);
      },
      heard: (ch, media) => this.lifecycle({ type: 'playbackStarted', channel: ch, media }),
      finished: (bridge, playbackId, state) => this.lifecycle({ type: 'bridgePlaybackFinished', bridge, playbackId, state }),
    });
    this.endpoints.ensure('PJSIP', options.carrierEndpoint);
    this.pbx = options.dialplan
      ? new Pbx(options.dialplan.dialplan, options.dialplan.queues, this.pbxHost(), { msPerSecond: options.dialplanMsPerSecond ?? 1000 })
      : null;
  }

  // ---------------------------------------------------------------- applications / sockets

  connectApp(names: readonly string[], sink: EventSink, subscribeAll: boolean): void {
    const replaced = this.apps.attach(names, sink, subscribeAll);
    for (const old of replaced) {
      for (const name of names) this.sendTo(old, name, { type: 'ApplicationReplaced', timestamp: this.stamp() });
    }
    for (const name of names) this.lifecycle({ type: 'appConnected', app: name });
  }

  disconnectApp(sink: EventSink): void {
    const names = this.apps
      .all()
      .filter((a) => a.sink === sink)
      .map((a) => a.name);
    this.apps.detach(sink);
    for (const name of names) this.lifecycle({ type: 'appDisconnected', app: name });
  }

  // ---------------------------------------------------------------- far end: inbound calls, DTMF, hangups

  /** A call from the carrier arrives and runs `Stasis(<inboundApp>)`; returns the channel id. */
  placeInboundCall(from: string, to: string = this.options.inboundNumber, callerName = ''): string {
    const ch = this.newChannel('inbound', `PJSIP/${this.options.carrierEndpoint}-${this.nextChannelSuffix()}`, {
      caller: { name: callerName, number: from },
      connected: { name: '', number: '' },
      state: 'Ring',
      dialplan: { context: this.options.inboundContext, exten: to, priority: 2, app_name: 'Stasis', app_data: this.options.inboundApp },
    });
    this.enterStasisFromDialplan(ch, this.options.inboundApp);
    return ch.id;
  }

  /** The caller presses keys. Digits arrive `intervalMs` apart; resolves after the last one. */
  async sendDtmf(channelId: string, digits: string, intervalMs: number): Promise<void> {
    for (let i = 0; i < digits.length; i++) {
      if (i > 0) await delay(intervalMs);
      const ch = this.channels.get(channelId);
      if (!ch) return;
      this.dtmfReceived(ch, digits[i] as string);
    }
  }

  /** The far end hangs up (the caller, or a dialled line). */
  farEndHangup(channelId: string, cause: number = CAUSE.normal): boolean {
    const ch = this.channels.get(channelId);
    if (!ch) return false;
    this.hangupChannel(ch, 'far-end', cause);
    return true;
  }

  /** AMI Redirect: the channel leaves Stasis (if it was in it) and continues at `location`. */
  redirect(channelId: string, location: DialplanLocation): boolean {
    const ch = this.channels.get(channelId);
    if (!ch) return false;
    this.continueAt(ch, location);
    return true;
  }

  setDialBehaviour(dialString: string, behaviour: DialBehaviour): void {
    this.dialBehaviours.set(dialString, behaviour);
  }

  /** The device's state changes (e.g. `PJSIP/psap-police` UNAVAILABLE when its qualify fails). */
  setDeviceState(device: string, state: DeviceState): void {
    this.devices.set(device, state);
  }

  reset(): void {
    this.pbx?.reset();
    this.clearPbxTimers();
    for (const ch of this.channels.values()) this.clearChannelTimers(ch);
    for (const rec of this.liveRecordings.values()) if (rec.timer) clearTimeout(rec.timer);
    for (const bridge of this.bridges.values()) if (bridge.activePlayback?.timer) clearTimeout(bridge.activePlayback.timer);
    this.bridgeMedia.reset();
    for (const device of this.stasisDevices) this.devices.forget(device);
    this.stasisDevices.clear();
    this.endpoints.clear();
    this.endpoints.ensure('PJSIP', this.options.carrierEndpoint);
    this.channels.clear();
    this.channelsByDevice.clear();
    this.bridges.clear();
    this.playbacks.clear();
    this.liveRecordings.clear();
    this.recordingSinks.clear();
    this.storedRecordings.clear();
    this.dialBehaviours.clear();
    this.history.clear();
    this.devices.reset();
    for (const app of this.apps.all()) {
      app.channelIds.clear();
      app.bridgeIds.clear();
      app.endpointIds.clear();
      app.deviceNames.clear();
    }
  }

  close(): void {
    this.clearPbxTimers();
    for (const ch of this.channels.values()) this.clearChannelTimers(ch);
    for (const rec of this.liveRecordings.values()) if (rec.timer) clearTimeout(rec.timer);
    for (const bridge of this.bridges.values()) if (bridge.activePlayback?.timer) clearTimeout(bridge.activePlayback.timer);
  }

  // ---------------------------------------------------------------- ARI: asterisk / applications

  ariInfo(only: readonly string[]): Record<string, unknown> {
    const all: Record<string, unknown> = {
      build: { os: 'Linux', kernel: 'simulated', options: '', machine: 'x86_64', date: formatAriTime(this.startedAt), user: 'hotline-sim' },
      system: { version: '22.10.1', entity_id: this.options.asteriskId },
      config: { name: '', default_language: 'en', setid: { user: '', group: '' } },
      status: { startup_time: formatAriTime(this.startedAt), last_reload_time: formatAriTime(this.startedAt) },
    };
    if (only.length === 0) return all;
    return Object.fromEntries(Object.entries(all).filter(([k]) => only.includes(k)));
  }

  ariPing(): Record<string, unknown> {
    return { asterisk_id: this.options.asteriskId, ping: 'pong', timestamp: formatAriTime(this.now()) };
  }

  ariApplications(): Record<string, unknown>[] {
    return this.apps.all().map((a) => this.applicationJson(a.name));
  }

  ariApplication(name: string): Record<string, unknown> {
    if (!this.apps.get(name)) throw new AriError(404, 'Application not found');
    return this.applicationJson(name);
  }

  /** POST /applications/{name}/subscription. */
  ariSubscribe(name: string, eventSources: readonly string[]): Record<string, unknown> {
    subscribeApp(this.requireApp(name), eventSources, this.eventSources());
    return this.applicationJson(name);
  }

  /** DELETE /applications/{name}/subscription. */
  ariUnsubscribe(name: string, eventSources: readonly string[]): Record<string, unknown> {
    unsubscribeApp(this.requireApp(name), eventSources, this.eventSources());
    return this.applicationJson(name);
  }

  private requireApp(name: string): AppRecord {
    const app = this.apps.get(name);
    if (!app) throw new AriError(404, 'Application not found');
    return app;
  }

  private eventSources(): EventSources {
    return {
      channelExists: (id) => this.channels.has(id),
      bridge: (id) => this.bridges.get(id),
      endpointExists: (id) => {
        const slash = id.indexOf('/');
        if (slash < 0) return this.endpoints.hasTechnology(id);
        return this.endpoints.get(id.slice(0, slash), id.slice(slash + 1)) !== undefined;
      },
    };
  }

  // ---------------------------------------------------------------- ARI: device states

  /** GET /deviceStates: only the `Stasis:` devices applications set (res_stasis_device_state lists its astdb). */
  ariListDeviceStates(): Record<string, unknown>[] {
    return [...this.stasisDevices].map((name) => ({ name, state: this.deviceStateOf(name) }));
  }

  /** GET /deviceStates/{name}: ast_device_state() of any device. */
  ariGetDeviceState(name: string): Record<string, unknown> {
    return { name, state: this.deviceStateOf(name) };
  }

  /** PUT /deviceStates/{name}: only `Stasis:<name>` devices are the application's to set. */
  ariUpdateDeviceState(name: string, state: string): void {
    const device = this.stasisDeviceName(name);
    if (!(DEVICE_STATE_VALUES as readonly string[]).includes(state) || state === 'UNKNOWN') throw new AriError(500, 'Unknown device');
    this.stasisDevices.add(device);
    this.devices.set(device, state as DeviceState);
  }

  /** DELETE /deviceStates/{name}: forgets a `Stasis:` device and publishes it UNKNOWN. */
  ariDeleteDeviceState(name: string): void {
    const device = this.stasisDeviceName(name);
    this.stasisDevices.delete(device);
    this.devices.set(device, 'UNKNOWN');
    this.devices.forget(device);
  }

  /** `Stasis:agent-1001` (scheme compared without case) -> the device name as Asterisk publishes it. */
  private stasisDeviceName(name: string): string {
    if (name.slice(0, STASIS_DEVICE.length).toLowerCase() !== STASIS_DEVICE.toLowerCase()) throw new AriError(409, 'Uncontrolled device specified');
    const rest = name.slice(STASIS_DEVICE.length);
    if (rest === '') throw new AriError(404, 'Device name is missing');
    return `${STASIS_DEVICE}${rest}`;
  }

  /**
   * The cached state; else what the device's provider answers: UNKNOWN for an unset `Stasis:` device, NOT_INUSE
   * for a channel device (every line the simulator dials exists and is idle until a channel is on it).
   */
  private deviceStateOf(name: string): DeviceState {
    const cached = this.devices.get(name);
    if (cached !== undefined) return cached;
    return name.slice(0, STASIS_DEVICE.length).toLowerCase() === STASIS_DEVICE.toLowerCase() ? 'UNKNOWN' : 'NOT_INUSE';
  }

  /** Every published device state: AMI's DeviceStateChange, and ARI's DeviceStateChanged to the applications watching it. */
  private deviceChanged(device: string, state: DeviceState): void {
    this.lifecycle({ type: 'deviceStateChanged', device, state });
    for (const app of this.apps.all()) {
      if (app.sink && watchesDevice(app, device)) this.deliver(app.name, { type: 'DeviceStateChanged', device_state: { name: device, state } });
    }
  }

  // ---------------------------------------------------------------- ARI: endpoints

  ariListEndpoints(): Record<string, unknown>[] {
    return this.endpoints.all().map((ep) => this.endpointSnapshot(ep));
  }

  ariListEndpointsByTech(tech: string): Record<string, unknown>[] {
    if (!this.endpoints.hasTechnology(tech)) throw new AriError(404, `No Endpoints found - invalid tech ${tech}`);
    return this.endpoints.byTechnology(tech).map((ep) => this.endpointSnapshot(ep));
  }

  ariGetEndpoint(tech: string, resource: string): Record<string, unknown> {
    const ep = this.endpoints.get(tech, resource);
    if (!ep) throw new AriError(404, 'Endpoint not found');
    return this.endpointSnapshot(ep);
  }

  /**
   * A simulated phone registers (a reachable contact: endpoint online, device NOT_INUSE, or INUSE while it has a
   * channel) or unregisters (no contact: endpoint offline, device UNAVAILABLE, and calls to it fail).
   */
  setEndpointRegistered(tech: string, resource: string, registered: boolean): void {
    const ep = this.endpoints.ensure(tech, resource);
    this.setEndpointState(ep, registered ? 'online' : 'offline');
    const device = `${ep.technology}/${ep.resource}`;
    if (!registered) this.devices.set(device, 'UNAVAILABLE');
    else this.devices.set(device, (this.channelsByDevice.get(device)?.size ?? 0) > 0 ? 'INUSE' : 'NOT_INUSE');
  }

  private setEndpointState(ep: SimEndpoint, state: EndpointState): void {
    if (ep.state === state) return;
    ep.state = state;
    this.endpointChanged(ep);
  }

  /** Every new endpoint snapshot (state or channels changed) is an EndpointStateChange to its subscribers. */
  private endpointChanged(ep: SimEndpoint): void {
    // Built once, and only when an application subscribed to the endpoint is there to receive it.
    let built: Record<string, unknown> | null = null;
    const snapshot = (): Record<string, unknown> => (built ??= this.endpointSnapshot(ep));
    for (const app of this.apps.all()) {
      if (app.sink && watchesEndpoint(app, ep.technology, ep.resource)) this.deliver(app.name, { type: 'EndpointStateChange', endpoint: snapshot() });
    }
    this.lifecycle({ type: 'endpointStateChanged', endpoint: ep });
  }

  private endpointSnapshot(ep: SimEndpoint): Record<string, unknown> {
    return endpointJson(
      ep,
      this.channelsOnDevice(`${ep.technology}/${ep.resource}`).map((c) => c.id),
    );
  }

  private channelsOnDevice(device: string): SimChannel[] {
    return [...(this.channelsByDevice.get(device) ?? [])];
  }

  /** The PJSIP endpoint a channel is on: its channel-name device (`PJSIP/psap-police-0000000b` -> psap-police). */
  private endpointOfChannel(ch: SimChannel): SimEndpoint | undefined {
    const device = deviceOfChannelName(ch.name);
    if (!device.toUpperCase().startsWith('PJSIP/')) return undefined;
    return this.endpoints.ensure('PJSIP', device.slice('PJSIP/'.length));
  }

  private applicationJson(name: string): Record<string, unknown> {
    const app = this.apps.get(name);
    return {
      name,
      channel_ids: app ? [...app.channelIds] : [],
      bridge_ids: app ? [...app.bridgeIds] : [],
      endpoint_ids: app ? [...app.endpointIds] : [],
      device_names: app ? [...app.deviceNames] : [],
      events_allowed: [],
      events_disallowed: [],
    };
  }

  // ---------------------------------------------------------------- ARI: channels

  ariListChannels(): Record<string, unknown>[] {
    return [...this.channels.values()].map(channelJson);
  }

  ariGetChannel(id: string): Record<string, unknown> {
    return channelJson(this.requireChannel(id));
  }

  /** POST /channels/create: the channel exists (Down) and is in the application at once; `dial` calls it. */
  ariCreateChannel(p: {
    endpoint: string;
    app: string;
    appArgs?: string;
    channelId?: string;
    otherChannelId?: string;
    variables?: Record<string, unknown>;
  }): Record<string, unknown> {
    const parsed = parseEndpoint(p.endpoint);
    if (!parsed) throw new AriError(400, `Invalid endpoint: ${p.endpoint}`);
    this.requireFreeChannelId(p.channelId);
    this.requireFreeChannelId(p.otherChannelId);
    this.requireReachable(parsed);
    const local = LOCAL_ENDPOINT.exec(p.endpoint);
    if (local) {
      // ast_request("Local") makes both halves at once: ;1 is the application's, ;2 waits to run the dialplan.
      const noCaller = { name: '', number: '' };
      const [one] = this.localPair(local[1] as string, local[2] as string, noCaller, { one: p.channelId, two: p.otherChannelId }, 'Down', {
        context: 'default',
        exten: 's',
        priority: 1,
        app_name: '',
        app_data: '',
      });
      one.endpoint = p.endpoint;
      one.dialstring = `${local[1] as string}@${local[2] as string}`;
      this.applyVariables(one, p.variables);
      this.stasisStart(one, p.app, splitArgs(p.appArgs));
      return channelJson(one);
    }
    const ch = this.newChannel('outbound', `${parsed.tech}/${parsed.nameBase}-${this.nextChannelSuffix()}`, {
      id: p.channelId,
      caller: { name: '', number: '' },
      connected: { name: '', number: '' },
      state: 'Down',
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
    });
    ch.endpoint = p.endpoint;
    ch.dialstring = parsed.resource;
    this.applyVariables(ch, p.variables);
    this.stasisStart(ch, p.app, splitArgs(p.appArgs));
    return channelJson(ch);
  }

  /** POST /channels (originate). Local channels model the transcript's `Local/12345@ivr-inbound` call. */
  ariOriginate(p: {
    endpoint: string;
    extension?: string;
    context?: string;
    priority?: number;
    label?: string;
    app?: string;
    appArgs?: string;
    callerId?: string;
    channelId?: string;
    otherChannelId?: string;
    variables?: Record<string, unknown>;
  }): Record<string, unknown> {
    if (!p.app && !p.extension) throw new AriError(400, 'Application or extension must be specified');
    if (p.app && (p.extension || p.context || p.priority !== undefined || p.label)) {
      throw new AriError(400, "'app' and 'extension' are mutually exclusive");
    }
    this.requireFreeChannelId(p.channelId);
    this.requireFreeChannelId(p.otherChannelId);
    const caller = parseCallerId(p.callerId);
    const local = LOCAL_ENDPOINT.exec(p.endpoint);
    if (local) return this.originateLocal(local[1] as string, local[2] as string, caller, p);
    const parsed = parseEndpoint(p.endpoint);
    if (!parsed) throw new AriError(400, `Invalid endpoint: ${p.endpoint}`);
    this.requireReachable(parsed);
    const ch = this.newChannel('outbound', `${parsed.tech}/${parsed.nameBase}-${this.nextChannelSuffix()}`, {
      id: p.channelId,
      caller: { ...caller },
      connected: { ...caller },
      state: 'Down',
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
    });
    ch.endpoint = p.endpoint;
    ch.dialstring = parsed.resource;
    this.applyVariables(ch, p.variables);
    const app = p.app;
    const location: DialplanLocation = { context: p.context ?? 'default', extension: p.extension ?? 's', priority: p.priority ?? 1 };
    this.startDial(ch, null, 0, () => {
      if (app) this.stasisStart(ch, app, splitArgs(p.appArgs));
      else this.continueAt(ch, location);
    });
    return channelJson(ch);
  }

  private originateLocal(
    exten: string,
    context: string,
    caller: CallerId,
    p: { app?: string; appArgs?: string; channelId?: string; otherChannelId?: string; extension?: string; context?: string; priority?: number; variables?: Record<string, unknown> },
  ): Record<string, unknown> {
    const [one, two] = this.localPair(exten, context, caller, { one: p.channelId, two: p.otherChannelId }, 'Ring');
    this.applyVariables(one, p.variables);
    const oneApp = p.app;
    const oneLocation: DialplanLocation = { context: p.context ?? 'default', extension: p.extension ?? 's', priority: p.priority ?? 1 };
    const enter = (): void => {
      if (oneApp) this.stasisStart(one, oneApp, splitArgs(p.appArgs));
      else this.continueAt(one, oneLocation);
    };
    if (exten !== this.options.inboundNumber) {
      // Any other Local destination (an agent's phone) rings, busies or fails as its dial behaviour says.
      one.endpoint = `Local/${exten}@${context}`;
      one.dialstring = `${exten}@${context}`;
      this.startDial(one, null, 0, enter);
      return channelJson(one);
    }
    setImmediate(() => {
      if (two.destroyed) return;
      if (exten === this.options.inboundNumber) {
        two.dialplan = { context, exten, priority: 2, app_name: 'Stasis', app_data: this.options.inboundApp };
        this.enterStasisFromDialplan(two, this.options.inboundApp);
      }
      // The ;1 half follows once the ;2 half answers; the simulator treats the hand-off as immediate.
      if (one.destroyed) return;
      this.setState(one, 'Up');
      if (oneApp) this.stasisStart(one, oneApp, splitArgs(p.appArgs));
      else this.continueAt(one, oneLocation);
    });
    return channelJson(one);
  }

  /**
   * Both halves of a Local channel (`Local/<exten>@<context>-<n>;1` and `;2`), each the other's peer: hanging up
   * one hangs up the other.
   */
  private localPair(
    exten: string,
    context: string,
    caller: CallerId,
    ids: { one?: string; two?: string },
    twoState: ChannelState,
    oneDialplan: SimChannel['dialplan'] = { context: 'default', exten: 's', priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' },
  ): [SimChannel, SimChannel] {
    const base = `Local/${exten}@${context}-${this.nextChannelSuffix()}`;
    const one = this.newChannel('outbound', `${base};1`, { id: ids.one, caller: { ...caller }, connected: { ...caller }, state: 'Down', dialplan: oneDialplan });
    const two = this.newChannel('local', `${base};2`, {
      id: ids.two,
      caller: { ...caller },
      connected: { ...caller },
      state: twoState,
      dialplan: { context, exten, priority: 1, app_name: '', app_data: '' },
    });
    one.localPeerId = two.id;
    two.localPeerId = one.id;
    return [one, two];
  }

  /**
   * The far end of an outbound call hangs up: the ;2 half of a Local channel (an agent's phone behind it), which
   * takes the ;1 half down with it, or the line of any other channel.
   */
  farEndOfCallHangup(channelId: string, cause: number = CAUSE.normal): boolean {
    const ch = this.channels.get(channelId);
    if (!ch) return false;
    const peer = ch.localPeerId ? this.channels.get(ch.localPeerId) : undefined;
    if (peer && ch.name.endsWith(';1')) this.hangupChannel(peer, 'far-end', cause);
    else this.hangupChannel(ch, 'far-end', cause);
    return true;
  }

  /**
   * AMI Originate (pbx_outgoing_attempt): the channel is requested and dialled with the caller id set on it (and
   * as its connected line); once answered it runs `application` (then hangs up) or the dialplan from
   * context/exten/priority. Resolves when the dial is over, with pbx_dial_reason()'s reason: 4 answered, 5 busy,
   * 8 congestion, 3 rang without answer, 0 any other failure (no channel could be made: channel null).
   */
  originateFromAmi(req: AmiOriginateRequest): Promise<AmiOriginateResult> {
    const caller: CallerId = { name: req.callerName, number: req.callerNum };
    const local = LOCAL_ENDPOINT.exec(req.channel);
    const parsed = parseEndpoint(req.channel);
    if (!parsed) return Promise.resolve({ reason: 0, channel: null });
    const state = this.devices.get(local ? `Local/${local[1] as string}@${local[2] as string}` : `${parsed.tech}/${parsed.nameBase}`);
    const taken = [req.channelId, req.otherChannelId].some((id) => id !== undefined && id !== '' && this.channels.has(id));
    if (state === 'UNAVAILABLE' || state === 'INVALID' || taken) return Promise.resolve({ reason: 0, channel: null });
    let ch: SimChannel;
    if (local) {
      [ch] = this.localPair(local[1] as string, local[2] as string, caller, { one: req.channelId || undefined, two: req.otherChannelId || undefined }, 'Down');
      ch.endpoint = `Local/${local[1] as string}@${local[2] as string}`;
      ch.dialstring = `${local[1] as string}@${local[2] as string}`;
    } else {
      ch = this.newChannel('outbound', `${parsed.tech}/${parsed.nameBase}-${this.nextChannelSuffix()}`, {
        id: req.channelId || undefined,
        caller: { ...caller },
        connected: { ...caller },
        state: 'Down',
        dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
      });
      ch.endpoint = req.channel;
      ch.dialstring = parsed.resource;
    }
    for (const [name, value] of req.variables) this.setVariable(ch, name, value);
    const dialled = ch;
    return new Promise((resolve) => {
      this.startDial(
        dialled,
        null,
        req.timeoutMs,
        () => {
          resolve({ reason: 4, channel: dialled });
          setImmediate(() => this.runOriginated(dialled, req));
        },
        (dialstatus) => resolve({ reason: ORIGINATE_REASONS[dialstatus] ?? 0, channel: null }),
      );
    });
  }

  /** pbx_outgoing_exec after the answer: the application, or the PBX at the given place. */
  private runOriginated(ch: SimChannel, req: AmiOriginateRequest): void {
    if (ch.destroyed) return;
    if (req.application) {
      if (req.application.toLowerCase() === 'stasis' && this.pbx === null) {
        const [app = '', ...args] = splitArgs(req.data);
        if (this.apps.isActive(app)) this.stasisStart(ch, app, args);
        else this.hangupChannel(ch, 'dialplan', CAUSE.normal);
        return;
      }
      ch.dialplan = { ...ch.dialplan, app_name: req.application, app_data: req.data };
      if (this.pbx) this.pbx.exec(ch, req.application, req.data);
      return;
    }
    const location = { context: req.context || ch.dialplan.context, extension: req.exten || ch.dialplan.exten, priority: req.priority || ch.dialplan.priority };
    ch.dialplan = { context: location.context, exten: location.extension, priority: location.priority, app_name: '', app_data: '' };
    this.pbx?.start(ch, location);
  }

  /** Whether the loaded dialplan has the extension at that priority (null: no dialplan loaded, nothing to check). */
  extensionExists(context: string, exten: string, priority: number): boolean | null {
    if (this.pbx === null) return null;
    return findExtension(this.pbx.dialplan, context, exten)?.steps.has(priority) === true;
  }

  ariHangup(id: string, reason?: string, reasonCode?: string): void {
    const ch = this.requireChannel(id);
    let cause: number = CAUSE.normal;
    if (reasonCode !== undefined && reasonCode !== '') {
      const code = Number(reasonCode);
      if (!Number.isInteger(code) || code < 0) throw new AriError(400, 'Invalid reason for hangup provided');
      cause = code;
    } else if (reason !== undefined && reason !== '') {
      const mapped = HANGUP_REASON_CAUSES[reason];
      if (mapped === undefined) throw new AriError(400, 'Invalid reason for hangup provided');
      cause = mapped;
    }
    this.hangupChannel(ch, 'app', cause);
  }

  ariAnswer(id: string): void {
    const ch = this.requireStasisChannel(id);
    if (ch.state !== 'Up') {
      ch.ringing = false;
      this.setState(ch, 'Up');
    }
  }

  /**
   * POST/DELETE /channels/{id}/ring: indicates ringing to the caller (ast_indicate RINGING, or -1 to stop). It
   * changes no channel state, so no event; an outbound channel not yet answered (Down, Ringing) answers 412.
   */
  ariRing(id: string, on: boolean): void {
    const ch = this.requireStasisChannel(id);
    this.requireValidState(ch);
    ch.ringing = on;
  }

  /**
   * POST /channels/{id}/redirect: ast_transfer() to `endpoint` (a SIP 302 before answer, a REFER after). The far
   * end takes the call elsewhere and this channel is hung up by it, as a normal clearing.
   */
  ariRedirect(id: string, endpoint: string): void {
    const ch = this.requireStasisChannel(id);
    this.requireValidState(ch);
    if (!endpoint) throw new AriError(400, "Required parameter 'endpoint' not provided.");
    const slash = endpoint.indexOf('/');
    if (slash <= 0) throw new AriError(422, `Endpoint parameter '${endpoint}' does not contain tech/resource`);
    if (slash === endpoint.length - 1) throw new AriError(422, `No resource provided in endpoint parameter '${endpoint}'`);
    const tech = endpoint.slice(0, slash);
    const chanTech = ch.name.slice(0, ch.name.indexOf('/'));
    if (chanTech.toLowerCase() !== tech.toLowerCase()) {
      throw new AriError(422, `Endpoint technology '${tech}' does not match channel technology '${chanTech}'`);
    }
    ch.redirectedTo = endpoint;
    setImmediate(() => {
      if (!ch.destroyed) this.hangupChannel(ch, 'far-end', CAUSE.normal);
    });
  }

  /**
   * POST /channels/{id}/move: StasisEnd to the application it leaves, StasisStart (with the new args) to the one
   * it enters; it keeps its bridge and media. To an application with no connected socket the move fails:
   * ApplicationMoveFailed to the current application, and the channel stays.
   */
  ariMove(id: string, app: string, appArgs: string | undefined): void {
    const ch = this.requireStasisChannel(id);
    const args = splitArgs(appArgs);
    setImmediate(() => {
      const from = ch.app;
      if (ch.destroyed || from === null) return;
      if (!this.apps.isActive(app)) {
        this.deliver(from, { type: 'ApplicationMoveFailed', channel: channelJson(ch), destination: app, args });
        return;
      }
      this.toChannelApps(ch, { type: 'StasisEnd', channel: channelJson(ch) });
      this.apps.get(from)?.channelIds.delete(ch.id);
      this.lifecycle({ type: 'stasisEnd', channel: ch, app: from });
      ch.app = app;
      ch.lastApp = app;
      this.apps.ensure(app).channelIds.add(ch.id);
      const bridge = ch.bridgeId ? this.bridges.get(ch.bridgeId) : undefined;
      if (bridge) {
        bridge.apps.add(app);
        this.apps.ensure(app).bridgeIds.add(bridge.id);
      }
      this.toChannelApps(ch, { type: 'StasisStart', args, channel: channelJson(ch) });
      this.lifecycle({ type: 'stasisStart', channel: ch, app });
    });
  }

  /** channel_state_invalid(): Down, Reserved and Ringing are outbound channels not answered yet. */
  private requireValidState(ch: SimChannel): void {
    if (ch.state === 'Down' || ch.state === 'Ringing') throw new AriError(412, 'Channel in invalid state');
  }

  ariMoh(id: string, mohClass: string | null): void {
    const ch = this.requireStasisChannel(id);
    ch.mohClass = mohClass;
  }

  ariContinue(id: string, p: { context?: string; extension?: string; priority?: number; label?: string }): void {
    const ch = this.requireStasisChannel(id);
    // As ast_explicit_goto: without a priority the dialplan resumes at the priority after the current one.
    const location: DialplanLocation = {
      context: p.context || ch.dialplan.context,
      extension: p.extension || ch.dialplan.exten,
      priority: p.priority !== undefined && p.priority > 0 ? p.priority : ch.dialplan.priority + 1,
      ...(p.label ? { label: p.label } : {}),
    };
    this.continueAt(ch, location);
  }

  ariGetVariable(id: string, variable: string): Record<string, unknown> {
    const ch = this.requireStasisChannel(id);
    const value = this.readVariable(ch, variable);
    if (value === undefined) throw new AriError(404, 'Provided variable was not found');
    return { value };
  }

  ariSetVariable(id: string, variable: string, value: string, reportEvents: boolean): void {
    const ch = this.requireStasisChannel(id);
    this.setVariable(ch, variable, value);
    if (reportEvents) ch.reportedVars.add(variable);
  }

  ariPlay(id: string, media: readonly string[], lang: string | undefined, playbackId?: string): Record<string, unknown> {
    const ch = this.requireStasisChannel(id);
    if (media.length === 0) throw new AriError(400, 'media: Missing required parameter');
    const pbId = playbackId || randomUUID();
    if (this.playbacks.has(pbId)) throw new AriError(409, `Playback with id ${pbId} already exists`);
    const pb: SimPlayback = { id: pbId, target: { kind: 'channel', id: ch.id }, media: [...media], lang: lang || ch.language, index: 0, state: 'queued', timer: null };
    this.playbacks.set(pb.id, pb);
    ch.playbackQueue.push(pb);
    const snapshot = playbackJson(pb);
    // Asterisk answers 201 (queued) first; the channel's control thread then starts the media.
    if (!ch.activePlayback) setImmediate(() => this.startNextPlayback(ch));
    return snapshot;
  }

  ariDial(id: string, callerId: string | undefined, timeoutSeconds: number): void {
    const ch = this.channels.get(id);
    if (!ch) throw new AriError(404, 'Channel not found');
    if (ch.kind !== 'outbound' || ch.dialState !== 'none' || !ch.endpoint) throw new AriError(409, 'Channel cannot be dialed');
    if (!ch.app) throw new AriError(409, 'Channel not in Stasis application');
    let caller: SimChannel | null = null;
    if (callerId) {
      caller = this.channels.get(callerId) ?? null;
      if (!caller) throw new AriError(404, 'Caller channel not found');
      // As ast_ari_channels_dial: the callee's connected line becomes the caller's identity (what the far end sees).
      ch.connected = { ...caller.caller };
    }
    this.startDial(ch, caller, timeoutSeconds > 0 ? (this.options.ringTimeoutMs ?? timeoutSeconds * 1000) : 0, null);
  }

  // ---------------------------------------------------------------- ARI: bridges

  ariListBridges(): Record<string, unknown>[] {
    return [...this.bridges.values()].map(bridgeJson);
  }

  ariGetBridge(id: string): Record<string, unknown> {
    return bridgeJson(this.requireBridge(id));
  }

  ariCreateBridge(p: { bridgeId?: string; type?: string; name?: string }, withId: boolean): Record<string, unknown> {
    const id = p.bridgeId || randomUUID();
    const existing = this.bridges.get(id);
    if (existing) {
      if (withId) return bridgeJson(existing);
      throw new AriError(409, 'Bridge with id already exists');
    }
    const types = (p.type ?? 'mixing').split(',').map((t) => t.trim());
    const bridgeType = types.includes('holding') ? 'holding' : 'mixing';
    for (const t of types) {
      if (!['mixing', 'holding', 'dtmf_events', 'proxy_media', 'video_sfu', 'video_single', 'sdp_label', ''].includes(t)) {
        throw new AriError(400, `Invalid bridge type: ${t}`);
      }
    }
    const bridge: SimBridge = {
      id,
      name: p.name ?? '',
      bridgeType,
      createdAt: this.now(),
      channelIds: [],
      apps: new Set(),
      roles: new Map(),
      mohClass: null,
      played: [],
      playbackQueue: [],
      activePlayback: null,
      recording: null,
    };
    this.bridges.set(id, bridge);
    for (const app of this.apps.subscribedToAll()) this.deliver(app.name, { type: 'BridgeCreated', bridge: bridgeJson(bridge) });
    return bridgeJson(bridge);
  }

  ariDestroyBridge(id: string): void {
    const bridge = this.requireBridge(id);
    // Its internal announcer, recorder and MOH channels are hung up with it.
    this.bridgeMedia.bridgeGone(bridge);
    if (bridge.recording) this.finishRecording(bridge.recording, 'done');
    for (const channelId of [...bridge.channelIds]) {
      const ch = this.channels.get(channelId);
      if (ch) this.leaveBridge(ch);
    }
    this.bridges.delete(id);
    const json = bridgeJson(bridge);
    for (const app of this.bridgeAudience(bridge)) this.deliver(app, { type: 'BridgeDestroyed', bridge: json });
    for (const app of bridge.apps) this.apps.get(app)?.bridgeIds.delete(id);
  }

  /**
   * POST /bridges/{id}/addChannel. A channel already in another bridge is moved: ChannelLeftBridge from the old
   * one, then ChannelEnteredBridge (stasis_app_control_add_channel_to_bridge departs it first).
   */
  ariAddToBridge(id: string, channelIds: readonly string[], role?: string): void {
    const bridge = this.requireBridge(id);
    const chans = channelIds.map((cid) => {
      const ch = this.channels.get(cid);
      if (!ch) throw new AriError(400, 'Channel not found');
      if (!ch.app) throw new AriError(422, 'Channel not in Stasis application');
      return ch;
    });
    for (const ch of chans) {
      if (ch.bridgeId === bridge.id) continue;
      if (ch.bridgeId) this.leaveBridge(ch);
      bridge.channelIds.push(ch.id);
      ch.bridgeId = bridge.id;
      if (role) bridge.roles.set(ch.id, role);
      if (ch.app) {
        bridge.apps.add(ch.app);
        this.apps.get(ch.app)?.bridgeIds.add(bridge.id);
      }
      const event = { type: 'ChannelEnteredBridge', bridge: bridgeJson(bridge), channel: channelJson(ch) };
      for (const app of this.bridgeAudience(bridge)) this.deliver(app, event);
      this.lifecycle({ type: 'bridgeEntered', channel: ch, bridge });
    }
  }

  ariRemoveFromBridge(id: string, channelIds: readonly string[]): void {
    const bridge = this.requireBridge(id);
    const chans = channelIds.map((cid) => {
      const ch = this.channels.get(cid);
      if (!ch) throw new AriError(400, 'Channel not found');
      if (ch.bridgeId !== bridge.id) throw new AriError(422, 'Channel not in this bridge');
      return ch;
    });
    for (const ch of chans) this.leaveBridge(ch);
  }

  /** POST /bridges/{id}/play[/{playbackId}]: media to the bridge through its announcer channel. */
  ariPlayToBridge(id: string, media: readonly string[], lang: string | undefined, playbackId?: string): Record<string, unknown> {
    return this.bridgeMedia.play(this.requireBridge(id), media, lang, playbackId);
  }

  /** POST /bridges/{id}/moh (mohClass null: DELETE, 409 when no music plays). */
  ariBridgeMoh(id: string, mohClass: string | null): void {
    const bridge = this.requireBridge(id);
    if (mohClass === null) this.bridgeMedia.stopMoh(bridge);
    else this.bridgeMedia.startMoh(bridge, mohClass);
    this.lifecycle({ type: 'bridgeMoh', bridge });
  }

  /** POST /bridges/{id}/record: a recorder channel joins the bridge and records what it mixes. */
  ariRecordBridge(
    id: string,
    p: { name: string; format: string; maxDurationSeconds: number; ifExists: string; beep: boolean; terminateOn: string },
  ): Record<string, unknown> {
    const bridge = this.requireBridge(id);
    if (!RECORDING_FORMATS.has(p.format)) throw new AriError(422, 'specified format is unknown on this system');
    const rec = this.startRecording({ kind: 'bridge', id: bridge.id }, p, (event) => {
      for (const app of this.bridgeAudience(bridge)) this.deliver(app, event);
    });
    bridge.recording = rec;
    return liveRecordingJson(rec);
  }

  /** Who a channel in a bridge hears: the members the bridge mixes to it, and the bridge's music on hold. */
  hearing(channelId: string): { channels: string[]; moh: string | null } {
    const ch = this.history.get(channelId);
    const bridge = ch?.bridgeId ? this.bridges.get(ch.bridgeId) : undefined;
    if (!ch || !bridge) return { channels: [], moh: ch?.mohClass ?? null };
    const bridgeMoh = bridge.mohClass !== null && mediaListeners(bridge, 'moh').includes(ch.id) ? bridge.mohClass : null;
    return { channels: audibleMembers(bridge, ch.id), moh: ch.mohClass ?? bridgeMoh };
  }

  // ---------------------------------------------------------------- ARI: playbacks / recordings

  ariGetPlayback(id: string): Record<string, unknown> {
    const pb = this.playbacks.get(id);
    if (!pb) throw new AriError(404, 'Playback not found');
    return playbackJson(pb);
  }

  ariStopPlayback(id: string): void {
    const pb = this.playbacks.get(id);
    if (!pb) throw new AriError(404, 'Playback not found');
    if (pb.target.kind === 'bridge') {
      const bridge = this.bridges.get(pb.target.id);
      if (bridge) this.bridgeMedia.stop(bridge, pb);
      else this.playbacks.delete(id);
      return;
    }
    const ch = this.channels.get(pb.target.id);
    if (!ch) {
      this.playbacks.delete(id);
      return;
    }
    if (ch.activePlayback === pb) {
      this.finishPlayback(ch, pb, 'done', 'stopped');
      setImmediate(() => this.startNextPlayback(ch));
    } else {
      const i = ch.playbackQueue.indexOf(pb);
      if (i >= 0) ch.playbackQueue.splice(i, 1);
      this.finishPlayback(ch, pb, 'done', 'stopped');
    }
  }

  ariRecord(
    id: string,
    p: { name: string; format: string; maxDurationSeconds: number; ifExists: string; beep: boolean; terminateOn: string },
  ): Record<string, unknown> {
    const ch = this.requireStasisChannel(id);
    if (!RECORDING_FORMATS.has(p.format)) throw new AriError(422, `Unknown format: ${p.format}`);
    if (ch.recording) throw new AriError(409, 'Channel is already recording');
    const rec = this.startRecording({ kind: 'channel', id: ch.id }, p, (event) => this.toChannelApps(ch, event));
    ch.recording = rec;
    return liveRecordingJson(rec);
  }

  /** A live recording on a channel or bridge: queued now, RecordingStarted once the recorder runs. */
  private startRecording(
    target: MediaTarget,
    p: { name: string; maxDurationSeconds: number; format: string; ifExists: string; beep: boolean; terminateOn: string },
    send: (event: Record<string, unknown>) => void,
  ): SimRecording {
    if (!p.name || p.name.includes('..')) throw new AriError(400, 'Invalid recording name');
    if (this.liveRecordings.has(p.name)) throw new AriError(409, 'Recording with the same name is in progress');
    if (this.storedRecordings.has(p.name) && p.ifExists === 'fail') throw new AriError(409, 'Recording already exists');
    const rec: SimRecording = {
      name: p.name,
      format: p.format,
      target,
      terminateOn: p.terminateOn,
      beep: p.beep,
      startedAt: this.now(),
      state: 'queued',
      timer: null,
      durationSeconds: null,
    };
    this.liveRecordings.set(rec.name, rec);
    this.recordingSinks.set(rec, send);
    setImmediate(() => {
      if (rec.state !== 'queued') return;
      rec.state = 'recording';
      rec.startedAt = this.now();
      send({ type: 'RecordingStarted', recording: liveRecordingJson(rec) });
      if (p.maxDurationSeconds > 0) {
        const maxMs = p.maxDurationSeconds * this.options.recordingMsPerSecond;
        rec.timer = setTimeout(() => this.finishRecording(rec, 'done', maxMs), maxMs);
      }
    });
    return rec;
  }

  ariGetLiveRecording(name: string): Record<string, unknown> {
    const rec = this.liveRecordings.get(name);
    if (!rec) throw new AriError(404, 'Recording not found');
    return liveRecordingJson(rec);
  }

  ariStopLiveRecording(name: string): void {
    const rec = this.liveRecordings.get(name);
    if (!rec) throw new AriError(404, 'Recording not found');
    this.finishRecording(rec, 'done');
  }

  ariListStored(): Record<string, unknown>[] {
    return [...this.storedRecordings.values()].map(storedRecordingJson);
  }

  ariGetStored(name: string): Record<string, unknown> {
    const rec = this.storedRecordings.get(name);
    if (!rec) throw new AriError(404, 'Recording not found');
    return storedRecordingJson(rec);
  }

  /** The recording's audio: a tone as long as the recording, in the format it was recorded in (only wav here). */
  ariGetStoredFile(name: string): { contentType: string; name: string; bytes: Uint8Array } {
    const rec = this.storedRecordings.get(name);
    if (!rec) throw new AriError(404, 'Recording not found');
    if (rec.format !== 'wav') throw new AriError(403, 'The recording file could not be opened');
    return { contentType: 'audio/wav', name: `${name}.wav`, bytes: toneWav(rec.durationMs) };
  }

  // ---------------------------------------------------------------- internals: channels

  private newChannel(
    kind: ChannelKind,
    name: string,
    init: { id?: string; caller: CallerId; connected: CallerId; state: ChannelState; dialplan: SimChannel['dialplan'] },
  ): SimChannel {
    const now = this.now();
    const id = init.id || `${this.options.systemName ? `${this.options.systemName}-` : ''}${Math.floor(now / 1000)}.${this.uniqueSeq++}`;
    const ch: SimChannel = {
      id,
      name,
      kind,
      createdAt: now,
      state: init.state,
      caller: init.caller,
      connected: init.connected,
      language: 'en',
      dialplan: init.dialplan,
      vars: new Map(),
      reportedVars: new Set(),
      app: null,
      lastApp: null,
      bridgeId: null,
      endpoint: null,
      dialstring: null,
      dialState: 'none',
      dialTimers: [],
      ringing: false,
      mohClass: null,
      played: [],
      playbackQueue: [],
      activePlayback: null,
      recording: null,
      dtmf: [],
      stasisStatus: null,
      continuedTo: null,
      localPeerId: null,
      connectedPeerId: null,
      redirectedTo: null,
      destroyed: false,
      hangupCause: null,
      hangupBy: null,
    };
    this.channels.set(id, ch);
    const device = deviceOfChannelName(ch.name);
    const onDevice = this.channelsByDevice.get(device);
    if (onDevice === undefined) this.channelsByDevice.set(device, new Set([ch]));
    else onDevice.add(ch);
    this.history.set(id, ch);
    this.lifecycle({ type: 'channelCreated', channel: ch });
    this.devices.channelCreated(device);
    const ep = this.endpointOfChannel(ch);
    if (ep) this.endpointChanged(ep);
    return ch;
  }

  private nextChannelSuffix(): string {
    this.channelSeq += 1;
    return this.channelSeq.toString(16).padStart(8, '0');
  }

  /** The dialplan reached `Stasis(app)`: enter it, or fail over like `STASISSTATUS=FAILED` does. */
  private enterStasisFromDialplan(ch: SimChannel, app: string): void {
    if (this.apps.isActive(app)) {
      this.stasisStart(ch, app, []);
      return;
    }
    ch.stasisStatus = 'FAILED';
    ch.vars.set('STASISSTATUS', 'FAILED');
    const fallback = this.options.stasisFailedFallback;
    ch.continuedTo = fallback;
    ch.dialplan = { context: fallback.context, exten: fallback.extension, priority: fallback.priority, app_name: '', app_data: '' };
    this.lifecycle({ type: 'stasisFailed', channel: ch, app, fallback });
    this.pbx?.start(ch, { context: fallback.context, extension: fallback.extension, priority: fallback.priority });
  }

  private stasisStart(ch: SimChannel, app: string, args: string[]): void {
    this.pbx?.stop(ch);
    ch.app = app;
    ch.lastApp = app;
    ch.stasisStatus = null;
    this.apps.ensure(app).channelIds.add(ch.id);
    this.toChannelApps(ch, { type: 'StasisStart', args, channel: channelJson(ch) });
    this.lifecycle({ type: 'stasisStart', channel: ch, app });
  }

  /** Leaves Stasis: ends media, leaves the bridge, StasisEnd (Asterisk then stops sending the app this channel's events). */
  private stasisEnd(ch: SimChannel): void {
    const app = ch.app;
    if (!app) return;
    this.stopMedia(ch);
    if (ch.bridgeId) this.leaveBridge(ch);
    this.toChannelApps(ch, { type: 'StasisEnd', channel: channelJson(ch) });
    ch.app = null;
    this.apps.get(app)?.channelIds.delete(ch.id);
    ch.vars.set('STASISSTATUS', 'SUCCESS');
    ch.stasisStatus = 'SUCCESS';
    this.lifecycle({ type: 'stasisEnd', channel: ch, app });
  }

  private continueAt(ch: SimChannel, location: DialplanLocation): void {
    this.stasisEnd(ch);
    ch.continuedTo = location;
    ch.dialplan = { context: location.context, exten: location.extension, priority: location.priority, app_name: '', app_data: '' };
    this.lifecycle({ type: 'dialplanContinued', channel: ch, location });
    // A label (continue?label=) is resolved by the PBX when the extension exists; a numeric priority as given.
    this.pbx?.start(ch, { context: location.context, extension: location.extension, priority: this.labelPriority(location) });
  }

  private labelPriority(location: DialplanLocation): number {
    if (location.label === undefined || this.pbx === null) return location.priority;
    const numeric = Number(location.label);
    if (Number.isInteger(numeric) && numeric > 0) return numeric;
    const ctx = this.pbx.dialplan.contexts.get(location.context);
    return ctx?.extensions.find((e) => e.name === location.extension)?.labels.get(location.label) ?? location.priority;
  }

  private hangupChannel(ch: SimChannel, by: 'app' | 'far-end' | 'dial-failure' | 'dialplan', cause: number): void {
    if (ch.destroyed) return;
    const wasIn = ch.app;
    ch.hangupBy = by;
    ch.hangupCause = cause;
    if (wasIn) {
      // The transcript: an application's DELETE is a soft hangup reported with the AST_SOFTHANGUP_EXPLICIT flag;
      // a far-end hangup is queued with its Q.850 cause.
      const request =
        by === 'app'
          ? { type: 'ChannelHangupRequest', cause: SOFTHANGUP_EXPLICIT, soft: true, channel: channelJson(ch) }
          : { type: 'ChannelHangupRequest', cause, channel: channelJson(ch) };
      if (by !== 'dial-failure') this.toChannelApps(ch, request);
      this.stasisEnd(ch);
    } else {
      this.stopMedia(ch);
      if (ch.bridgeId) this.leaveBridge(ch);
    }
    this.clearChannelTimers(ch);
    ch.destroyed = true;
    this.channels.delete(ch.id);
    const device = deviceOfChannelName(ch.name);
    const onDevice = this.channelsByDevice.get(device);
    onDevice?.delete(ch);
    if (onDevice?.size === 0) this.channelsByDevice.delete(device);
    this.pbx?.stop(ch);
    // Asterisk unsubscribes the application at StasisEnd; when the application itself hung up the channel, the
    // ChannelDestroyed that follows reaches nobody (see the transcripts). Otherwise the app still sees it.
    if (by !== 'app' && ch.lastApp && wasIn) {
      this.deliver(ch.lastApp, { type: 'ChannelDestroyed', cause, cause_txt: causeText(cause), channel: channelJson(ch) });
    }
    this.lifecycle({ type: 'channelHungUp', channel: ch, cause });
    if (!this.channelsByDevice.has(device)) this.devices.idle(device);
    const ep = this.endpointOfChannel(ch);
    if (ep) this.endpointChanged(ep);
    if (ch.localPeerId) {
      const peer = this.channels.get(ch.localPeerId);
      if (peer) this.hangupChannel(peer, 'far-end', cause);
    }
    if (ch.connectedPeerId) {
      const peer = this.channels.get(ch.connectedPeerId);
      if (peer) this.hangupChannel(peer, 'far-end', cause);
    }
  }

  private clearChannelTimers(ch: SimChannel): void {
    for (const t of ch.dialTimers) clearTimeout(t);
    ch.dialTimers.length = 0;
    if (ch.activePlayback?.timer) clearTimeout(ch.activePlayback.timer);
    if (ch.recording?.timer) clearTimeout(ch.recording.timer);
  }

  private setState(ch: SimChannel, state: ChannelState): void {
    if (ch.state === state) return;
    ch.state = state;
    this.toChannelApps(ch, { type: 'ChannelStateChange', channel: channelJson(ch) });
    this.lifecycle({ type: 'channelStateChanged', channel: ch });
  }

  private dtmfReceived(ch: SimChannel, digit: string): void {
    ch.dtmf.push(digit);
    this.toChannelApps(ch, { type: 'ChannelDtmfReceived', digit, duration_ms: 100, channel: channelJson(ch) });
    this.lifecycle({ type: 'dtmf', channel: ch, digit });
    if (!ch.app) this.pbx?.dtmf(ch, digit);
    const rec = ch.recording;
    if (rec && rec.state === 'recording') {
      const t = rec.terminateOn;
      if (t === 'any' || t === digit) this.finishRecording(rec, 'done');
    }
  }

  private applyVariables(ch: SimChannel, variables: Record<string, unknown> | undefined): void {
    if (!variables) return;
    for (const [name, raw] of Object.entries(variables)) {
      const value = typeof raw === 'object' && raw !== null ? String((raw as { value?: unknown }).value ?? '') : String(raw);
      this.setVariable(ch, name, value);
      if (typeof raw === 'object' && raw !== null && (raw as { report_events?: unknown }).report_events === true) ch.reportedVars.add(name);
    }
  }

  /** Sets a variable or one of the caller-id dialplan functions Asterisk evaluates on set. */
  private setVariable(ch: SimChannel, name: string, value: string): void {
    const fn = /^(CALLERID|CONNECTEDLINE)\((num|name|all)\)$/i.exec(name);
    if (fn) {
      const target = (fn[1] as string).toUpperCase() === 'CALLERID' ? 'caller' : 'connected';
      const part = (fn[2] as string).toLowerCase();
      const current = ch[target];
      if (part === 'num') ch[target] = { ...current, number: value };
      else if (part === 'name') ch[target] = { ...current, name: value };
      else ch[target] = parseCallerId(value);
    } else if (/^CHANNEL\(language\)$/i.test(name)) {
      ch.language = value;
    } else {
      ch.vars.set(name, value);
    }
    this.toChannelApps(ch, { type: 'ChannelVarset', variable: name, value, channel: channelJson(ch) });
    this.lifecycle({ type: 'varSet', channel: ch, variable: name, value });
  }

  private readVariable(ch: SimChannel, name: string): string | undefined {
    const fn = /^(CALLERID|CONNECTEDLINE)\((num|name)\)$/i.exec(name);
    if (fn) {
      const party = (fn[1] as string).toUpperCase() === 'CALLERID' ? ch.caller : ch.connected;
      return (fn[2] as string).toLowerCase() === 'num' ? party.number : party.name;
    }
    if (name === 'CHANNEL(name)') return ch.name;
    if (name === 'CHANNEL(language)') return ch.language;
    return ch.vars.get(name);
  }

  private requireChannel(id: string): SimChannel {
    const ch = this.channels.get(id);
    if (!ch) throw new AriError(404, 'Channel not found');
    return ch;
  }

  private requireStasisChannel(id: string): SimChannel {
    const ch = this.requireChannel(id);
    if (!ch.app) throw new AriError(409, 'Channel not in Stasis application');
    return ch;
  }

  private requireFreeChannelId(id: string | undefined): void {
    if (id && this.channels.has(id)) throw new AriError(409, 'Channel with given unique ID already exists');
  }

  /**
   * A channel to a device Asterisk cannot reach is never created: the channel driver's request fails (chan_pjsip:
   * "Failed to create outgoing session", cause 3) and ARI's channels/create and originate answer 500 with the
   * body res_ari gives every failed allocation.
   */
  private requireReachable(parsed: { tech: string; nameBase: string }): void {
    const state = this.devices.get(`${parsed.tech}/${parsed.nameBase}`);
    if (state === 'UNAVAILABLE' || state === 'INVALID') throw new AriError(500, 'Allocation failed', 'error');
  }

  private requireBridge(id: string): SimBridge {
    const bridge = this.bridges.get(id);
    if (!bridge) throw new AriError(404, 'Bridge not found');
    return bridge;
  }

  // ---------------------------------------------------------------- internals: dialing

  private dialBehaviourFor(ch: SimChannel): DialBehaviour {
    return (
      (ch.endpoint ? this.dialBehaviours.get(ch.endpoint) : undefined) ??
      (ch.dialstring ? this.dialBehaviours.get(ch.dialstring) : undefined) ??
      this.dialBehaviours.get('*') ??
      this.options.defaultDialBehaviour
    );
  }

  /**
   * Dials an outbound channel: Dial "" at once, then RINGING and the outcome. `onAnswer` is for originate, where
   * the channel enters the application (or dialplan) only when answered.
   */
  private startDial(
    ch: SimChannel,
    caller: SimChannel | null,
    /** The dialling side's ring timeout (0: none): NOANSWER when it runs out. */
    timeoutMs: number,
    onAnswer: (() => void) | null,
    onFail?: (dialstatus: string) => void,
  ): void {
    ch.dialState = 'dialing';
    const behaviour = this.dialBehaviourFor(ch);
    const dialEvent = (dialstatus: string): void => {
      const event: Record<string, unknown> = { type: 'Dial' };
      if (caller) event['caller'] = channelJson(caller);
      event['peer'] = channelJson(ch);
      event['dialstring'] = ch.dialstring ?? '';
      event['dialstatus'] = dialstatus;
      this.toChannelApps(ch, event);
      if (caller && caller.app && caller.app !== ch.app) this.deliver(caller.app, event);
      this.lifecycle({ type: 'dial', channel: ch, dialstatus });
    };
    const later = (ms: number, fn: () => void): void => {
      const timer = setTimeout(() => {
        const i = ch.dialTimers.indexOf(timer);
        if (i >= 0) ch.dialTimers.splice(i, 1);
        if (!ch.destroyed) fn();
      }, ms);
      ch.dialTimers.push(timer);
    };
    const fail = (dialstatus: string, cause: number): void => {
      ch.dialState = 'failed';
      dialEvent(dialstatus);
      this.hangupChannel(ch, 'dial-failure', cause);
      onFail?.(dialstatus);
    };
    dialEvent('');
    if (behaviour.result === 'chanunavail') {
      later(0, () => fail('CHANUNAVAIL', CAUSE.noRoute));
      return;
    }
    if (behaviour.result === 'busy' || behaviour.result === 'congestion') {
      const status = behaviour.result === 'busy' ? 'BUSY' : 'CONGESTION';
      later(behaviour.afterMs ?? 0, () => fail(status, behaviour.result === 'busy' ? CAUSE.busy : CAUSE.congestion));
      return;
    }
    later(0, () => {
      this.setState(ch, 'Ringing');
      dialEvent('RINGING');
    });
    // A Local channel's ;2 half is what rings: its dialplan runs (simulated by the dial behaviour).
    const localPeer = ch.localPeerId ? this.channels.get(ch.localPeerId) : undefined;
    if (localPeer && localPeer.state === 'Down') this.setState(localPeer, 'Ring');
    if (timeoutMs > 0) {
      later(timeoutMs, () => {
        if (ch.state === 'Up') return;
        fail('NOANSWER', CAUSE.noAnswer);
      });
    }
    if (behaviour.result === 'answer') {
      later(Math.max(1, behaviour.afterMs ?? 0), () => {
        ch.dialState = 'answered';
        if (localPeer && !localPeer.destroyed) this.setState(localPeer, 'Up');
        this.setState(ch, 'Up');
        dialEvent('ANSWER');
        for (const t of ch.dialTimers) clearTimeout(t);
        ch.dialTimers.length = 0;
        if (onAnswer) onAnswer();
      });
    }
  }

  // ---------------------------------------------------------------- internals: bridges

  private leaveBridge(ch: SimChannel): void {
    const bridge = ch.bridgeId ? this.bridges.get(ch.bridgeId) : undefined;
    ch.bridgeId = null;
    if (!bridge) return;
    const i = bridge.channelIds.indexOf(ch.id);
    if (i >= 0) bridge.channelIds.splice(i, 1);
    bridge.roles.delete(ch.id);
    const event = { type: 'ChannelLeftBridge', bridge: bridgeJson(bridge), channel: channelJson(ch) };
    for (const app of this.bridgeAudience(bridge)) this.deliver(app, event);
    this.lifecycle({ type: 'bridgeLeft', channel: ch, bridge });
  }

  private bridgeAudience(bridge: SimBridge): Set<string> {
    const audience = new Set(bridge.apps);
    for (const app of this.apps.subscribedToAll()) audience.add(app.name);
    return audience;
  }

  // ---------------------------------------------------------------- internals: the PBX's view of the engine

  private pbxHost(): PbxHost<SimChannel> {
    return {
      location: (ch) => ({ context: ch.dialplan.context, extension: ch.dialplan.exten, priority: ch.dialplan.priority }),
      setLocation: (ch, at: PbxLocation, app, data) => {
        ch.dialplan = { context: at.context, exten: at.extension, priority: at.priority, app_name: app, app_data: data };
      },
      isGone: (ch) => ch.destroyed,
      variable: (ch, name) => (name === 'CHANNEL' ? ch.name : this.readVariable(ch, name)),
      setVariable: (ch, name, value) => this.setVariable(ch, name, value),
      answer: (ch) => {
        if (ch.state !== 'Up') this.setState(ch, 'Up');
      },
      hangup: (ch, cause) => this.hangupChannel(ch, 'dialplan', cause),
      enterStasis: (ch, app, args) => {
        if (!this.apps.isActive(app)) return false;
        ch.dialplan = { ...ch.dialplan, app_name: 'Stasis', app_data: [app, ...args].join(',') };
        this.stasisStart(ch, app, args);
        return true;
      },
      play: (ch, media, done) => this.dialplanPlay(ch, media, done),
      ring: (caller, member, queue, timeoutMs, outcome) =>
        this.dialOut(caller, member.interface, timeoutMs, outcome, (ch) =>
          this.lifecycle({ type: 'dialplan', event: { type: 'agentCalled', channel: caller, member: ch, queue, iface: member } }),
        ),
      dial: (caller, endpoint, timeoutMs, outcome) => this.dialOut(caller, endpoint, timeoutMs, outcome, () => undefined),
      connect: (caller, member) => {
        caller.connectedPeerId = member.id;
        member.connectedPeerId = caller.id;
        caller.dialplan = { ...caller.dialplan, app_name: 'Queue' };
      },
      deviceState: (device) => this.devices.get(device),
      event: (event) => {
        if (event.type === 'step') {
          // What an application subscribed to all channels sees; the channel's own application left at StasisEnd.
          this.toChannelApps(event.channel, {
            type: 'ChannelDialplan',
            dialplan_app: event.step.app,
            dialplan_app_data: event.data,
            channel: channelJson(event.channel),
          });
        }
        this.lifecycle({ type: 'dialplan', event });
      },
      setTimer: (ms, fn) => this.pbxTimer(ms, fn),
    };
  }

  /** A timer of the dialplan's, cancelled with the PBX on reset; it leaves the set when it fires or is cancelled. */
  private pbxTimer(ms: number, fn: () => void): () => void {
    const timer = setTimeout(() => {
      this.pbxTimers.delete(timer);
      fn();
    }, ms);
    this.pbxTimers.add(timer);
    return () => {
      clearTimeout(timer);
      this.pbxTimers.delete(timer);
    };
  }

  private clearPbxTimers(): void {
    for (const timer of this.pbxTimers) clearTimeout(timer);
    this.pbxTimers.clear();
  }

  /** Playback()/Background()/SayDigits(): the files in turn; the first that cannot be played ends it (FAILED). */
  private dialplanPlay(ch: SimChannel, media: readonly string[], done: (ok: boolean) => void): () => void {
    let cancel: (() => void) | null = null;
    let entry: PlayedMedia | null = null;
    const playFrom = (index: number): void => {
      cancel = null;
      if (index >= media.length) {
        done(true);
        return;
      }
      const uri = media[index] as string;
      entry = { playbackId: `dialplan:${ch.id}`, media: uri, lang: ch.language, startedAt: this.now(), outcome: 'playing' };
      ch.played.push(entry);
      this.lifecycle({ type: 'playbackStarted', channel: ch, media: uri });
      const duration = mediaDurationMs(uri, ch.language, this.media);
      const ms = typeof duration === 'number' && Number.isFinite(duration) ? duration : undefined;
      cancel = this.pbxTimer(ms ?? 1, () => {
        cancel = null;
        if (entry) entry.outcome = ms === undefined ? 'failed' : 'done';
        if (ms === undefined) done(false);
        else playFrom(index + 1);
      });
    };
    playFrom(0);
    return () => {
      cancel?.();
      if (entry?.outcome === 'playing') entry.outcome = 'stopped';
    };
  }

  /**
   * The dialplan calls out (Dial, or a queue ringing a member): a channel to `endpoint` appears and rings, and its
   * dial behaviour decides the outcome; `timeoutMs` (null: none) is the dialling application's own ring timeout.
   */
  private dialOut(
    caller: SimChannel,
    endpoint: string,
    timeoutMs: number | null,
    outcome: (result: RingOutcome, ch: SimChannel | null) => void,
    created: (ch: SimChannel) => void,
  ): () => void {
    const parsed = parseEndpoint(endpoint);
    const device = parsed ? `${parsed.tech}/${parsed.nameBase}` : endpoint;
    const state = this.devices.get(device);
    if (!parsed || state === 'UNAVAILABLE' || state === 'INVALID') {
      return this.pbxTimer(1, () => outcome('chanunavail', null));
    }
    const ch = this.newChannel('outbound', `${parsed.tech}/${parsed.nameBase}-${this.nextChannelSuffix()}`, {
      caller: { ...caller.caller },
      connected: { ...caller.caller },
      state: 'Down',
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: 'AppQueue', app_data: '(Outgoing Line)' },
    });
    ch.endpoint = endpoint;
    ch.dialstring = parsed.resource;
    ch.language = caller.language;
    created(ch);
    let settled = false;
    // The application's own ring timeout (Dial's, or queues.conf `timeout`): it hangs the channel up itself.
    const cancelRing =
      timeoutMs === null
        ? null
        : this.pbxTimer(timeoutMs, () => {
            if (settled || ch.destroyed) return;
            settled = true;
            this.hangupChannel(ch, 'dialplan', CAUSE.normal);
            outcome('noanswer', ch);
          });
    this.startDial(
      ch,
      caller,
      0,
      () => {
        if (settled) return;
        settled = true;
        cancelRing?.();
        outcome('answer', ch);
      },
      (status) => {
        if (settled) return;
        settled = true;
        cancelRing?.();
        const result: RingOutcome = status === 'BUSY' ? 'busy' : status === 'CONGESTION' ? 'congestion' : status === 'CHANUNAVAIL' ? 'chanunavail' : 'noanswer';
        outcome(result, ch);
      },
    );
    return () => {
      cancelRing?.();
      if (!settled && !ch.destroyed) this.hangupChannel(ch, 'dialplan', CAUSE.normal);
      settled = true;
    };
  }

  // ---------------------------------------------------------------- internals: playback

  private startNextPlayback(ch: SimChannel): void {
    if (ch.activePlayback || ch.destroyed || !ch.app) return;
    const pb = ch.playbackQueue.shift();
    if (!pb) return;
    ch.activePlayback = pb;
    this.playCurrentMedia(ch, pb);
  }

  private playCurrentMedia(ch: SimChannel, pb: SimPlayback): void {
    const uri = pb.media[pb.index] as string;
    pb.state = 'playing';
    this.toChannelApps(ch, { type: 'PlaybackStarted', playback: playbackJson(pb) });
    const entry = { playbackId: pb.id, media: uri, lang: pb.lang, startedAt: this.now(), outcome: 'playing' as const };
    ch.played.push(entry);
    this.lifecycle({ type: 'playbackStarted', channel: ch, media: uri });
    const duration = mediaDurationMs(uri, pb.lang, this.media);
    if (duration === 'skipped') {
      // res_stasis_playback's `continue` for an unsupported scheme, an unknown recording or a bad number: no
      // final update at all, the next item just starts (and after a last item nothing is ever reported).
      pb.timer = setTimeout(() => {
        pb.timer = null;
        this.markPlayed(ch, pb, 'failed');
        if (pb.index + 1 < pb.media.length) {
          pb.index += 1;
          this.playCurrentMedia(ch, pb);
        }
      }, 1);
      return;
    }
    if (duration === undefined) {
      // A sound Asterisk cannot open fails that item only (playback_final_update since ASTERISK-29464, in every
      // Asterisk 22): a failed item in the middle of a list is reported as PlaybackContinuing and the list goes on;
      // only a failed last item ends the playback with PlaybackFinished `failed`.
      pb.timer = setTimeout(() => {
        pb.timer = null;
        this.itemOver(ch, pb, 'failed');
      }, 1);
      return;
    }
    if (duration === Number.POSITIVE_INFINITY) return;
    pb.timer = setTimeout(() => {
      pb.timer = null;
      this.itemOver(ch, pb, 'done');
    }, duration);
  }

  /** One item of a playback ended: on to the next (PlaybackContinuing) or, after the last, PlaybackFinished. */
  private itemOver(ch: SimChannel, pb: SimPlayback, outcome: 'done' | 'failed'): void {
    if (pb.index + 1 < pb.media.length) {
      this.markPlayed(ch, pb, outcome);
      pb.state = 'continuing';
      this.toChannelApps(ch, { type: 'PlaybackContinuing', playback: playbackJson(pb) });
      pb.index += 1;
      this.playCurrentMedia(ch, pb);
    } else {
      this.finishPlayback(ch, pb, outcome, outcome);
      this.startNextPlayback(ch);
    }
  }

  private markPlayed(ch: SimChannel, pb: SimPlayback, outcome: 'done' | 'stopped' | 'failed'): void {
    for (let i = ch.played.length - 1; i >= 0; i--) {
      const entry = ch.played[i];
      if (entry && entry.playbackId === pb.id && entry.outcome === 'playing') {
        entry.outcome = outcome;
        return;
      }
    }
  }

  private finishPlayback(ch: SimChannel, pb: SimPlayback, state: 'done' | 'failed', outcome: 'done' | 'stopped' | 'failed'): void {
    if (pb.timer) clearTimeout(pb.timer);
    pb.timer = null;
    const wasActive = ch.activePlayback === pb;
    if (wasActive) ch.activePlayback = null;
    this.markPlayed(ch, pb, outcome);
    pb.state = state;
    this.playbacks.delete(pb.id);
    this.toChannelApps(ch, { type: 'PlaybackFinished', playback: playbackJson(pb) });
    this.lifecycle({ type: 'playbackFinished', channel: ch, playbackId: pb.id, state });
  }

  /** Leaving Stasis or hanging up ends the current playback and drops queued ones, like a flushed command queue. */
  private stopMedia(ch: SimChannel): void {
    for (const pb of ch.playbackQueue) this.playbacks.delete(pb.id);
    ch.playbackQueue.length = 0;
    if (ch.activePlayback) this.finishPlayback(ch, ch.activePlayback, 'done', 'stopped');
    if (ch.recording) this.finishRecording(ch.recording, 'done');
    ch.ringing = false;
    ch.mohClass = null;
  }

  // ---------------------------------------------------------------- internals: recording

  /** `cutAtMs`: the recording reached maxDurationSeconds, which is its length however late the timer ran. */
  private finishRecording(rec: SimRecording, state: 'done' | 'failed' | 'canceled', cutAtMs?: number): void {
    if (rec.state !== 'recording' && rec.state !== 'queued') return;
    if (rec.timer) clearTimeout(rec.timer);
    rec.timer = null;
    const elapsed = rec.state !== 'recording' ? 0 : (cutAtMs ?? this.now() - rec.startedAt);
    rec.state = state;
    rec.durationSeconds = Math.round(elapsed / this.options.recordingMsPerSecond);
    this.liveRecordings.delete(rec.name);
    const ch = rec.target.kind === 'channel' ? this.history.get(rec.target.id) : undefined;
    if (ch && ch.recording === rec) ch.recording = null;
    const bridge = rec.target.kind === 'bridge' ? this.bridges.get(rec.target.id) : undefined;
    if (bridge && bridge.recording === rec) bridge.recording = null;
    if (state === 'done') {
      this.storedRecordings.set(rec.name, {
        name: rec.name,
        format: rec.format,
        durationMs: elapsed,
        channelId: rec.target.kind === 'channel' ? rec.target.id : null,
        bridgeId: rec.target.kind === 'bridge' ? rec.target.id : null,
      });
    }
    const send = this.recordingSinks.get(rec);
    this.recordingSinks.delete(rec);
    send?.({ type: state === 'failed' ? 'RecordingFailed' : 'RecordingFinished', recording: liveRecordingJson(rec) });
    this.lifecycle({ type: 'recordingFinished', channel: ch ?? null, name: rec.name, state });
  }

  // ---------------------------------------------------------------- internals: event delivery

  private stamp(): string {
    return formatAriTime(this.now());
  }

  /**
   * Sends an event to the application the channel is in, to applications subscribed to the channel
   * (`channel:<id>`) and to applications subscribed to everything.
   */
  private toChannelApps(ch: SimChannel, event: Record<string, unknown>): void {
    if (ch.app) this.deliver(ch.app, event);
    for (const app of this.apps.all()) {
      if (app.name === ch.app) continue;
      if ((app.subscribeAll && app.sink) || app.channelIds.has(ch.id)) this.deliver(app.name, event);
    }
  }

  private deliver(appName: string, body: Record<string, unknown>): void {
    const { type, ...rest } = body;
    const event = { type, timestamp: this.stamp(), ...rest, asterisk_id: this.options.asteriskId, application: appName };
    const app = this.apps.get(appName);
    if (app?.sink) app.sink.send(JSON.stringify(event));
    if (this.events.listenerCount('ari') > 0) this.events.emit('ari', { application: appName, event } satisfies DeliveredEvent);
  }

  private sendTo(sink: EventSink, appName: string, body: Record<string, unknown>): void {
    sink.send(JSON.stringify({ ...body, asterisk_id: this.options.asteriskId, application: appName }));
  }

  private lifecycle(event: LifecycleEvent): void {
    if (this.events.listenerCount('lifecycle') > 0) this.events.emit('lifecycle', event);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function splitArgs(appArgs: string | undefined): string[] {
  return appArgs ? appArgs.split(',') : [];
}

/** `"Name" <number>`, `Name <number>` or a bare number, as Asterisk's callerid parser accepts. */
export function parseCallerId(value: string | undefined): CallerId {
  if (!value) return { name: '', number: '' };
  const m = /^\s*(?:"([^"]*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(value);
  if (m) return { name: (m[1] ?? m[2] ?? '').trim(), number: (m[3] ?? '').trim() };
  return /^[+0-9*#]+$/.test(value.trim()) ? { name: '', number: value.trim() } : { name: value.trim(), number: '' };
}

/**
 * `PJSIP/110@psap-police` -> channel named after the endpoint (`PJSIP/psap-police-0000000b`), dial string
 * `110@psap-police`; `PJSIP/agent1` -> `PJSIP/agent1-0000000b`.
 */
export function parseEndpoint(endpoint: string): { tech: string; resource: string; nameBase: string } | undefined {
  const slash = endpoint.indexOf('/');
  if (slash <= 0 || slash === endpoint.length - 1) return undefined;
  const tech = endpoint.slice(0, slash);
  const resource = endpoint.slice(slash + 1);
  const at = resource.lastIndexOf('@');
  const nameBase = tech.toUpperCase() === 'PJSIP' && at >= 0 ? resource.slice(at + 1) : resource;
  return { tech, resource, nameBase };
}
