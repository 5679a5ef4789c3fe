// The composition root: loads the flow, builds every adapter from a validated Config and wires
// them to the application. `startGateway` is what `hotline-gateway serve` and the integration tests run.

import { globalAgent } from 'node:http';
import { join } from 'node:path';
import { CallControl } from './app/call-control.js';
import { AgentDesk } from './app/acd/agent-desk.js';
import { DeskViews } from './app/acd/desk-views.js';
import { CallQueue } from './app/acd/call-queue.js';
import { WorkOrders } from './app/acd/work-orders.js';
import { createAcd } from './adapters/acd/create-acd.js';
import { createCallbackQueue } from './adapters/acd/bullmq-callback-jobs.js';
import type { CallbackQueue } from './adapters/acd/bullmq-callback-jobs.js';
import type { CreatedAcd } from './adapters/acd/create-acd.js';
import type { AcdChange } from './app/acd/acd-store.js';
import { queuePromptAudio } from './domain/acd/caller-prompts.js';
import { estimateWait } from './domain/acd/estimate.js';
import { AgentPhones } from './app/acd/agent-phones.js';
import { DeviceWatch } from './app/device-watch.js';
import type { Log } from './app/app-ports.js';
import { systemClock } from './app/ports.js';
import type { Clock } from './app/ports.js';
import { StrandedCallRescuer } from './app/stranded-call-rescuer.js';
import type { ManagerPort } from './app/stranded-call-rescuer.js';
import { MeteredIntake } from './app/intake/metered-intake.js';
import { PhoneFairUse } from './app/limits/phone-fair-use.js';
import { LinkingIntake } from './app/identity/linking-intake.js';
import type { ContactAttachment, HistoryLookup } from './app/identity/profile-ports.js';
import { VoiceCaseDesk } from './app/intake/voice-case-desk.js';
import type { ExpiringFiles } from './app/intake/record-retention.js';
import { AmiClient } from './adapters/ami/ami-client.js';
import { amiDeviceFeed } from './adapters/ami/ami-device-feed.js';
import { FileApiKeys } from './adapters/api-keys/index.js';
import { AriEndpointStates } from './adapters/ari/ari-endpoint-states.js';
import { AriRecordingSource } from './adapters/ari/ari-recording-source.js';
import { ContentStore } from './adapters/attachments/content-store.js';
import { apiV1Routes } from './adapters/http/api-v1/index.js';
import { open311Routes } from './adapters/http/open311/index.js';
import { webFormRoutes } from './adapters/http/web-form/index.js';
import { deskPageRoutes } from './adapters/http/desk/index.js';
import { transferSkills } from './domain/acd/transfer-skills.js';
import { createCaseAccess } from './adapters/access/create-case-access.js';
import { FileRawMailStore } from './adapters/email/raw-mail-store.js';
import { rawMailDir, startEmailChannel } from './adapters/email/start-email-channel.js';
import { createIntake, intakeOptionsFrom } from './adapters/intake/create-intake.js';
import { createWechatChannel } from './adapters/wechat/index.js';
import type { CreatedIntake } from './adapters/intake/create-intake.js';
import { AriLink } from './adapters/ari/ari-link.js';
import { AriTelephony } from './adapters/ari/ari-telephony.js';
import { loadFlowFile } from './adapters/flow/load-flow-file.js';
import { loadDispositions } from './adapters/flow/load-dispositions.js';
import { buildHttpServer } from './adapters/http/index.js';
import type { HttpRoute } from './adapters/http/index.js';
import { HttpGuard } from './adapters/http/guard/http-guard.js';
import { createLimits, limitsOptionsFrom } from './adapters/limits/create-limits.js';
import { createStaff, staffOptionsFrom } from './adapters/staff/create-staff.js';
import type { CreatedStaff } from './adapters/staff/create-staff.js';
import type { StaffAuth } from './app/staff/staff-auth.js';
import { startDeskSocket } from './adapters/ws/create-desk-socket.js';
import type { CreatedDeskSocket } from './adapters/ws/create-desk-socket.js';
import { callLogger, createLogger } from './adapters/log/index.js';
import type { Logger } from './adapters/log/index.js';
import { GatewayMetrics } from './adapters/metrics/index.js';
import { RedisHealth } from './adapters/redis/redis-health.js';
import { ensurePortsFree } from './adapters/net/ports-free.js';
import type { PlannedListener } from './adapters/net/ports-free.js';
import { redactedConfig, redisLabel } from './config/index.js';
import type { Config } from './config/index.js';
import { EMERGENCY_SERVICES } from './domain/flow/types.js';
import type { EmergencyService, Flow } from './domain/flow/types.js';
import { deviceOfDialString } from './domain/telephony/dial-string-device.js';
import type { EmergencyRoutes } from './app/emergency-session.js';
import { startSimulatedAsterisk } from './simulator/simulated-asterisk.js';
import { CachedDialplanDirectory, checkHandOverPoints } from './app/dialplan-handover.js';
import type { HandOverPoint } from './app/dialplan-handover.js';
import type { SimulatedAsterisk, SimulatedAsteriskOptions } from './simulator/simulated-asterisk.js';
import { runShutdown } from './app/shutdown-steps.js';

