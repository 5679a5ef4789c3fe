// The composition root: loads the flow, builds every adapter from a validated Config and wires
// them to the application. `startGateway` is what `hotline-gateway serve` and the integration tests run.

import { globalAgent } from 'node:http';
import { CallControl } from './app/call-control.js';
import type { Log } from './app/app-ports.js';
import { systemClock } from './app/ports.js';
import type { Clock } from './app/ports.js';
import { StrandedCallRescuer } from './app/stranded-call-rescuer.js';
import type { ManagerPort } from './app/stranded-call-rescuer.js';
import { AmiClient } from './adapters/ami/ami-client.js';
import { AriLink } from './adapters/ari/ari-link.js';
import { AriTelephony } from './adapters/ari/ari-telephony.js';
import { loadFlowFile } from './adapters/flow/load-flow-file.js';
import { buildHttpServer } from './adapters/http/index.js';
import { callLogger, createLogger } from './adapters/log/index.js';
import type { Logger } from './adapters/log/index.js';
import { GatewayMetrics } from './adapters/metrics/index.js';
import { RedisHealth } from './adapters/redis/redis-health.js';
import { redactedConfig } from './config/index.js';
import type { Config } from './config/index.js';
import { EMERGENCY_SERVICES } from './domain/flow/types.js';
import type { EmergencyService, Flow } from './domain/flow/types.js';
import type { EmergencyRoutes } from './app/emergency-session.js';
import { startSimulatedAsterisk } from './simulator/simulated-asterisk.js';
import type { SimulatedAsterisk, SimulatedAsteriskOptions } from './simulator/simulated-asterisk.js';

export interface GatewayOptions {
  readonly log?: Logger;
  readonly clock?: Clock;
  /** Grace before the AMI fail-safe moves calls stranded by a lost ARI link. */
  readonly failsafeGraceMs?: number;
  /** Seconds between WebSocket pings to Asterisk. */
  readonly ariHeartbeatMs?: number;
  /** Settings of the built-in simulator when ARI_URL is unset (ports, sounds, speeds). */
  readonly simulator?: SimulatedAsteriskOptions;
}

export interface Gateway {
  readonly config: Config;
  readonly flow: Flow;
  readonly httpUrl: string;
  readonly calls: CallControl;
  readonly metrics: GatewayMetrics;
  /** Present when ARI_URL is unset: the built-in Asterisk simulator the gateway is talking to. */
  readonly simulator: SimulatedAsterisk | null;
  readonly ready: () => Record<string, boolean>;
  /** Graceful: live calls finish their step and go back to the dialplan, then everything closes. */
  close(): Promise<void>;
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  // ari-client sends its REST calls through Node's global agent. Asterisk's HTTP server has a small
  // session limit and accept backlog, so keep a capped pool of warm keep-alive sockets rather than bursts
  // of new connections (http.conf `sessionlimit`; measured on a real Asterisk under load).
  globalAgent.maxSockets = 64;

  const log = options.log ?? createLogger({ level: config.log.level, base: { name: 'hotline-gateway' } });
  const clock = options.clock ?? systemClock;
  log.info({ config: redactedConfig(config) }, 'starting 12345 gateway');

  const flow = await loadFlowFile(config.ivr.flowPath, {
    onWarning: (warning) => log.warn({ warning: warning.message, line: warning.line }, 'flow warning'),
  });
  const metrics = new GatewayMetrics();

  let simulator: SimulatedAsterisk | null = null;
  let ari: { url: string; username: string; password: string };
  let ami: { host: string; port: number; username: string; secret: string };
  if (config.ari.simulated) {
    simulator = await startSimulatedAsterisk({ soundsDir: config.ivr.soundsDir, app: config.ari.app, ...options.simulator });
    log.warn(
      { ariUrl: simulator.ariUrl, amiPort: simulator.amiPort, controlUrl: simulator.controlUrl },
      '*** ARI_URL is not set: using the BUILT-IN ASTERISK SIMULATOR. No real calls are handled. Set ARI_URL for production. ***',
    );
    ari = { ...simulator.credentials.ari, url: simulator.ariUrl };
    ami = { host: '127.0.0.1', port: simulator.amiPort, ...simulator.credentials.ami };
  } else {
    if (config.ami.simulated) throw new Error('AMI must point at the same Asterisk as ARI');
    ari = { url: config.ari.url, username: config.ari.username, password: config.ari.password };
    ami = { host: config.ami.host, port: config.ami.port, username: config.ami.username, secret: config.ami.secret };
  }

