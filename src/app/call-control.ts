// The call-control service: every telephony event lands here and is routed to the call it belongs to.
// It starts an IVR session per inbound call, hands emergencies to an EmergencySession, hands queue choices
// to the dialplan queue fallback, reconciles after a lost link and drains on shutdown.

import type { ContactAttachment } from './identity/profile-ports.js';
import type { CaseDesk } from './case-desk.js';
import type { CallerScreen } from './limits/phone-fair-use.js';
import { EMERGENCY_ANNOUNCEMENT } from '../domain/flow/check-flow.js';
import type { EmergencyService, Flow, Lang } from '../domain/flow/types.js';
import type { CallMetrics, Log } from './app-ports.js';
import type { CallEvents, InboundChannel } from './call-events.js';
import type { DeviceStateLookup } from './device-watch.js';
import { handOverState } from './dialplan-handover.js';
import type { DialplanDirectory } from './dialplan-handover.js';
import { EmergencySession } from './emergency-session.js';
import type { EmergencyAnnouncement, EmergencyRoutes } from './emergency-session.js';
import { IvrSession } from './ivr-session.js';
import type { SessionEnd } from './ivr-session.js';
import type { Clock, Telephony, TimerHandle } from './ports.js';
import type { CallRole } from './stranded-call-rescuer.js';
import type { CallQueue } from './acd/call-queue.js';

const ORPHAN_GRACE_MS = 1000;

export interface DialplanFallback {
  /** Context holding the gateway's fallback extensions (`ivr-fallback` in asterisk-config). */
  readonly context: string;
  /** Extension that queues a caller, reading HOTLINE_SKILL and HOTLINE_PRIORITY. */
  readonly queueExten: string;
  /** Extension with the static menu, for calls whose IVR state was lost. */
  readonly menuExten: string;
  /** Context with one extension per emergency number, used when every route failed. */
  readonly emergencyContext: string;
}

export interface CallControlDeps {
  readonly flow: Flow;
  readonly telephony: Telephony;
  readonly clock: Clock;
  readonly metrics: CallMetrics;
  readonly log: Log;
  readonly emergencyRoutes: Readonly<Record<EmergencyService, EmergencyRoutes>>;
  /** Device states Asterisk reports; each emergency forward orders its routes by them as it starts. */
  readonly devices: DeviceStateLookup;
  readonly fallback: DialplanFallback;
  /** Asks Asterisk whether a hand-over extension exists; without it every hand-over is tried blindly. */
  readonly dialplan?: DialplanDirectory;
  /** Intake, for voice messages and case-status lookups in the IVR. */
  readonly desk: CaseDesk;
  /** Calls per number (the flow's fairUse node). */
  readonly screen: CallerScreen;
  /** Time held in the IVR without progress before the flow's `onIdle` (0: none). */
  readonly idleLimitMs: number;
  /** Citizen profiles: every call that reaches the IVR is one of the caller's contacts (never waits, never throws). */
  readonly contacts?: Pick<ContactAttachment, 'attachCall'>;
  /** The gateway's own agent queue; without it (ACD=off) queue choices continue in the dialplan (app_queue). */
  readonly queue?: CallQueue;
  /** Makes a per-call logger (the composition root masks the caller's number). */
  readonly callLog: (channelId: string, caller: string) => Log;
}

export class CallControl implements CallEvents {
  private readonly ivr = new Map<string, IvrSession>();
  private readonly emergencies = new Map<string, EmergencySession>();
  private readonly playbacks = new Map<string, IvrSession | EmergencySession>();
  private readonly recordings = new Map<string, IvrSession>();
  private readonly peers = new Map<string, EmergencySession>();
  private draining = false;

  private readonly announcement: EmergencyAnnouncement;

  constructor(private readonly deps: CallControlDeps) {
    // A valid flow with emergency nodes has both prompts (the flow checker requires them).
    const audio = (id: string): string => deps.flow.prompts[id]?.audio ?? id;
    this.announcement = { before: audio(EMERGENCY_ANNOUNCEMENT.before), after: audio(EMERGENCY_ANNOUNCEMENT.after) };
  }

  /** Calls the IVR holds right now. */
  get activeIvrCalls(): number {
    return this.ivr.size;
  }

  get activeEmergencies(): number {
    return this.emergencies.size;
  }

