// Runs one waiting caller through the pure queue-caller machine: feeds it events one at a time, executes its
// commands (prompts, music on hold, timers, recording, the answers it asks for) and reports its end. The agent side
// (QueuedCall) tells it when an agent rings, answers or leaves; everything the caller hears is decided by the machine.

import { randomUUID } from 'node:crypto';
import type { Digit, Lang } from '../../domain/flow/types.js';
import { isCallerFinished, startQueueCaller, stepQueueCaller } from '../../domain/acd/caller-machine.js';
import type { QueueCallerState } from '../../domain/acd/caller-machine.js';
import type { CallerTimer, QueueCallerCommand, QueueCallerEvent, QueueCallerOutcome, QueueCallerSettings, SurveyScore } from '../../domain/acd/caller-protocol.js';
import type { Log } from '../app-ports.js';
import type { FiledMessage } from '../case-desk.js';
import type { Clock, OpResult, Telephony, TimerHandle } from '../ports.js';
import type { CallerSide } from './queued-call.js';

export interface CallerPosition {
  readonly position: number | null;
  readonly waiting: number;
  readonly estimatedWaitMs: number | null;
}

/** What the machine's requests need from the queue and intake; each must answer (never reject). */
export interface CallerServices {
  position(): Promise<CallerPosition>;
  bookCallback(number: string): Promise<boolean>;
  submitVoiceMessage(recording: string, lang: Lang): Promise<FiledMessage | null>;
  rate(score: SurveyScore): Promise<boolean>;
  leaveQueue(reason: 'callback' | 'voicemail'): Promise<void>;
  hold(): Promise<void>;
  unhold(): Promise<void>;
}

export interface CallerRunnerDeps {
  readonly settings: QueueCallerSettings;
  readonly telephony: Telephony;
  readonly clock: Clock;
  readonly log: Log;
  readonly services: CallerServices;
  /** Playback ids and recording names are registered so their events reach this runner. */
  readonly track: (kind: 'playback' | 'recording', id: string, runner: CallerRunner | null) => void;
  readonly onDone: (outcome: QueueCallerOutcome) => void;
}

export interface CallerStart {
  readonly callId: string;
  readonly lang: Lang;
  readonly callerNumber: string;
  readonly recorded: boolean;
  /** The caller's channel when it is not the call id: a call-back's new channel. */
  readonly channelId?: string;
  /** A call-back's caller: the recording notice is part of the introduction (`intro`), not of the waiting. */
  readonly calledBack?: boolean;
}

export class CallerRunner implements CallerSide {
  private state: QueueCallerState | null = null;
  private readonly timers = new Map<CallerTimer, TimerHandle>();
  private readonly playbackIds = new Map<number, string>();
  private readonly playbackNumbers = new Map<string, number>();
  private recording: string | null = null;
  private chain: Promise<void> = Promise.resolve();
  private finished = false;
  private readonly intros = new Map<string, () => void>();
  private readonly channelId: string;

  constructor(
    private readonly start_: CallerStart,
    private readonly deps: CallerRunnerDeps,
  ) {
    this.channelId = start_.channelId ?? start_.callId;
  }

  /**
   * What a call-back's caller hears when they answer, before the machine starts: who is calling and that an agent
   * comes, then the recording notice when calls are recorded. Resolves when it has played, or could not.
   */
  intro(): Promise<void> {
    const { prompts } = this.deps.settings;
    const media = [`sound:${prompts.callbackIntro}`, ...(this.start_.recorded ? [`sound:${prompts.recordingNotice}`] : [])];
    const id = randomUUID();
    return new Promise<void>((resolve) => {
      this.intros.set(id, resolve);
      this.deps.track('playback', id, this);
      const done = (): void => void this.playbackFinished(id);
      this.deps.telephony.play(this.channelId, id, media, this.start_.lang).then((result) => {
        if (result === 'gone') done();
      }, done);
    });
  }

  start(): Promise<void> {
    return this.enqueue(() =>
      startQueueCaller(this.deps.settings, {
        type: 'queued',
        at: this.deps.clock.now(),
        callId: this.start_.callId,
        lang: this.start_.lang,
        callerNumber: this.start_.callerNumber,
        recorded: this.start_.recorded && this.start_.calledBack !== true,
      }),
    );
  }

  agentRinging(): Promise<void> {
    return this.event({ type: 'agentRinging', at: this.deps.clock.now() });
  }

  agentAnswered(): Promise<void> {
    return this.event({ type: 'agentAnswered', at: this.deps.clock.now() });
  }

  returned(): Promise<void> {
    return this.event({ type: 'returned', at: this.deps.clock.now() });
  }

  agentHungUp(): Promise<void> {
    return this.event({ type: 'agentHungUp', at: this.deps.clock.now() });
  }

  hungUp(): Promise<void> {
    return this.event({ type: 'hungUp', at: this.deps.clock.now() });
  }

  digit(digit: Digit): Promise<void> {
    return this.event({ type: 'digit', at: this.deps.clock.now(), digit });
  }

