// Connects one caller to a dedicated emergency line: runs the pure fail-over policy and executes its
// commands. Outbound legs are created and dialled (channels/create + dial), never `redirect`ed, because a
// redirect cannot cross channel technologies; the answered leg is joined to the caller in a mixing bridge.
// The routes are ordered once, as the forward starts, by the device states Asterisk reports at that moment.

import { randomUUID } from 'node:crypto';
import type { EmergencyService, Lang } from '../domain/flow/types.js';
import { forwardOutcome, forwardStep, startForward, timeToAnswerMs } from '../domain/emergency/forwarding.js';
import type { ForwardCommand, ForwardEvent, ForwardState } from '../domain/emergency/forwarding.js';
import { orderRoutes } from '../domain/emergency/route-order.js';
import type { CallMetrics, Log } from './app-ports.js';
import type { DeviceStateLookup } from './device-watch.js';
import type { Clock, Telephony, TimerHandle } from './ports.js';

export interface EmergencyRoutes {
  readonly dialStrings: readonly string[];
  readonly ringTimeoutMs: number;
  readonly rounds: number;
}

/** What the caller hears when every route failed: a prompt, the number as digits, a prompt. */
export interface EmergencyAnnouncement {
  readonly before: string;
  readonly after: string;
}

export interface EmergencySessionDeps {
  readonly telephony: Telephony;
  readonly clock: Clock;
  readonly metrics: CallMetrics;
  readonly log: Log;
  /** What Asterisk reports about the lines' devices: lines it cannot reach are tried last. */
  readonly devices: DeviceStateLookup;
  readonly fallbackContext: string;
  /** Registers outbound legs, bridges and announcement playbacks so their events reach this session. */
  readonly track: (kind: 'peer' | 'playback', id: string, session: EmergencySession | null) => void;
  readonly onDone: (session: EmergencySession) => void;
}

type FailReason = Extract<ForwardEvent, { type: 'routeFailed' }>['reason'];

const DIAL_FAILURES: Readonly<Record<string, FailReason>> = {
  BUSY: 'busy',
  CONGESTION: 'congestion',
  NOANSWER: 'noanswer',
  CHANUNAVAIL: 'chanunavail',
  CANCEL: 'error',
  DONTCALL: 'error',
  TORTURE: 'error',
  INVALIDARGS: 'error',
};

// Beyond the Dial timeout Asterisk enforces itself: only if its Dial events never come.
const DIAL_GRACE_MS = 3000;

export class EmergencySession {
  private state: ForwardState;
  private readonly legs = new Map<number, string>();
  private readonly attemptOf = new Map<string, number>();
  private readonly guards = new Map<number, TimerHandle>();
  private announcing: string | null = null;
  private bridgeId: string | null = null;
  private answeredLeg: string | null = null;
  private chain: Promise<void> = Promise.resolve();
  private ended = false;
  private readonly startedAt: number;

  constructor(
    readonly callerChannelId: string,
    private readonly caller: string,
    readonly service: EmergencyService,
    private readonly lang: Lang,
    routes: EmergencyRoutes,
    private readonly announcement: EmergencyAnnouncement,
    private readonly deps: EmergencySessionDeps,
  ) {
    this.startedAt = deps.clock.now();
    const order = orderRoutes(routes.dialStrings, (device) => deps.devices.stateOf(device));
    if (order.reordered) {
      deps.log.warn(
        {
          service,
          configured: routes.dialStrings,
          order: order.routes,
          down: order.deferred.map((d) => ({ route: d.route, device: d.device, state: d.state })),
        },
        'emergency routes reordered: lines whose device Asterisk reports unreachable are tried last',
      );
    }
    this.state = startForward({
      service,
      routes: order.routes,
      ringTimeoutMs: routes.ringTimeoutMs,
      rounds: routes.rounds,
      callerId: caller,
    });
    this.feed({ type: 'start', at: this.startedAt });
  }

