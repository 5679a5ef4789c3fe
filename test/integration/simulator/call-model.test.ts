// The simulator's call model and control API: inbound fallback, outbound dial outcomes, recordings, WebSocket
// loss and reconnection, and the `/_sim` HTTP control API.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MemorySoundCatalog, SimulatorWaitTimeoutError, startSimulator } from '../../../src/simulator/index.js';
import type { Simulator } from '../../../src/simulator/index.js';
import { connectAri, recordEvents } from './ari-client-loader.js';
import type { TestAriClient } from './ari-client-loader.js';

const APP = 'ivr-12345';
type Json = Record<string, unknown>;

let sim: Simulator;
let client: TestAriClient;
let events: Json[];

function nextEvent(type: string, predicate: (e: Json) => boolean = () => true, timeoutMs = 3000): Promise<Json> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(type, listener);
      reject(new Error(`timed out waiting for ${type}`));
    }, timeoutMs);
    const listener = (e: Json): void => {
      if (!predicate(e)) return;
      clearTimeout(timer);
      client.off(type, listener);
      resolve(e);
    };
    client.on(type, listener);
  });
}
const idOf = (e: Json, key = 'channel'): unknown => (e[key] as Json | undefined)?.['id'];

let started = false;
/** Connects the application's WebSocket once (a second socket would replace the first, as in Asterisk). */
async function ensureStarted(): Promise<void> {
  if (!started) await client.start(APP);
  started = true;
  await sim.control.waitForApp(APP, 5000);
}

async function inboundCall(from: string): Promise<string> {
  const started = nextEvent('StasisStart', (e) => ((e['channel'] as Json)['caller'] as Json)['number'] === from);
  const { channelId } = sim.control.placeCall({ from });
  await started;
  return channelId;
}

beforeAll(async () => {
  sim = await startSimulator({
    username: 'gw',
    password: 'pw',
    sounds: new MemorySoundCatalog({ 'hotline/main-menu': 20 }),
    msPerDigit: 5,
    dtmfIntervalMs: 2,
    ringTimeoutMs: 30,
    recordingMsPerSecond: 20,
    waitTimeoutMs: 2000,
  });
  client = await connectAri(sim.ariUrl, 'gw', 'pw');
  events = recordEvents(client);
});

afterAll(async () => {
  client?.stop();
  await sim?.close();
});

afterEach(() => {
  sim.control.reset();
});

describe('inbound calls', () => {
  it('take the dialplan fallback (STASISSTATUS=FAILED) while no application is connected', async () => {
    const { channelId } = sim.control.placeCall({ from: '13900000001' });
    expect(await sim.control.waitForContinue(channelId)).toEqual({ context: 'from-carrier', extension: 'fallback', priority: 1 });
    const view = sim.control.channel(channelId);
    expect([view?.stasisStatus, view?.variables['STASISSTATUS'], view?.app]).toEqual(['FAILED', 'FAILED', null]);
  });

  it('enter the application once it is connected, with the carrier call model', async () => {
    await ensureStarted();
    const started = nextEvent('StasisStart');
    const { channelId } = sim.control.placeCall({ from: '13900000002' });
    const channel = (await started)['channel'] as Json;
    expect(channel['id']).toBe(channelId);
    expect(channel['name']).toMatch(/^PJSIP\/carrier-[0-9a-f]{8}$/);
    expect(channel['id']).toMatch(/^\d{10}\.\d+$/);
    expect(channel['state']).toBe('Ring');
    expect(channel['caller']).toEqual({ name: '', number: '13900000002' });
    expect(channel['dialplan']).toEqual({ context: 'from-carrier', exten: '12345', priority: 2, app_name: 'Stasis', app_data: APP });
  });

  it('records ringing, played media in order and continue-to location', async () => {
    const ch = await inboundCall('13900000003');
    await client.channels['ring']?.({ channelId: ch });
    expect(sim.control.channel(ch)?.ringing).toBe(true);
    await client.channels['answer']?.({ channelId: ch });
    await client.channels['play']?.({ channelId: ch, media: ['sound:hotline/main-menu', 'digits:7'], lang: 'zh' });
    await client.channels['play']?.({ channelId: ch, media: 'sound:hotline/missing' });
    await sim.control.waitForPlayback(ch, 'sound:hotline/missing', { finished: true });
    expect(sim.control.channel(ch)?.played.map((p) => [p.media, p.lang, p.outcome])).toEqual([
      ['sound:hotline/main-menu', 'zh', 'done'],
      ['digits:7', 'zh', 'done'],
      ['sound:hotline/missing', 'en', 'failed'],
    ]);
    await client.channels['continueInDialplan']?.({ channelId: ch, context: 'hotline-queue', extension: 'agents' });
    expect(await sim.control.waitForContinue(ch)).toEqual({ context: 'hotline-queue', extension: 'agents', priority: 3 });
  });

  it('a caller hanging up in a bridge leaves it before StasisEnd', async () => {
    const ch = await inboundCall('13900000004');
    const bridge = await client.bridges['create']?.({ type: 'mixing' });
    await client.bridges['addChannel']?.({ bridgeId: bridge?.id, channel: ch });
    const from = events.length;
    const destroyed = nextEvent('ChannelDestroyed', (e) => idOf(e) === ch);
    sim.control.hangup(ch, 16);
    await destroyed;
    expect(events.slice(from).filter((e) => idOf(e) === ch).map((e) => e['type'])).toEqual([
      'ChannelHangupRequest',
      'ChannelLeftBridge',
      'StasisEnd',
      'ChannelDestroyed',
    ]);
    expect(sim.control.bridges()[0]?.channelIds).toEqual([]);
  });

  it('waits fail with an error naming what was awaited', async () => {
    const ch = await inboundCall('13900000005');
    await expect(sim.control.waitForPlayback(ch, 'sound:never', { timeoutMs: 20 })).rejects.toThrow(SimulatorWaitTimeoutError);
    await expect(sim.control.waitForPlayback(ch, 'sound:never', { timeoutMs: 20 })).rejects.toThrow(/play sound:never/);
  });
});

