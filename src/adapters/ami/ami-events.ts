import type { AmiMessage } from './ami-codec.js';

/**
 * The channel fields Asterisk puts on every channel event (ast_manager_build_channel_state_string):
 * Channel, ChannelState, ChannelStateDesc, CallerIDNum, ... Uniqueid, Linkedid.
 */
export interface AmiChannelState {
  readonly channel: string;
  /** Numeric ast_channel_state: 0 Down, 4 Ring, 5 Ringing, 6 Up, ... */
  readonly channelState: number;
  readonly channelStateDesc: string;
  readonly callerIdNum: string;
  readonly callerIdName: string;
  readonly connectedLineNum: string;
  readonly connectedLineName: string;
  readonly language: string;
  readonly accountCode: string;
  readonly context: string;
  readonly exten: string;
  readonly priority: number;
  readonly uniqueid: string;
  readonly linkedid: string;
}

interface AmiEventCommon {
  /** The `Event:` name exactly as Asterisk sent it. */
  readonly event: string;
  readonly actionId: string | undefined;
  /** Every header, lower-cased keys, as `asterisk-manager` would give them. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface AmiNewchannelEvent extends AmiEventCommon, AmiChannelState {
  readonly kind: 'Newchannel';
}
export interface AmiNewstateEvent extends AmiEventCommon, AmiChannelState {
  readonly kind: 'Newstate';
}
export interface AmiHangupEvent extends AmiEventCommon, AmiChannelState {
  readonly kind: 'Hangup';
  readonly cause: number;
  readonly causeText: string;
}
export interface AmiDeviceStateChangeEvent extends AmiEventCommon {
  readonly kind: 'DeviceStateChange';
  readonly device: string;
  /** NOT_INUSE, INUSE, BUSY, INVALID, UNAVAILABLE, RINGING, RINGINUSE, ONHOLD, UNKNOWN. */
  readonly state: string;
}
export interface AmiFullyBootedEvent extends AmiEventCommon {
  readonly kind: 'FullyBooted';
  readonly uptime: number;
}
export interface AmiOriginateResponseEvent extends AmiEventCommon {
  readonly kind: 'OriginateResponse';
  /** `Success` or `Failure`. */
  readonly response: string;
  readonly channel: string;
  /** Asterisk's outgoing-call reason: 4 answered, 5 busy, 8 congestion, 3 no answer, 0 failed. */
  readonly reason: number;
  readonly uniqueid: string;
}
/** Any event without a typed shape above; read `fields`. */
export interface AmiOtherEvent extends AmiEventCommon {
  readonly kind: 'other';
}

export type AmiEvent =
  | AmiNewchannelEvent
  | AmiNewstateEvent
  | AmiHangupEvent
  | AmiDeviceStateChangeEvent
  | AmiFullyBootedEvent
  | AmiOriginateResponseEvent
  | AmiOtherEvent;

/** A channel as listed by CoreShowChannels. */
export interface AmiChannel extends AmiChannelState {
  readonly application: string;
  readonly applicationData: string;
  /** `HH:MM:SS` since the channel was created. */
  readonly duration: string;
  readonly bridgeId: string;
}

export interface AmiDeviceState {
  readonly device: string;
  readonly state: string;
}

function int(value: string | undefined): number {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isNaN(n) ? 0 : n;
}

export function channelStateOf(message: AmiMessage): AmiChannelState {
  const s = (key: string): string => message.get(key) ?? '';
  return {
    channel: s('Channel'),
    channelState: int(message.get('ChannelState')),
    channelStateDesc: s('ChannelStateDesc'),
    callerIdNum: s('CallerIDNum'),
    callerIdName: s('CallerIDName'),
    connectedLineNum: s('ConnectedLineNum'),
    connectedLineName: s('ConnectedLineName'),
    language: s('Language'),
    accountCode: s('AccountCode'),
    context: s('Context'),
    exten: s('Exten'),
    priority: int(message.get('Priority')),
    uniqueid: s('Uniqueid'),
    linkedid: s('Linkedid'),
  };
}

export function channelOf(message: AmiMessage): AmiChannel {
  return {
    ...channelStateOf(message),
    application: message.get('Application') ?? '',
    applicationData: message.get('ApplicationData') ?? '',
    duration: message.get('Duration') ?? '',
    bridgeId: message.get('BridgeId') ?? '',
  };
}

/** Types an event message. The caller has checked that the message has an `Event` header. */
export function toAmiEvent(message: AmiMessage): AmiEvent {
  const common: AmiEventCommon = {
    event: message.get('Event') ?? '',
    actionId: message.get('ActionID'),
    fields: message.toRecord(),
  };
  switch (common.event) {
    case 'Newchannel':
      return { ...common, kind: 'Newchannel', ...channelStateOf(message) };
    case 'Newstate':
      return { ...common, kind: 'Newstate', ...channelStateOf(message) };
    case 'Hangup':
      return { ...common, kind: 'Hangup', ...channelStateOf(message), cause: int(message.get('Cause')), causeText: message.get('Cause-txt') ?? '' };
    case 'DeviceStateChange':
      return { ...common, kind: 'DeviceStateChange', device: message.get('Device') ?? '', state: message.get('State') ?? '' };
    case 'FullyBooted':
      return { ...common, kind: 'FullyBooted', uptime: int(message.get('Uptime')) };
    case 'OriginateResponse':
      return {
        ...common,
        kind: 'OriginateResponse',
        response: message.get('Response') ?? '',
        channel: message.get('Channel') ?? '',
        reason: int(message.get('Reason')),
        uniqueid: message.get('Uniqueid') ?? '',
      };
    default:
      return { ...common, kind: 'other' };
  }
}
