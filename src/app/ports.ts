// Ports: what the call-control application needs from the telephony platform and the clock.
// The ARI adapter implements `Telephony`; tests and the composition root implement `Clock`.

import type { Lang } from '../domain/flow/types.js';

/** Result of a telephony operation whose target may already be gone: never an exception for that case. */
export type OpResult = 'ok' | 'gone';

export interface OutboundChannelRequest {
  readonly channelId: string;
  readonly endpoint: string;
  /** The caller's number, presented to the far end. */
  readonly callerId: string;
  /** The inbound channel this one is created for (ARI `originator`), so Asterisk links the two; none for a call-back. */
  readonly originator?: string;
}

export interface Telephony {
  answer(channelId: string): Promise<OpResult>;
  /** Starts a playback with an id chosen by the caller before the request, so no event can be missed. */
  play(channelId: string, playbackId: string, media: readonly string[], lang: Lang): Promise<OpResult>;
  stopPlayback(playbackId: string): Promise<OpResult>;
  record(
    channelId: string,
    name: string,
    options: { maxDurationMs: number; maxSilenceMs: number; beep: boolean; terminateOn: '#' },
  ): Promise<OpResult>;
  stopRecording(name: string): Promise<OpResult>;
  setVariable(channelId: string, name: string, value: string): Promise<OpResult>;
  /** Leaves Stasis and continues in the dialplan. */
  continueInDialplan(channelId: string, context: string, extension: string, priority: number): Promise<OpResult>;
  hangup(channelId: string, reason?: 'normal' | 'busy' | 'congestion'): Promise<OpResult>;
  ring(channelId: string): Promise<OpResult>;
  stopRinging(channelId: string): Promise<OpResult>;
  createOutbound(request: OutboundChannelRequest): Promise<OpResult>;
  /** `callerChannelId` null: a call the gateway places itself (a call-back), with no caller channel to link. */
  dial(channelId: string, callerChannelId: string | null, timeoutSeconds: number): Promise<OpResult>;
  /** A mixing bridge joins callers and lines; a holding bridge keeps waiting callers apart, hearing its music. */
  createBridge(bridgeId: string, type?: 'mixing' | 'holding'): Promise<OpResult>;
  addToBridge(bridgeId: string, channelIds: readonly string[]): Promise<OpResult>;
  removeFromBridge(bridgeId: string, channelId: string): Promise<OpResult>;
  startBridgeMoh(bridgeId: string, mohClass: string): Promise<OpResult>;
  /** Records what the bridge mixes (both sides of an agent call) as a stored recording `name` (wav). */
  recordBridge(bridgeId: string, name: string): Promise<OpResult>;
  destroyBridge(bridgeId: string): Promise<OpResult>;
  /** `true` while the playback still exists on the platform (used to reconcile after a lost link). */
  playbackExists(playbackId: string): Promise<boolean>;
  /** True while the channel exists and is inside a Stasis application (not back in the dialplan). */
  inApplication(channelId: string): Promise<boolean>;
}

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimer(ms: number, fire: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fire) {
    const handle = setTimeout(fire, ms);
    return { cancel: () => clearTimeout(handle) };
  },
};