/** Shown in the OpenAPI document; kept in step with package.json by a unit test. */
export const GATEWAY_VERSION = '0.2.0';

/** The dialplan context of the emergency lines when every route failed: fixed, as `asterisk-config/extensions.conf` has it. */
const EMERGENCY_FALLBACK_CONTEXT = 'emergency-fallback';
// A close that takes longer is named in the log, so a stop that hangs says where.
const SHUTDOWN_SLOW_STEP_MS = 5_000;

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
  /** Every route the HTTP server registered (what /openapi.json must describe). */
  readonly httpRoutes: () => readonly HttpRoute[];
  /** The SMTP port when the email channel is on (`SMTP_ACCEPT` set). */
  readonly smtpPort: number | null;
  readonly calls: CallControl;
  /** Agent operations on the shared queue (null with ACD=off). */
  readonly agents: AgentDesk | null;
  readonly queue: CallQueue | null;
  /** What the desktop, the supervisor view and the agents' API show: agents, queue figures, waiting calls, screen pops (null with ACD=off). */
  readonly views: DeskViews | null;
  /** Agents' and supervisors' accounts and sessions: who may use the desk and the agents' API (null with ACD=off). */
  readonly staff: StaffAuth | null;
  /** Agents' phones as ARI (registration) and AMI (device state) report them (null with ACD=off). */
  readonly phones: AgentPhones | null;
  /** Device states Asterisk reports over AMI (emergency forwarding tries unreachable lines last). */
  readonly devices: DeviceWatch;
  readonly metrics: GatewayMetrics;
  /** The intake queue every channel submits to. */
  readonly intake: CreatedIntake;
  /** Citizen profiles: where the IVR and agents attach calls, and the history lookup (caller ID, screen pop). */
  readonly profiles: { readonly attach: ContactAttachment; readonly history: HistoryLookup };
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
  await ensurePortsFree(plannedListeners(config, options.simulator));

  const flow = await loadFlowFile(config.ivr.flowPath, {
    onWarning: (warning) => log.warn({ warning: warning.message, line: warning.line }, 'flow warning'),
  });
  const dispositions = await loadDispositions(config.intake.dispositionsFile);
  const metrics = new GatewayMetrics();

  const attachments = new ContentStore({ dir: join(config.intake.dataDir, 'attachments'), maxBytes: config.intake.attachmentMaxBytes });
  await attachments.sweepTemp();
  // Attachments and raw mail are kept as long as the records that name them (INTAKE_RECORD_RETENTION).
  const expiringFiles: ExpiringFiles[] = [{ name: 'attachments', sweepOlderThan: (cutoffMs) => attachments.sweepOlderThan(cutoffMs) }];
  if (config.email !== null) {
    const rawMail = new FileRawMailStore({ dir: rawMailDir(config.intake.dataDir) });
    expiringFiles.push({ name: 'raw mail', sweepOlderThan: (cutoffMs) => rawMail.sweepOlderThan(cutoffMs) });
  }
  // Intake before the channels: it recovers submissions a crash left in the spool before any channel accepts new ones.
  const intake = await createIntake({ ...intakeOptionsFrom(config, log as Log), expiringFiles });
  metrics.watchSpool(() => intake.spooled());
  // Every channel submits through this, so /metrics counts each channel's submissions and refusals, and each accepted
  // submission is attached to its citizen's profile (after the acknowledgement, never delaying it).
  const submissions = new MeteredIntake(new LinkingIntake(intake.intake, intake.profiles.linker), metrics);
  // Fair use and supervisors' flags, in Redis so that every replica holds the same line: one limiter for the
  // calls, the HTTP channels, WeChat, e-mail and the wrong proofs of case access.
  const fairUseLimits = await createLimits({ ...limitsOptionsFrom(config, log as Log), metrics });
  const limiter = fairUseLimits.limiter;
  // Who may read and rate a case, on every channel.
  const caseAccess = createCaseAccess({ intake: submissions, keys: intake.caseKeys, limiter, clock, log: log as Log });
  // A missing keys file just means no integrator has a key yet; a broken one stops the start (ApiKeysFileError).
  const apiKeys = await FileApiKeys.load(config.intake.apiKeysFile, { missingOk: true });
  log.info({ apiKeys: apiKeys.activeCount, file: config.intake.apiKeysFile }, 'integrator API keys loaded');

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

  // Only DeviceStateChange (class `call`) is read: Asterisk filters out the rest of its events for this session.
  // AmiClient names its own component: a child here would print `component` twice on each line.
  const amiClient = new AmiClient({ ...ami, log: log as Log, events: { classes: ['call'], names: ['DeviceStateChange'] } });
  const dialplan = new CachedDialplanDirectory({ extensionExists: (context, exten) => amiClient.extensionExists(context, exten) });
  amiClient.on('connected', () => {
    metrics.amiConnected(true);
    dialplan.forget();
    void checkHandOverPoints(dialplan, handOverPoints(config.fallback), log.child({ component: 'dialplan' }) as Log);
  });
  amiClient.on('disconnected', () => metrics.amiConnected(false));
  const emergencyDevices = [
    ...new Set(
      EMERGENCY_SERVICES.flatMap((service) => config.emergency.routes[service])
        .map(deviceOfDialString)
        .filter((device): device is string => device !== null),
    ),
  ];
  const devices = new DeviceWatch({ feed: amiDeviceFeed(amiClient), clock, log: log.child({ component: 'devices' }) as Log, emergencyDevices });
  // Before the link starts, so that the list after the first login is not missed.
  devices.start();
  metrics.watchDevices(emergencyDevices, (device) => devices.stateOf(device));
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

  const recordings = new AriRecordingSource({ ...ari, maxBytes: config.intake.attachmentMaxBytes });
  const desk = new VoiceCaseDesk({
    intake: submissions,
    access: caseAccess,
    // Repeat callers: the caller ID's open requests, read from the records (and the spool) directly.
    contactCases: intake.intake,
    attachments,
    recordings,
    clock,
    log: log.child({ component: 'voice-intake' }) as Log,
    // The caller hears silence meanwhile: past this, they are told it failed and offered an agent.
    answerWithinMs: 4000,
  });

  const screen = new PhoneFairUse({
    limiter,
    flags: fairUseLimits.flags,
    // The abuse hit, the flag and the plain hit of a call in one script call (one round trip) instead of three.
    counter: fairUseLimits.calls,
    limits: config.ivr.callLimits,
    clock,
    log: log.child({ component: 'call-limits' }) as Log,
    // Before the greeting: a limiter that does not answer at once lets the call through rather than keep it silent.
    answerWithinMs: 1000,
  });

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
  // The gateway's own agent queue, shared through Redis with every gateway of the hotline (ACD=off: app_queue only).
  const acd: CreatedAcd | null = config.acd.enabled ? await createAcd(config, log.child({ component: 'acd' }) as Log) : null;
  const acdLog = log.child({ component: 'acd' }) as Log;
  // Call-backs need a way to dial the caller: without ACD_CALLBACK_DIAL none is offered.
  const callbackQueue: CallbackQueue | null =
    acd === null || !config.acd.callback || config.acd.callbackDial === null
      ? null
      : createCallbackQueue({ connection: acd.redis, redis: config.redis, prefix: config.intake.prefix, log: acdLog });
  if (acd !== null && config.acd.callback && config.acd.callbackDial === null) acdLog.warn({}, 'ACD_CALLBACK is on but ACD_CALLBACK_DIAL is unset: call-backs are not offered');
  const workOrders =
    acd === null ? null : new WorkOrders({ intake: submissions, records: acd.records, attachments, recordings, clock, log: acdLog });
  const queue =
    acd === null || workOrders === null
      ? undefined
      : new CallQueue({
          store: acd.store,
          records: acd.records,
          telephony,
          clock,
          log: acdLog,
          gatewayId: config.acd.gatewayId,
          mohClass: config.acd.mohClass,
          ringTimeoutMs: config.acd.ringTimeoutMs,
          wrapUpMs: config.acd.wrapUpMs,
          record: config.acd.record,
          caller: {
            announceEveryMs: config.acd.announceEveryMs,
            optionsAfterMs: config.acd.optionsAfterMs,
            callback: config.acd.callback,
            voicemail: config.acd.voicemail,
            survey: config.acd.survey,
            inputTimeoutMs: 6000,
            voiceMessage: { maxDurationMs: 120_000, maxSilenceMs: 10_000 },
            prompts: queuePromptAudio(flow),
          },
          desk,
          ratings: workOrders,
          estimateWait: (position) => estimateWait(position),
          metrics,
          // Whichever gateway's tick saw a wrap-up run out files that call's order (the store hands each out once).
          wrapUpsEnded: (ended) => {
            for (const { callId, agentId } of ended) {
              void workOrders.fileUnrecorded(callId, agentId).catch((err: unknown) => acdLog.error({ err, callId }, 'could not file the work order of a call whose wrap-up ran out'));
            }
          },
          callLog: (channelId, caller) => callLogger(log, channelId, caller) as Log,
          ...(callbackQueue === null || config.acd.callbackDial === null
            ? {}
            : {
                callbacks: {
                  jobs: callbackQueue.jobs,
                  dialTemplate: config.acd.callbackDial,
                  callerId: config.acd.callbackCallerId,
                  dialTimeoutMs: config.acd.callbackRingTimeoutMs,
                },
              }),
        });
  // Agents' phones: ARI's endpoint registration and AMI's device state, combined into what the store offers calls to.
  const phones =
    acd === null
      ? null
      : new AgentPhones({ store: acd.store, endpoints: new AriEndpointStates(() => link?.client() ?? null, config.ari.app), devices, clock, log: acdLog });
  const agents =
    acd === null || workOrders === null || queue === undefined
      ? null
      : new AgentDesk({
          store: acd.store,
          workOrders,
          records: acd.records,
          commands: acd.commands,
          clock,
          log: acdLog,
          offer: (offer) => queue.dispatch(offer),
          ...(phones === null ? {} : { loggedIn: (agent) => phones.agentLoggedIn(agent) }),
        });
  const views =
    acd === null
      ? null
      : new DeskViews({ store: acd.store, records: acd.records, history: intake.profiles.history, clock, log: acdLog });
  // Staff sign in to work the queue: there is nothing to sign in to without it. Wrong passwords count in the shared limiter.
  const staff: CreatedStaff | null =
    acd === null ? null : await createStaff({ ...staffOptionsFrom(config, log.child({ component: 'staff' }) as Log), limiter, clock });
  let stopAcdChanges: (() => Promise<void>) | null = null;
  let stopAcdCommands: (() => Promise<void>) | null = null;
  if (acd !== null && queue !== undefined && agents !== null) {
    try {
      stopAcdChanges = await acd.store.subscribe(config.acd.gatewayId, (change: AcdChange) => {
        queue.changed(change);
        agents.changed(change);
      });
    } catch (err) {
      // Offers of other gateways then reach this one through its tick (it takes its offers every second).
      acdLog.error({ err }, 'could not listen to queue changes: offers are taken on every tick instead');
    }
    try {
      stopAcdCommands = await acd.commands.listen(config.acd.gatewayId, (command) => queue.command(command));
    } catch (err) {
      acdLog.error({ err }, "could not listen for agents' hang-ups and transfers: they are refused until a restart");
    }
    // An agent whose phone Asterisk reports unregistered or busy is not offered calls (AMI here, ARI on the link).
    if (phones !== null) {
      devices.onChange((change) => phones.deviceChanged(change));
      // Logins on other gateways (and logouts anywhere) reach this one as the desk's events.
      agents.onEvent((event) => {
        if (event.type === 'stateChanged') phones.agentSeen(event.agent);
      });
    }
    await queue.start();
    callbackQueue?.startWorker((job) => queue.serveCallback(job), config.acd.callbackConcurrency);
  }
  const calls = new CallControl({
    flow,
    telephony,
    clock,
    metrics,
    log: log as Log,
    emergencyRoutes,
    devices,
    desk,
    screen,
    idleLimitMs: config.ivr.callLimits.idleLimitMs,
    fallback: {
      context: config.fallback.context,
      queueExten: config.fallback.queueExten,
      menuExten: config.fallback.menuExten,
      emergencyContext: EMERGENCY_FALLBACK_CONTEXT,
    },
    dialplan,
    ...(queue === undefined ? {} : { queue }),
    contacts: intake.profiles.linker,
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
    emergencyContext: EMERGENCY_FALLBACK_CONTEXT,
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
      channelGone: (id, cause) => calls.channelGone(id, cause),
      dtmf: (id, d) => calls.dtmf(id, d),
      playbackFinished: (id, ok) => calls.playbackFinished(id, ok),
      recordingFinished: (name, ok, ms) => calls.recordingFinished(name, ok, ms),
      dial: (peer, status) => calls.dial(peer, status),
      linkUp: (ids) => {
        rescuer.linkUp();
        calls.linkUp(ids);
        void phones?.resync();
      },
      linkDown: () => {
        rescuer.linkDown();
        calls.linkDown();
      },
    },
    onConnectedChange: (up) => metrics.ariConnected(up),
    // Calls placed while the link is coming up are already the gateway's once the socket is open: the fail-safe must
    // not move them to the dialplan while the application's channel list is still on its way.
    onSocketChange: (open) => (open ? rescuer.linkUp() : rescuer.linkDown()),
    onReconnect: () => metrics.ariReconnected(),
    endpointStateChange: (technology, resource, state) => phones?.endpointChanged(technology, resource, state),
    maxDelayMs: config.ari.reconnectMaxDelayMs,
    heartbeatMs: options.ariHeartbeatMs,
  });
  link.start();
  // The link starts down; if it never comes up, the fail-safe still moves callers Asterisk holds for us.
  rescuer.linkDown();

  const redis = new RedisHealth(config.redis, log.child({ component: 'redis' }) as Log);
  // One guard for every HTTP channel (key check and limits); WeChat and e-mail use the same fair-use service.
  const guard = new HttpGuard({ keys: apiKeys, limiter, fairUse: fairUseLimits.fairUse });
  const ready = (): Record<string, boolean> => ({
    ari: link?.connected ?? false,
    ami: amiClient.connected,
    redis: redis.connected,
    intake: intake.connected(),
    // The call queue and staff sessions have connections of their own: a desk that cannot log in is not ready.
    ...(acd === null ? {} : { queue: acd.redis.status === 'ready' }),
    ...(staff === null ? {} : { staff: staff.connected() }),
  });
  const http = buildHttpServer({
    log,
    metrics,
    readiness: ready,
    trustProxy: config.http.trustProxy,
    openApi: { version: GATEWAY_VERSION },
  });
  const limits = { fileBytes: config.intake.attachmentMaxBytes, files: config.intake.attachmentMaxFiles };
  http.register(
    apiV1Routes({
      intake: submissions,
      access: caseAccess,
      dispositions,
      attachments,
      guard,
      flags: fairUseLimits.desk,
      history: intake.profiles.history,
      ...(agents === null || views === null ? {} : { agents: { desk: agents, views } }),
      ...(staff === null ? {} : { staff: { auth: staff.auth, cookieSecure: config.staff.cookieSecure } }),
      limits: { ...limits, bodyBytes: config.intake.bodyLimitBytes },
      log: log as Log,
    }),
  );
  http.register(
    open311Routes({
      intake: submissions,
      guard,
      jurisdictionId: config.intake.open311Jurisdiction,
      publicFields: config.intake.open311PublicFields,
      dispositions,
      log: log as Log,
    }),
    { prefix: '/open311/v2' },
  );
  const wechat =
    config.wechat === null
      ? null
      : await createWechatChannel({
          token: config.wechat.token,
          appId: config.wechat.appId,
          ...(config.wechat.encodingAesKey === null ? {} : { encodingAesKey: config.wechat.encodingAesKey }),
          ...(config.wechat.previousEncodingAesKey === null ? {} : { previousEncodingAesKey: config.wechat.previousEncodingAesKey }),
          ...(config.wechat.appSecret === null ? {} : { appSecret: config.wechat.appSecret }),
          ...(config.wechat.apiBase === null ? {} : { apiBase: config.wechat.apiBase }),
          mode: config.wechat.mode,
          mergeWindowMs: config.wechat.mergeWindowMs,
          maxClockSkewMs: config.wechat.maxClockSkewMs,
          locationTtlMs: config.wechat.locationTtlMs,
          redis: config.redis,
          prefix: config.intake.prefix,
          intake: submissions,
          access: caseAccess,
          dispositions,
          attachments,
          fairUse: fairUseLimits.fairUse,
          log: log as Log,
        });
  if (wechat !== null) http.register(wechat.routes);
  http.register(
    webFormRoutes({
      intake: submissions,
      access: caseAccess,
      dispositions,
      attachments,
      guard,
      limits,
      log: log as Log,
      rateLimit: { submissionsPerMinute: config.intake.formRatePerMinute },
    }),
  );
  // The agents' desktop and the supervisor view, only with the gateway's own queue, which they drive: their pages,
  // and the WebSocket on the same port that keeps them live.
  if (agents !== null) {
    http.register(deskPageRoutes({ settings: { transferSkills: transferSkills(flow), wrapUpSeconds: Math.round(config.acd.wrapUpMs / 1000) } }));
  }
  const deskSocket: CreatedDeskSocket | null =
    agents === null || views === null || staff === null
      ? null
      : startDeskSocket({
          server: http.server,
          hostOf: (request) => http.hostOf(request),
          clientOf: (request) => http.clientOf(request),
          agents,
          views,
          staff: staff.auth,
          clock,
          log: log.child({ component: 'desk' }) as Log,
          metrics,
        });
  const address = await http.listen(config.http.port, config.http.host);
  log.info({ url: address.url }, 'HTTP server listening');

  const email =
    config.email === null
      ? null
      : await startEmailChannel({
          intake: submissions,
          access: caseAccess,
          dispositions,
          attachments,
          fairUse: fairUseLimits.fairUse,
          redis: config.redis,
          prefix: config.intake.prefix,
          dataDir: config.intake.dataDir,
          log: log.child({ component: 'email' }) as Log,
          port: config.email.port,
          host: config.email.host,
          ...(config.email.serverName === null ? {} : { serverName: config.email.serverName }),
          accept: config.email.accept,
          maxBytes: config.email.maxBytes,
          maxRecipients: config.email.maxRecipients,
          ...(config.email.tls === null ? {} : { tlsCertPath: config.email.tls.certPath, tlsKeyPath: config.email.tls.keyPath }),
          ...(config.email.relay === null ? {} : { relayUrl: config.email.relay.url, mailFrom: config.email.relay.from }),
        });

  const running = {
    http: address.url,
    ari: simulator === null ? ari.url : `${simulator.ariUrl} (simulator, control ${simulator.controlUrl})`,
    ami: `${ami.host}:${ami.port}`,
    smtp: email === null || config.email === null ? 'off' : `${config.email.host}:${email.port}`,
    wechat: wechat === null ? 'off' : `${address.url}/wechat`,
    redis: redisLabel(config.redis),
    flow: config.ivr.flowPath,
    dataDir: config.intake.dataDir,
  };
  log.info(
    running,
    `12345 gateway running: HTTP ${running.http}, ARI ${running.ari}, AMI ${running.ami}, SMTP ${running.smtp}, WeChat ${running.wechat}, ` +
      `Redis ${running.redis}, flow ${running.flow}, DATA_DIR ${running.dataDir}`,
  );

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const deadline = clock.now() + config.shutdownGraceMs;
      log.info({ ivrCalls: calls.activeIvrCalls, emergencies: calls.activeEmergencies }, 'draining calls');
      // Channels first, so submissions in flight still reach intake; intake last. Desk sockets before the HTTP
      // server, which waits for every connection on its port to end.
      const failed = await runShutdown(
        [
          { name: 'calls', close: () => calls.drain(deadline), allowMs: config.shutdownGraceMs },
          { name: 'stranded-call rescuer', close: () => rescuer.close() },
          { name: 'agent queue', close: () => queue?.close() },
          { name: 'agent phones', close: () => phones?.close() },
          { name: 'callback queue', close: () => callbackQueue?.close() },
          { name: 'ACD changes', close: () => stopAcdChanges?.() },
          { name: 'ACD commands', close: () => stopAcdCommands?.() },
          { name: 'ARI link', close: () => link?.close() },
          { name: 'device watch', close: () => devices.close() },
          { name: 'AMI', close: () => amiClient.close() },
          { name: 'desk sockets', close: () => deskSocket?.close() },
          { name: 'http', close: () => http.close() },
          { name: 'smtp', close: () => email?.close() },
          { name: 'wechat', close: () => wechat?.close() },
          { name: 'fair-use limits', close: () => fairUseLimits.close() },
          { name: 'staff', close: () => staff?.close() },
          { name: 'acd', close: () => acd?.close() },
          { name: 'intake', close: () => intake.close() },
          { name: 'redis', close: () => redis.close() },
          { name: 'simulator', close: () => simulator?.close() },
        ],
        { clock, log: log as Log, slowMs: SHUTDOWN_SLOW_STEP_MS },
      );
      if (failed.length > 0) log.warn({ failed }, 'shutdown: some parts did not close cleanly');
      log.info({}, 'gateway stopped');
    })();
    return closing;
  };

  return { config, flow, httpUrl: address.url, httpRoutes: () => http.routes(), smtpPort: email?.port ?? null, calls, agents, queue: queue ?? null, views, staff: staff?.auth ?? null, phones, devices, metrics, intake, profiles: { attach: intake.profiles.linker, history: intake.profiles.history }, simulator, ready, close };
}