  /** True once the caller is talking to the dedicated line (nothing left for the gateway to decide). */
  get connected(): boolean {
    return this.answeredLeg !== null;
  }

  get done(): boolean {
    return this.ended;
  }

  /** Resolves when every command issued so far has been carried out. */
  settled(): Promise<void> {
    return this.chain;
  }

  dialStatus(legId: string, status: string): void {
    const attempt = this.attemptOf.get(legId);
    if (attempt === undefined) return;
    if (status === 'RINGING') this.feed({ type: 'routeRinging', attempt });
    else if (status === 'ANSWER') this.feed({ type: 'routeAnswered', attempt, at: this.deps.clock.now() });
    else {
      const reason = DIAL_FAILURES[status];
      if (reason !== undefined) this.feed({ type: 'routeFailed', attempt, reason });
    }
  }

  legGone(legId: string): void {
    if (this.ended) return;
    if (legId === this.answeredLeg) {
      // The dedicated line ended the call: the caller's call is over too.
      this.deps.log.info({ service: this.service }, 'emergency line hung up');
      this.enqueue(() => this.endConnected(this.callerChannelId));
      return;
    }
    const attempt = this.attemptOf.get(legId);
    if (attempt !== undefined) this.feed({ type: 'routeFailed', attempt, reason: 'error' });
  }

  callerGone(): void {
    if (this.answeredLeg !== null) {
      const leg = this.answeredLeg;
      this.enqueue(() => this.endConnected(leg));
      return;
    }
    this.feed({ type: 'callerHungUp', at: this.deps.clock.now() });
  }

  playbackFinished(playbackId: string): void {
    if (playbackId !== this.announcing) return;
    this.announcing = null;
    this.deps.track('playback', playbackId, null);
    this.feed({ type: 'announcementFinished' });
  }

  private feed(event: ForwardEvent): void {
    this.enqueue(() => {
      if (this.ended && this.answeredLeg === null) return undefined;
      const next = forwardStep(this.state, event);
      this.state = next.state;
      return this.execute(next.commands);
    });
  }

  /** One thing at a time per call; a failure is logged and never stops the next step. */
  private enqueue(work: () => Promise<void> | undefined): void {
    this.chain = this.chain.then(work).catch((err: unknown) => {
      this.deps.log.error({ err, service: this.service }, 'emergency step failed');
    });
  }

  private async execute(commands: readonly ForwardCommand[]): Promise<void> {
    for (const command of commands) {
      try {
        await this.run(command);
      } catch (err) {
        // A failing request must never leave the caller in silence: treat it as this route failing.
        this.deps.log.error({ err, command: command.type }, 'emergency command failed');
        if (command.type === 'dial') this.feed({ type: 'routeFailed', attempt: command.attempt, reason: 'error' });
        else if (command.type === 'announce') this.feed({ type: 'announcementFinished' });
      }
    }
  }

