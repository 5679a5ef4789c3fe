/**
 * What the simulated AMI server needs from the simulated Asterisk. The server owns the wire protocol
 * (framing, ActionIDs, event lists, error texts); the backend only answers questions about channels.
 * Channel names are matched exactly (as Asterisk does for non-regex Hangup/Redirect); the server checks
 * that a channel exists (via findChannel) before it calls redirect/hangup/getVar/setVar on it.
 */

import type { AmiOriginateRequest } from './ami-originate.js';

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

/** One ListDialplan item of ShowDialPlan: a priority of an extension, or an include of a context. */
export type AmiDialplanItem =
  | { readonly context: string; readonly extension: string; readonly label: string | null; readonly priority: number; readonly app: string; readonly appData: string }
  | { readonly context: string; readonly includeContext: string };

/** What manager_show_dialplan finds: its items and counters, or the error text Asterisk answers with. */
export type AmiDialplanListing =
  | { readonly error: string }
  | { readonly items: readonly AmiDialplanItem[]; readonly extensions: number; readonly priorities: number; readonly contexts: number };

export type AmiBackendEvent =
  | { readonly type: 'newchannel'; readonly channel: AmiChannelSnapshot }
  | { readonly type: 'newstate'; readonly channel: AmiChannelSnapshot }
  /** `channel` is the last snapshot before it was destroyed. Cause is a Q.850 code (16 normal clearing). */
  | { readonly type: 'hangup'; readonly channel: AmiChannelSnapshot; readonly cause: number; readonly causeText: string }
  | { readonly type: 'deviceStateChange'; readonly device: string; readonly state: string }
  /** app_queue's events (class `agent`); `member` is the channel to the member when there is one. */
  | {
      readonly type: 'queue';
      readonly event: 'QueueCallerJoin' | 'QueueCallerLeave' | 'QueueCallerAbandon' | 'AgentCalled' | 'AgentRingNoAnswer' | 'AgentConnect';
      readonly channel: AmiChannelSnapshot;
      readonly member: AmiChannelSnapshot | null;
      readonly fields: ReadonlyArray<readonly [string, string | number]>;
    }
  /** A dialplan step started (class `dialplan`). */
  | { readonly type: 'newexten'; readonly channel: AmiChannelSnapshot; readonly extension: string; readonly app: string; readonly appData: string };

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
  /** ShowDialPlan: the loaded dialplan, filtered to a context and/or extension (includes followed for an extension). */
  showDialplan?(context: string | undefined, exten: string | undefined): AmiDialplanListing | Promise<AmiDialplanListing>;
  /**
   * Originate: requests and dials the channel; resolves once it answered (it then runs the application or the
   * dialplan) or failed, with pbx_dial_reason()'s reason and the answered channel (null on failure).
   */
  originate?(request: AmiOriginateRequest): Promise<{ readonly reason: number; readonly channel: AmiChannelSnapshot | null }>;
  /** Whether the dialplan has context/exten at that priority (null: no dialplan loaded to check against). */
  extensionExists?(context: string, exten: string, priority: number): boolean | null | Promise<boolean | null>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (event: AmiBackendEvent) => void): () => void;
}