  playbackFinished(playbackId: string): Promise<void> {
    const intro = this.intros.get(playbackId);
    if (intro !== undefined) {
      this.intros.delete(playbackId);
      this.deps.track('playback', playbackId, null);
      intro();
      return Promise.resolve();
    }
    const playback = this.playbackNumbers.get(playbackId);
    if (playback === undefined) return Promise.resolve();
    this.forgetPlayback(playback);
    return this.event({ type: 'playbackFinished', at: this.deps.clock.now(), playback });
  }

  recordingFinished(name: string, ok: boolean, durationMs: number): Promise<void> {
    if (this.recording !== name) return Promise.resolve();
    this.recording = null;
    this.deps.track('recording', name, null);
    return this.event({ type: 'recordingFinished', at: this.deps.clock.now(), ok, name, durationMs });
  }

  private event(event: QueueCallerEvent): Promise<void> {
    return this.enqueue(() => (this.state === null ? null : stepQueueCaller(this.deps.settings, this.state, event)));
  }

  private enqueue(produce: () => { state: QueueCallerState; commands: readonly QueueCallerCommand[] } | null): Promise<void> {
    this.chain = this.chain
      .then(async () => {
        if (this.finished) return;
        const result = produce();
        if (result === null) return;
        this.state = result.state;
        for (const command of result.commands) {
          if (this.finished) return;
          if ((await this.run(command)) === 'gone' && command.type !== 'hangup') {
            // The channel vanished under us: that is a hang-up, whatever the machine was doing.
            const after = stepQueueCaller(this.deps.settings, this.state, { type: 'hungUp', at: this.deps.clock.now() });
            this.state = after.state;
            for (const cmd of after.commands) await this.run(cmd);
            return;
          }
        }
        if (isCallerFinished(this.state)) this.teardown();
      })
      .catch((err: unknown) => {
        this.deps.log.error({ err }, 'queue caller step failed');
      });
    return this.chain;
  }

  private async run(command: QueueCallerCommand): Promise<OpResult> {
    const { telephony, services, log } = this.deps;
    const callId = this.channelId;
    switch (command.type) {
      case 'hold':
        await services.hold();
        return 'ok';
      case 'unhold':
        await services.unhold();
        return 'ok';
      case 'play': {
        const id = randomUUID();
        this.playbackIds.set(command.playback, id);
        this.playbackNumbers.set(id, command.playback);
        this.deps.track('playback', id, this);
        const result = await telephony.play(callId, id, command.media, command.lang);
        if (result === 'gone') this.forgetPlayback(command.playback);
        return result;
      }
      case 'stopPlayback': {
        const id = this.playbackIds.get(command.playback);
        if (id === undefined) return 'ok';
        this.forgetPlayback(command.playback);
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
            void this.event({ type: 'timer', at: this.deps.clock.now(), timer });
          }),
        );
        return 'ok';
      }
      case 'cancelTimer':
        this.timers.get(command.timer)?.cancel();
        this.timers.delete(command.timer);
        return 'ok';
      case 'askPosition':
        // Answers come back as events, so a hang-up meanwhile is handled at once.
        this.answer(async () => ({ type: 'position', at: this.deps.clock.now(), ...(await services.position()) }), 'position');
        return 'ok';
      case 'bookCallback':
        this.answer(async () => ({ type: 'callbackBooked', at: this.deps.clock.now(), ok: await services.bookCallback(command.number) }), 'callback');
        return 'ok';
      case 'record':
        this.recording = command.name;
        this.deps.track('recording', command.name, this);
        return telephony.record(callId, command.name, command);
      case 'stopRecording':
        if (this.recording === command.name) {
          this.recording = null;
          this.deps.track('recording', command.name, null);
        }
        await telephony.stopRecording(command.name);
        return 'ok';
      case 'submitVoiceMessage':
        this.answer(async () => {
          const filed = await services.submitVoiceMessage(command.recording, command.lang);
          return { type: 'submitted', at: this.deps.clock.now(), ticket: filed?.ticket ?? null, pin: filed?.pin ?? null };
        }, 'voice message');
        return 'ok';
      case 'rate':
        this.answer(async () => ({ type: 'rated', at: this.deps.clock.now(), ok: await services.rate(command.score) }), 'rating');
        return 'ok';
      case 'leaveQueue':
        await services.leaveQueue(command.reason);
        return 'ok';
      case 'hangup':
        return telephony.hangup(callId);
      case 'done':
        log.info({ outcome: command.outcome }, 'caller left the queue');
        this.teardown();
        this.deps.onDone(command.outcome);
        return 'ok';
    }
  }

  /** Runs a request whose answer is an event; a failure is logged (the services themselves never reject). */
  private answer(request: () => Promise<QueueCallerEvent>, what: string): void {
    void request()
      .then((event) => this.event(event))
      .catch((err: unknown) => this.deps.log.error({ err }, `queue ${what} answer could not be handled`));
  }

  private forgetPlayback(playback: number): void {
    const id = this.playbackIds.get(playback);
    if (id === undefined) return;
    this.playbackIds.delete(playback);
    this.playbackNumbers.delete(id);
    this.deps.track('playback', id, null);
  }

  private teardown(): void {
    if (this.finished) return;
    this.finished = true;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    for (const playback of [...this.playbackIds.keys()]) this.forgetPlayback(playback);
    if (this.recording !== null) {
      this.deps.track('recording', this.recording, null);
      this.recording = null;
    }
  }
}
