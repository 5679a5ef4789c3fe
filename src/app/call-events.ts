// What the telephony adapter reports to the application, already stripped of ARI's wire shapes.

import type { Digit } from '../domain/flow/types.js';

export interface InboundChannel {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly callerNumber: string;
  readonly args: readonly string[];
}

/** ARI `Dial` statuses; an empty string means "dialling started". */
export type DialStatus = string;

export interface CallEvents {
  stasisStart(channel: InboundChannel): void;
  stasisEnd(channelId: string): void;
  /** The channel is destroyed; `cause` is its Q.850 hangup cause when Asterisk gave one (16: normal clearing). */
  channelGone(channelId: string, cause?: number): void;
  dtmf(channelId: string, digit: Digit): void;
  playbackFinished(playbackId: string, ok: boolean): void;
  recordingFinished(name: string, ok: boolean, durationMs: number): void;
  dial(peerChannelId: string, status: DialStatus): void;
  /** The event link is (again) up; `channelIds` are the channels Asterisk holds in our application now. */
  linkUp(channelIds: readonly string[]): void;
  linkDown(): void;
}
