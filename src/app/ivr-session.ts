// Runs one caller through the pure IVR machine: feeds it events, executes its commands through the
// Telephony port, owns the call's timers. Events are processed strictly one at a time per call, so a
// PlaybackFinished that overtakes the HTTP answer of its own `play` still lands after it.

import { randomUUID } from 'node:crypto';
import type { Digit, Flow } from '../domain/flow/types.js';
import { isFinished, startCall, step } from '../domain/ivr/machine.js';
import type { IvrState } from '../domain/ivr/machine.js';
import type { IvrCommand, IvrEvent, IvrOutcome, TimerName } from '../domain/ivr/protocol.js';
import type { CallMetrics, Log } from './app-ports.js';
import type { CaseDesk, PhoneCaller } from './case-desk.js';
import type { CallerScreen } from './limits/phone-fair-use.js';
import type { Clock, OpResult, Telephony, TimerHandle } from './ports.js';

type Produce = () => { state: IvrState; commands: readonly IvrCommand[] } | null;

/** How the IVR let go of the call; `failed` means our own code broke and the dialplan must take over. */
export type SessionEnd = IvrOutcome | { readonly kind: 'failed' };

export interface IvrSessionDeps {
  readonly flow: Flow;
  readonly telephony: Telephony;
  readonly clock: Clock;
  readonly metrics: CallMetrics;
  readonly log: Log;
  /** Intake, for the flow's submit, caseStatus, rateCase and openCase nodes. */
  readonly desk: CaseDesk;
  /** Fair use, for the flow's fairUse node. */
  readonly screen: CallerScreen;
  /** Time held without progress before the flow's `onIdle` (`IVR_IDLE_LIMIT`; 0: none). */
  readonly idleLimitMs: number;
  /** Called once the IVR is done with the call: the caller chose an emergency, the queue, or is gone. */
  readonly onFinished: (session: IvrSession, outcome: SessionEnd) => void;
  /** Playback and recording ids are registered so the router can send their events here. */
  readonly track: (kind: 'playback' | 'recording', id: string, session: IvrSession | null) => void;
}

export class IvrSession {
  private state: IvrState | null = null;
  private readonly timers = new Map<TimerName, TimerHandle>();
  private readonly playbackIds = new Map<number, string>();
  private readonly playbackNumbers = new Map<string, number>();
  private recording: { name: string; node: string | null } | null = null;
  /** Events waiting for the step in progress; `drain()` takes them one at a time. */
  private readonly pending: Array<{ readonly produce: Produce; readonly done: () => void }> = [];
  private draining = false;
  private finished = false;

  constructor(
    readonly channelId: string,
    readonly caller: string,
    private readonly deps: IvrSessionDeps,
  ) {}

  get snapshot(): IvrState | null {
    return this.state;
  }

  get done(): boolean {
    return this.finished;
  }

  /** Playback ids still outstanding, for reconciliation after the ARI link was lost. */
  outstandingPlaybacks(): Array<{ id: string; playback: number }> {
    return [...this.playbackIds].map(([playback, id]) => ({ id, playback }));
  }

  start(): Promise<void> {
    return this.enqueue(() => {
      const first = startCall(this.deps.flow, {
        type: 'started',
        at: this.deps.clock.now(),
        callId: this.channelId,
        caller: this.caller,
        idleLimitMs: this.deps.idleLimitMs,
      });
      return first;
    });
  }

  /** Feed an event; resolves when it and everything queued before it has been handled. */
  handle(event: IvrEvent): Promise<void> {
    return this.enqueue(() => (this.state === null ? null : step(this.deps.flow, this.state, event)));
  }

  digit(digit: Digit): Promise<void> {
    return this.handle({ type: 'digit', at: this.deps.clock.now(), digit });
  }

  playbackFinished(playbackId: string, ok: boolean): Promise<void> {
    const playback = this.playbackNumbers.get(playbackId);
    if (playback === undefined) return Promise.resolve();
    this.forgetPlayback(playback);
    return this.handle({ type: 'playbackFinished', at: this.deps.clock.now(), playback, ok });
  }

  recordingFinished(name: string, ok: boolean, durationMs: number): Promise<void> {
    if (this.recording?.name !== name) return Promise.resolve();
    this.recording = null;
    this.deps.track('recording', name, null);
    return this.handle({ type: 'recordingFinished', at: this.deps.clock.now(), ok, name, durationMs });
  }

