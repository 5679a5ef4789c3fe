// The pure rules behind the simulator's ACD support: who hears whom in a bridge, event source URIs, and how AMI
// Originate is read and answered (manager.c action_originate / fast_originate).

import { describe, expect, it } from 'vitest';
import { AmiMessage } from '../../../src/adapters/ami/ami-codec.js';
import { originateResponseHeaders, originateVariables, parseAmiCallerId, parseOriginate } from '../../../src/simulator/ami/ami-originate.js';
import type { AmiOriginateRequest } from '../../../src/simulator/ami/ami-originate.js';
import { ApplicationRegistry, DEVICE_STATE_ALL } from '../../../src/simulator/engine/applications.js';
import { audibleMembers, mediaListeners } from '../../../src/simulator/engine/bridge-media.js';
import type { BridgeMix } from '../../../src/simulator/engine/bridge-media.js';
import { parseEndpointId } from '../../../src/simulator/engine/endpoints.js';
import { parseEventSource, watchesDevice, watchesEndpoint } from '../../../src/simulator/engine/subscriptions.js';

function bridge(type: 'mixing' | 'holding', ids: string[], roles: Record<string, string> = {}, mohClass: string | null = null): BridgeMix & { mohClass: string | null } {
  return { bridgeType: type, channelIds: ids, roles: new Map(Object.entries(roles)), mohClass };
}

function action(headers: Array<[string, string]>): AmiMessage {
  return new AmiMessage([['Action', 'Originate'], ...headers]);
}

describe('who hears whom in a bridge', () => {
  it('a mixing bridge mixes every member to every other one, and plays its media to all', () => {
    const b = bridge('mixing', ['a', 'b', 'c']);
    expect(audibleMembers(b, 'a')).toEqual(['b', 'c']);
    expect(mediaListeners(b, 'announcement')).toEqual(['a', 'b', 'c']);
  });

  it('holding-bridge participants hear only the announcer, who hears them all', () => {
    const b = bridge('holding', ['a', 'b', 'ann'], { ann: 'announcer' });
    expect(audibleMembers(b, 'a')).toEqual(['ann']);
    expect(audibleMembers(b, 'ann')).toEqual(['a', 'b']);
    expect(audibleMembers(bridge('holding', ['a', 'b']), 'a')).toEqual([]);
    expect(audibleMembers(b, 'not-there')).toEqual([]);
    expect(mediaListeners(b, 'moh')).toEqual(['a', 'b']);
  });

  it('a holding bridge takes one announcer: an announcement made while its music plays reaches nobody', () => {
    expect(mediaListeners(bridge('holding', ['a'], {}, 'default'), 'announcement')).toEqual([]);
    expect(mediaListeners(bridge('mixing', ['a'], {}, 'default'), 'announcement')).toEqual(['a']);
  });
});

describe('event sources and subscriptions', () => {
  it('reads the four schemes res_stasis knows, case-sensitively', () => {
    expect(parseEventSource('deviceState:Stasis:agent-1')).toEqual(['deviceState', 'Stasis:agent-1']);
    expect(parseEventSource('endpoint:PJSIP/1001')).toEqual(['endpoint', 'PJSIP/1001']);
    expect(parseEventSource('endpoint:')).toEqual(['endpoint', '']);
    expect(parseEventSource('devicestate:x')).toBeUndefined();
    expect(parseEventSource('mailbox:1')).toBeUndefined();
    expect(parseEndpointId('PJSIP/1001')).toEqual({ technology: 'PJSIP', resource: '1001' });
    expect(parseEndpointId('PJSIP/')).toBeUndefined();
  });

  it('an endpoint subscription covers that endpoint, a technology covers its endpoints, subscribeAll everything', () => {
    const apps = new ApplicationRegistry();
    const app = apps.ensure('acd');
    app.endpointIds.add('PJSIP/1001');
    expect(watchesEndpoint(app, 'PJSIP', '1001')).toBe(true);
    expect(watchesEndpoint(app, 'PJSIP', '1002')).toBe(false);
    app.endpointIds.add('pjsip');
    expect(watchesEndpoint(app, 'PJSIP', '1002')).toBe(true);
    expect(watchesDevice(app, 'Stasis:x')).toBe(false);
    app.deviceNames.add(DEVICE_STATE_ALL);
    expect(watchesDevice(app, 'Stasis:x')).toBe(true);
    const all = apps.ensure('all');
    all.subscribeAll = true;
    expect([watchesDevice(all, 'PJSIP/1'), watchesEndpoint(all, 'Local', 'x')]).toEqual([true, true]);
  });
});

