// One handler per described operation (keyed `resource.nickname`), translating parameters into engine calls.

import type { AsteriskEngine } from '../engine/asterisk-engine.js';
import type { ResourceName } from '../api/operations.js';
import type { AriParams } from './ari-params.js';

export interface AriResult {
  readonly status: number;
  readonly body?: unknown;
  /** A file rather than JSON (`responseClass: binary`). */
  readonly file?: { readonly contentType: string; readonly name: string; readonly bytes: Uint8Array };
}

export type AriHandler = (engine: AsteriskEngine, p: AriParams) => AriResult;

const ok = (body: unknown): AriResult => ({ status: 200, body });
const created = (body: unknown): AriResult => ({ status: 201, body });
const noContent: AriResult = { status: 204 };

function originateParams(p: AriParams, channelId: string | undefined): Parameters<AsteriskEngine['ariOriginate']>[0] {
  return {
    endpoint: p.string('endpoint') ?? '',
    extension: p.string('extension'),
    context: p.string('context'),
    priority: p.int('priority'),
    label: p.string('label'),
    app: p.string('app'),
    appArgs: p.string('appArgs'),
    callerId: p.string('callerId'),
    channelId,
    otherChannelId: p.string('otherChannelId'),
    variables: variablesOf(p),
  };
}

/** ari-client wraps `variables` as `{"variables": {...}}`; plain callers may send the map itself. */
function variablesOf(p: AriParams): Record<string, unknown> | undefined {
  const v = p.object('variables');
  if (v && typeof v['variables'] === 'object' && v['variables'] !== null) return v['variables'] as Record<string, unknown>;
  return v;
}

