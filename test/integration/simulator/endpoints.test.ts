// What the gateway's call queue sees of agents' phones, driven with the real ari-client and asterisk-manager:
// device states (ARI-controlled `Stasis:` devices and PJSIP ones), endpoints registering and unregistering,
// application subscriptions, Local agent legs with dial behaviours, and channels moved or redirected.

import { resolve } from 'node:path';
import Manager, { type ManagerMessage } from 'asterisk-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import type { SimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import { connectAri, recordEvents } from './ari-client-loader.js';
import type { TestAriClient } from './ari-client-loader.js';
import { SwaggerModelValidator } from './swagger-model-validator.js';

const API_DOCS = resolve(process.cwd(), '../shared/asterisk-ari/api-docs');
const APP = 'acd-test';
const OTHER_APP = 'acd-supervisor';
type Json = Record<string, unknown>;

let sim: SimulatedAsterisk;
let client: TestAriClient;
let events: Json[];
let auth: string;
let manager: ReturnType<typeof Manager>;
const amiEvents: ManagerMessage[] = [];
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

function nextAmiEvent(predicate: (e: ManagerMessage) => boolean): Promise<ManagerMessage> {
  return new Promise((resolvePromise) => {
    const listener = (e: ManagerMessage): void => {
      if (!predicate(e)) return;
      manager.removeListener('managerevent', listener);
      resolvePromise(e);
    };
    manager.on('managerevent', listener);
  });
}

async function ari(method: string, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sim.ariUrl}/ari${path}`, { method, headers: { Authorization: auth } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

async function register(endpoint: string, registered: boolean): Promise<void> {
  const res = await fetch(`${sim.controlUrl}/endpoints/${encodeURIComponent(endpoint)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ registered }),
  });
  expect(res.status).toBe(204);
}

const channelIdOf = (e: Json): unknown => (e['channel'] as Json | undefined)?.['id'];

async function answeredCaller(from: string): Promise<string> {
  const started = nextEvent('StasisStart', (e) => ((e['channel'] as Json)['caller'] as Json)['number'] === from);
  const { channelId } = sim.control.placeCall({ from });
  await started;
  await client.channels['answer']?.({ channelId });
  return channelId;
}

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ app: APP, ariPort: 0, amiPort: 0, ringTimeoutMs: 60, waitTimeoutMs: 3000 });
  auth = `Basic ${Buffer.from(`${sim.credentials.ari.username}:${sim.credentials.ari.password}`).toString('base64')}`;
  client = await connectAri(sim.ariUrl, sim.credentials.ari.username, sim.credentials.ari.password);
  events = recordEvents(client);
  await client.start([APP, OTHER_APP]);
  manager = Manager(undefined, '127.0.0.1', sim.credentials.ami.username, sim.credentials.ami.secret, true);
  await new Promise<void>((resolvePromise, reject) =>
    manager.connect(sim.amiPort, '127.0.0.1', () => manager.login((error) => (error ? reject(new Error(String(error['message']))) : resolvePromise()))),
  );
  manager.on('managerevent', (e) => amiEvents.push(e));
});

afterEach(() => {
  sim.control.reset();
});

afterAll(async () => {
  for (const e of events) expect(validator.validateMessage(e), `${String(e['type'])}: ${JSON.stringify(e)}`).toEqual([]);
  manager?.disconnect();
  client?.stop();
  await sim?.close();
});

