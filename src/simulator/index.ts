// Entry point of the Asterisk simulator (ARI part): `startSimulator()` serves ARI REST, the events WebSocket and
// the `/_sim` control API on one loopback HTTP server, backed by the in-process AsteriskEngine.

import type { AddressInfo } from 'node:net';
import { SimulatorControl } from './control.js';
import { AsteriskEngine } from './engine/asterisk-engine.js';
import type { DialBehaviour, DialplanLocation } from './engine/types.js';
import type { SimulatedDialplan } from './dialplan/load-dialplan.js';
import { EventsSocketServer } from './http/events-socket.js';
import { RequestLog } from './http/request-log.js';
import { createSimulatorServer } from './http/server.js';
import { UniformSoundCatalog } from './sounds/sound-catalog.js';
import type { SoundCatalog } from './sounds/sound-catalog.js';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  readonly ariPort?: number;
  readonly host?: string;
  readonly username: string;
  readonly password: string;
  /** Which sounds exist and how long they play. Default: every sound exists and lasts `playbackMsPerSound`. */
  readonly sounds?: SoundCatalog;
  /** Playing time of each sound when no catalog is given. Default 500. */
  readonly playbackMsPerSound?: number;
  /** Playing time per character of `digits:`/`number:` media. Default 300. */
  readonly msPerDigit?: number;
  /** Default gap between digits sent with `control.sendDigits`. Default 100. */
  readonly dtmfIntervalMs?: number;
  /** When set, dial timeouts fire after this many ms instead of the requested seconds. */
  readonly ringTimeoutMs?: number;
  /** Real milliseconds per recorded second (recording `maxDurationSeconds`, `duration`). Default 1000. */
  readonly recordingMsPerSecond?: number;
  /** The application inbound calls enter. Default `ivr-12345`. */
  readonly inboundApp?: string;
  /** Dialplan context of inbound calls. Default `from-carrier`. */
  readonly inboundContext?: string;
  /** Number inbound calls dial (their `exten`). Default `12345`. */
  readonly inboundNumber?: string;
  /** Where a call goes when Stasis() fails (no application connected). */
  readonly stasisFailedFallback?: DialplanLocation;
  /** What dialled lines do unless configured per dial string. Default: answer after 20 ms. */
  readonly defaultDialBehaviour?: DialBehaviour;
  /** Default timeout of `control.waitFor...`. Default 5000. */
  readonly waitTimeoutMs?: number;
  /** The dialplan and queues channels run outside Stasis (see dialplan/load-dialplan.ts); none: they stop there. */
  readonly dialplan?: SimulatedDialplan;
  /** Real milliseconds per dialplan second (WaitExten, MusicOnHold, queue ring timeouts). Default 1000. */
  readonly dialplanMsPerSecond?: number;
  /** Identifies this "Asterisk" in events (`asterisk_id`). */
  readonly asteriskId?: string;
  /** asterisk.conf `systemname`: prefixes channel unique ids (`<name>-<epoch>.<n>`) so two Asterisks never share one. */
  readonly systemName?: string;
  readonly log?: (message: string) => void;
}

export interface Simulator {
  /** e.g. `http://127.0.0.1:40123` (what ari-client connects to). */
  readonly ariUrl: string;
  /** e.g. `http://127.0.0.1:40123/_sim`. */
  readonly controlUrl: string;
  readonly port: number;
  readonly control: SimulatorControl;
  /** The model behind the APIs, for gluing other simulated interfaces (AMI) to the same calls. */
  readonly engine: AsteriskEngine;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const engine = new AsteriskEngine({
    sounds: options.sounds ?? new UniformSoundCatalog(options.playbackMsPerSound ?? 500),
    msPerDigit: options.msPerDigit ?? 300,
    asteriskId: options.asteriskId ?? '02:fc:00:00:00:01',
    ...(options.systemName === undefined ? {} : { systemName: options.systemName }),
    inboundApp: options.inboundApp ?? 'ivr-12345',
    inboundContext: options.inboundContext ?? 'from-carrier',
    inboundNumber: options.inboundNumber ?? '12345',
    carrierEndpoint: 'carrier',
    stasisFailedFallback: options.stasisFailedFallback ?? { context: 'from-carrier', extension: 'fallback', priority: 1 },
    defaultDialBehaviour: options.defaultDialBehaviour ?? { result: 'answer', afterMs: 20 },
    ringTimeoutMs: options.ringTimeoutMs,
    recordingMsPerSecond: options.recordingMsPerSecond ?? 1000,
    ...(options.dialplan === undefined ? {} : { dialplan: options.dialplan }),
    ...(options.dialplanMsPerSecond === undefined ? {} : { dialplanMsPerSecond: options.dialplanMsPerSecond }),
  });
  const creds = { username: options.username, password: options.password };
  const requestLog = new RequestLog(100_000);
  const sockets = new EventsSocketServer(engine, creds);
  const control = new SimulatorControl(engine, requestLog, sockets, {
    dtmfIntervalMs: options.dtmfIntervalMs ?? 100,
    waitTimeoutMs: options.waitTimeoutMs ?? 5000,
  });
  const server = createSimulatorServer({ engine, control, sockets, requestLog, creds, log: options.log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.ariPort ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const ariUrl = `http://${host}:${port}`;
  options.log?.(`simulator: ARI on ${ariUrl}/ari, control on ${ariUrl}/_sim`);
  return {
    ariUrl,
    controlUrl: `${ariUrl}/_sim`,
    port,
    control,
    engine,
    close: async () => {
      engine.close();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { SimulatorControl } from './control.js';
export type { BridgeView, ChannelView, PlaceCallOptions } from './control.js';
export { AsteriskEngine } from './engine/asterisk-engine.js';
export { loadDialplan, PROJECT_ASTERISK_CONFIG } from './dialplan/load-dialplan.js';
export type { SimulatedDialplan } from './dialplan/load-dialplan.js';
export { ConfigSyntaxError } from './dialplan/config-lines.js';
export type { DeliveredEvent, LifecycleEvent } from './engine/asterisk-engine.js';
export type { CallerId, ChannelState, DialBehaviour, DialplanLocation, PlayedMedia } from './engine/types.js';
export { DEVICE_STATES } from './engine/devices.js';
export type { DeviceState } from './engine/devices.js';
export { AriError, SimulatorControlError, SimulatorWaitTimeoutError, SoundCatalogError } from './errors.js';
export type { RequestRecord } from './http/request-log.js';
export { DirectorySoundCatalog } from './sounds/directory-sound-catalog.js';
export { MemorySoundCatalog, UniformSoundCatalog } from './sounds/sound-catalog.js';
export type { SoundCatalog } from './sounds/sound-catalog.js';
