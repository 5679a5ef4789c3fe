// Media in bridges, driven with the real ari-client: bridges/{id}/play, /moh and /record, holding bridges, and a
// channel moved between bridges; every event checked against Asterisk 22's models (api-docs/events.json).

import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemorySoundCatalog, startSimulator } from '../../../src/simulator/index.js';
import type { Simulator } from '../../../src/simulator/index.js';
import { connectAri, recordEvents } from './ari-client-loader.js';
import type { TestAriClient } from './ari-client-loader.js';
import { SwaggerModelValidator } from './swagger-model-validator.js';

const API_DOCS = resolve(process.cwd(), '../shared/asterisk-ari/api-docs');
const APP = 'acd-bridges';
const USER = 'gw';
const PASS = 'pw';
const AUTH = { Authorization: `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}` };
type Json = Record<string, unknown>;

let sim: Simulator;
let client: TestAriClient;
let events: Json[];
const validator = new SwaggerModelValidator(API_DOCS);

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

const playbackOf = (e: Json): Json => e['playback'] as Json;
const channelIdOf = (e: Json): unknown => (e['channel'] as Json | undefined)?.['id'];

async function answeredCaller(from: string): Promise<string> {
  const started = nextEvent('StasisStart', (e) => ((e['channel'] as Json)['caller'] as Json)['number'] === from);
  const { channelId } = sim.control.placeCall({ from });
  await started;
  await client.channels['answer']?.({ channelId });
  return channelId;
}

async function bridgeWith(type: 'mixing' | 'holding', channels: string[]): Promise<string> {
  const bridge = await client.bridges['create']?.({ type, name: `queue-${type}` });
  const bridgeId = bridge?.id as string;
  for (const channel of channels) {
    const entered = nextEvent('ChannelEnteredBridge', (e) => channelIdOf(e) === channel);
    await client.bridges['addChannel']?.({ bridgeId, channel });
    await entered;
  }
  return bridgeId;
}

beforeAll(async () => {
  sim = await startSimulator({
    username: USER,
    password: PASS,
    inboundApp: APP,
    sounds: new MemorySoundCatalog({ 'queue/hold-announce': 40, 'queue/position-1': 20 }),
    recordingMsPerSecond: 20,
    waitTimeoutMs: 3000,
  });
  client = await connectAri(sim.ariUrl, USER, PASS);
  events = recordEvents(client);
  await client.start(APP);
});

afterEach(() => {
  sim.control.reset();
});

afterAll(async () => {
  for (const e of events) expect(validator.validateMessage(e), `${String(e['type'])}: ${JSON.stringify(e)}`).toEqual([]);
  client?.stop();
  await sim?.close();
});

