// One caller in the gateway's call queue, from the moment the IVR hands them over until they leave: keeps them in
// the holding bridge, rings the agent the shared queue offers, joins both in a mixing bridge when the agent
// answers, and gives the call back to the head of the queue when the agent does not answer or drops. What the
// caller hears (announcements, options, the survey) is the caller machine's; this class is the agent side and the
// bookkeeping in the shared store. Every step runs one at a time per call, so events never interleave.
//
// A booked call-back is a QueuedCall too, made when its turn comes: it dials the caller on a new channel (the
// agent already reserved for it waits), plays them a short introduction once they answer, and from then on is an
// ordinary queued caller whose agent rings at once. Its call id stays the first call's (one call record, one work
// order); `channelId` names the caller's channel.

import type { Log } from '../app-ports.js';
import type { Clock, Telephony, TimerHandle } from '../ports.js';
import { HEAD_PRIORITY } from '../../domain/acd/types.js';
import type { AcdStore, Offer } from './acd-store.js';
import type { CallRecords } from './call-records.js';

/** What the agent side tells the caller machine. */
export interface CallerSide {
  start(): Promise<void>;
  agentRinging(): Promise<void>;
  agentAnswered(): Promise<void>;
  /** Back in the queue after the agent did not answer or dropped. */
  returned(): Promise<void>;
  /** The agent ended the call; the caller is still on the line. */
  agentHungUp(): Promise<void>;
  hungUp(): Promise<void>;
}

/** Where the call is routed: what a transfer changes and a return keeps. */
export interface CallRoute {
  readonly gateway: string;
  skill: string;
  readonly lang: string;
  readonly enqueuedAt: number;
}

export interface QueuedCallDeps {
  /** The caller's number, presented to the agent's phone. */
  readonly callerNumber: string;
  readonly telephony: Telephony;
  readonly store: AcdStore;
  readonly records: CallRecords;
  readonly clock: Clock;
  readonly log: Log;
  readonly holdBridgeId: string;
  readonly ringTimeoutMs: number;
  readonly wrapUpMs: number;
  readonly record: boolean;
  /** Registers the agent leg so its Dial and hang-up events reach this call. */
  readonly trackLeg: (legId: string, call: QueuedCall | null) => void;
  /** Offers the store made for other calls while handling this one (a released agent matched at once). */
  readonly dispatch: (offer: Offer) => void;
  readonly onDone: (call: QueuedCall) => void;
  /** The caller's channel, when it is not the call id (a call-back's new channel). */
  readonly channelId?: string;
}

/** How a call-back dials its caller. */
export interface CallbackDial {
  readonly legId: string;
  /** Dial string of the caller's number (`PJSIP/13911112222@carrier`). */
  readonly endpoint: string;
  /** Presented to the caller: the hotline's number. */
  readonly callerId: string;
  readonly timeoutMs: number;
  /** Plays the introduction to the caller who answered; resolves when it has played (or could not). */
  readonly intro: () => Promise<void>;
}

/**
 * `connected`: the caller answered and their agent rings; `unanswered`: they did not (or could not be dialed), the
 * store retries or gives up; `stale`: the offer no longer stood, nobody was dialed; `agentGone`: the agent left
 * while the caller was dialed, the call-back is booked again at the head of the queue.
 */
export type CallbackAttempt = 'connected' | 'unanswered' | 'stale' | 'agentGone';

/** `dialing` a call-back's caller; `intro` they answered and hear the introduction. */
export type QueuedPhase = 'dialing' | 'intro' | 'waiting' | 'ringing' | 'connected' | 'after' | 'gone';

/** Q.850 causes with which a phone ends a call on purpose; anything else while talking means the agent's line dropped. */
const NORMAL_CLEARING = new Set([16, 17, 31]);
// Beyond the Dial timeout Asterisk enforces itself: only if its Dial events never come.
const DIAL_GRACE_MS = 3000;