  const amiClient = new AmiClient({ ...ami, log: log.child({ component: 'ami' }) as Log, events: false });
  amiClient.on('connected', () => metrics.amiConnected(true));
  amiClient.on('disconnected', () => metrics.amiConnected(false));
  amiClient.start();
  const manager: ManagerPort = {
    get connected() {
      return amiClient.connected;
    },
    listChannels: async () =>
      (await amiClient.coreShowChannels()).map((c) => ({
        name: c.channel,
        uniqueId: c.uniqueid,
        application: c.application,
        applicationData: c.applicationData,
        bridgeId: c.bridgeId,
      })),
    redirect: (channel, context, exten, priority) => amiClient.redirect({ channel, context, exten, priority }),
    hangup: (channel) => amiClient.hangup({ channel }),
  };

  let link: AriLink | null = null;
  const telephony = new AriTelephony(() => link?.client() ?? null, config.ari.app);
  const emergencyRoutes = Object.fromEntries(
    EMERGENCY_SERVICES.map((service) => [
      service,
      {
        dialStrings: config.emergency.routes[service],
        ringTimeoutMs: config.emergency.ringTimeoutMs[service],
        rounds: config.emergency.rounds,
      },
    ]),
  ) as Record<EmergencyService, EmergencyRoutes>;
  const calls = new CallControl({
    flow,
    telephony,
    clock,
    metrics,
    log: log as Log,
    emergencyRoutes,
    fallback: {
      context: config.fallback.context,
      queueExten: config.fallback.queueExten,
      menuExten: config.fallback.menuExten,
      emergencyContext: 'emergency-fallback',
    },
    callLog: (channelId, caller) => callLogger(log, channelId, caller) as Log,
  });
  const rescuer = new StrandedCallRescuer({
    manager,
    clock,
    log: log.child({ component: 'failsafe' }) as Log,
    app: config.ari.app,
    graceMs: options.failsafeGraceMs ?? 5000,
    roleOf: (id) => calls.roleOf(id),
    menu: { context: config.fallback.context, exten: config.fallback.menuExten },
    emergencyContext: 'emergency-fallback',
    onRescued: (count) => {
      for (let i = 0; i < count; i += 1) metrics.callHandedToDialplan('ari_down');
    },
  });
  link = new AriLink({
    ...ari,
    app: config.ari.app,
    log: log.child({ component: 'ari' }) as Log,
    events: {
      stasisStart: (c) => calls.stasisStart(c),
      stasisEnd: (id) => calls.stasisEnd(id),
      channelGone: (id) => calls.channelGone(id),
      dtmf: (id, d) => calls.dtmf(id, d),
      playbackFinished: (id, ok) => calls.playbackFinished(id, ok),
      recordingFinished: (name, ok, ms) => calls.recordingFinished(name, ok, ms),
      dial: (peer, status) => calls.dial(peer, status),
      linkUp: (ids) => {
        rescuer.linkUp();
        calls.linkUp(ids);
      },
      linkDown: () => {
        rescuer.linkDown();
        calls.linkDown();
      },
    },
    onConnectedChange: (up) => metrics.ariConnected(up),
    onReconnect: () => metrics.ariReconnected(),
    maxDelayMs: config.ari.reconnectMaxDelayMs,
    heartbeatMs: options.ariHeartbeatMs,
  });
  link.start();
  // The link starts down; if it never comes up, the fail-safe still moves callers Asterisk holds for us.
  rescuer.linkDown();

  const redis = new RedisHealth(config.redis.url, log.child({ component: 'redis' }) as Log);
  const ready = (): Record<string, boolean> => ({
    ari: link?.connected ?? false,
    ami: amiClient.connected,
    redis: redis.connected,
  });
  const http = buildHttpServer({ log, metrics, readiness: ready });
  const address = await http.listen(config.http.port, config.http.host);
  log.info({ url: address.url }, 'operations HTTP server listening');

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const deadline = clock.now() + config.shutdownGraceMs;
      log.info({ ivrCalls: calls.activeIvrCalls, emergencies: calls.activeEmergencies }, 'draining calls');
      await calls.drain(deadline);
      rescuer.close();
      await link?.close();
      await amiClient.close();
      await http.close();
      await redis.close();
      await simulator?.close();
      log.info({}, 'gateway stopped');
    })();
    return closing;
  };

  return { config, flow, httpUrl: address.url, calls, metrics, simulator, ready, close };
}
