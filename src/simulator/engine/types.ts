// The simulator's model of Asterisk objects. Mutable on purpose: the engine owns them and hands out JSON
// snapshots (see snapshots.ts), never these objects.

export type ChannelState = 'Down' | 'Ring' | 'Ringing' | 'Up' | 'Busy';

export interface CallerId {
  name: string;
  number: string;
}

export interface DialplanLocation {
  readonly context: string;
  readonly extension: string;
  readonly priority: number;
  readonly label?: string;
}

/** One media URI that started playing on a channel (what the caller heard, in order). */
export interface PlayedMedia {
  readonly playbackId: string;
  readonly media: string;
  readonly lang: string;
  readonly startedAt: number;
  /** `playing` until the media ends; `failed` for a sound that does not exist. */
  outcome: 'playing' | 'done' | 'stopped' | 'failed';
}

export type ChannelKind = 'inbound' | 'outbound' | 'local';

export interface SimChannel {
  readonly id: string;
  readonly name: string;
  readonly kind: ChannelKind;
  readonly createdAt: number;
  state: ChannelState;
  caller: CallerId;
  connected: CallerId;
  language: string;
  dialplan: { context: string; exten: string; priority: number; app_name: string; app_data: string };
  readonly vars: Map<string, string>;
  /** Variables set with report_events: shown in snapshots' `channelvars`. */
  readonly reportedVars: Set<string>;
  /** The Stasis application the channel is in, or null when in the dialplan. */
  app: string | null;
  /** The application it was last in, for events Asterisk still delivers after StasisEnd. */
  lastApp: string | null;
  bridgeId: string | null;
  /** For `channels/create`: the endpoint and dial string to call on `dial`. */
  endpoint: string | null;
  dialstring: string | null;
  dialState: 'none' | 'dialing' | 'answered' | 'failed';
  dialTimers: NodeJS.Timeout[];
  ringing: boolean;
  mohClass: string | null;
  readonly played: PlayedMedia[];
  readonly playbackQueue: SimPlayback[];
  activePlayback: SimPlayback | null;
  recording: SimRecording | null;
  readonly dtmf: string[];
  stasisStatus: 'SUCCESS' | 'FAILED' | null;
  continuedTo: DialplanLocation | null;
  /** The other half of a Local channel pair. */
  localPeerId: string | null;
  /** The channel it talks to after the dialplan connected them (a queue member who answered). */
  connectedPeerId: string | null;
  /** Where `channels/{id}/redirect` sent the call (ast_transfer), null if never redirected. */
  redirectedTo: string | null;
  destroyed: boolean;
  hangupCause: number | null;
  hangupBy: 'app' | 'far-end' | 'dial-failure' | 'dialplan' | null;
}

export interface SimBridge {
  readonly id: string;
  readonly name: string;
  readonly bridgeType: 'mixing' | 'holding';
  readonly createdAt: number;
  readonly channelIds: string[];
  /** Applications subscribed to the bridge (those whose channels entered it, or that subscribed to `bridge:<id>`). */
  readonly apps: Set<string>;
  /** `role` given at addChannel; in a holding bridge an `announcer` is heard by every participant. */
  readonly roles: Map<string, string>;
  /** The class of the music on hold its (internal) MOH channel plays, null when none. */
  mohClass: string | null;
  /** Every media URI its (internal) announcer channel started, in order. */
  readonly played: PlayedMedia[];
  readonly playbackQueue: SimPlayback[];
  activePlayback: SimPlayback | null;
  recording: SimRecording | null;
}

/** What a playback or recording works on: `channel:<id>` or `bridge:<id>` (its `target_uri`). */
export interface MediaTarget {
  readonly kind: 'channel' | 'bridge';
  readonly id: string;
}

export interface SimPlayback {
  readonly id: string;
  readonly target: MediaTarget;
  readonly media: readonly string[];
  readonly lang: string;
  index: number;
  state: 'queued' | 'playing' | 'continuing' | 'done' | 'failed';
  timer: NodeJS.Timeout | null;
}

export interface SimRecording {
  readonly name: string;
  readonly format: string;
  readonly target: MediaTarget;
  readonly terminateOn: string;
  readonly beep: boolean;
  startedAt: number;
  state: 'queued' | 'recording' | 'done' | 'failed' | 'canceled';
  timer: NodeJS.Timeout | null;
  durationSeconds: number | null;
}

export interface StoredRecording {
  readonly name: string;
  readonly format: string;
  readonly durationMs: number;
  /** The channel or bridge it was recorded from. */
  readonly channelId: string | null;
  readonly bridgeId: string | null;
}

/** What the far end of an outbound call does when it is dialled. */
export type DialBehaviour =
  | { readonly result: 'answer'; readonly afterMs?: number }
  | { readonly result: 'busy'; readonly afterMs?: number }
  | { readonly result: 'congestion'; readonly afterMs?: number }
  | { readonly result: 'noanswer' }
  | { readonly result: 'chanunavail' };