export class QueuedCall {
  private phase: QueuedPhase = 'waiting';
  private caller: CallerSide | null = null;
  private leg: { id: string; agentId: string; offer: Offer } | null = null;
  private legSeq = 0;
  private bridgeId: string | null = null;
  private inHold = false;
  private ringGuard: TimerHandle | null = null;
  private chain: Promise<void> = Promise.resolve();
  private callback: { dial: CallbackDial; offer: Offer; number: string; settle: (attempt: CallbackAttempt) => void } | null = null;
  readonly channelId: string;

  constructor(
    readonly callId: string,
    private readonly route: CallRoute,
    private readonly deps: QueuedCallDeps,
  ) {
    this.channelId = deps.channelId ?? callId;
  }

  get currentPhase(): QueuedPhase {
    return this.phase;
  }

  /** The agent whose leg this call is ringing or connected to. */
  get agentId(): string | null {
    return this.leg?.agentId ?? null;
  }

  /** Attaches the caller machine; it starts at once. */
  attach(caller: CallerSide): Promise<void> {
    this.caller = caller;
    return this.serial(() => caller.start());
  }

  // ------------------------------------------------------------------ what the caller machine asks for

  /** In the holding bridge: the bridge's music, and out of earshot of other callers. */
  async hold(): Promise<void> {
    if (this.inHold || this.phase === 'gone') return;
    this.inHold = true;
    await this.deps.telephony.addToBridge(this.deps.holdBridgeId, [this.channelId]);
  }

  /** Out of the holding bridge (to record a voice message, or to be joined to the agent). */
  async unhold(): Promise<void> {
    if (!this.inHold) return;
    this.inHold = false;
    await this.deps.telephony.removeFromBridge(this.deps.holdBridgeId, this.channelId);
  }

  /**
   * Takes back a call this gateway connected before it restarted: caller and agent still talk in the call's bridge.
   * No caller machine runs (there is no survey for it); when the agent leaves, the caller's call ends too.
   */
  adoptConnected(legId: string, agentId: string, offer: Offer): void {
    this.leg = { id: legId, agentId, offer };
    this.phase = 'connected';
    this.bridgeId = `acd-${this.callId}`;
    this.deps.trackLeg(legId, this);
  }

  // ------------------------------------------------------------------ what the queue and Asterisk report

  offer(offer: Offer): void {
    void this.serial(() => this.ring(offer));
  }

  dialStatus(legId: string, status: string): void {
    if (this.callback?.dial.legId === legId && this.phase === 'dialing') {
      if (status === 'ANSWER') void this.serial(() => this.calledBackAnswered(legId));
      else if (status !== '' && status !== 'RINGING' && status !== 'PROGRESS') void this.serial(() => this.callbackUnanswered(legId, status));
      return;
    }
    if (this.leg?.id !== legId) return;
    if (status === 'ANSWER') void this.serial(() => this.answered(legId));
    else if (status === 'NOANSWER' || status === 'BUSY') void this.serial(() => this.notAnswered(legId, 'no_answer'));
    else if (status !== '' && status !== 'RINGING' && status !== 'PROGRESS') void this.serial(() => this.notAnswered(legId, 'lost'));
  }

  legGone(legId: string, cause: number | undefined): void {
    if (this.callback?.dial.legId === legId && this.phase === 'dialing') {
      void this.serial(() => this.callbackUnanswered(legId, `hung up (${cause ?? 'no cause'})`));
      return;
    }
    if (this.leg?.id !== legId) return;
    void this.serial(async () => {
      if (this.leg?.id !== legId) return;
      if (this.phase === 'ringing') return this.notAnswered(legId, 'lost');
      if (this.phase !== 'connected') return;
      if (cause === undefined || NORMAL_CLEARING.has(cause)) return this.agentEnded();
      return this.agentDropped('agent line dropped');
    });
  }

