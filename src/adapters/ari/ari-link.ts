// Keeps one ARI connection alive forever. ari-client reconnects its WebSocket by itself but gives up after
// about ten tries, and never notices a half-open socket; so this loop owns the whole lifecycle: load the
// api-docs, open the event socket, watch it with pings, and start over with capped backoff when it dies.

import ari from 'ari-client';
import type { AriClient } from 'ari-client';
import type { Log } from '../../app/app-ports.js';
import type { CallEvents } from '../../app/call-events.js';
import type { Digit } from '../../domain/flow/types.js';
import { AriSetupError, probeAri } from './ari-probe.js';
import { withSwaggerLog } from './swagger-log.js';

export interface AriLinkOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly app: string;
  readonly log: Log;
  readonly events: CallEvents;
  readonly onConnectedChange?: (connected: boolean) => void;
  readonly onReconnect?: () => void;
  /**
   * The event socket opened (true) or was lost (false). Events flow from the moment it opens, before the link is
   * reported up (that waits for the application's channel list): whoever must know whether the gateway hears its
   * calls (the AMI fail-safe) listens here.
   */
  readonly onSocketChange?: (open: boolean) => void;
  /** EndpointStateChange of the endpoints the application subscribed to (agents' phones registering or not). */
  readonly endpointStateChange?: (technology: string, resource: string, state: string) => void;
  readonly maxDelayMs?: number;
  readonly heartbeatMs?: number;
}

interface ChannelJson {
  id: string;
  name?: string;
  state?: string;
  caller?: { number?: string; name?: string };
}

const DIGITS = new Set(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#']);

export class AriLink {
  private current: AriClient | null = null;
  private up = false;
  private closed = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: AriLinkOptions) {}

  /** The client for REST calls, present once the api-docs are loaded (even while the socket reconnects). */
  client(): AriClient | null {
    return this.current;
  }

  get connected(): boolean {
    return this.up;
  }

  /** Starts the connection loop; resolves at once. Readiness tells when the link is up. */
  start(): void {
    this.loop ??= this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.loop;
  }

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    this.options.onConnectedChange?.(up);
    if (!up) this.options.events.linkDown();
  }

  private async run(): Promise<void> {
    const { log } = this.options;
    let failures = 0;
    while (!this.closed) {
      let client: AriClient | null = null;
      try {
        await probeAri(this.options.url, this.options.username, this.options.password);
        client = await withSwaggerLog(log, () => ari.connect(this.options.url, this.options.username, this.options.password));
        // Usable for REST before the socket opens: a StasisStart can arrive before start() resolves.
        this.current = client;
        const lost = this.watch(client);
        // The socket's first open, like every reopen, emits WebSocketConnected: `watch` reconciles the calls there.
        await client.start(this.options.app);
        failures = 0;
        await lost;
      } catch (err) {
        // Wrong credentials or address do not heal by waiting: an error an operator must act on.
        if (err instanceof AriSetupError) log.error({ code: err.code, err: err.message }, 'ARI connection failed');
        else log.warn({ err: err instanceof Error ? err.message : String(err) }, 'ARI connection failed');
      } finally {
        if (client !== null) {
          client.removeAllListeners();
          try {
            client.stop();
          } catch {
            // the socket was never opened
          }
        }
        this.setUp(false);
      }
      if (this.closed) break;
      failures += 1;
      const cap = this.options.maxDelayMs ?? 10_000;
      const delay = Math.min(cap, 250 * 2 ** Math.min(failures, 16)) * (0.5 + Math.random() / 2);
      log.info({ delayMs: Math.round(delay), failures }, 'ARI reconnecting');
      this.options.onReconnect?.();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    this.current = null;
  }

  /** Subscribes to the client's events; resolves when the link is lost for good (or the gateway closes). */
  private watch(client: AriClient): Promise<void> {
    const { events, log } = this.options;
    client.on('StasisStart', (event: { channel: ChannelJson; args?: string[] }) => {
      events.stasisStart({
        id: event.channel.id,
        name: event.channel.name ?? '',
        state: event.channel.state ?? '',
        callerNumber: event.channel.caller?.number ?? '',
        args: event.args ?? [],
      });
    });
    client.on('StasisEnd', (event: { channel: ChannelJson }) => events.stasisEnd(event.channel.id));
    client.on('ChannelDestroyed', (event: { channel: ChannelJson; cause?: number }) => events.channelGone(event.channel.id, event.cause));
    client.on('ChannelDtmfReceived', (event: { channel: ChannelJson; digit: string }) => {
      if (DIGITS.has(event.digit)) events.dtmf(event.channel.id, event.digit as Digit);
    });
    client.on('PlaybackFinished', (event: { playback: { id: string; state?: string } }) =>
      events.playbackFinished(event.playback.id, event.playback.state !== 'failed'),
    );
    client.on('RecordingFinished', (event: { recording: { name: string; duration?: number } }) =>
      events.recordingFinished(event.recording.name, true, (event.recording.duration ?? 0) * 1000),
    );
    client.on('RecordingFailed', (event: { recording: { name: string } }) =>
      events.recordingFinished(event.recording.name, false, 0),
    );
    client.on('Dial', (event: { peer: ChannelJson; dialstatus: string }) => events.dial(event.peer.id, event.dialstatus));
    client.on('EndpointStateChange', (event: { endpoint?: { technology?: string; resource?: string; state?: string } }) => {
      const endpoint = event.endpoint;
      if (endpoint?.technology === undefined || endpoint.resource === undefined) return;
      this.options.endpointStateChange?.(endpoint.technology, endpoint.resource, endpoint.state ?? 'unknown');
    });

    return new Promise<void>((resolve) => {
      let heartbeat: NodeJS.Timeout | null = null;
      let pongDue: NodeJS.Timeout | null = null;
      const lose = (why: string): void => {
        if (heartbeat) clearInterval(heartbeat);
        if (pongDue) clearTimeout(pongDue);
        log.warn({ why }, 'ARI link lost');
        this.options.onSocketChange?.(false);
        resolve();
      };
      if (this.closed) return resolve();
      this.wake = () => lose('gateway closing');
      client.on('WebSocketReconnecting', () => {
        this.options.onSocketChange?.(false);
        this.setUp(false);
      });
      client.on('WebSocketConnected', () => {
        if (this.current !== client) return;
        this.options.onSocketChange?.(true);
        void this.linked(client);
      });
      client.on('WebSocketMaxRetries', () => lose('ari-client gave up reconnecting'));
      client.on('pong', () => {
        if (pongDue) clearTimeout(pongDue);
        pongDue = null;
      });
      const every = this.options.heartbeatMs ?? 10_000;
      heartbeat = setInterval(() => {
        if (!this.up || pongDue) return;
        try {
          client.ping();
        } catch {
          return;
        }
        pongDue = setTimeout(() => lose('no pong from Asterisk'), Math.max(1000, every / 2));
      }, every);
    });
  }

  /** The socket is open: list the app's channels so the calls whose events were missed are reconciled. */
  private async linked(client: AriClient): Promise<void> {
    try {
      const app = (await client.applications.get({ applicationName: this.options.app })) as { channel_ids?: string[] };
      this.setUp(true);
      this.options.log.info({ channels: app.channel_ids?.length ?? 0 }, 'ARI link up');
      this.options.events.linkUp(app.channel_ids ?? []);
    } catch (err) {
      this.options.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'ARI application query failed');
    }
  }
}
