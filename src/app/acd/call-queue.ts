// The gateway's side of the shared call queue: admits the callers the IVR hands over, keeps them in this gateway's
// holding bridge, rings the agents the shared store offers for them, and routes every telephony event of those
// calls (the caller's and the agent legs') to the call it belongs to. Several gateways run one each against the
// same store; each rings agents only for the callers it holds, and a restarted gateway takes its callers back.

import { callbackDialString } from '../../domain/acd/callback-dial.js';
import type { Digit, Lang } from '../../domain/flow/types.js';
import type { QueueCallerOutcome, QueueCallerSettings } from '../../domain/acd/caller-protocol.js';
import type { Log } from '../app-ports.js';
import type { CaseDesk } from '../case-desk.js';
import type { Clock, Telephony, TimerHandle } from '../ports.js';
import type { AcdChange, AcdStore, Offer, QueuePosition, QueueStats } from './acd-store.js';
import type { CallRecords } from './call-records.js';
import type { CallbackJob, CallbackJobs } from './callback-jobs.js';
import { CallerRunner } from './caller-runner.js';
import type { CallerPosition } from './caller-runner.js';
import { QueuedCall } from './queued-call.js';
import type { CallRoute } from './queued-call.js';
import type { GatewayCommand } from './gateway-commands.js';
import type { CallbackAttempt } from './queued-call.js';

/** What the IVR knows of a caller it hands to the queue. */
export interface QueueRequest {
  readonly callId: string;
  readonly caller: string;
  readonly lang: Lang;
  /** The flow's queue skill (`complaint`, `consultation`, ...). */
  readonly queueSkill: string;
  /** The IVR's category, when the caller chose one: routed on instead of the queue skill. */
  readonly category: string | null;
  readonly priority: number;
  readonly ivrPath: readonly string[];
  /** The caller's own open case (a repeat caller): served a step sooner. */
  readonly openTicket: string | null;
}

/** The survey's rating goes to the call's work order. */
export interface CallRatings {
  /** Stores the rating of the call (on its work order once filed); false when it could not be stored. Never rejects. */
  rate(callId: string, score: number): Promise<boolean>;
}

export interface CallQueueMetrics {
  queueOutcome(outcome: QueueCallerOutcome): void;
  /** The shared queue's figures, read on every tick (what /metrics and the supervisor view show). */
  queueFigures(stats: QueueStats): void;
}

export interface CallQueueDeps {
  readonly store: AcdStore;
  readonly records: CallRecords;
  readonly telephony: Telephony;
  readonly clock: Clock;
  readonly log: Log;
  readonly gatewayId: string;
  readonly mohClass: string;
  readonly ringTimeoutMs: number;
  readonly wrapUpMs: number;
  readonly record: boolean;
  readonly caller: QueueCallerSettings;
  /** Voice messages left from the queue become work orders like the IVR's. */
  readonly desk: CaseDesk;
  readonly ratings: CallRatings;
  readonly estimateWait: (position: QueuePosition) => number | null;
  readonly metrics?: CallQueueMetrics;
  /** How often the store's timed work (widening, lapsed offers, ended wrap-ups, heartbeats) runs here. */
  readonly tickMs?: number;
  /** Wrap-ups that ran out: the agent never filed the work order, so the gateway files what it knows. */
  readonly wrapUpsEnded?: (ended: readonly { readonly agentId: string; readonly callId: string }[]) => void;
  readonly callLog: (channelId: string, caller: string) => Log;
  /** Call-backs; without them the caller is never offered one (`caller.callback` is then ignored). */
  readonly callbacks?: CallbackSettings;
}

export interface CallbackSettings {
  readonly jobs: CallbackJobs;
  /** Dial-string template of the caller's number (`PJSIP/{number}@carrier`), checked at start. */
  readonly dialTemplate: string;
  /** The number the called-back caller sees. */
  readonly callerId: string;
  /** How long the caller's phone rings before the attempt counts as unanswered. */
  readonly dialTimeoutMs: number;
}