/** Every port the gateway will listen on, with the variable that moves it (see `ensurePortsFree`). */
function plannedListeners(config: Config, simulator: SimulatedAsteriskOptions | undefined): PlannedListener[] {
  const listeners: PlannedListener[] = [{ host: config.http.host, port: config.http.port, variable: 'HTTP_PORT' }];
  if (config.email !== null) listeners.push({ host: config.email.host, port: config.email.port, variable: 'SMTP_PORT' });
  if (config.ari.simulated) {
    const host = simulator?.host ?? '127.0.0.1';
    listeners.push({ host, port: simulator?.ariPort ?? 0, variable: 'SIMULATOR_ARI_PORT' });
    listeners.push({ host, port: simulator?.amiPort ?? 0, variable: 'SIMULATOR_AMI_PORT' });
  }
  return listeners;
}

/** Every extension the gateway may `continue` a call to. */
function handOverPoints(fallback: Config['fallback']): HandOverPoint[] {
  return [
    { context: fallback.context, exten: fallback.queueExten, purpose: 'agent queue' },
    { context: fallback.context, exten: fallback.menuExten, purpose: 'dialplan menu' },
    ...EMERGENCY_SERVICES.map((service) => ({ context: EMERGENCY_FALLBACK_CONTEXT, exten: service, purpose: `emergency ${service} when every route failed` })),
  ];
}