  /** What the gateway is doing with a channel, for the AMI fail-safe. */
  roleOf(channelId: string): CallRole {
    if (this.ivr.has(channelId)) return { role: 'ivr' };
    const emergency = this.emergencies.get(channelId);
    if (emergency !== undefined) return { role: 'emergency', service: emergency.service, connected: emergency.connected };
    const leg = this.peers.get(channelId);
    if (leg !== undefined) return { role: 'emergencyLeg', connected: leg.connected };
    const queued = this.deps.queue?.roleOf(channelId);
    if (queued !== undefined && queued !== null) return queued;
    return { role: 'unknown' };
  }

  stasisStart(channel: InboundChannel): void {
    if (this.peers.has(channel.id)) return; // one of our own outbound legs entering the app
    if (this.deps.queue?.owns(channel.id) === true) return; // an agent leg, or a queued caller seen again
    if (this.ivr.has(channel.id) || this.emergencies.has(channel.id)) return;
    const log = this.deps.callLog(channel.id, channel.callerNumber);
    if (this.draining) {
      log.info({}, 'gateway draining: new call goes to the dialplan menu');
      void this.toDialplan(channel.id, this.deps.fallback.menuExten, 'draining', log);
      return;
    }
    const session = new IvrSession(channel.id, channel.callerNumber, {
      flow: this.deps.flow,
      telephony: this.deps.telephony,
      clock: this.deps.clock,
      metrics: this.deps.metrics,
      log,
      desk: this.deps.desk,
      screen: this.deps.screen,
      idleLimitMs: this.deps.idleLimitMs,
      onFinished: (s, outcome) => this.ivrFinished(s, outcome, log),
      track: (kind, id, s) => this.track(kind === 'playback' ? this.playbacks : this.recordings, id, s),
    });
    this.ivr.set(channel.id, session);
    this.deps.metrics.callStarted();
    this.deps.contacts?.attachCall({ callId: channel.id, callerId: channel.callerNumber, atMs: this.deps.clock.now() });
    log.info({ channel: channel.name }, 'call entered the IVR');
    void session.start();
  }

  stasisEnd(channelId: string): void {
    // An agent's leg is judged by how it ended (its ChannelDestroyed cause: hung up, or the line dropped), which
    // StasisEnd, coming first, does not carry.
    if (this.deps.queue?.legLeftApplication(channelId) === true) return;
    this.channelGone(channelId);
  }

  channelGone(channelId: string, cause?: number): void {
    if (this.deps.queue?.channelGone(channelId, cause) === true) return;
    const peerOf = this.peers.get(channelId);
    if (peerOf !== undefined) peerOf.legGone(channelId);
    const emergency = this.emergencies.get(channelId);
    if (emergency !== undefined) emergency.callerGone();
    void this.ivr.get(channelId)?.hungUp();
  }

  dtmf(channelId: string, digit: Parameters<IvrSession['digit']>[0]): void {
    if (this.deps.queue?.dtmf(channelId, digit) === true) return;
    void this.ivr.get(channelId)?.digit(digit);
  }

  playbackFinished(playbackId: string, ok: boolean): void {
    if (this.deps.queue?.playbackFinished(playbackId) === true) return;
    const owner = this.playbacks.get(playbackId);
    if (owner instanceof IvrSession) void owner.playbackFinished(playbackId, ok);
    else owner?.playbackFinished(playbackId);
  }

  recordingFinished(name: string, ok: boolean, durationMs: number): void {
    if (this.deps.queue?.recordingFinished(name, ok, durationMs) === true) return;
    void this.recordings.get(name)?.recordingFinished(name, ok, durationMs);
  }

  dial(peerChannelId: string, status: string): void {
    if (this.deps.queue?.dial(peerChannelId, status) === true) return;
    this.peers.get(peerChannelId)?.dialStatus(peerChannelId, status);
  }

  linkDown(): void {
    this.deps.log.warn({ ivrCalls: this.ivr.size, emergencies: this.emergencies.size }, 'telephony link down');
  }