  private async run(command: ForwardCommand): Promise<void> {
    const { telephony, log } = this.deps;
    switch (command.type) {
      case 'ringCaller':
        await telephony.ring(this.callerChannelId);
        return;
      case 'stopRinging':
        await telephony.stopRinging(this.callerChannelId);
        return;
      case 'dial': {
        const legId = randomUUID();
        this.legs.set(command.attempt, legId);
        this.attemptOf.set(legId, command.attempt);
        this.deps.track('peer', legId, this);
        log.info({ service: this.service, attempt: command.attempt, route: command.dialString }, 'dialling emergency route');
        const created = await telephony.createOutbound({
          channelId: legId,
          endpoint: command.dialString,
          callerId: command.callerId,
          originator: this.callerChannelId,
        });
        if (created !== 'ok') {
          this.feed({ type: 'routeFailed', attempt: command.attempt, reason: 'chanunavail' });
          return;
        }
        const attempt = command.attempt;
        this.guards.set(
          attempt,
          this.deps.clock.setTimer(command.timeoutMs + DIAL_GRACE_MS, () => {
            this.guards.delete(attempt);
            this.feed({ type: 'routeFailed', attempt, reason: 'timeout' });
          }),
        );
        const dialled = await telephony.dial(legId, this.callerChannelId, Math.max(1, Math.ceil(command.timeoutMs / 1000)));
        if (dialled !== 'ok') this.feed({ type: 'routeFailed', attempt, reason: 'error' });
        return;
      }
      case 'hangupAttempt': {
        this.clearGuard(command.attempt);
        const legId = this.legs.get(command.attempt);
        if (legId !== undefined) {
          this.forgetLeg(command.attempt, legId);
          await telephony.hangup(legId);
        }
        return;
      }
      case 'bridge': {
        this.clearGuard(command.attempt);
        const legId = this.legs.get(command.attempt);
        if (legId === undefined) return;
        this.answeredLeg = legId;
        const bridgeId = `emergency-${this.callerChannelId}`;
        this.bridgeId = bridgeId;
        await telephony.createBridge(bridgeId);
        const joined = await telephony.addToBridge(bridgeId, [this.callerChannelId, legId]);
        if (joined === 'gone') log.warn({ service: this.service }, 'a leg left before the emergency bridge formed');
        return;
      }
      case 'announce': {
        const playbackId = randomUUID();
        this.announcing = playbackId;
        this.deps.track('playback', playbackId, this);
        const played = await telephony.play(
          this.callerChannelId,
          playbackId,
          [`sound:${this.announcement.before}`, `digits:${command.service}`, `sound:${this.announcement.after}`],
          this.lang,
        );
        if (played === 'gone') this.feed({ type: 'callerHungUp', at: this.deps.clock.now() });
        return;
      }
      case 'finished':
        return this.finished(command.result);
    }
  }

  private async finished(result: Extract<ForwardCommand, { type: 'finished' }>['result']): Promise<void> {
    const { metrics, log, telephony } = this.deps;
    for (const attempt of [...this.guards.keys()]) this.clearGuard(attempt);
    const outcome = forwardOutcome(this.state);
    const answerMs = timeToAnswerMs(this.state);
    if (outcome !== null) metrics.emergencyForward(this.service, outcome, answerMs === null ? undefined : answerMs / 1000);
    const seconds = (this.deps.clock.now() - this.startedAt) / 1000;
    if (result === 'answered') {
      log.info({ service: this.service, seconds }, 'emergency call connected');
      return;
    }
    this.ended = true;
    if (result === 'caller_hung_up') {
      log.warn({ service: this.service, seconds }, 'caller hung up before the emergency line answered');
    } else {
      metrics.callHandedToDialplan('emergency_all_routes_failed');
      log.error({ service: this.service, seconds }, 'every emergency route failed: handing the caller to the dialplan');
      await telephony.continueInDialplan(this.callerChannelId, this.deps.fallbackContext, this.service, 1);
    }
    this.release();
  }

  private async endConnected(hangUp: string): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.deps.telephony.hangup(hangUp);
    if (this.bridgeId !== null) await this.deps.telephony.destroyBridge(this.bridgeId);
    this.release();
  }

  private clearGuard(attempt: number): void {
    this.guards.get(attempt)?.cancel();
    this.guards.delete(attempt);
  }

  private forgetLeg(attempt: number, legId: string): void {
    this.legs.delete(attempt);
    this.attemptOf.delete(legId);
    this.deps.track('peer', legId, null);
  }

  private release(): void {
    for (const [attempt, legId] of [...this.legs]) if (legId !== this.answeredLeg) this.forgetLeg(attempt, legId);
    if (this.answeredLeg !== null) this.deps.track('peer', this.answeredLeg, null);
    if (this.announcing !== null) this.deps.track('playback', this.announcing, null);
    this.deps.onDone(this);
  }
}
