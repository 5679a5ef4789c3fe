// Fidelity of the simulator to a real Asterisk 22: (a) what it describes is what Asterisk describes, (b) every
// event it sends to the real ari-client matches Asterisk's event models, (c) orderings seen in the transcripts
// recorded from a real Asterisk hold.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySoundCatalog, startSimulator } from '../../../src/simulator/index.js';
import type { Simulator } from '../../../src/simulator/index.js';
import { connectAri, recordEvents } from './ari-client-loader.js';
import type { TestAriClient } from './ari-client-loader.js';
import { SwaggerModelValidator } from './swagger-model-validator.js';

const SHARED = resolve(process.cwd(), '../shared/asterisk-ari');
const API_DOCS = resolve(SHARED, 'api-docs');
const APP = 'ivr-12345';
const USER = 'gateway';
const PASS = 'secret';
const AUTH = { Authorization: `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}` };

type Json = Record<string, unknown>;
interface RealParam {
  name: string;
  paramType: string;
  dataType: string;
  required?: boolean;
  allowMultiple?: boolean;
  allowableValues?: unknown;
}
interface RealOp {
  httpMethod: string;
  nickname: string;
  responseClass: string;
  parameters?: RealParam[];
}
interface Declaration {
  basePath: string;
  apis: { path: string; operations: RealOp[] }[];
  models: Record<string, { properties: Record<string, { type: string; required?: boolean }> }>;
}

function readTranscript(name: string): Json[] {
  return readFileSync(resolve(SHARED, 'transcripts', name), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Json);
}

async function getJson(url: string): Promise<Json> {
  const res = await fetch(url, { headers: AUTH });
  expect(res.status, url).toBe(200);
  return (await res.json()) as Json;
}

let sim: Simulator;
let client: TestAriClient;
let events: Json[];
const validator = new SwaggerModelValidator(API_DOCS);

/** Resolves with the first event (from now on) of `type` that satisfies `predicate`. */
function nextEvent(type: string, predicate: (e: Json) => boolean = () => true, timeoutMs = 3000): Promise<Json> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      client.off(type, listener);
      reject(new Error(`timed out waiting for ${type}`));
    }, timeoutMs);
    const listener = (e: Json): void => {
      if (!predicate(e)) return;
      clearTimeout(timer);
      client.off(type, listener);
      resolvePromise(e);
    };
    client.on(type, listener);
  });
}

const channelOf = (e: Json): Json => e['channel'] as Json;
const forChannel = (id: string) => (e: Json) => channelOf(e)?.['id'] === id;
const playbackOf = (e: Json): Json => e['playback'] as Json;

/** Places an inbound call and returns its id once the application has seen StasisStart. */
async function inboundCall(from: string): Promise<string> {
  const started = nextEvent('StasisStart', (e) => (channelOf(e)['caller'] as Json)['number'] === from);
  const { channelId } = sim.control.placeCall({ from });
  await started;
  return channelId;
}

/** Events recorded for one channel after index `from`, as type names. */
function typesFor(channelId: string, from = 0): string[] {
  return events
    .slice(from)
    .filter((e) => channelOf(e)?.['id'] === channelId || (playbackOf(e)?.['target_uri'] as string | undefined) === `channel:${channelId}`)
    .map((e) => e['type'] as string);
}

beforeAll(async () => {
  sim = await startSimulator({
    username: USER,
    password: PASS,
    sounds: new MemorySoundCatalog({ 'hello-world': 80, 'hotline/welcome': 30 }),
    msPerDigit: 5,
    dtmfIntervalMs: 5,
  });
  client = await connectAri(sim.ariUrl, USER, PASS);
  events = recordEvents(client);
  await client.start(APP);
});

afterAll(async () => {
  client?.stop();
  await sim?.close();
});

