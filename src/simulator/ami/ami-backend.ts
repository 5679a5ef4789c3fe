/**
 * What the simulated AMI server needs from the simulated Asterisk. The server owns the wire protocol
 * (framing, ActionIDs, event lists, error texts); the backend only answers questions about channels.
 * Channel names are matched exactly (as Asterisk does for non-regex Hangup/Redirect); the server checks
 * that a channel exists (via findChannel) before it calls redirect/hangup/getVar/setVar on it.
 */

/** Asterisk's channel state names (ast_state2str), as they appear in ChannelStateDesc. */
export type AmiChannelStateName = 'Down' | 'Rsrvd' | 'OffHook' | 'Dialing' | 'Ring' | 'Ringing' | 'Up' | 'Busy' | 'Dialing Offhook' | 'Pre-ring';

export interface AmiChannelSnapshot {
  /** e.g. `PJSIP/carrier-00000001` or `Local/12345@ivr-inbound-00000005;2`. */
  readonly name: string;
  readonly uniqueid: string;
  readonly linkedid: string;
  readonly state: AmiChannelStateName;
  readonly callerNum: string;
  readonly callerName: string;
  readonly connectedNum: string;
  readonly connectedName: string;
  readonly language: string;
  readonly accountCode: string;
  readonly context: string;
  readonly exten: string;
  readonly priority: number;
  /** Application the channel is executing (`Stasis`, `Queue`, `Dial`...), '' if none. */
  readonly app: string;
  readonly appData: string;
  /** Bridge unique id, '' when not bridged. */
  readonly bridgeId: string;
  /** Creation time in epoch ms, for Duration / Seconds. */
  readonly createdAt: number;
}

export interface AmiDialplanTarget {
  readonly context: string;
  readonly exten: string;
  readonly priority: number;
}

export type AmiBackendEvent =
  | { readonly type: 'newchannel'; readonly channel: AmiChannelSnapshot }
  | { readonly type: 'newstate'; readonly channel: AmiChannelSnapshot }
  /** `channel` is the last snapshot before it was destroyed. Cause is a Q.850 code (16 normal clearing). */
  | { readonly type: 'hangup'; readonly channel: AmiChannelSnapshot; readonly cause: number; readonly causeText: string }
  | { readonly type: 'deviceStateChange'; readonly device: string; readonly state: string };

export interface AmiBackend {
  listChannels(): readonly AmiChannelSnapshot[] | Promise<readonly AmiChannelSnapshot[]>;
  findChannel(name: string): AmiChannelSnapshot | undefined | Promise<AmiChannelSnapshot | undefined>;
  /** Leave Stasis/whatever the channel runs and continue in the dialplan at target. Throw to fail (the message reaches the client). */
  redirect(channel: string, target: AmiDialplanTarget): void | Promise<void>;
  hangup(channel: string, cause: number | undefined): void | Promise<void>;
  /** '' for an unset variable, as Asterisk answers. */
  getVar(channel: string, variable: string): string | Promise<string>;
  setVar(channel: string, variable: string, value: string): void | Promise<void>;
  /** Devices with a known state, e.g. `{ device: 'PJSIP/agent-1001', state: 'NOT_INUSE' }`. */
  deviceStates(): readonly { readonly device: string; readonly state: string }[] | Promise<readonly { readonly device: string; readonly state: string }[]>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (event: AmiBackendEvent) => void): () => void;
}