  /** The agent logged out, or their phone became unreachable, while this call was theirs. */
  agentLeft(agentId: string): void {
    if ((this.phase === 'dialing' || this.phase === 'intro') && this.callback?.offer.agentId === agentId) {
      void this.serial(() => this.callbackAgentLeft());
      return;
    }
    if (this.leg?.agentId !== agentId) return;
    void this.serial(async () => {
      const leg = this.leg;
      if (leg?.agentId !== agentId) return;
      this.leg = null;
      this.deps.trackLeg(leg.id, null);
      this.clearRingGuard();
      await this.deps.telephony.hangup(leg.id);
      // The store has already put the call back at the head (logout does); bring the caller back to the queue.
      await this.backToQueue(false);
    });
  }

  /** The agent asked to end the call (from their desk rather than their phone): as if they had hung up. */
  hangupAgent(agentId: string): void {
    void this.serial(async () => {
      const leg = this.leg;
      if (leg?.agentId !== agentId || this.phase !== 'connected') return;
      // Asterisk reports no ChannelDestroyed for a channel the application hung up: the call ends here, as if the
      // agent had hung up their phone (the survey follows).
      await this.deps.telephony.hangup(leg.id);
      await this.agentEnded();
    });
  }

  /**
   * The agent hands the caller back to the queue, at its head, for `skill` (null: the same). The agent goes to
   * wrap-up; the agent who finishes the call files its work order.
   */
  transfer(agentId: string, skill: string | null): void {
    void this.serial(async () => {
      const leg = this.leg;
      if (leg?.agentId !== agentId || this.phase !== 'connected') return;
      this.leg = null;
      this.deps.trackLeg(leg.id, null);
      const now = this.deps.clock.now();
      await this.deps.telephony.hangup(leg.id);
      await this.destroyBridge();
      const ended = await this.deps.store.callEnded(agentId, this.callId, this.deps.wrapUpMs, now);
      if (ended.ok && ended.offer !== null) this.deps.dispatch(ended.offer);
      // No agent holds the call until the next one answers: a wrap-up running out files nothing for it.
      await this.deps.records.update(this.callId, { agentId: '' });
      if (skill !== null) this.route.skill = skill;
      this.phase = 'waiting';
      this.deps.log.info({ agentId, skill: this.route.skill }, 'agent transferred the caller back to the queue');
      await this.caller?.returned();
      const offer = await this.deps.store.enqueue(
        { callId: this.callId, gateway: this.route.gateway, skill: this.route.skill, lang: this.route.lang, priority: HEAD_PRIORITY, enqueuedAt: this.route.enqueuedAt },
        now,
      );
      if (offer !== null) this.deps.dispatch(offer);
    });
  }

  callerGone(): void {
    void this.serial(async () => {
      const before = this.phase;
      this.phase = 'gone';
      this.clearRingGuard();
      const leg = this.leg;
      this.leg = null;
      const now = this.deps.clock.now();
      if (leg !== null) {
        this.deps.trackLeg(leg.id, null);
        await this.deps.telephony.hangup(leg.id);
      }
      if (before === 'connected' && leg !== null) {
        await this.deps.records.update(this.callId, { endedAt: now });
        const ended = await this.deps.store.callEnded(leg.agentId, this.callId, this.deps.wrapUpMs, now);
        if (ended.ok && ended.offer !== null) this.deps.dispatch(ended.offer);
        // The agent left at the same moment (logged out): the store put the call back in the queue; take it out.
        if (!ended.ok) await this.deps.store.leave(this.callId, 'gone', now);
      } else if (before === 'waiting' || before === 'ringing' || before === 'intro') {
        // An answered call-back whose caller hangs up during the introduction releases the agent waiting for them.
        await this.deps.store.leave(this.callId, 'abandoned', now);
      }
      await this.destroyBridge();
      await this.caller?.hungUp();
      this.deps.onDone(this);
    });
  }