describe('outbound dialling', () => {
  async function dial(endpoint: string, timeout = 0): Promise<{ id: string; statuses: string[]; destroyed: Json | null }> {
    const ch = await client.channels['create']?.({ endpoint, app: APP, appArgs: 'emergency,110' });
    const id = ch?.id as string;
    const statuses: string[] = [];
    const onDial = (e: Json): void => {
      if (idOf(e, 'peer') === id) statuses.push(String(e['dialstatus']));
    };
    client.on('Dial', onDial);
    const finished = Promise.race([
      nextEvent('ChannelDestroyed', (e) => idOf(e) === id),
      nextEvent('Dial', (e) => idOf(e, 'peer') === id && e['dialstatus'] === 'ANSWER').then(() => null),
    ]);
    await client.channels['dial']?.({ channelId: id, timeout });
    const destroyed = await finished;
    client.off('Dial', onDial);
    return { id, statuses, destroyed };
  }

  it('a created channel is in the application at once (StasisStart, Down, appArgs)', async () => {
    await ensureStarted();
    const started = nextEvent('StasisStart', (e) => String((e['channel'] as Json)['name']).startsWith('PJSIP/psap-medical-'));
    await client.channels['create']?.({ endpoint: 'PJSIP/120@psap-medical', app: APP, appArgs: 'emergency,120' });
    const e = await started;
    expect([(e['channel'] as Json)['state'], e['args']]).toEqual(['Down', ['emergency', '120']]);
  });

  it('answer: "" -> RINGING -> ANSWER and the channel is Up', async () => {
    sim.control.setDialBehaviour('110@psap-police', { result: 'answer', afterMs: 5 });
    const r = await dial('PJSIP/110@psap-police');
    expect([r.statuses, r.destroyed]).toEqual([['', 'RINGING', 'ANSWER'], null]);
    expect(sim.control.channel(r.id)?.state).toBe('Up');
  });

  it.each([
    ['busy', 'BUSY', 17],
    ['congestion', 'CONGESTION', 34],
    ['chanunavail', 'CHANUNAVAIL', 3],
  ] as const)('%s: Dial %s, then the channel is gone with cause %i', async (result, status, cause) => {
    sim.control.setDialBehaviour('PJSIP/122@psap-traffic', { result });
    const r = await dial('PJSIP/122@psap-traffic', 30);
    expect(r.statuses).toEqual(['', status]);
    expect(r.destroyed?.['cause']).toBe(cause);
    expect(sim.control.channel(r.id)?.hungUp).toBe(true);
  });

  it('noanswer: rings until the dial timeout, then NOANSWER', async () => {
    sim.control.setDialBehaviour('*', { result: 'noanswer' });
    const r = await dial('PJSIP/119@psap-fire', 5);
    expect(r.statuses).toEqual(['', 'RINGING', 'NOANSWER']);
    expect(r.destroyed?.['cause']).toBe(19);
  });

  it('presents the caller (dial caller=) as the connected line of the dialled channel', async () => {
    const caller = await inboundCall('13900000010');
    const ch = await client.channels['create']?.({ endpoint: 'PJSIP/110@psap-police', app: APP });
    await client.channels['dial']?.({ channelId: ch?.id, caller });
    const view = await sim.control.waitForChannelState(ch?.id as string, 'Up');
    expect(view.presentedCallerId.number).toBe('13900000010');
    expect(await sim.control.waitForOutboundChannel('110@psap-police')).toMatchObject({ endpoint: 'PJSIP/110@psap-police' });
  });

  it('a second dial is refused with 409', async () => {
    const ch = await client.channels['create']?.({ endpoint: 'PJSIP/110@psap-police', app: APP });
    await client.channels['dial']?.({ channelId: ch?.id });
    await expect(client.channels['dial']?.({ channelId: ch?.id })).rejects.toThrow(/Channel cannot be dialed/);
  });
});