/** A priority step up for a caller about an open case, so a repeat caller is not sent to the back. */
const REPEAT_CALLER_BOOST = 1;
const MAX_QUEUED_PRIORITY = 9;
const OFFERS_REMEMBERED = 4096;
const LEG_DESTROYED_GRACE_MS = 2000;

export class CallQueue {
  /** By call id; `channels` names the caller's channel of a call-back, whose call id names the first call. */
  private readonly calls = new Map<string, { call: QueuedCall; runner: CallerRunner }>();
  private readonly channels = new Map<string, string>();
  private readonly legs = new Map<string, QueuedCall>();
  private readonly playbacks = new Map<string, CallerRunner>();
  private readonly recordings = new Map<string, CallerRunner>();
  /** Offers already handed to a call: the store returns an offer to its maker and lists it for its owner too. */
  private readonly seenOffers = new Set<string>();
  /** Languages some logged-in agent speaks: a caller nobody here can serve goes to the dialplan queue. */
  private languages = new Set<string>();
  private tickTimer: TimerHandle | null = null;
  private holdBridgeReady: Promise<void> | null = null;
  private closed = false;
  readonly holdBridgeId: string;
  private readonly callerSettings: QueueCallerSettings;

  constructor(private readonly deps: CallQueueDeps) {
    // Bridge ids are Asterisk-wide: the gateway's name keeps two gateways on one Asterisk apart.
    this.holdBridgeId = `acd-hold-${deps.gatewayId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
    // A call-back nobody can dial is not offered.
    this.callerSettings = { ...deps.caller, callback: deps.caller.callback && deps.callbacks !== undefined };
  }

  /** The call whose caller's channel this is (a call-back under way answers for its new channel, not the first one). */
  private entryOf(channelId: string): { call: QueuedCall; runner: CallerRunner } | undefined {
    const entry = this.calls.get(this.channels.get(channelId) ?? channelId);
    return entry?.call.channelId === channelId ? entry : undefined;
  }

  /** Whether some agent logged in to the shared queue speaks `lang` (as last seen: refreshed on every change). */
  serves(lang: string): boolean {
    return this.languages.has(lang);
  }


  /** Starts the timed work; the composition root feeds the store's changes to `changed`. */
  async start(): Promise<void> {
    await this.refreshLanguages();
    await this.tick();
  }

  /**
   * Queues the caller; false when no logged-in agent speaks their language or the queue cannot take them (the
   * dialplan's queue takes them then). Throws nothing.
   */
  async admit(request: QueueRequest): Promise<boolean> {
    if (this.closed || !this.languages.has(request.lang)) return false;
    const now = this.deps.clock.now();
    const log = this.deps.callLog(request.callId, request.caller);
    const priority = Math.min(MAX_QUEUED_PRIORITY, request.priority + (request.openTicket === null ? 0 : REPEAT_CALLER_BOOST));
    const skill = request.category ?? request.queueSkill;
    // Registered before the store can offer it, so an offer another gateway makes at once finds the call here.
    const entry = this.track(request.callId, request.caller, { gateway: this.deps.gatewayId, skill, lang: request.lang, enqueuedAt: now }, log);
    let offer: Offer | null;
    try {
      await this.deps.records.open({
        callId: request.callId,
        gateway: this.deps.gatewayId,
        caller: request.caller,
        lang: request.lang,
        queueSkill: request.queueSkill,
        category: request.category,
        ivrPath: request.ivrPath,
        enqueuedAt: now,
        ...(request.openTicket === null ? {} : { earlierTicket: request.openTicket }),
      });
      await this.ensureHoldBridge();
      offer = await this.deps.store.enqueue(
        { callId: request.callId, gateway: this.deps.gatewayId, skill, lang: request.lang, priority, enqueuedAt: now },
        now,
      );
    } catch (err) {
      this.calls.delete(request.callId);
      log.error({ err }, 'the queue cannot take the caller');
      return false;
    }
    log.info({ skill, priority }, 'caller queued for an agent');
    void entry.call.attach(entry.runner);
    if (offer !== null) this.dispatch(offer);
    return true;
  }

  owns(channelId: string): boolean {
    return this.entryOf(channelId) !== undefined || this.legs.has(channelId);
  }

  /**
   * An agent's leg left the application (StasisEnd). Its ChannelDestroyed, with the cause, follows; should it not
   * come (a lost event), the leg is taken as hung up normally after a moment. False when it is not an agent leg.
   */
  legLeftApplication(channelId: string): boolean {
    const call = this.legs.get(channelId);
    if (call === undefined) return false;
    this.deps.clock.setTimer(LEG_DESTROYED_GRACE_MS, () => {
      if (this.legs.get(channelId) === call) call.legGone(channelId, undefined);
    });
    return true;
  }

  roleOf(channelId: string): { role: 'queue' } | { role: 'queueLeg'; connected: boolean } | null {
    if (this.entryOf(channelId) !== undefined && !this.legs.has(channelId)) return { role: 'queue' };
    const leg = this.legs.get(channelId);
    return leg === undefined ? null : { role: 'queueLeg', connected: leg.currentPhase === 'connected' };
  }

  // ------------------------------------------------------------------ telephony events (true: it was ours)

  channelGone(channelId: string, cause: number | undefined): boolean {
    const leg = this.legs.get(channelId);
    if (leg !== undefined) {
      leg.legGone(channelId, cause);
      return true;
    }
    const entry = this.entryOf(channelId);
    if (entry === undefined) return false;
    entry.call.callerGone();
    return true;
  }

  dial(peerChannelId: string, status: string): boolean {
    const leg = this.legs.get(peerChannelId);
    if (leg === undefined) return false;
    leg.dialStatus(peerChannelId, status);
    return true;
  }

  dtmf(channelId: string, digit: Digit): boolean {
    const entry = this.entryOf(channelId);
    if (entry === undefined) return false;
    void entry.runner.digit(digit);
    return true;
  }

  playbackFinished(playbackId: string): boolean {
    const runner = this.playbacks.get(playbackId);
    if (runner === undefined) return false;
    void runner.playbackFinished(playbackId);
    return true;
  }

  recordingFinished(name: string, ok: boolean, durationMs: number): boolean {
    const runner = this.recordings.get(name);
    if (runner === undefined) return false;
    void runner.recordingFinished(name, ok, durationMs);
    return true;
  }

  /**
   * After a (re)connect, Asterisk's channels of this application are the truth. Calls of this gateway in the shared
   * store whose caller is gone leave the queue (an agent they were talking to goes to wrap-up); callers still there
   * that this process does not hold (it restarted) are taken back: waiting ones wait again with their place kept,
   * connected ones are watched until they end.
   */
  async reconcile(present: ReadonlySet<string>): Promise<void> {
    const { store, telephony, records, clock, log } = this.deps;
    let owned;
    try {
      owned = await store.callsOf(this.deps.gatewayId);
    } catch (err) {
      log.warn({ err }, 'could not read this gateway\'s queued calls: they are reconciled at the next reconnect');
      return;
    }
    const alive = async (id: string): Promise<boolean> => present.has(id) || (await telephony.inApplication(id).catch(() => false));
    for (const held of owned) {
      const here = this.calls.get(held.callId);
      if (held.callback !== null && held.callbackLeg === null) {
        // A call-back with nobody on the line: nothing to reconcile but a place in the queue, which it keeps.
        if (here === undefined && (held.phase === 'waiting' || held.phase === 'parked')) await this.requeueCallback(held);
        continue;
      }
      const channel = held.callbackLeg ?? held.callId;
      const callerAlive = await alive(channel);
      if (here !== undefined) {
        if (!callerAlive) here.call.callerGone();
        continue;
      }
      const now = clock.now();
      const record = await records.get(held.callId).catch(() => null);
      const leg = record?.agentLeg;
      const legAlive = leg !== undefined && (await alive(leg));
      try {
        if (held.callback !== null && held.phase === 'ringing' && held.agentId !== null) {
          // Dialing the caller back, or their agent ringing, when this gateway stopped: the attempt is lost, and
          // counted as one; the store tries again later.
          if (legAlive) await telephony.hangup(leg);
          if (callerAlive) await telephony.hangup(channel);
          await store.callbackFailed(held.agentId, held.callId, now);
          continue;
        }
        if (held.phase === 'onCall' && held.agentId !== null) {
          if (callerAlive && legAlive) {
            const entry = this.track(held.callId, record?.caller ?? '', this.routeOf(held), this.deps.callLog(held.callId, record?.caller ?? ''), channel);
            entry.call.adoptConnected(leg, held.agentId, { ...held, agentId: held.agentId, endpoint: '', offeredAt: now, expiresAt: now, callback: null });
            log.info({ callId: held.callId, agentId: held.agentId }, 'took back a connected agent call after a restart');
            continue;
          }
          if (legAlive) await telephony.hangup(leg);
          await records.update(held.callId, { endedAt: now });
          if (!callerAlive) {
            await store.callEnded(held.agentId, held.callId, this.deps.wrapUpMs, now);
            continue;
          }
          await store.agentLost(held.agentId, held.callId, 'agent line dropped', now);
        } else if (held.phase === 'offered' && held.agentId !== null && callerAlive) {
          // Reserved for an agent whose phone was never rung (no leg is made before `ringing`): the offer came while
          // this gateway was down or restarting, and went to a process that no longer holds the call. Ring the agent
          // now; pausing them would blame the agent for the gateway's restart.
          const agent = await store.agent(held.agentId);
          const entry = this.track(held.callId, record?.caller ?? '', this.routeOf(held), this.deps.callLog(held.callId, record?.caller ?? ''), channel);
          await this.ensureHoldBridge();
          void entry.call.attach(entry.runner);
          log.info({ callId: held.callId, agentId: held.agentId }, 'took back a caller reserved for an agent after a restart');
          if (agent?.callId === held.callId) {
            this.dispatch({ callId: held.callId, gateway: held.gateway, agentId: agent.id, endpoint: agent.endpoint, offeredAt: now, expiresAt: now, enqueuedAt: held.enqueuedAt, callback: null });
          }
          continue;
        } else if ((held.phase === 'offered' || held.phase === 'ringing') && held.agentId !== null) {
          if (legAlive) await telephony.hangup(leg);
          if (!callerAlive) {
            await store.leave(held.callId, 'gone', now);
            continue;
          }
          await store.agentLost(held.agentId, held.callId, 'gateway restarted while ringing', now);
        } else if (!callerAlive) {
          await store.leave(held.callId, 'gone', now);
          continue;
        }
        const caller = record?.caller ?? '';
        const entry = this.track(held.callId, caller, this.routeOf(held), this.deps.callLog(held.callId, caller), channel);
        await this.ensureHoldBridge();
        // Idempotent: the call keeps its place (and its original time in the queue).
        const offer = await store.enqueue({ callId: held.callId, gateway: this.deps.gatewayId, skill: held.skill, lang: held.lang, priority: held.priority, enqueuedAt: held.enqueuedAt }, now);
        void entry.call.attach(entry.runner);
        log.info({ callId: held.callId, phase: held.phase }, 'took back a waiting caller after a restart');
        if (offer !== null) this.dispatch(offer);
      } catch (err) {
        log.error({ err, callId: held.callId }, 'could not take back a queued call');
      }
    }
  }

  /** After a (re)connect: the holding bridge may be gone with an Asterisk restart. */
  linkUp(): void {
    this.holdBridgeReady = null;
  }

  /** Pulls the offers listed for this gateway's callers (after a nudge, and on every tick in case one was missed). */
  async pullOffers(): Promise<void> {
    const offers = await this.deps.store.takeOffers(this.deps.gatewayId, this.deps.clock.now());
    for (const offer of offers) this.dispatch(offer);
  }

  /** Stops the timed work. Callers waiting stay in the holding bridge for this gateway's next start to take back. */
  close(): void {
    this.closed = true;
    this.tickTimer?.cancel();
    this.tickTimer = null;
  }

  // ------------------------------------------------------------------ internals

  private track(callId: string, caller: string, route: CallRoute, log: Log, channelId = callId, calledBack = false): { call: QueuedCall; runner: CallerRunner } {
    const { deps } = this;
    const lang = route.lang as Lang;
    const call = new QueuedCall(callId, route, {
      channelId,
      callerNumber: caller,
      telephony: deps.telephony,
      store: deps.store,
      records: deps.records,
      clock: deps.clock,
      log,
      holdBridgeId: this.holdBridgeId,
      ringTimeoutMs: deps.ringTimeoutMs,
      wrapUpMs: deps.wrapUpMs,
      record: deps.record,
      trackLeg: (legId, owner) => (owner === null ? this.legs.delete(legId) : this.legs.set(legId, owner)),
      dispatch: (offer) => this.dispatch(offer),
      onDone: (done) => this.forget(done),
    });
    const runner = new CallerRunner(
      { callId, lang, callerNumber: caller, recorded: deps.record, channelId, calledBack },
      {
        settings: this.callerSettings,
        telephony: deps.telephony,
        clock: deps.clock,
        log,
        services: {
          position: () => this.position(callId),
          // The machine offers call-backs only when they can be dialed (callerSettings.callback).
          bookCallback: (number) =>
            call.bookCallback(number).catch((err: unknown) => {
              log.error({ err }, 'could not book the call-back');
              return false;
            }),
          submitVoiceMessage: async (recording, messageLang) => {
            const record = await deps.records.get(callId).catch(() => null);
            return deps.desk.submitVoiceMessage({
              callId,
              caller,
              recording,
              kind: 'help',
              category: record?.category ?? null,
              lang: messageLang,
              private: false,
            });
          },
          rate: (score) => deps.ratings.rate(callId, score),
          leaveQueue: async (reason) => {
            call.left();
            // A booked call-back keeps the caller's place: the store has it, off the line.
            if (reason !== 'callback') await deps.store.leave(callId, reason, deps.clock.now());
          },
          hold: () => call.hold(),
          unhold: () => call.unhold(),
        },
        track: (kind, id, owner) => {
          const map = kind === 'playback' ? this.playbacks : this.recordings;
          if (owner === null) map.delete(id);
          else map.set(id, owner);
        },
        onDone: (outcome) => {
          deps.metrics?.queueOutcome(outcome);
          call.finished();
        },
      },
    );
    const entry = { call, runner };
    this.calls.set(callId, entry);
    if (channelId !== callId) this.channels.set(channelId, callId);
    return entry;
  }

  /** A call done with; a call-back of the same call may already be under way with its own entry. */
  private forget(done: QueuedCall): void {
    if (this.calls.get(done.callId)?.call === done) this.calls.delete(done.callId);
    if (done.channelId !== done.callId) this.channels.delete(done.channelId);
  }

  private async position(callId: string): Promise<CallerPosition> {
    try {
      const found = await this.deps.store.position(callId, this.deps.clock.now());
      if (found === null) return { position: null, waiting: 0, estimatedWaitMs: null };
      return { position: found.position, waiting: found.waiting, estimatedWaitMs: this.deps.estimateWait(found) };
    } catch (err) {
      this.deps.log.warn({ err }, 'queue position unavailable');
      return { position: null, waiting: 0, estimatedWaitMs: null };
    }
  }

  /** An offer for one of this gateway's callers (made by an operation here, or taken from the store). */
  dispatch(offer: Offer): void {
    if (offer.gateway !== this.deps.gatewayId) return; // its own gateway is nudged by the store
    const key = `${offer.callId}|${offer.agentId}|${offer.offeredAt}`;
    if (this.seenOffers.has(key)) return;
    this.seenOffers.add(key);
    if (this.seenOffers.size > OFFERS_REMEMBERED) this.seenOffers.delete(this.seenOffers.values().next().value as string);
    if (offer.callback !== null) {
      void this.scheduleCallback(offer, offer.callback.number);
      return;
    }
    const entry = this.calls.get(offer.callId);
    if (entry === undefined) {
      this.deps.log.warn({ callId: offer.callId, agentId: offer.agentId }, 'offer for a caller this gateway does not hold: it will lapse');
      return;
    }
    entry.call.offer(offer);
  }

  /** An agent's hang-up or transfer, sent here because this gateway holds the caller. */
  command(command: GatewayCommand): void {
    const entry = this.calls.get(command.callId);
    if (entry === undefined || entry.call.agentId !== command.agentId) {
      this.deps.log.warn({ callId: command.callId, agentId: command.agentId, type: command.type }, 'command for a call this agent is not on here: ignored');
      return;
    }
    if (command.type === 'hangup') entry.call.hangupAgent(command.agentId);
    else entry.call.transfer(command.agentId, command.skill);
  }

  private routeOf(held: { readonly skill: string; readonly lang: string; readonly enqueuedAt: number }): CallRoute {
    return { gateway: this.deps.gatewayId, skill: held.skill, lang: held.lang, enqueuedAt: held.enqueuedAt };
  }

  /**
   * A booked call-back's turn came (an agent is reserved for it): a job dials the caller, on whichever gateway
   * runs it. If the job cannot be added the reservation lapses and the call is offered again.
   */
  private async scheduleCallback(offer: Offer, number: string): Promise<void> {
    const { deps } = this;
    const log = deps.log.child({ callId: offer.callId, agentId: offer.agentId });
    if (deps.callbacks === undefined) {
      // Booked while call-backs were on, before a restart without them: the store gives it up after its attempts.
      log.error({}, 'a booked call-back came up but this gateway cannot dial call-backs (ACD_CALLBACK_DIAL unset)');
      await deps.store.callbackFailed(offer.agentId, offer.callId, deps.clock.now()).catch((err: unknown) => log.warn({ err }, 'could not give the call-back up'));
      return;
    }
    try {
      const record = await deps.records.get(offer.callId);
      await deps.callbacks.jobs.add({
        callId: offer.callId,
        number,
        agentId: offer.agentId,
        endpoint: offer.endpoint,
        lang: record?.lang ?? 'zh',
        offeredAt: offer.offeredAt,
        enqueuedAt: offer.enqueuedAt,
      });
      log.info({}, 'call-back due: dialing job added');
    } catch (err) {
      log.warn({ err }, 'could not add the call-back job: the reservation lapses and the call-back is offered again');
    }
  }

  /**
   * Runs one call-back job here: dials the caller for the agent reserved for them, unless that offer no longer
   * stands. Resolves when the attempt is decided (the caller answered, or not); never rejects.
   */
  async serveCallback(job: CallbackJob): Promise<CallbackAttempt> {
    const { deps } = this;
    const callbacks = deps.callbacks;
    const log = deps.callLog(job.callId, job.number);
    const legId = `${job.callId}-cb-${job.offeredAt}`;
    const endpoint = callbacks === undefined ? null : callbackDialString(callbacks.dialTemplate, job.number);
    try {
      if (callbacks === undefined || endpoint === null || this.closed) {
        log.error({ dialable: endpoint !== null }, 'cannot dial this call-back here: given up for this attempt');
        const result = await deps.store.callbackFailed(job.agentId, job.callId, deps.clock.now());
        return result.agent.ok ? 'unanswered' : 'stale';
      }
      const dialing = await deps.store.dialingCallback(job.agentId, job.callId, job.offeredAt, deps.gatewayId, legId, deps.clock.now());
      if (!dialing.ok) {
        log.info({ code: dialing.code }, 'call-back offer no longer stands: nobody dialed');
        return 'stale';
      }
      await this.ensureHoldBridge();
      // The route a transfer would change: the skill the call was queued for, from its record.
      const record = await deps.records.get(job.callId).catch(() => null);
      const route = { gateway: deps.gatewayId, skill: record?.category ?? record?.queueSkill ?? 'general', lang: job.lang, enqueuedAt: job.enqueuedAt };
      const entry = this.track(job.callId, job.number, route, log, legId, true);
      const offer: Offer = {
        callId: job.callId,
        gateway: deps.gatewayId,
        agentId: job.agentId,
        endpoint: job.endpoint,
        offeredAt: job.offeredAt,
        expiresAt: job.offeredAt,
        enqueuedAt: job.enqueuedAt,
        callback: null,
      };
      return await entry.call.callBack(offer, job.number, { legId, endpoint, callerId: callbacks.callerId, timeoutMs: callbacks.dialTimeoutMs, intro: () => entry.runner.intro() }, entry.runner);
    } catch (err) {
      log.error({ err }, 'call-back attempt failed');
      return 'unanswered';
    }
  }

  /** A call-back that keeps its place after a restart: enqueued again (idempotent), or taken back from parked. */
  private async requeueCallback(held: { callId: string; skill: string; lang: string; priority: number; enqueuedAt: number }): Promise<void> {
    const offer = await this.deps.store.enqueue({ ...held, gateway: this.deps.gatewayId }, this.deps.clock.now());
    if (offer !== null) this.dispatch(offer);
  }

  /** A change any gateway made to the shared queue. */
  changed(change: AcdChange): void {
    if (change.kind === 'offer') {
      if (change.gateway === this.deps.gatewayId) void this.pullOffers().catch((err: unknown) => this.deps.log.warn({ err }, 'could not take offers'));
      return;
    }
    if (change.kind === 'agent') {
      if (change.state === 'offline' || change.state === 'paused') {
        // Each call checks whether the agent is theirs (ringing, talking, or waiting for a call-back being dialed).
        if (change.state === 'offline') for (const { call } of this.calls.values()) call.agentLeft(change.agentId);
      }
      void this.refreshLanguages();
    }
  }

  private async refreshLanguages(): Promise<void> {
    try {
      const agents = await this.deps.store.agents();
      this.languages = new Set(agents.filter((a) => a.state !== 'offline').flatMap((a) => a.skills.map((s) => s.name)));
    } catch (err) {
      this.deps.log.warn({ err }, 'could not read the agents logged in');
    }
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    const now = this.deps.clock.now();
    try {
      await this.deps.store.heartbeat(this.deps.gatewayId, (this.deps.tickMs ?? 1000) * 10, now);
      const result = await this.deps.store.tick(now);
      for (const offer of result.offers) this.dispatch(offer);
      for (const lapsed of result.lapsed) this.deps.log.warn({ callId: lapsed.callId, agentId: lapsed.agentId }, 'offer lapsed: caller back at the head');
      if (result.wrapUpsEnded.length > 0) this.deps.wrapUpsEnded?.(result.wrapUpsEnded);
      await this.pullOffers();
      this.deps.metrics?.queueFigures(await this.deps.store.stats(now));
    } catch (err) {
      this.deps.log.warn({ err }, 'queue tick failed');
    }
    if (!this.closed) this.tickTimer = this.deps.clock.setTimer(this.deps.tickMs ?? 1000, () => void this.tick());
  }

  private ensureHoldBridge(): Promise<void> {
    this.holdBridgeReady ??= (async () => {
      try {
        await this.deps.telephony.createBridge(this.holdBridgeId, 'holding');
      } catch (err) {
        // Created by this gateway before a restart: Asterisk kept it, and its music.
        if (!/already exists/i.test(String((err as Error).message))) throw err;
      }
      await this.deps.telephony.startBridgeMoh(this.holdBridgeId, this.deps.mohClass);
    })().catch((err: unknown) => {
      this.holdBridgeReady = null;
      throw err;
    });
    return this.holdBridgeReady;
  }
}