  /**
   * Books a call-back for the caller while they wait (the store refuses once an agent is offered the call). Booked,
   * the caller is no longer waiting on the line: hanging up afterwards is not abandoning. Never rejects.
   */
  bookCallback(number: string): Promise<boolean> {
    let booked = false;
    return this.serial(async () => {
      if (this.phase !== 'waiting') return;
      booked = await this.deps.store.bookCallback(this.callId, number, this.deps.clock.now());
      if (booked) {
        this.phase = 'after';
        this.deps.log.info({}, 'call-back booked: the caller keeps their place off the line');
      }
    }).then(() => booked);
  }

  /**
   * Dials the caller of a booked call-back for the agent `offer` reserved (the store has them waiting already:
   * `dialingCallback`). Resolves once the attempt is decided: the caller answered (then they hear the introduction
   * and their agent rings, as for any caller), or not.
   */
  callBack(offer: Offer, number: string, dial: CallbackDial, caller: CallerSide): Promise<CallbackAttempt> {
    return new Promise<CallbackAttempt>((resolve) => {
      void this.serial(async () => {
        if (this.phase !== 'waiting' || this.callback !== null) return resolve('stale');
        this.caller = caller;
        this.callback = { dial, offer, number, settle: resolve };
        this.phase = 'dialing';
        this.deps.trackLeg(dial.legId, this);
        this.deps.log.info({ agentId: offer.agentId }, 'calling the caller back');
        const created = await this.deps.telephony.createOutbound({ channelId: dial.legId, endpoint: dial.endpoint, callerId: dial.callerId });
        if (created === 'gone') return this.callbackUnanswered(dial.legId, 'could not be dialed');
        this.ringGuard = this.deps.clock.setTimer(dial.timeoutMs + DIAL_GRACE_MS, () => {
          this.ringGuard = null;
          void this.serial(() => this.callbackUnanswered(dial.legId, 'no dial result'));
        });
        const seconds = Math.max(1, Math.ceil(dial.timeoutMs / 1000));
        if ((await this.deps.telephony.dial(dial.legId, null, seconds)) === 'gone') return this.callbackUnanswered(dial.legId, 'could not be dialed');
      });
    });
  }

  /** The caller stopped waiting on the line (a call-back is booked, a voice message filed): no longer abandoned if they hang up. */
  left(): void {
    if (this.phase === 'waiting') this.phase = 'after';
  }

  /** The caller machine is done (served, voice message left, call-back booked): forget the call. */
  finished(): void {
    if (this.phase === 'gone') return;
    this.phase = 'gone';
    void this.destroyBridge();
    this.deps.onDone(this);
  }

  // ------------------------------------------------------------------ the agent side

  private async ring(offer: Offer): Promise<void> {
    if (this.phase !== 'waiting' || offer.callId !== this.callId) return;
    const now = this.deps.clock.now();
    const ringing = await this.deps.store.ringing(offer.agentId, this.callId, now);
    if (!ringing.ok) {
      this.deps.log.info({ agentId: offer.agentId, code: ringing.code }, 'offer no longer valid: not ringing the agent');
      return;
    }
    await this.ringAgent(offer, now);
  }

  /** The store has the agent ringing for this call: their phone rings now. */
  private async ringAgent(offer: Offer, now: number): Promise<void> {
    this.legSeq += 1;
    const legId = `${this.callId}-agent-${this.legSeq}`;
    this.leg = { id: legId, agentId: offer.agentId, offer };
    this.phase = 'ringing';
    this.deps.trackLeg(legId, this);
    this.deps.log.info({ agentId: offer.agentId, waitedMs: now - offer.enqueuedAt }, 'ringing agent');
    await this.caller?.agentRinging();
    await this.deps.records.update(this.callId, { agentLeg: legId, agentId: offer.agentId });
    const created = await this.deps.telephony.createOutbound({
      channelId: legId,
      endpoint: offer.endpoint,
      callerId: this.deps.callerNumber,
      originator: this.channelId,
    });
    if (created === 'gone') return this.notAnswered(legId, 'lost');
    const seconds = Math.max(1, Math.ceil(this.deps.ringTimeoutMs / 1000));
    this.ringGuard = this.deps.clock.setTimer(this.deps.ringTimeoutMs + DIAL_GRACE_MS, () => {
      this.ringGuard = null;
      void this.serial(() => this.notAnswered(legId, 'no_answer'));
    });
    if ((await this.deps.telephony.dial(legId, this.channelId, seconds)) === 'gone') return this.notAnswered(legId, 'lost');
  }

