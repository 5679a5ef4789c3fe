// Glue: the simulated AMI server sees the same calls as the simulated ARI, through the engine's lifecycle
// events. Only here do the two halves of the simulator meet.

import type { AmiBackend, AmiBackendEvent, AmiChannelSnapshot, AmiChannelStateName } from './ami/ami-backend.js';
import type { AsteriskEngine, LifecycleEvent } from './engine/asterisk-engine.js';
import type { SimChannel } from './engine/types.js';

const STATES = new Set<string>(['Down', 'Rsrvd', 'OffHook', 'Dialing', 'Ring', 'Ringing', 'Up', 'Busy', 'Dialing Offhook', 'Pre-ring']);

function snapshot(channel: SimChannel): AmiChannelSnapshot {
  return {
    name: channel.name,
    uniqueid: channel.id,
    linkedid: channel.localPeerId ?? channel.id,
    state: (STATES.has(channel.state) ? channel.state : 'Down') as AmiChannelStateName,
    callerNum: channel.caller.number,
    callerName: channel.caller.name,
    connectedNum: channel.connected.number,
    connectedName: channel.connected.name,
    language: channel.language,
    accountCode: '',
    context: channel.dialplan.context,
    exten: channel.dialplan.exten,
    priority: channel.dialplan.priority,
    app: channel.app !== null ? 'Stasis' : channel.dialplan.app_name,
    appData: channel.app !== null ? channel.app : channel.dialplan.app_data,
    bridgeId: channel.bridgeId ?? '',
    createdAt: channel.createdAt,
  };
}

export function engineAmiBackend(engine: AsteriskEngine): AmiBackend {
  const live = (): SimChannel[] => [...engine.channels.values()].filter((c) => !c.destroyed);
  const byName = (name: string): SimChannel | undefined => live().find((c) => c.name === name);
  const require = (name: string): SimChannel => {
    const channel = byName(name);
    if (channel === undefined) throw new Error('No such channel');
    return channel;
  };
  return {
    listChannels: () => live().map(snapshot),
    findChannel: (name) => {
      const channel = byName(name);
      return channel === undefined ? undefined : snapshot(channel);
    },
    redirect: (name, target) => {
      engine.redirect(require(name).id, { context: target.context, extension: target.exten, priority: target.priority });
    },
    hangup: (name, cause) => {
      engine.farEndHangup(require(name).id, cause);
    },
    getVar: (name, variable) => require(name).vars.get(variable) ?? '',
    setVar: (name, variable, value) => {
      require(name).vars.set(variable, value);
    },
    deviceStates: () => engine.devices.all(),
    subscribe: (listener) => {
      const onLifecycle = (event: LifecycleEvent): void => {
        const out = amiEventOf(event);
        if (out !== undefined) listener(out);
      };
      engine.events.on('lifecycle', onLifecycle);
      return () => engine.events.off('lifecycle', onLifecycle);
    },
  };
}

function amiEventOf(event: LifecycleEvent): AmiBackendEvent | undefined {
  switch (event.type) {
    case 'channelCreated':
      return { type: 'newchannel', channel: snapshot(event.channel) };
    case 'channelStateChanged':
      return { type: 'newstate', channel: snapshot(event.channel) };
    case 'channelHungUp':
      return { type: 'hangup', channel: snapshot(event.channel), cause: event.cause, causeText: event.cause === 16 ? 'Normal Clearing' : 'Unknown' };
    case 'deviceStateChanged':
      return { type: 'deviceStateChange', device: event.device, state: event.state };
    default:
      return undefined;
  }
}