  /**
   * After a (re)connect, Asterisk's list of our channels is the truth: sessions whose channel is gone are
   * ended; channels we hold no state for (the gateway restarted, or the call arrived while we were away)
   * continue in the dialplan menu instead of sitting in silence; playbacks that ended unseen are replayed
   * as finished so no caller waits forever.
   */
  linkUp(channelIds: readonly string[]): void {
    this.deps.queue?.linkUp();
    void this.reconcile(new Set(channelIds)).catch((err: unknown) =>
      this.deps.log.error({ err }, 'reconciliation after reconnect failed'),
    );
  }

  private async reconcile(present: Set<string>): Promise<void> {
    // The list was taken a moment ago: a call that arrived since is not in it, so absence is confirmed
    // channel by channel before a session is ended.
    const gone = async (id: string): Promise<boolean> => !present.has(id) && !(await this.deps.telephony.inApplication(id));
    for (const [id, session] of [...this.ivr]) {
      if (await gone(id)) {
        await session.hungUp();
        continue;
      }
      for (const { id: playbackId } of session.outstandingPlaybacks()) {
        if (!(await this.deps.telephony.playbackExists(playbackId))) await session.playbackFinished(playbackId, true);
      }
    }
    for (const [id, emergency] of [...this.emergencies]) {
      if (await gone(id)) emergency.callerGone();
    }
    // Callers the queue held before a restart are taken back by it; what it does not claim is an orphan.
    if (this.deps.queue !== undefined) await this.deps.queue.reconcile(present);
    const unknown = (id: string): boolean =>
      !this.ivr.has(id) && !this.emergencies.has(id) && !this.peers.has(id) && this.deps.queue?.owns(id) !== true;
    let orphans = [...present].filter(unknown);
    if (orphans.length > 0) {
      // A call that arrived just before the list was taken may have its StasisStart still on the way:
      // give it a moment before treating it as orphaned.
      await new Promise<void>((resolve) => this.deps.clock.setTimer(ORPHAN_GRACE_MS, resolve));
      orphans = orphans.filter(unknown);
    }
    for (const id of orphans) {
      const log = this.deps.callLog(id, '');
      if (!(await this.deps.telephony.inApplication(id))) continue;
      log.warn({}, 'call in the application with no state here: continuing it in the dialplan menu');
      await this.toDialplan(id, this.deps.fallback.menuExten, 'state_lost', log);
    }
  }