  private async answered(legId: string): Promise<void> {
    const leg = this.leg;
    if (leg?.id !== legId || this.phase !== 'ringing') return;
    this.clearRingGuard();
    const now = this.deps.clock.now();
    const result = await this.deps.store.answered(leg.agentId, this.callId, now);
    if (!result.ok) {
      // The agent was taken off this call meanwhile (logged out): their leg goes, the caller stays queued.
      this.deps.log.warn({ agentId: leg.agentId, code: result.code }, 'agent answered a call no longer theirs');
      this.leg = null;
      this.deps.trackLeg(legId, null);
      await this.deps.telephony.hangup(legId);
      return;
    }
    this.phase = 'connected';
    const bridgeId = `acd-${this.callId}`;
    this.bridgeId = bridgeId;
    await this.unhold();
    await this.deps.telephony.createBridge(bridgeId, 'mixing');
    const joined = await this.deps.telephony.addToBridge(bridgeId, [this.channelId, legId]);
    const recording = this.deps.record ? `acd-${this.callId}` : undefined;
    if (recording !== undefined && joined === 'ok') await this.deps.telephony.recordBridge(bridgeId, recording);
    await this.deps.records.update(this.callId, { answeredAt: now, agentId: leg.agentId, ...(recording === undefined ? {} : { recording }) });
    this.deps.log.info({ agentId: leg.agentId }, 'agent answered: caller connected');
    await this.caller?.agentAnswered();
  }

  private async notAnswered(legId: string, why: 'no_answer' | 'lost'): Promise<void> {
    const leg = this.leg;
    if (leg?.id !== legId || this.phase !== 'ringing') return;
    this.clearRingGuard();
    this.leg = null;
    this.deps.trackLeg(legId, null);
    await this.deps.telephony.hangup(legId);
    const now = this.deps.clock.now();
    const result =
      why === 'no_answer'
        ? await this.deps.store.ringNoAnswer(leg.agentId, this.callId, now)
        : await this.deps.store.agentLost(leg.agentId, this.callId, 'phone unavailable', now);
    this.deps.log.info({ agentId: leg.agentId, why }, 'agent did not take the call: back to the head of the queue');
    this.phase = 'waiting';
    await this.caller?.returned();
    if (result.offer !== null) this.deps.dispatch(result.offer);
  }

  private async agentEnded(): Promise<void> {
    const leg = this.leg;
    if (leg === null) return;
    this.leg = null;
    this.deps.trackLeg(leg.id, null);
    this.phase = 'after';
    const now = this.deps.clock.now();
    await this.deps.records.update(this.callId, { endedAt: now });
    const ended = await this.deps.store.callEnded(leg.agentId, this.callId, this.deps.wrapUpMs, now);
    if (ended.ok && ended.offer !== null) this.deps.dispatch(ended.offer);
    this.deps.log.info({ agentId: leg.agentId }, 'agent ended the call');
    if (this.caller !== null) await this.caller.agentHungUp();
    else await this.deps.telephony.hangup(this.channelId);
  }

  // ------------------------------------------------------------------ a call-back's caller