describe('device states', () => {
  it('an application sets, reads and deletes its Stasis: devices, and subscribers get DeviceStateChanged', async () => {
    const subscribed = await client.applications['subscribe']?.({ applicationName: APP, eventSource: 'deviceState:Stasis:queue-acd' });
    expect(subscribed?.['device_names']).toEqual(['Stasis:queue-acd']);
    const changed = nextEvent('DeviceStateChanged', (e) => (e['device_state'] as Json)['name'] === 'Stasis:queue-acd');
    const onAmi = nextAmiEvent((e) => e['event'] === 'DeviceStateChange' && e['device'] === 'Stasis:queue-acd');
    await client.deviceStates['update']?.({ deviceName: 'Stasis:queue-acd', deviceState: 'BUSY' });
    expect((await changed)['device_state']).toEqual({ name: 'Stasis:queue-acd', state: 'BUSY' });
    expect(await onAmi).toMatchObject({ state: 'BUSY' });
    expect((await client.deviceStates['list']?.())?.map((d) => ({ name: d['name'], state: d['state'] }))).toEqual([{ name: 'Stasis:queue-acd', state: 'BUSY' }]);
    expect(await ari('GET', '/deviceStates/Stasis:queue-acd')).toEqual({ status: 200, body: { name: 'Stasis:queue-acd', state: 'BUSY' } });

    const gone = nextEvent('DeviceStateChanged', (e) => (e['device_state'] as Json)['state'] === 'UNKNOWN');
    await client.deviceStates['delete']?.({ deviceName: 'Stasis:queue-acd' });
    await gone;
    expect(await client.deviceStates['list']?.()).toEqual([]);
    expect((await ari('GET', '/deviceStates/Stasis:queue-acd')).body).toEqual({ name: 'Stasis:queue-acd', state: 'UNKNOWN' });
  });

  it('refuses devices that are not the application\'s with Asterisk\'s errors', async () => {
    expect(await ari('PUT', `/deviceStates/${encodeURIComponent('PJSIP/1001')}?deviceState=INUSE`)).toEqual({ status: 409, body: { message: 'Uncontrolled device specified' } });
    expect(await ari('PUT', '/deviceStates/Stasis:?deviceState=INUSE')).toEqual({ status: 404, body: { message: 'Device name is missing' } });
    expect((await ari('PUT', '/deviceStates/Stasis:x?deviceState=OFFLINE')).status).toBe(400);
    expect(await ari('DELETE', `/deviceStates/${encodeURIComponent('PJSIP/1001')}`)).toEqual({ status: 409, body: { message: 'Uncontrolled device specified' } });
  });
});

describe('application subscriptions', () => {
  it('subscribes and unsubscribes, answering 400, 404 and 422 as res_stasis does', async () => {
    expect(await ari('POST', `/applications/${APP}/subscription?eventSource=mailbox:1`)).toEqual({ status: 400, body: { message: 'Invalid event source URI scheme' } });
    expect(await ari('POST', `/applications/nobody/subscription?eventSource=deviceState:x`)).toEqual({ status: 404, body: { message: 'Application not found' } });
    expect(await ari('POST', `/applications/${APP}/subscription?eventSource=channel:no-such-channel`)).toEqual({ status: 422, body: { message: 'Event source does not exist' } });
    expect(await ari('POST', `/applications/${APP}/subscription?eventSource=${encodeURIComponent('endpoint:PJSIP/never-seen')}`)).toMatchObject({ status: 422 });
    await client.applications['subscribe']?.({ applicationName: APP, eventSource: ['deviceState:', 'endpoint:PJSIP'] });
    const app = await client.applications['get']?.({ applicationName: APP });
    expect([app?.['device_names'], app?.['endpoint_ids']]).toEqual([['__AST_DEVICE_STATE_ALL_TOPIC'], ['PJSIP']]);
    const after = await client.applications['unsubscribe']?.({ applicationName: APP, eventSource: 'deviceState:' });
    expect(after?.['device_names']).toEqual([]);
    expect(await ari('DELETE', `/applications/${APP}/subscription?eventSource=deviceState:`)).toEqual({ status: 422, body: { message: 'Event source was not subscribed to' } });
  });

  it('a channel subscription brings that channel\'s events to another application', async () => {
    const caller = await answeredCaller('13600000001');
    await client.applications['subscribe']?.({ applicationName: OTHER_APP, eventSource: `channel:${caller}` });
    const from = events.length;
    const seen = nextEvent('ChannelVarset', (e) => e['application'] === OTHER_APP && channelIdOf(e) === caller);
    await client.channels['setChannelVar']?.({ channelId: caller, variable: 'ACD_QUEUE', value: 'general' });
    await seen;
    expect(events.slice(from).filter((e) => e['type'] === 'ChannelVarset').map((e) => e['application'])).toEqual(expect.arrayContaining([APP, OTHER_APP]));
  });
});

