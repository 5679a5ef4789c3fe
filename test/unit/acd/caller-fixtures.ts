// Settings and a small driver that feeds events to the queue caller machine, for the caller tests.

import { QUEUE_PROMPTS } from '../../../src/domain/acd/caller-prompts.js';
import type { QueuePromptAudio, QueuePromptRole } from '../../../src/domain/acd/caller-prompts.js';
import { startQueueCaller, stepQueueCaller } from '../../../src/domain/acd/caller-machine.js';
import type { QueueCallerState } from '../../../src/domain/acd/caller-machine.js';
import type { CallerTimer, QueueCallerCommand, QueueCallerEvent, QueueCallerSettings } from '../../../src/domain/acd/caller-protocol.js';
import type { Digit, Lang } from '../../../src/domain/flow/types.js';

export const T0 = Date.UTC(2025, 2, 3, 2, 0);

/** Audio `q/<prompt id>`, so the media in expectations name the prompt. */
export const PROMPT_AUDIO = Object.fromEntries(
  (Object.keys(QUEUE_PROMPTS) as QueuePromptRole[]).map((role) => [role, `q/${QUEUE_PROMPTS[role]}`]),
) as QueuePromptAudio;

export const snd = (role: QueuePromptRole): string => `sound:${PROMPT_AUDIO[role]}`;

export function settingsWith(patch: Partial<QueueCallerSettings> = {}): QueueCallerSettings {
  return {
    announceEveryMs: 60_000,
    optionsAfterMs: 120_000,
    callback: true,
    voicemail: true,
    survey: true,
    inputTimeoutMs: 5_000,
    voiceMessage: { maxDurationMs: 120_000, maxSilenceMs: 5_000 },
    prompts: PROMPT_AUDIO,
    ...patch,
  };
}

export interface QueuedPatch {
  readonly lang?: Lang;
  readonly callerNumber?: string;
  readonly recorded?: boolean;
}

export class CallerDriver {
  state: QueueCallerState;
  readonly log: QueueCallerCommand[] = [];
  at = T0;
  first: readonly QueueCallerCommand[];

  constructor(
    readonly settings: QueueCallerSettings = settingsWith(),
    queued: QueuedPatch = {},
  ) {
    const started = startQueueCaller(settings, {
      type: 'queued',
      at: this.at,
      callId: 'call-1',
      lang: queued.lang ?? 'zh',
      callerNumber: queued.callerNumber ?? '13912345678',
      recorded: queued.recorded ?? false,
    });
    this.state = started.state;
    this.first = started.commands;
    this.log.push(...started.commands);
  }

  /** Moves the clock on; events carry the time. */
  advance(ms: number): void {
    this.at += ms;
  }

  send(event: QueueCallerEvent): readonly QueueCallerCommand[] {
    const result = stepQueueCaller(this.settings, this.state, event);
    this.state = result.state;
    this.log.push(...result.commands);
    return result.commands;
  }

  position(position: number | null, estimatedWaitMs: number | null = 180_000, waiting = 5): readonly QueueCallerCommand[] {
    return this.send({ type: 'position', at: this.at, position, waiting, estimatedWaitMs });
  }

  /** Ends the playback in progress (as Asterisk reports it). */
  playbackDone(): readonly QueueCallerCommand[] {
    const playback = this.state.playing;
    if (playback === null) throw new Error(`nothing is playing (phase ${this.state.phase})`);
    return this.send({ type: 'playbackFinished', at: this.at, playback });
  }

  /** Fires a timer the machine started, after its time has passed. */
  timer(timer: CallerTimer): readonly QueueCallerCommand[] {
    const started = [...this.log].reverse().find((c): c is Extract<QueueCallerCommand, { type: 'startTimer' }> => c.type === 'startTimer' && c.timer === timer);
    if (started !== undefined) this.at += started.ms;
    return this.send({ type: 'timer', at: this.at, timer });
  }

  digit(digit: Digit): readonly QueueCallerCommand[] {
    return this.send({ type: 'digit', at: this.at, digit });
  }

  recordingFinished(ok = true, durationMs = 12_000, name = this.state.recording ?? 'none'): readonly QueueCallerCommand[] {
    return this.send({ type: 'recordingFinished', at: this.at, ok, name, durationMs });
  }

  on(type: 'agentRinging' | 'agentAnswered' | 'returned' | 'agentHungUp' | 'hungUp'): readonly QueueCallerCommand[] {
    return this.send({ type, at: this.at });
  }

  /** Queued, position answered and announced: waiting to music until the next announcement. */
  static waiting(settings = settingsWith(), queued: QueuedPatch = {}): CallerDriver {
    const caller = new CallerDriver(settings, queued);
    caller.position(3);
    caller.playbackDone();
    return caller;
  }

  /** Waiting, then the options offered (their prompt still playing). */
  static atOptions(settings = settingsWith(), queued: QueuedPatch = {}): CallerDriver {
    const caller = CallerDriver.waiting(settings, queued);
    caller.timer('options');
    return caller;
  }

  /** Talking to an agent. */
  static connected(settings = settingsWith()): CallerDriver {
    const caller = CallerDriver.waiting(settings);
    caller.on('agentRinging');
    caller.on('agentAnswered');
    return caller;
  }
}

/** The `play` commands' media. */
export function played(commands: readonly QueueCallerCommand[]): string[][] {
  return commands.flatMap((c) => (c.type === 'play' ? [[...c.media]] : []));
}