describe('AMI Originate as action_originate reads it', () => {
  it('takes the channel, place, caller id, variables, timeout and Async', () => {
    const parsed = parseOriginate(
      action([
        ['Channel', 'Local/1001@agents'],
        ['Context', 'acd-agent'],
        ['Exten', 's'],
        ['Priority', '1'],
        ['Timeout', '15000'],
        ['CallerID', '"Hotline" <123-45>'],
        ['Variable', 'A=1,B=x=y'],
        ['Variable', 'C=3'],
        ['Async', 'true'],
        ['ChannelId', 'agent-leg-1'],
      ]),
    );
    expect(parsed).toEqual({
      ok: true,
      async: true,
      request: {
        channel: 'Local/1001@agents',
        context: 'acd-agent',
        exten: 's',
        priority: 1,
        application: '',
        data: '',
        timeoutMs: 15000,
        callerNum: '12345',
        callerName: 'Hotline',
        variables: [
          ['A', '1'],
          ['B', 'x=y'],
          ['C', '3'],
        ],
        channelId: 'agent-leg-1',
      },
    });
  });

  it('answers its error texts, in its order', () => {
    expect(parseOriginate(action([]))).toEqual({ ok: false, message: 'Channel not specified' });
    expect(parseOriginate(action([['Channel', 'PJSIP/1'], ['Priority', 'start']]))).toEqual({ ok: false, message: 'Invalid priority' });
    expect(parseOriginate(action([['Channel', 'PJSIP/1'], ['Timeout', 'soon']]))).toEqual({ ok: false, message: 'Invalid timeout' });
    expect(parseOriginate(action([['Channel', 'nowhere']]))).toEqual({ ok: false, message: 'Invalid channel' });
    expect(parseOriginate(action([['Channel', 'PJSIP/1'], ['ChannelId', 'x'.repeat(150)]]))).toMatchObject({ ok: false });
    expect(parseOriginate(action([['Channel', 'PJSIP/1']]))).toMatchObject({ ok: true, async: false, request: { timeoutMs: 30000 } });
  });

  it('reads caller ids and variables as Asterisk does', () => {
    expect(parseAmiCallerId('')).toEqual({ name: '', number: '' });
    expect(parseAmiCallerId('(010) 555-1234')).toEqual({ name: '', number: '0105551234' });
    expect(parseAmiCallerId('Agent Desk')).toEqual({ name: 'Agent Desk', number: '' });
    expect(parseAmiCallerId('"12345"')).toEqual({ name: '12345', number: '' });
    expect(parseAmiCallerId('Hotline <12345>')).toEqual({ name: 'Hotline', number: '12345' });
    expect(originateVariables(action([['Variable', 'noequals,=x,K=v']]))).toEqual([['K', 'v']]);
  });

  it('answers with OriginateResponse: the channel and its id when answered, the requested channel otherwise', () => {
    const request: AmiOriginateRequest = {
      channel: 'PJSIP/1001',
      context: 'acd',
      exten: 's',
      priority: 1,
      application: '',
      data: '',
      timeoutMs: 1000,
      callerNum: '',
      callerName: 'Hotline',
      variables: [],
    };
    expect(originateResponseHeaders('o-1', request, { reason: 4, channel: { name: 'PJSIP/1001-00000001', uniqueid: '17.1' } })).toEqual([
      ['Event', 'OriginateResponse'],
      ['Privilege', 'call,all'],
      ['ActionID', 'o-1'],
      ['Response', 'Success'],
      ['Channel', 'PJSIP/1001-00000001'],
      ['Context', 'acd'],
      ['Exten', 's'],
      ['Reason', 4],
      ['Uniqueid', '17.1'],
      ['CallerIDNum', '<unknown>'],
      ['CallerIDName', 'Hotline'],
    ]);
    const failed = originateResponseHeaders(undefined, { ...request, application: 'Stasis', data: 'acd' }, { reason: 5, channel: null });
    expect(failed).toEqual([
      ['Event', 'OriginateResponse'],
      ['Privilege', 'call,all'],
      ['Response', 'Failure'],
      ['Channel', 'PJSIP/1001'],
      ['Application', 'Stasis'],
      ['Data', 'acd'],
      ['Reason', 5],
      ['Uniqueid', '<unknown>'],
      ['CallerIDNum', '<unknown>'],
      ['CallerIDName', 'Hotline'],
    ]);
  });
});