describe('endpoints: agents\' phones registering', () => {
  it('an unregistered phone is offline and UNAVAILABLE and cannot be called; registered it is online, NOT_INUSE, then INUSE', async () => {
    await register('PJSIP/1001', true);
    await client.applications['subscribe']?.({ applicationName: APP, eventSource: 'endpoint:PJSIP/1001' });
    expect(await client.endpoints['get']?.({ tech: 'PJSIP', resource: '1001' })).toMatchObject({ technology: 'PJSIP', resource: '1001', state: 'online', channel_ids: [] });

    const offline = nextEvent('EndpointStateChange', (e) => (e['endpoint'] as Json)['state'] === 'offline');
    const unavailable = nextAmiEvent((e) => e['event'] === 'DeviceStateChange' && e['device'] === 'PJSIP/1001');
    await register('PJSIP/1001', false);
    expect((await offline)['endpoint']).toEqual({ technology: 'PJSIP', resource: '1001', state: 'offline', channel_ids: [] });
    expect((await unavailable)['state']).toBe('UNAVAILABLE');
    expect((await ari('GET', `/deviceStates/${encodeURIComponent('PJSIP/1001')}`)).body).toEqual({ name: 'PJSIP/1001', state: 'UNAVAILABLE' });
    expect(await ari('POST', `/channels/create?endpoint=${encodeURIComponent('PJSIP/1001')}&app=${APP}`)).toEqual({ status: 500, body: { error: 'Allocation failed' } });

    const online = nextEvent('EndpointStateChange', (e) => (e['endpoint'] as Json)['state'] === 'online');
    const idle = nextAmiEvent((e) => e['event'] === 'DeviceStateChange' && e['device'] === 'PJSIP/1001');
    await register('PJSIP/1001', true);
    await online;
    expect((await idle)['state']).toBe('NOT_INUSE');

    const withChannel = nextEvent('EndpointStateChange', (e) => ((e['endpoint'] as Json)['channel_ids'] as unknown[]).length === 1);
    const inUse = nextAmiEvent((e) => e['event'] === 'DeviceStateChange' && e['device'] === 'PJSIP/1001');
    const agent = await client.channels['create']?.({ endpoint: 'PJSIP/1001', app: APP });
    expect(((await withChannel)['endpoint'] as Json)['channel_ids']).toEqual([agent?.id]);
    expect((await inUse)['state']).toBe('INUSE');

    expect((await client.endpoints['list']?.())?.map((e) => `${String(e['technology'])}/${String(e['resource'])}`)).toEqual(
      expect.arrayContaining(['PJSIP/carrier', 'PJSIP/1001']),
    );
    expect((await client.endpoints['listByTech']?.({ tech: 'PJSIP' }))?.length).toBeGreaterThanOrEqual(2);
    expect(await ari('GET', '/endpoints/SIP')).toEqual({ status: 404, body: { message: 'No Endpoints found - invalid tech SIP' } });
    expect(await ari('GET', '/endpoints/PJSIP/9999')).toEqual({ status: 404, body: { message: 'Endpoint not found' } });
    expect(sim.control.endpoints()).toContainEqual({ technology: 'PJSIP', resource: '1001', state: 'online' });
  });

  it('a Local leg to an agent is named with its ;1 half, and an unregistered phone refuses channels', async () => {
    await register('PJSIP/1002', false);
    const created = await client.channels['create']?.({ endpoint: 'Local/1002@from-agents', app: APP });
    expect(created?.['name']).toMatch(/^Local\/1002@from-agents-[0-9a-f]{8};1$/);
    expect(await ari('POST', `/channels/create?endpoint=${encodeURIComponent('PJSIP/1002')}&app=${APP}`)).toMatchObject({ status: 500 });
  });
});