export const ARI_HANDLERS: Readonly<Record<`${ResourceName}.${string}`, AriHandler>> = {
  'asterisk.getInfo': (e, p) => ok(e.ariInfo(p.list('only'))),
  'asterisk.ping': (e) => ok(e.ariPing()),
  'applications.list': (e) => ok(e.ariApplications()),
  'applications.get': (e, p) => ok(e.ariApplication(p.path('applicationName'))),
  'applications.subscribe': (e, p) => ok(e.ariSubscribe(p.path('applicationName'), p.list('eventSource'))),
  'applications.unsubscribe': (e, p) => ok(e.ariUnsubscribe(p.path('applicationName'), p.list('eventSource'))),
  'endpoints.list': (e) => ok(e.ariListEndpoints()),
  'endpoints.listByTech': (e, p) => ok(e.ariListEndpointsByTech(p.path('tech'))),
  'endpoints.get': (e, p) => ok(e.ariGetEndpoint(p.path('tech'), p.path('resource'))),
  'deviceStates.list': (e) => ok(e.ariListDeviceStates()),
  'deviceStates.get': (e, p) => ok(e.ariGetDeviceState(p.path('deviceName'))),
  'deviceStates.update': (e, p) => {
    e.ariUpdateDeviceState(p.path('deviceName'), p.string('deviceState') ?? '');
    return noContent;
  },
  'deviceStates.delete': (e, p) => {
    e.ariDeleteDeviceState(p.path('deviceName'));
    return noContent;
  },
  'channels.list': (e) => ok(e.ariListChannels()),
  'channels.originate': (e, p) => ok(e.ariOriginate(originateParams(p, p.string('channelId')))),
  'channels.originateWithId': (e, p) => ok(e.ariOriginate(originateParams(p, p.path('channelId')))),
  'channels.create': (e, p) =>
    ok(
      e.ariCreateChannel({
        endpoint: p.string('endpoint') ?? '',
        app: p.string('app') ?? '',
        appArgs: p.string('appArgs'),
        channelId: p.string('channelId'),
        otherChannelId: p.string('otherChannelId'),
        variables: variablesOf(p),
      }),
    ),
  'channels.get': (e, p) => ok(e.ariGetChannel(p.path('channelId'))),
  'channels.hangup': (e, p) => {
    e.ariHangup(p.path('channelId'), p.string('reason'), p.string('reason_code'));
    return noContent;
  },
  'channels.continueInDialplan': (e, p) => {
    e.ariContinue(p.path('channelId'), {
      context: p.string('context'),
      extension: p.string('extension'),
      priority: p.int('priority'),
      label: p.string('label'),
    });
    return noContent;
  },
  'channels.answer': (e, p) => {
    e.ariAnswer(p.path('channelId'));
    return noContent;
  },
  'channels.ring': (e, p) => {
    e.ariRing(p.path('channelId'), true);
    return noContent;
  },
  'channels.ringStop': (e, p) => {
    e.ariRing(p.path('channelId'), false);
    return noContent;
  },
  'channels.move': (e, p) => {
    e.ariMove(p.path('channelId'), p.string('app') ?? '', p.string('appArgs'));
    return noContent;
  },
  'channels.redirect': (e, p) => {
    e.ariRedirect(p.path('channelId'), p.string('endpoint') ?? '');
    return noContent;
  },
  'channels.startMoh': (e, p) => {
    e.ariMoh(p.path('channelId'), p.string('mohClass') || 'default');
    return noContent;
  },
  'channels.stopMoh': (e, p) => {
    e.ariMoh(p.path('channelId'), null);
    return noContent;
  },
  'channels.play': (e, p) => created(e.ariPlay(p.path('channelId'), p.list('media'), p.string('lang'), p.string('playbackId'))),
  'channels.playWithId': (e, p) => created(e.ariPlay(p.path('channelId'), p.list('media'), p.string('lang'), p.path('playbackId'))),
  'channels.record': (e, p) =>
    created(
      e.ariRecord(p.path('channelId'), {
        name: p.string('name') ?? '',
        format: p.string('format') ?? '',
        maxDurationSeconds: p.int('maxDurationSeconds') ?? 0,
        ifExists: p.string('ifExists') ?? 'fail',
        beep: p.bool('beep', false),
        terminateOn: p.string('terminateOn') ?? 'none',
      }),
    ),
  'channels.getChannelVar': (e, p) => ok(e.ariGetVariable(p.path('channelId'), p.string('variable') ?? '')),
  'channels.setChannelVar': (e, p) => {
    e.ariSetVariable(p.path('channelId'), p.string('variable') ?? '', p.string('value') ?? '', p.bool('report_events', false));
    return noContent;
  },
  'channels.dial': (e, p) => {
    e.ariDial(p.path('channelId'), p.string('caller'), p.int('timeout') ?? 0);
    return noContent;
  },
  'bridges.list': (e) => ok(e.ariListBridges()),
  'bridges.create': (e, p) => ok(e.ariCreateBridge({ bridgeId: p.string('bridgeId'), type: p.string('type'), name: p.string('name') }, false)),
  'bridges.createWithId': (e, p) =>
    ok(e.ariCreateBridge({ bridgeId: p.path('bridgeId'), type: p.string('type'), name: p.string('name') }, true)),
  'bridges.get': (e, p) => ok(e.ariGetBridge(p.path('bridgeId'))),
  'bridges.destroy': (e, p) => {
    e.ariDestroyBridge(p.path('bridgeId'));
    return noContent;
  },
  'bridges.addChannel': (e, p) => {
    e.ariAddToBridge(p.path('bridgeId'), p.list('channel'), p.string('role'));
    return noContent;
  },
  'bridges.removeChannel': (e, p) => {
    e.ariRemoveFromBridge(p.path('bridgeId'), p.list('channel'));
    return noContent;
  },
  'bridges.startMoh': (e, p) => {
    e.ariBridgeMoh(p.path('bridgeId'), p.string('mohClass') || 'default');
    return noContent;
  },
  'bridges.stopMoh': (e, p) => {
    e.ariBridgeMoh(p.path('bridgeId'), null);
    return noContent;
  },
  'bridges.play': (e, p) => created(e.ariPlayToBridge(p.path('bridgeId'), p.list('media'), p.string('lang'), p.string('playbackId'))),
  'bridges.playWithId': (e, p) => created(e.ariPlayToBridge(p.path('bridgeId'), p.list('media'), p.string('lang'), p.path('playbackId'))),
  'bridges.record': (e, p) =>
    created(
      e.ariRecordBridge(p.path('bridgeId'), {
        name: p.string('name') ?? '',
        format: p.string('format') ?? '',
        maxDurationSeconds: p.int('maxDurationSeconds') ?? 0,
        ifExists: p.string('ifExists') ?? 'fail',
        beep: p.bool('beep', false),
        terminateOn: p.string('terminateOn') ?? 'none',
      }),
    ),
  'playbacks.get': (e, p) => ok(e.ariGetPlayback(p.path('playbackId'))),
  'playbacks.stop': (e, p) => {
    e.ariStopPlayback(p.path('playbackId'));
    return noContent;
  },
  'recordings.listStored': (e) => ok(e.ariListStored()),
  'recordings.getStored': (e, p) => ok(e.ariGetStored(p.path('recordingName'))),
  'recordings.getStoredFile': (e, p) => ({ status: 200, file: e.ariGetStoredFile(p.path('recordingName')) }),
  'recordings.getLive': (e, p) => ok(e.ariGetLiveRecording(p.path('recordingName'))),
  'recordings.stop': (e, p) => {
    e.ariStopLiveRecording(p.path('recordingName'));
    return noContent;
  },
};