  private async calledBackAnswered(legId: string): Promise<void> {
    const callback = this.callback;
    if (callback?.dial.legId !== legId || this.phase !== 'dialing') return;
    this.clearRingGuard();
    // From now on the new channel is the caller's: its hang-up is the caller's, no longer a dial failure.
    this.deps.trackLeg(legId, null);
    this.phase = 'intro';
    callback.settle('connected');
    this.deps.log.info({ agentId: callback.offer.agentId }, 'the caller answered the call-back');
    // Not awaited in this step: a hang-up during the introduction must be handled at once.
    void callback.dial.intro().then(() => this.serial(() => this.afterIntro()));
  }

  private async afterIntro(): Promise<void> {
    const callback = this.callback;
    if (callback === null || this.phase !== 'intro') return;
    this.phase = 'waiting';
    await this.caller?.start();
    // The agent waited while the caller was dialed: ringing them needs no new offer.
    await this.ringAgent(callback.offer, this.deps.clock.now());
  }

  private async callbackUnanswered(legId: string, why: string): Promise<void> {
    const callback = this.callback;
    if (callback?.dial.legId !== legId || this.phase !== 'dialing') return;
    this.clearRingGuard();
    this.deps.trackLeg(legId, null);
    this.phase = 'gone';
    await this.deps.telephony.hangup(legId);
    const result = await this.deps.store.callbackFailed(callback.offer.agentId, this.callId, this.deps.clock.now());
    this.deps.log.info({ agentId: callback.offer.agentId, why, outcome: result.outcome ?? `refused: ${result.agent.ok ? '' : result.agent.code}` }, 'the caller did not answer the call-back');
    callback.settle('unanswered');
    if (result.offer !== null) this.deps.dispatch(result.offer);
    this.deps.onDone(this);
  }

  /** The agent logged out while their call-back's caller was dialed: the caller waits for another agent, off the line. */
  private async callbackAgentLeft(): Promise<void> {
    const callback = this.callback;
    if (callback === null || (this.phase !== 'dialing' && this.phase !== 'intro')) return;
    this.clearRingGuard();
    this.deps.trackLeg(callback.dial.legId, null);
    this.phase = 'gone';
    await this.deps.telephony.hangup(callback.dial.legId);
    // Logging out put the call back at the head (waiting): booked again, it is a call-back again.
    const booked = await this.deps.store.bookCallback(this.callId, callback.number, this.deps.clock.now());
    this.deps.log.warn({ agentId: callback.offer.agentId, booked }, 'the agent left while their call-back was dialed');
    callback.settle('agentGone');
    this.deps.onDone(this);
  }

  private async agentDropped(reason: string): Promise<void> {
    const leg = this.leg;
    if (leg === null) return;
    this.leg = null;
    this.deps.trackLeg(leg.id, null);
    const now = this.deps.clock.now();
    const result = await this.deps.store.agentLost(leg.agentId, this.callId, reason, now);
    this.deps.log.warn({ agentId: leg.agentId, reason }, "the agent's line dropped mid-call: caller back to the head of the queue");
    await this.backToQueue(true);
    if (result.offer !== null) this.deps.dispatch(result.offer);
  }

  private async backToQueue(wasConnected: boolean): Promise<void> {
    this.phase = 'waiting';
    if (wasConnected || this.bridgeId !== null) await this.destroyBridge();
    await this.caller?.returned();
  }

  private async destroyBridge(): Promise<void> {
    const bridgeId = this.bridgeId;
    if (bridgeId === null) return;
    this.bridgeId = null;
    await this.deps.telephony.destroyBridge(bridgeId).catch((err: unknown) => this.deps.log.warn({ err }, 'could not destroy the call bridge'));
  }


  private clearRingGuard(): void {
    this.ringGuard?.cancel();
    this.ringGuard = null;
  }

  private serial(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step).catch((err: unknown) => {
      this.deps.log.error({ err, phase: this.phase }, 'queued call step failed');
    });
    return this.chain;
  }
}