describe('bridges/{id}/play', () => {
  it('queues the playback with target bridge:<id>; its events reach the application and every member of a mixing bridge hears it', async () => {
    const a = await answeredCaller('13700000001');
    const b = await answeredCaller('13700000002');
    const bridgeId = await bridgeWith('mixing', [a, b]);
    const playback = client.Playback();
    const finished = new Promise<Json>((r) => playback.once('PlaybackFinished', (e: Json) => r(e)));
    // As ari-client's examples do it: a client-side playback id, given through the bridge instance.
    const queued = await client.Bridge(bridgeId)['play']?.({ media: ['sound:queue/hold-announce', 'sound:queue/position-1'] }, playback);
    expect([queued?.id, queued?.['target_uri'], queued?.['state'], queued?.['language']]).toEqual([playback.id, `bridge:${bridgeId}`, 'queued', 'en']);
    expect(playbackOf(await finished)['state']).toBe('done');
    const seen = events.filter((e) => playbackOf(e)?.['id'] === playback.id).map((e) => [e['type'], playbackOf(e)['media_uri'], playbackOf(e)['target_uri']]);
    expect(seen).toEqual([
      ['PlaybackStarted', 'sound:queue/hold-announce', `bridge:${bridgeId}`],
      ['PlaybackContinuing', 'sound:queue/hold-announce', `bridge:${bridgeId}`],
      ['PlaybackStarted', 'sound:queue/position-1', `bridge:${bridgeId}`],
      ['PlaybackFinished', 'sound:queue/position-1', `bridge:${bridgeId}`],
    ]);
    for (const id of [a, b]) {
      expect(sim.control.channel(id)?.played.map((p) => [p.media, p.outcome])).toEqual([
        ['sound:queue/hold-announce', 'done'],
        ['sound:queue/position-1', 'done'],
      ]);
    }
    expect(sim.control.bridge(bridgeId)?.played.map((p) => p.media)).toEqual(['sound:queue/hold-announce', 'sound:queue/position-1']);
    // The announcer channel is internal: the bridge still shows only the callers.
    expect((await client.bridges['get']?.({ bridgeId }))?.['channels']).toEqual([a, b]);
    expect(sim.control.channel(a)?.hears).toEqual({ channels: [b], moh: null });
  });

  it('plays queued requests one after the other, and DELETE /playbacks stops a bridge playback', async () => {
    const a = await answeredCaller('13700000003');
    const bridgeId = await bridgeWith('mixing', [a]);
    const first = await client.bridges['play']?.({ bridgeId, media: 'tone:ring' });
    const second = await client.bridges['playWithId']?.({ bridgeId, playbackId: 'queue-pos-1', media: 'sound:queue/position-1' });
    expect(second?.id).toBe('queue-pos-1');
    await sim.control.waitForBridgePlayback(bridgeId, 'tone:ring');
    expect(sim.control.bridge(bridgeId)?.played.map((p) => p.media)).toEqual(['tone:ring']);
    const stopped = nextEvent('PlaybackFinished', (e) => playbackOf(e)['id'] === first?.id);
    await client.playbacks['stop']?.({ playbackId: first?.id });
    await stopped;
    await sim.control.waitForBridgePlayback(bridgeId, 'sound:queue/position-1', { finished: true });
    expect(sim.control.channel(a)?.played.map((p) => [p.media, p.outcome])).toEqual([
      ['tone:ring', 'stopped'],
      ['sound:queue/position-1', 'done'],
    ]);
  });

  it('answers 404 for a bridge that does not exist', async () => {
    const res = await fetch(`${sim.ariUrl}/ari/bridges/no-such-bridge/play?media=sound:queue/position-1`, { method: 'POST', headers: AUTH });
    expect([res.status, await res.json()]).toEqual([404, { message: 'Bridge not found' }]);
  });
});

describe('holding bridges and bridges/{id}/moh', () => {
  it('participants hear the music and announcements, not each other; an announcer member is heard by all', async () => {
    const a = await answeredCaller('13700000011');
    const b = await answeredCaller('13700000012');
    const bridgeId = await bridgeWith('holding', [a, b]);
    expect((await client.bridges['get']?.({ bridgeId }))?.['bridge_type']).toBe('holding');
    expect(sim.control.channel(a)?.hears).toEqual({ channels: [], moh: null });

    await client.bridges['startMoh']?.({ bridgeId, mohClass: 'queue' });
    expect([sim.control.channel(a)?.hears.moh, sim.control.channel(b)?.hears.moh, sim.control.bridge(bridgeId)?.mohClass]).toEqual(['queue', 'queue', 'queue']);

    // One announcer per holding bridge: while the music plays an announcement reaches nobody.
    const unheard = await client.bridges['play']?.({ bridgeId, media: 'sound:queue/position-1' });
    await nextEvent('PlaybackFinished', (e) => playbackOf(e)['id'] === unheard?.id);
    expect(sim.control.channel(a)?.played).toEqual([]);

    await client.bridges['stopMoh']?.({ bridgeId });
    expect(sim.control.channel(a)?.hears.moh).toBeNull();
    const heard = await client.bridges['play']?.({ bridgeId, media: 'sound:queue/hold-announce' });
    await nextEvent('PlaybackFinished', (e) => playbackOf(e)['id'] === heard?.id);
    expect(sim.control.channel(b)?.played.map((p) => p.media)).toEqual(['sound:queue/hold-announce']);

    const again = await fetch(`${sim.ariUrl}/ari/bridges/${bridgeId}/moh`, { method: 'DELETE', headers: AUTH });
    expect([again.status, await again.json()]).toEqual([409, { message: "Bridge isn't playing music" }]);

    const agent = await answeredCaller('13700000013');
    await client.bridges['addChannel']?.({ bridgeId, channel: agent, role: 'announcer' });
    expect(sim.control.channel(a)?.hears.channels).toEqual([agent]);
    expect(sim.control.channel(agent)?.hears.channels).toEqual([a, b]);
  });
});