  hungUp(): Promise<void> {
    return this.handle({ type: 'hungUp', at: this.deps.clock.now() });
  }

  /** Waits for the step in progress, then stops timers; used when the gateway drains or loses the call. */
  async detach(): Promise<void> {
    await this.enqueue(() => null);
    this.teardown();
  }

  /** Resolves once this event's step (and every one queued before it) is done; never rejects. */
  private enqueue(produce: Produce): Promise<void> {
    return new Promise<void>((done) => {
      this.pending.push({ produce, done });
      if (this.draining) return;
      this.draining = true;
      // A step starts after the caller's synchronous run, never inside it (the caller may still be registering us).
      queueMicrotask(() => void this.drain());
    });
  }

  // One loop per burst of events rather than a promise chain link (then + catch + async body) per event: every
  // step's commands are sent from here, in order.
  private async drain(): Promise<void> {
    for (let item = this.pending.shift(); item !== undefined; item = this.pending.shift()) {
      try {
        await this.runStep(item.produce);
      } catch (err) {
        this.deps.log.error({ err }, 'IVR step failed; handing the call to the dialplan fallback');
        this.finish({ kind: 'failed' });
      }
      item.done();
    }
    this.draining = false;
  }

  private async runStep(produce: Produce): Promise<void> {
    if (this.finished) return;
    const result = produce();
    if (result === null) return;
    const previousNode = this.state?.node ?? null;
    this.state = result.state;
    if (this.recording !== null && this.recording.node !== result.state.node && previousNode !== result.state.node) {
      // The machine moved on (e.g. the IVR time limit) while a recording ran: stop it so it does not keep
      // capturing audio into the next node.
      const name = this.recording.name;
      this.recording = null;
      this.deps.track('recording', name, null);
      await this.deps.telephony.stopRecording(name);
    }
    // A stop targets its playback by id, and Asterisk queues a new playback behind the one still playing, so
    // the caller hears the same whichever of stop and next prompt Asterisk takes first: the stop need not
    // cost a round trip of silence. The step still ends only once the stop is answered, so its failure
    // fails the step as before and the next event sees it done.
    const stops: Array<Promise<OpResult>> = [];
    try {
      await this.runAll(result.commands, stops);
    } finally {
      if (stops.length > 0) await Promise.allSettled(stops);
    }
    if (stops.length > 0) await Promise.all(stops);
    if (isFinished(this.state) && this.state.outcome !== null) this.finish(this.state.outcome);
  }

  private async runAll(commands: readonly IvrCommand[], stops: Array<Promise<OpResult>>): Promise<void> {
    for (const command of commands) {
      if (this.finished) return;
      if (command.type === 'stopPlayback') {
        const stop = this.run(command);
        // Handled now, awaited by execute(): a rejection while a later command is awaited is not unhandled.
        stop.catch(() => undefined);
        stops.push(stop);
        continue;
      }
      const result = await this.run(command);
      if (result === 'gone') {
        // The channel vanished under us (404/409): that is a hang-up, whatever the machine was doing.
        const after = step(this.deps.flow, this.state as IvrState, { type: 'hungUp', at: this.deps.clock.now() });
        this.state = after.state;
        for (const cmd of after.commands) await this.run(cmd);
        return;
      }
    }
  }