describe('recordings', () => {
  it('end on # (terminateOn) and are stored', async () => {
    await ensureStarted();
    const ch = await inboundCall('13900000020');
    const started = nextEvent('RecordingStarted');
    const live = await client.channels['record']?.({ channelId: ch, name: 'msg-1', format: 'wav', terminateOn: '#', maxDurationSeconds: 60 });
    expect(live?.['state']).toBe('queued');
    await started;
    const finished = nextEvent('RecordingFinished');
    await sim.control.sendDigits(ch, '#');
    expect(((await finished)['recording'] as Json)['state']).toBe('done');
    const stored = await client.recordings['getStored']?.({ recordingName: 'msg-1' });
    expect(stored?.['format']).toBe('wav');
  });

  it('end on maxDurationSeconds', async () => {
    const ch = await inboundCall('13900000021');
    const finished = nextEvent('RecordingFinished');
    await client.channels['record']?.({ channelId: ch, name: 'msg-2', format: 'wav', maxDurationSeconds: 1 });
    const rec = (await finished)['recording'] as Json;
    expect([rec['name'], rec['duration']]).toEqual(['msg-2', 1]);
    expect((await sim.control.waitForStoredRecording('msg-2')).durationMs).toBeGreaterThanOrEqual(15);
  });
});

describe('WebSocket loss', () => {
  it('keeps channels in Stasis while the socket is gone, refuses sockets for a while, and resumes events after reconnecting', async () => {
    await ensureStarted();
    const ch = await inboundCall('13900000030');
    expect(sim.control.dropWebSockets({ refuseMs: 150 })).toBe(1);
    await sim.control.waitFor('the application to disconnect', () => (sim.control.connectedApps().includes(APP) ? undefined : true));
    expect(sim.control.channel(ch)?.app).toBe(APP);

    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${sim.ariUrl.replace('http', 'ws')}/ari/events?app=probe&api_key=gw:pw`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
    });
    expect(refused).toBe(503);

    await sim.control.waitForApp(APP, 5000);
    const dtmf = nextEvent('ChannelDtmfReceived', (e) => idOf(e) === ch);
    await sim.control.sendDigits(ch, '5');
    expect((await dtmf)['digit']).toBe('5');
  });
});

describe('HTTP control API', () => {
  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${sim.controlUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  it('places calls, sends digits, sets dial behaviour, lists channels and requests, hangs up and resets', async () => {
    await ensureStarted();
    const placed = await call('POST', '/calls', { from: '13900000040' });
    expect(placed.status).toBe(201);
    const channelId = (placed.json as { channelId: string }).channelId;
    await sim.control.waitForStasis(channelId);
    await client.channels['answer']?.({ channelId });
    expect((await call('POST', `/channels/${channelId}/dtmf`, { digits: '12#', intervalMs: 1 })).status).toBe(204);
    const view = (await call('GET', `/channels/${channelId}`)).json as { dtmf: string; state: string };
    expect([view.dtmf, view.state]).toEqual(['12#', 'Up']);
    expect((await call('PUT', '/dial-behaviours/110@psap-police', { result: 'busy' })).status).toBe(204);
    expect((await call('PUT', '/dial-behaviours/x', { result: 'maybe' })).status).toBe(400);
    const requests = (await call('GET', '/requests')).json as { method: string; path: string; status: number }[];
    expect(requests).toContainEqual(expect.objectContaining({ method: 'POST', path: `/ari/channels/${channelId}/answer`, status: 204 }));
    expect(((await call('GET', '/channels')).json as unknown[]).length).toBe(1);
    expect((await call('POST', `/channels/${channelId}/hangup`, { cause: 16 })).status).toBe(204);
    expect((await call('POST', '/channels/nope/hangup', {})).status).toBe(404);
    expect((await call('POST', '/reset')).status).toBe(204);
    expect((await call('GET', '/channels?all=1')).json).toEqual([]);
  });
});