describe('(a) the served API description is a faithful subset of Asterisk 22', () => {
  it('serves resources.json and declarations with basePath set to the real address', async () => {
    const listing = await getJson(`${sim.ariUrl}/ari/api-docs/resources.json`);
    expect(listing['basePath']).toBe(`${sim.ariUrl}/ari`);
    const real = JSON.parse(readFileSync(resolve(API_DOCS, 'resources.json'), 'utf8')) as { apis: { path: string }[] };
    const realPaths = real.apis.map((a) => a.path);
    for (const api of listing['apis'] as { path: string }[]) expect(realPaths).toContain(api.path);
  });

  it('every served operation exists in Asterisk with the same method, path and parameters', async () => {
    const listing = await getJson(`${sim.ariUrl}/ari/api-docs/resources.json`);
    let checked = 0;
    for (const api of listing['apis'] as { path: string }[]) {
      const file = api.path.replace('/api-docs/', '').replace('{format}', 'json');
      const served = (await getJson(`${sim.ariUrl}/ari/api-docs/${file}`)) as unknown as Declaration;
      expect(served.basePath).toBe(`${sim.ariUrl}/ari`);
      const real = JSON.parse(readFileSync(resolve(API_DOCS, file), 'utf8')) as Declaration;
      for (const servedApi of served.apis) {
        const realApi = real.apis.find((a) => a.path === servedApi.path);
        expect(realApi, `${file}: path ${servedApi.path}`).toBeDefined();
        for (const op of servedApi.operations) {
          const where = `${op.httpMethod} ${servedApi.path}`;
          const realOp = realApi?.operations.find((o) => o.httpMethod === op.httpMethod);
          expect(realOp, where).toBeDefined();
          expect(op.nickname, where).toBe(realOp?.nickname);
          expect(op.responseClass, where).toBe(realOp?.responseClass);
          for (const p of op.parameters ?? []) {
            const rp = realOp?.parameters?.find((x) => x.name === p.name);
            expect(rp, `${where} parameter ${p.name}`).toBeDefined();
            expect([p.paramType, p.dataType, p.allowMultiple ?? false], `${where} ${p.name}`).toEqual([
              rp?.paramType,
              rp?.dataType,
              rp?.allowMultiple ?? false,
            ]);
            expect(p.required ?? false, `${where} ${p.name} required`).toBe(rp?.required ?? false);
            if (p.allowableValues) expect(p.allowableValues, `${where} ${p.name} values`).toEqual(rp?.allowableValues);
          }
          for (const rp of realOp?.parameters ?? []) {
            if (rp.required) expect(op.parameters?.map((p) => p.name), `${where} must accept required ${rp.name}`).toContain(rp.name);
          }
          checked += 1;
        }
      }
      for (const [name, model] of Object.entries(served.models)) {
        const realModel = real.models[name];
        expect(realModel, `${file}: model ${name}`).toBeDefined();
        for (const [prop, spec] of Object.entries(model.properties)) {
          expect(realModel?.properties[prop]?.type, `${name}.${prop}`).toBe(spec.type);
          expect(realModel?.properties[prop]?.required ?? false, `${name}.${prop} required`).toBe(spec.required ?? false);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(35);
  });

  it('the model validator accepts every recorded Asterisk event and rejects a malformed one', () => {
    const recorded = [...readTranscript('ivr-call.ari.jsonl'), ...readTranscript('missing-sound.ari.jsonl')];
    for (const e of recorded) expect(validator.validateMessage(e), String(e['type'])).toEqual([]);
    const broken = { ...recorded[0], channel: { ...(recorded[0]?.['channel'] as Json), state: 'Ringing-ish' } };
    expect(validator.validateMessage(broken).join()).toMatch(/state/);
    const { asterisk_id: _dropped, ...rest } = recorded[0] as Json;
    expect(validator.validateMessage({ ...rest, extra: 1 }).join()).toMatch(/extra/);
  });
});

describe('(b) driving calls with the real ari-client', () => {
  it('loads the API into ari-client: operations, resource creators and instance events', async () => {
    for (const op of ['answer', 'play', 'hangup', 'create', 'dial', 'continueInDialplan', 'record', 'ring', 'setChannelVar']) {
      expect(typeof client.channels[op], op).toBe('function');
    }
    expect(typeof client.bridges['addChannel']).toBe('function');
    const playback = client.Playback();
    expect(playback.id).toMatch(/^[0-9a-f-]{36}$/);
    const channelId = await inboundCall('13800000001');
    const channel = client.Channel(channelId);
    const stateChanged = new Promise<Json>((r) => channel.once('ChannelStateChange', (e: Json) => r(e)));
    await channel['answer']?.();
    expect(channelOf(await stateChanged)['state']).toBe('Up');
    const finished = new Promise<Json>((r) => playback.once('PlaybackFinished', (e: Json) => r(e)));
    const played = await channel['play']?.({ media: 'sound:hello-world' }, playback);
    expect(played?.id).toBe(playback.id);
    expect(playbackOf(await finished)['state']).toBe('done');
    const info = await client.asterisk['getInfo']?.();
    expect((info?.['system'] as Json)['version']).toBe('22.10.1');
    const apps = await client.applications['get']?.({ applicationName: APP });
    expect(apps?.['channel_ids']).toContain(channelId);
    await client.channels['hangup']?.({ channelId });
  });

  it('answer, play (found, missing, list), DTMF, bridge, dial (answer and busy), continue and hangups all produce valid events', async () => {
    const start = events.length;
    const caller = await inboundCall('13800000002');
    await client.channels['answer']?.({ channelId: caller });
    await client.channels['ring']?.({ channelId: caller });
    await client.channels['setChannelVar']?.({ channelId: caller, variable: 'HOTLINE_LANG', value: 'zh' });

    const missingDone = nextEvent('PlaybackFinished', (e) => playbackOf(e)['media_uri'] === 'sound:no-such-prompt');
    await client.channels['play']?.({ channelId: caller, media: 'sound:no-such-prompt' });
    expect(playbackOf(await missingDone)['state']).toBe('failed');

    const listDone = nextEvent('PlaybackFinished', (e) => playbackOf(e)['media_uri'] === 'digits:12');
    await client.channels['play']?.({ channelId: caller, media: ['sound:hotline/welcome', 'digits:12'], lang: 'zh' });
    const dtmf = nextEvent('ChannelDtmfReceived', forChannel(caller));
    await sim.control.sendDigits(caller, '1');
    expect((await dtmf)['digit']).toBe('1');
    await listDone;

    const bridge = await client.bridges['create']?.({ type: 'mixing', name: 'emergency-110' });
    const bridgeId = bridge?.id as string;
    await client.bridges['addChannel']?.({ bridgeId, channel: caller });

    const police = await client.channels['create']?.({ endpoint: 'PJSIP/110@psap-police', app: APP, variables: { 'CALLERID(num)': '13800000002' } });
    const policeId = police?.id as string;
    expect(police?.['state']).toBe('Down');
    const answered = nextEvent('Dial', (e) => (e['peer'] as Json)['id'] === policeId && e['dialstatus'] === 'ANSWER');
    await client.channels['dial']?.({ channelId: policeId, caller, timeout: 30 });
    await answered;
    await client.bridges['addChannel']?.({ bridgeId, channel: policeId });
    const bridged = await sim.control.waitForBridgeWith(caller);
    expect(bridged.channelIds).toEqual([caller, policeId]);
    expect(sim.control.channel(policeId)?.presentedCallerId.number).toBe('13800000002');

    sim.control.setDialBehaviour('PJSIP/119@psap-fire', { result: 'busy' });
    const fire = await client.channels['create']?.({ endpoint: 'PJSIP/119@psap-fire', app: APP });
    const fireId = fire?.id as string;
    const fireGone = nextEvent('ChannelDestroyed', forChannel(fireId));
    await client.channels['dial']?.({ channelId: fireId, timeout: 30 });
    expect((await fireGone)['cause']).toBe(17);

    const policeLeft = nextEvent('StasisEnd', forChannel(policeId));
    sim.control.hangup(policeId);
    await policeLeft;
    await client.bridges['destroy']?.({ bridgeId });

    const continued = nextEvent('StasisEnd', forChannel(caller));
    await client.channels['continueInDialplan']?.({ channelId: caller, context: 'hotline-queue', extension: 's', priority: 1 });
    await continued;
    expect(await sim.control.waitForContinue(caller)).toEqual({ context: 'hotline-queue', extension: 's', priority: 1 });

    const other = await inboundCall('13800000003');
    const otherEnd = nextEvent('StasisEnd', forChannel(other));
    await client.channels['hangup']?.({ channelId: other });
    await otherEnd;

    const recorded = events.slice(start);
    const types = new Set(recorded.map((e) => e['type']));
    for (const t of [
      'StasisStart',
      'ChannelStateChange',
      'ChannelVarset',
      'PlaybackStarted',
      'PlaybackContinuing',
      'PlaybackFinished',
      'ChannelDtmfReceived',
      'ChannelEnteredBridge',
      'ChannelLeftBridge',
      'Dial',
      'ChannelHangupRequest',
      'StasisEnd',
      'ChannelDestroyed',
    ]) {
      expect(types, t).toContain(t);
    }
    for (const e of recorded) expect(validator.validateMessage(e), `${String(e['type'])}: ${JSON.stringify(e)}`).toEqual([]);
  });
});

describe('(c) orderings recorded from a real Asterisk', () => {
  it('ARI originate of Local/12345@ivr-inbound: 200 with the ;1 half Down, StasisStart for the ;2 half in Ring', async () => {
    const started = nextEvent('StasisStart', (e) => String(channelOf(e)['name']).endsWith(';2'));
    const res = await fetch(
      `${sim.ariUrl}/ari/channels?endpoint=${encodeURIComponent('Local/12345@ivr-inbound')}&context=test-caller&extension=dtmf&priority=1&callerId=${encodeURIComponent('"ARI Caller" <5559876>')}`,
      { method: 'POST', headers: AUTH },
    );
    expect(res.status).toBe(200);
    const one = (await res.json()) as Json;
    expect(one['name']).toMatch(/^Local\/12345@ivr-inbound-[0-9a-f]{8};1$/);
    expect(one['state']).toBe('Down');
    const start = await started;
    const two = channelOf(start);
    expect(two['name']).toBe(String(one['name']).replace(/;1$/, ';2'));
    expect(two['state']).toBe('Ring');
    expect(start['args']).toEqual([]);
    expect(two['dialplan']).toEqual({ context: 'ivr-inbound', exten: '12345', priority: 2, app_name: 'Stasis', app_data: APP });
    expect(two['caller']).toEqual({ name: 'ARI Caller', number: '5559876' });
    // Same snapshot fields as Asterisk's, and ids `<epoch>.<n>` with the ;2 half numbered after the ;1 half.
    const recorded = channelOf(readTranscript('ivr-call.ari.jsonl')[0] as Json);
    expect(Object.keys(two).sort()).toEqual(Object.keys(recorded).sort());
    const [epoch1, seq1] = String(one['id']).split('.').map(Number);
    const [epoch2, seq2] = String(two['id']).split('.').map(Number);
    expect(epoch2).toBe(epoch1);
    expect(seq2).toBe((seq1 as number) + 1);
    await client.channels['hangup']?.({ channelId: two['id'] });
  });

  it('a missing sound: 201 queued, then PlaybackStarted and PlaybackFinished failed', async () => {
    const ch = await inboundCall('13800000010');
    await client.channels['answer']?.({ channelId: ch });
    const res = await fetch(`${sim.ariUrl}/ari/channels/${ch}/play?media=sound:this-sound-does-not-exist`, { method: 'POST', headers: AUTH });
    expect(res.status).toBe(201);
    const pb = (await res.json()) as Json;
    expect(pb['state']).toBe('queued');
    const finished = await nextEvent('PlaybackFinished', (e) => playbackOf(e)['id'] === pb['id']);
    expect(playbackOf(finished)['state']).toBe('failed');
    const sequence = events.filter((e) => playbackOf(e)?.['id'] === pb['id']).map((e) => `${String(e['type'])}:${String(playbackOf(e)['state'])}`);
    expect(sequence).toEqual(['PlaybackStarted:playing', 'PlaybackFinished:failed']);
    await client.channels['hangup']?.({ channelId: ch });
  });

  it('a media list gives PlaybackContinuing between items, with next_media_uri as Asterisk sends it', async () => {
    const ch = await inboundCall('13800000011');
    const pb = await client.channels['play']?.({ channelId: ch, media: ['sound:hello-world', 'digits:42'] });
    await nextEvent('PlaybackFinished', (e) => playbackOf(e)['id'] === pb?.id);
    const seen = events
      .filter((e) => playbackOf(e)?.['id'] === pb?.id)
      .map((e) => {
        const p = playbackOf(e);
        return [e['type'], p['media_uri'], p['next_media_uri'] ?? null, p['state']];
      });
    expect(seen).toEqual([
      ['PlaybackStarted', 'sound:hello-world', 'digits:42', 'playing'],
      ['PlaybackContinuing', 'sound:hello-world', 'digits:42', 'continuing'],
      ['PlaybackStarted', 'digits:42', null, 'playing'],
      ['PlaybackFinished', 'digits:42', null, 'done'],
    ]);
    await client.channels['hangup']?.({ channelId: ch });
  });

  it('a missing sound inside a media list fails that item only: PlaybackContinuing, then the next item plays', async () => {
    // res_stasis_playback.c playback_final_update (Asterisk 22): a failed item that is not the last is published as
    // `continuing`; only a failed last item ends the playback with PlaybackFinished `failed`.
    const ch = await inboundCall('13800000013');
    const pb = await client.channels['play']?.({ channelId: ch, media: ['sound:not-rendered', 'digits:42', 'sound:also-missing'] });
    await nextEvent('PlaybackFinished', (e) => playbackOf(e)['id'] === pb?.id);
    const seen = events
      .filter((e) => playbackOf(e)?.['id'] === pb?.id)
      .map((e) => [e['type'], playbackOf(e)['media_uri'], playbackOf(e)['state']]);
    expect(seen).toEqual([
      ['PlaybackStarted', 'sound:not-rendered', 'playing'],
      ['PlaybackContinuing', 'sound:not-rendered', 'continuing'],
      ['PlaybackStarted', 'digits:42', 'playing'],
      ['PlaybackContinuing', 'digits:42', 'continuing'],
      ['PlaybackStarted', 'sound:also-missing', 'playing'],
      ['PlaybackFinished', 'sound:also-missing', 'failed'],
    ]);
    expect(sim.control.channel(ch)?.played.map((p) => [p.media, p.outcome])).toEqual([
      ['sound:not-rendered', 'failed'],
      ['digits:42', 'done'],
      ['sound:also-missing', 'failed'],
    ]);
    await client.channels['hangup']?.({ channelId: ch });
  });

  it('DTMF does not stop a playback', async () => {
    const ch = await inboundCall('13800000012');
    const started = nextEvent('PlaybackStarted', (e) => playbackOf(e)['target_uri'] === `channel:${ch}`);
    const pb = await client.channels['play']?.({ channelId: ch, media: 'sound:hello-world' });
    await started;
    const from = events.length;
    await sim.control.sendDigits(ch, '12', 1);
    const finished = await nextEvent('PlaybackFinished', (e) => playbackOf(e)['id'] === pb?.id);
    expect(playbackOf(finished)['state']).toBe('done');
    expect(typesFor(ch, from)).toEqual(['ChannelDtmfReceived', 'ChannelDtmfReceived', 'PlaybackFinished']);
    await client.channels['hangup']?.({ channelId: ch });
  });

  it('an application hangup gives ChannelHangupRequest (cause 32, soft) then StasisEnd, and no ChannelDestroyed', async () => {
    const ch = await inboundCall('13800000013');
    await client.channels['answer']?.({ channelId: ch });
    const from = events.length;
    const ended = nextEvent('StasisEnd', forChannel(ch));
    await client.channels['hangup']?.({ channelId: ch });
    await ended;
    // Events arrive in order on one socket: once the next call's StasisStart is here, a ChannelDestroyed would be too.
    await inboundCall('13800000014');
    expect(typesFor(ch, from)).toEqual(['ChannelHangupRequest', 'StasisEnd']);
    const request = events.slice(from).find((e) => e['type'] === 'ChannelHangupRequest');
    expect([request?.['cause'], request?.['soft']]).toEqual([32, true]);
    const recorded = readTranscript('ivr-call.ari.jsonl');
    const tail = recorded.slice(-2).map((e) => [e['type'], e['cause'] ?? null, e['soft'] ?? null]);
    expect(tail).toEqual([
      ['ChannelHangupRequest', 32, true],
      ['StasisEnd', null, null],
    ]);
  });

  it('a far-end hangup gives ChannelHangupRequest, StasisEnd and ChannelDestroyed', async () => {
    const ch = await inboundCall('13800000015');
    const from = events.length;
    const destroyed = nextEvent('ChannelDestroyed', forChannel(ch));
    sim.control.hangup(ch);
    const e = await destroyed;
    expect([e['cause'], e['cause_txt']]).toEqual([16, 'Normal Clearing']);
    expect(typesFor(ch, from)).toEqual(['ChannelHangupRequest', 'StasisEnd', 'ChannelDestroyed']);
  });

  it('errors carry Asterisk status codes and messages: 404 unknown channel, 409 not in Stasis, 400 bad reason', async () => {
    const missing = await fetch(`${sim.ariUrl}/ari/channels/no-such-channel/answer`, { method: 'POST', headers: AUTH });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: 'Channel not found' });

    const ch = await inboundCall('13800000016');
    await client.channels['continueInDialplan']?.({ channelId: ch });
    const notInStasis = await fetch(`${sim.ariUrl}/ari/channels/${ch}/answer`, { method: 'POST', headers: AUTH });
    expect(notInStasis.status).toBe(409);
    expect(await notInStasis.json()).toEqual({ message: 'Channel not in Stasis application' });

    const badReason = await fetch(`${sim.ariUrl}/ari/channels/${ch}?reason=because`, { method: 'DELETE', headers: AUTH });
    expect(badReason.status).toBe(400);
    expect(await badReason.json()).toEqual({ message: 'Invalid reason for hangup provided' });

    const unauthorized = await fetch(`${sim.ariUrl}/ari/channels`);
    expect(unauthorized.status).toBe(401);
    const apiKey = await fetch(`${sim.ariUrl}/ari/asterisk/ping?api_key=${USER}:${PASS}`);
    expect(((await apiKey.json()) as Json)['ping']).toBe('pong');
  });
});