describe('bridges/{id}/record', () => {
  it('records the bridge: LiveRecording with target bridge:<id>, RecordingStarted/Finished to the application, stored afterwards', async () => {
    const a = await answeredCaller('13700000021');
    const bridgeId = await bridgeWith('mixing', [a]);
    const finished = nextEvent('RecordingFinished', (e) => (e['recording'] as Json)['name'] === 'queue-call-1');
    const started = nextEvent('RecordingStarted', (e) => (e['recording'] as Json)['name'] === 'queue-call-1');
    const live = await client.bridges['record']?.({ bridgeId, name: 'queue-call-1', format: 'wav', maxDurationSeconds: 2 });
    expect([live?.['target_uri'], live?.['state']]).toEqual([`bridge:${bridgeId}`, 'queued']);
    await started;
    expect(sim.control.bridge(bridgeId)?.recording).toBe('queue-call-1');
    const done = (await finished)['recording'] as Json;
    expect([done['state'], done['duration'], done['target_uri']]).toEqual(['done', 2, `bridge:${bridgeId}`]);
    expect(await sim.control.waitForStoredRecording('queue-call-1')).toMatchObject({ bridgeId, channelId: null, format: 'wav' });
    expect((await client.recordings['getStored']?.({ recordingName: 'queue-call-1' }))?.['format']).toBe('wav');

    const clash = await fetch(`${sim.ariUrl}/ari/bridges/${bridgeId}/record?name=queue-call-1&format=wav`, { method: 'POST', headers: AUTH });
    expect(clash.status).toBe(409);
    const badFormat = await fetch(`${sim.ariUrl}/ari/bridges/${bridgeId}/record?name=other&format=mp9`, { method: 'POST', headers: AUTH });
    expect(badFormat.status).toBe(422);
  });

  it('a recording stops when its bridge is destroyed', async () => {
    const a = await answeredCaller('13700000022');
    const bridgeId = await bridgeWith('mixing', [a]);
    const started = nextEvent('RecordingStarted', (e) => (e['recording'] as Json)['name'] === 'queue-call-2');
    await client.bridges['record']?.({ bridgeId, name: 'queue-call-2', format: 'wav' });
    await started;
    const finished = nextEvent('RecordingFinished', (e) => (e['recording'] as Json)['name'] === 'queue-call-2');
    await client.bridges['destroy']?.({ bridgeId });
    expect(((await finished)['recording'] as Json)['state']).toBe('done');
  });
});

describe('moving a channel between bridges', () => {
  it('addChannel of a channel in another bridge: ChannelLeftBridge from the old one, then ChannelEnteredBridge', async () => {
    const caller = await answeredCaller('13700000031');
    const holding = await bridgeWith('holding', [caller]);
    const agent = await answeredCaller('13700000032');
    const mixing = await bridgeWith('mixing', [agent]);
    const from = events.length;
    const entered = nextEvent('ChannelEnteredBridge', (e) => channelIdOf(e) === caller && (e['bridge'] as Json)['id'] === mixing);
    await client.bridges['addChannel']?.({ bridgeId: mixing, channel: caller });
    await entered;
    const moves = events
      .slice(from)
      .filter((e) => channelIdOf(e) === caller)
      .map((e) => [e['type'], (e['bridge'] as Json)['id'], (e['bridge'] as Json)['channels']]);
    expect(moves).toEqual([
      ['ChannelLeftBridge', holding, []],
      ['ChannelEnteredBridge', mixing, [agent, caller]],
    ]);
    expect(sim.control.channel(caller)?.hears.channels).toEqual([agent]);
  });
});
