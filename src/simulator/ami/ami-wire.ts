import type { AmiHeaderInput } from '../../adapters/ami/ami-codec.js';
import type { AmiChannelSnapshot, AmiChannelStateName } from './ami-backend.js';

/** ast_channel_state numbers, by the names ast_state2str gives them. */
const STATE_NUMBERS: Readonly<Record<AmiChannelStateName, number>> = {
  Down: 0,
  Rsrvd: 1,
  OffHook: 2,
  Dialing: 3,
  Ring: 4,
  Ringing: 5,
  Up: 6,
  Busy: 7,
  'Dialing Offhook': 8,
  'Pre-ring': 9,
};

/** Asterisk prints an absent caller id as `<unknown>` in channel events. */
function orUnknown(value: string): string {
  return value === '' ? '<unknown>' : value;
}

/** The channel block Asterisk appends to every channel event (ast_manager_build_channel_state_string). */
export function channelStateHeaders(channel: AmiChannelSnapshot): AmiHeaderInput[] {
  return [
    ['Channel', channel.name],
    ['ChannelState', STATE_NUMBERS[channel.state]],
    ['ChannelStateDesc', channel.state],
    ['CallerIDNum', orUnknown(channel.callerNum)],
    ['CallerIDName', orUnknown(channel.callerName)],
    ['ConnectedLineNum', orUnknown(channel.connectedNum)],
    ['ConnectedLineName', orUnknown(channel.connectedName)],
    ['Language', channel.language],
    ['AccountCode', channel.accountCode],
    ['Context', channel.context],
    ['Exten', channel.exten],
    ['Priority', channel.priority],
    ['Uniqueid', channel.uniqueid],
    ['Linkedid', channel.linkedid],
  ];
}

/** `HH:MM:SS` as CoreShowChannels prints a channel's age. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}