  private async run(command: IvrCommand): Promise<OpResult> {
    const { telephony, log, metrics } = this.deps;
    switch (command.type) {
      case 'answer':
        return telephony.answer(this.channelId);
      case 'play': {
        const id = randomUUID();
        this.playbackIds.set(command.playback, id);
        this.playbackNumbers.set(id, command.playback);
        this.deps.track('playback', id, this);
        const result = await telephony.play(this.channelId, id, command.media, command.lang);
        if (result === 'gone') this.forgetPlayback(command.playback);
        return result;
      }
      case 'stopPlayback': {
        const id = this.playbackIds.get(command.playback);
        if (id === undefined) return 'ok';
        this.forgetPlayback(command.playback);
        // A playback that already ended is 404: fine, the caller is still there.
        await telephony.stopPlayback(id);
        return 'ok';
      }
      case 'startTimer': {
        this.timers.get(command.timer)?.cancel();
        const timer = command.timer;
        this.timers.set(
          timer,
          this.deps.clock.setTimer(command.ms, () => {
            this.timers.delete(timer);
            void this.handle({ type: 'timer', at: this.deps.clock.now(), timer });
          }),
        );
        return 'ok';
      }
      case 'cancelTimer':
        this.timers.get(command.timer)?.cancel();
        this.timers.delete(command.timer);
        return 'ok';
      case 'record':
        this.recording = { name: command.name, node: this.state?.node ?? null };
        this.deps.track('recording', command.name, this);
        return telephony.record(this.channelId, command.name, command);
      case 'hangup':
        return telephony.hangup(this.channelId);
      case 'entered':
        log.debug({ node: command.node }, 'entered node');
        return 'ok';
      case 'inputProblem':
        metrics.ivrInputProblem(command.node, command.problem);
        log.info({ node: command.node, problem: command.problem, attempt: command.attempt }, 'input problem');
        return 'ok';
      case 'submit': {
        // Not awaited: the answer comes back as an event, so a hang-up meanwhile is handled at once.
        const { request } = command;
        void this.deps.desk
          .submitVoiceMessage({
            callId: this.channelId,
            caller: this.caller,
            recording: command.recording,
            kind: command.kind,
            category: command.category,
            lang: command.lang,
            private: command.private,
          })
          .catch(() => null)
          .then((filed) => this.handle({ type: 'submitted', at: this.deps.clock.now(), request, ticket: filed?.ticket ?? null, pin: filed?.pin ?? null }))
          .catch((error: unknown) => log.error({ err: error }, 'submission answer could not be handled'));
        return 'ok';
      }
      case 'lookupCase': {
        const { request } = command;
        void this.deps.desk
          .lookupCase(command.ticket, this.who(), command.pin)
          .catch(() => 'unavailable' as const)
          .then((outcome) => this.handle({ type: 'caseLooked', at: this.deps.clock.now(), request, outcome }))
          .catch((error: unknown) => log.error({ err: error }, 'case lookup answer could not be handled'));
        return 'ok';
      }
      case 'rateCase': {
        const { request } = command;
        void this.deps.desk
          .rateCase(command.ticket, this.who(), command.pin, command.score)
          .catch(() => 'failed' as const)
          .then((outcome) => this.handle({ type: 'caseRated', at: this.deps.clock.now(), request, outcome }))
          .catch((error: unknown) => log.error({ err: error }, 'case rating answer could not be handled'));
        return 'ok';
      }
      case 'openCase': {
        const { request } = command;
        void this.deps.desk
          .openCaseOf(this.who())
          .catch(() => ({ outcome: 'unavailable' as const, ticket: null }))
          .then((found) => this.handle({ type: 'openCaseFound', at: this.deps.clock.now(), request, outcome: found.outcome, ticket: found.ticket }))
          .catch((error: unknown) => log.error({ err: error }, 'open case answer could not be handled'));
        return 'ok';
      }
      case 'checkCaller': {
        const { request } = command;
        void this.deps.screen
          .check(this.caller)
          .catch(() => 'ok' as const)
          .then((outcome) => this.handle({ type: 'callerChecked', at: this.deps.clock.now(), request, outcome }))
          .catch((error: unknown) => log.error({ err: error }, 'fair-use answer could not be handled'));
        return 'ok';
      }
      case 'forwardEmergency':
      case 'enqueue':
        // Handled by whoever receives the outcome: the session only runs the IVR.
        return 'ok';
    }
  }

  private who(): PhoneCaller {
    return { callId: this.channelId, caller: this.caller };
  }

  private forgetPlayback(playback: number): void {
    const id = this.playbackIds.get(playback);
    if (id === undefined) return;
    this.playbackIds.delete(playback);
    this.playbackNumbers.delete(id);
    this.deps.track('playback', id, null);
  }

  private finish(outcome: SessionEnd): void {
    if (this.finished) return;
    this.teardown();
    this.deps.onFinished(this, outcome);
  }

  private teardown(): void {
    this.finished = true;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    for (const playback of [...this.playbackIds.keys()]) this.forgetPlayback(playback);
    if (this.recording !== null) {
      this.deps.track('recording', this.recording.name, null);
      this.recording = null;
    }
  }
}