  /**
   * Graceful shutdown: no new calls; each IVR call finishes the step it is in and continues in the
   * dialplan menu; emergency forwards still dialling are given until `deadline` to connect.
   */
  async drain(deadline: number): Promise<void> {
    this.draining = true;
    await Promise.all(
      [...this.ivr.values()].map(async (session) => {
        // A step waiting on Asterisk (a request that never returns) must not hold the shutdown past its grace.
        await this.withinDeadline(session.detach(), deadline);
        this.ivr.delete(session.channelId);
        this.deps.metrics.callEnded();
        await this.toDialplan(session.channelId, this.deps.fallback.menuExten, 'shutdown', this.deps.log);
      }),
    );
    while (this.deps.clock.now() < deadline && [...this.emergencies.values()].some((e) => !e.connected)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Waits for `work`, but not past `deadline`; its failure is the session's to log, not the shutdown's. */
  private withinDeadline(work: Promise<void>, deadline: number): Promise<void> {
    let timer: TimerHandle | null = null;
    const expired = new Promise<void>((resolve) => {
      timer = this.deps.clock.setTimer(Math.max(0, deadline - this.deps.clock.now()), resolve);
    });
    return Promise.race([work.catch(() => undefined), expired]).finally(() => (timer as TimerHandle | null)?.cancel());
  }

  private ivrFinished(session: IvrSession, outcome: SessionEnd, log: Log): void {
    this.ivr.delete(session.channelId);
    this.deps.metrics.callEnded();
    if (outcome.kind !== 'failed') this.deps.metrics.ivrOutcome(outcome.kind);
    switch (outcome.kind) {
      case 'emergency':
        this.startEmergency(session, outcome.service, log);
        return;
      case 'queue':
        void this.toQueue(session, outcome.skill, outcome.priority, log);
        return;
      case 'failed':
        void this.toDialplan(session.channelId, this.deps.fallback.menuExten, 'ivr_failed', log);
        return;
      case 'hangup':
      case 'callerHungUp':
        log.info({ outcome: outcome.kind }, 'call left the IVR');
        return;
    }
  }

  private startEmergency(session: IvrSession, service: EmergencyService, log: Log): void {
    const lang: Lang = session.snapshot?.language ?? this.deps.flow.defaultLanguage;
    log.warn({ service }, 'emergency: forwarding at once');
    const emergency = new EmergencySession(
      session.channelId,
      session.caller,
      service,
      lang,
      this.deps.emergencyRoutes[service],
      this.announcement,
      {
        telephony: this.deps.telephony,
        clock: this.deps.clock,
        metrics: this.deps.metrics,
        log,
        devices: this.deps.devices,
        fallbackContext: this.deps.fallback.emergencyContext,
        track: (kind, id, s) => this.track(kind === 'peer' ? this.peers : this.playbacks, id, s),
        onDone: (s) => this.emergencies.delete(s.callerChannelId),
      },
    );
    this.emergencies.set(session.channelId, emergency);
  }

  private async toQueue(session: IvrSession, skill: string, priority: number, log: Log): Promise<void> {
    const { telephony, queue } = this.deps;
    const snapshot = session.snapshot;
    if (queue !== undefined) {
      const admitted = await queue.admit({
        callId: session.channelId,
        caller: session.caller,
        lang: snapshot?.language ?? this.deps.flow.defaultLanguage,
        queueSkill: skill,
        category: snapshot?.variables['category'] ?? null,
        priority,
        ivrPath: snapshot?.path ?? [],
        openTicket: snapshot?.variables['openTicket'] ?? null,
      });
      if (admitted) return;
      log.info({ skill }, 'no agent of the gateway can take the caller: the dialplan queue serves them');
    }
    try {
      // app_queue in the dialplan serves the caller, with the skill choosing the queue and QUEUE_PRIO the place in it.
      const vars: Array<[string, string]> = [
        ['HOTLINE_SKILL', skill],
        ['HOTLINE_PRIORITY', String(priority)],
      ];
      const category = session.snapshot?.variables['category'];
      if (category !== undefined) vars.push(['HOTLINE_CATEGORY', category]);
      // Independent requests: in parallel, so the caller is not kept waiting one round trip per variable.
      await Promise.all(vars.map(([name, value]) => telephony.setVariable(session.channelId, name, value)));
      await this.toDialplan(session.channelId, this.deps.fallback.queueExten, 'queue', log);
    } catch (err) {
      log.error({ err }, 'could not hand the caller to the queue');
    }
  }

  private async toDialplan(channelId: string, exten: string, reason: string, log: Log): Promise<void> {
    try {
      const target = await this.handOverTarget(exten, reason, log);
      if (target === null) {
        // Continuing would only have Asterisk hang up, silently: do it here, where it is logged and counted.
        log.error({ exten, reason }, 'no dialplan hand-over point exists for this call: hanging up');
        await this.deps.telephony.hangup(channelId, 'congestion');
        return;
      }
      const result = await this.deps.telephony.continueInDialplan(channelId, this.deps.fallback.context, target, 1);
      if (result === 'ok') {
        this.deps.metrics.callHandedToDialplan(reason);
        log.info({ exten: target, reason }, 'call continues in the dialplan');
      }
    } catch (err) {
      log.error({ err, exten, reason }, 'could not continue the call in the dialplan');
    }
  }

  /**
   * The extension to hand the call to: `exten` if the dialplan has it (or cannot be asked), else the dialplan
   * menu (which queues for an agent itself), else none.
   */
  private async handOverTarget(exten: string, reason: string, log: Log): Promise<string | null> {
    const { context, menuExten } = this.deps.fallback;
    const candidates = exten === menuExten ? [exten] : [exten, menuExten];
    for (const candidate of candidates) {
      if ((await handOverState(this.deps.dialplan, context, candidate)) !== 'missing') {
        if (candidate !== exten) log.warn({ exten: candidate, instead: exten, reason }, 'handing the call to the dialplan menu instead');
        return candidate;
      }
      log.error(
        { context, exten: candidate, reason },
        `dialplan hand-over point ${context},${candidate},1 does not exist: Asterisk would hang up on the caller`,
      );
    }
    return null;
  }

  private track<S>(map: Map<string, S>, id: string, session: S | null): void {
    if (session === null) map.delete(id);
    else map.set(id, session);
  }
}
