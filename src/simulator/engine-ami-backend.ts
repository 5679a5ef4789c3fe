// Glue: the simulated AMI server sees the same calls as the simulated ARI, through the engine's lifecycle
// events. Only here do the two halves of the simulator meet.

import type { AmiBackend, AmiBackendEvent, AmiChannelSnapshot, AmiChannelStateName, AmiDialplanItem, AmiDialplanListing } from './ami/ami-backend.js';
import type { Dialplan } from './dialplan/extensions-conf.js';
import { extensionMatches } from './dialplan/extensions-conf.js';
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
    originate: async (request) => {
      const outcome = await engine.originateFromAmi(request);
      return { reason: outcome.reason, channel: outcome.channel === null ? null : snapshot(outcome.channel) };
    },
    extensionExists: (context, exten, priority) => engine.extensionExists(context, exten, priority),
    showDialplan: (context, exten) =>
      engine.pbx === null ? { error: context ? `Did not find context ${context}` : 'Did not find any dialplan' } : showDialplan(engine.pbx.dialplan, context, exten),
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
    case 'dialplan':
      return dialplanEventOf(event.event);
    default:
      return undefined;
  }
}

type PbxEventOf = Extract<LifecycleEvent, { type: 'dialplan' }>['event'];

function dialplanEventOf(event: PbxEventOf): AmiBackendEvent | undefined {
  const queue = (
    name: Extract<AmiBackendEvent, { type: 'queue' }>['event'],
    member: SimChannel | null,
    fields: ReadonlyArray<readonly [string, string | number]>,
  ): AmiBackendEvent => ({ type: 'queue', event: name, channel: snapshot(event.channel), member: member === null ? null : snapshot(member), fields });
  switch (event.type) {
    case 'step':
      return { type: 'newexten', channel: snapshot(event.channel), extension: event.channel.dialplan.exten, app: event.step.app, appData: event.data };
    case 'error':
      return undefined;
    case 'queueCallerJoin':
      return queue('QueueCallerJoin', null, [['Queue', event.queue], ['Position', event.position], ['Count', event.count]]);
    case 'queueCallerLeave':
      return queue('QueueCallerLeave', null, [['Queue', event.queue], ['Position', event.position], ['Count', event.count]]);
    case 'queueCallerAbandon':
      return queue('QueueCallerAbandon', null, [['Queue', event.queue], ['Position', event.position], ['OriginalPosition', event.position], ['HoldTime', 0]]);
    case 'agentCalled':
      return queue('AgentCalled', event.member, [['Queue', event.queue], ['Interface', event.iface.interface], ['MemberName', event.iface.name]]);
    case 'agentRingNoAnswer':
      return queue('AgentRingNoAnswer', event.member, [
        ['Queue', event.queue],
        ['Interface', event.iface.interface],
        ['MemberName', event.iface.name],
        ['RingTime', Math.round(event.ringMs)],
      ]);
    case 'agentConnect':
      return queue('AgentConnect', event.member, [
        ['Queue', event.queue],
        ['Interface', event.iface.interface],
        ['MemberName', event.iface.name],
        ['HoldTime', Math.floor(event.holdMs / 1000)],
        ['RingTime', Math.floor(event.ringMs / 1000)],
      ]);
  }
}

/** manager_show_dialplan: a context's priorities and includes, or one extension's, following includes for it. */
function showDialplan(dialplan: Dialplan, context: string | undefined, exten: string | undefined): AmiDialplanListing {
  const items: AmiDialplanItem[] = [];
  let contexts = 0;
  let extensions = 0;
  let priorities = 0;
  let contextFound = false;
  let extensionFound = false;
  const walk = (name: string | undefined, seen: Set<string>): void => {
    for (const ctx of dialplan.contexts.values()) {
      if (name !== undefined && ctx.name !== name) continue;
      contextFound = true;
      contexts += 1;
      for (const ext of ctx.extensions) {
        if (exten !== undefined && !extensionMatches(ext.name, exten)) continue;
        extensionFound = true;
        extensions += 1;
        for (const step of [...ext.steps.values()].sort((a, b) => a.priority - b.priority)) {
          priorities += 1;
          items.push({ context: ctx.name, extension: ext.name, label: step.label, priority: step.priority, app: step.app, appData: step.data });
        }
      }
      for (const inc of ctx.includes) {
        if (exten === undefined) items.push({ context: ctx.name, includeContext: inc });
        else if (!seen.has(inc)) walk(inc, new Set([...seen, inc]));
      }
    }
  };
  walk(context, new Set(context === undefined ? [] : [context]));
  if (context !== undefined && !contextFound) return { error: `Did not find context ${context}` };
  if (exten !== undefined && !extensionFound) {
    return { error: context !== undefined ? `Did not find extension ${exten}@${context}` : `Did not find extension ${exten} in any context` };
  }
  return { items, extensions, priorities, contexts };
}