describe('Local channels as agent legs', () => {
  it('channels/create + dial on Local/1001@agents follows the dial behaviour: answer, then the far end hangs up', async () => {
    sim.control.setDialBehaviour('Local/1001@agents', { result: 'answer', afterMs: 20 });
    const leg = await client.channels['create']?.({ endpoint: 'Local/1001@agents', app: APP });
    const legId = leg?.id as string;
    expect([leg?.['name'], leg?.['state']]).toEqual([expect.stringMatching(/^Local\/1001@agents-[0-9a-f]{8};1$/), 'Down']);
    const answered = nextEvent('Dial', (e) => (e['peer'] as Json)['id'] === legId && e['dialstatus'] === 'ANSWER');
    await client.channels['dial']?.({ channelId: legId, timeout: 30 });
    await answered;
    expect(sim.control.channel(legId)?.state).toBe('Up');
    const farEnd = sim.control.channels().find((c) => c.name === String(leg?.['name']).replace(/;1$/, ';2'));
    expect(farEnd?.state).toBe('Up');

    const from = events.length;
    const destroyed = nextEvent('ChannelDestroyed', (e) => channelIdOf(e) === legId);
    sim.control.hangupFarEnd(legId);
    expect((await destroyed)['cause']).toBe(16);
    expect(events.slice(from).filter((e) => channelIdOf(e) === legId).map((e) => e['type'])).toEqual(['ChannelHangupRequest', 'StasisEnd', 'ChannelDestroyed']);
    expect(sim.control.channel(farEnd?.id ?? '')?.hungUp).toBe(true);
  });

  it('busy, unavailable and unanswered agents give BUSY, CHANUNAVAIL and NOANSWER', async () => {
    const outcome = async (endpoint: string): Promise<unknown> => {
      const leg = await client.channels['create']?.({ endpoint, app: APP });
      const final = nextEvent('Dial', (e) => (e['peer'] as Json)['id'] === leg?.id && !['', 'RINGING'].includes(String(e['dialstatus'])));
      await client.channels['dial']?.({ channelId: leg?.id, timeout: 5 });
      return (await final)['dialstatus'];
    };
    sim.control.setDialBehaviour('1001@agents', { result: 'busy', afterMs: 5 });
    sim.control.setDialBehaviour('1002@agents', { result: 'chanunavail' });
    sim.control.setDialBehaviour('1003@agents', { result: 'noanswer' });
    expect(await outcome('Local/1001@agents')).toBe('BUSY');
    expect(await outcome('Local/1002@agents')).toBe('CHANUNAVAIL');
    expect(await outcome('Local/1003@agents')).toBe('NOANSWER');
  });

  it('an originated Local agent leg enters the application only when the agent answers', async () => {
    sim.control.setDialBehaviour('Local/1004@agents', { result: 'answer', afterMs: 20 });
    const started = nextEvent('StasisStart', (e) => String((e['channel'] as Json)['name']).startsWith('Local/1004@agents-'));
    const leg = await client.channels['originate']?.({ endpoint: 'Local/1004@agents', app: APP, appArgs: 'agent,1004' });
    const start = await started;
    expect([channelIdOf(start), start['args'], (start['channel'] as Json)['state']]).toEqual([leg?.id, ['agent', '1004'], 'Up']);
  });
});

describe('channels: ring, move and redirect', () => {
  it('ring on an unanswered outbound channel is 412; ring on a caller changes no state', async () => {
    const leg = await client.channels['create']?.({ endpoint: 'PJSIP/1005', app: APP });
    expect(await ari('POST', `/channels/${String(leg?.id)}/ring`)).toEqual({ status: 412, body: { message: 'Channel in invalid state' } });
    const started = nextEvent('StasisStart', (e) => ((e['channel'] as Json)['caller'] as Json)['number'] === '13600000010');
    const { channelId } = sim.control.placeCall({ from: '13600000010' });
    await started;
    const from = events.length;
    await client.channels['ring']?.({ channelId });
    await client.channels['ringStop']?.({ channelId });
    await client.channels['answer']?.({ channelId });
    expect(events.slice(from).filter((e) => channelIdOf(e) === channelId).map((e) => e['type'])).toEqual(['ChannelStateChange']);
  });

  it('move: StasisEnd to the old application, StasisStart with the args to the new one; to an application nobody runs, ApplicationMoveFailed', async () => {
    const caller = await answeredCaller('13600000020');
    const failed = nextEvent('ApplicationMoveFailed', (e) => channelIdOf(e) === caller);
    await client.channels['move']?.({ channelId: caller, app: 'nobody-runs-this', appArgs: 'x' });
    expect([(await failed)['destination'], (await failed)['args']]).toEqual(['nobody-runs-this', ['x']]);
    const from = events.length;
    const started = nextEvent('StasisStart', (e) => channelIdOf(e) === caller && e['application'] === OTHER_APP);
    await client.channels['move']?.({ channelId: caller, app: OTHER_APP, appArgs: 'supervise,1' });
    expect((await started)['args']).toEqual(['supervise', '1']);
    expect(events.slice(from).filter((e) => channelIdOf(e) === caller).map((e) => [e['type'], e['application']])).toEqual([
      ['StasisEnd', APP],
      ['StasisStart', OTHER_APP],
    ]);
    expect(sim.control.channel(caller)?.app).toBe(OTHER_APP);
    expect(await ari('POST', `/channels/no-such/move?app=${OTHER_APP}`)).toEqual({ status: 404, body: { message: 'Channel not found' } });
  });

  it('redirect: the channel is transferred away and hung up; another technology is 422', async () => {
    const caller = await answeredCaller('13600000030');
    expect(await ari('POST', `/channels/${caller}/redirect?endpoint=${encodeURIComponent('Local/1001@agents')}`)).toMatchObject({ status: 422 });
    const ended = nextEvent('ChannelDestroyed', (e) => channelIdOf(e) === caller);
    await client.channels['redirect']?.({ channelId: caller, endpoint: 'PJSIP/1006' });
    expect((await ended)['cause']).toBe(16);
    expect(sim.control.channel(caller)?.redirectedTo).toBe('PJSIP/1006');
  });
});
