// The simulator runs the dialplan the project ships (asterisk-config/extensions.conf and queues.conf) for channels
// that leave Stasis, as Asterisk 22 does: `continue` answers 204 and ends Stasis (StasisEnd) whatever the target;
// a known extension then runs (Set, ExecIf, Goto, Queue ringing the queue's static members, with app_queue's AMI
// events), an unknown one is hung up ("sent to invalid extension but no invalid handler", pbx.c). ShowDialPlan
// answers as manager_show_dialplan does.

import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmiClient } from '../../../src/adapters/ami/ami-client.js';
import type { AmiEvent } from '../../../src/adapters/ami/ami-events.js';
import { MemorySoundCatalog } from '../../../src/simulator/index.js';
import type { ChannelView, LifecycleEvent } from '../../../src/simulator/index.js';
import { startSimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import type { SimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import { connectAri, recordEvents } from './ari-client-loader.js';
import type { TestAriClient } from './ari-client-loader.js';
import { SwaggerModelValidator } from './swagger-model-validator.js';

const APP = 'ivr-12345';
type Json = Record<string, unknown>;
const validator = new SwaggerModelValidator(resolve(process.cwd(), '../shared/asterisk-ari/api-docs'));
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => silent };

let asterisk: SimulatedAsterisk;
let client: TestAriClient;
let events: Json[];
let ami: AmiClient;
const amiEvents: AmiEvent[] = [];
const dialplanErrors: string[] = [];

beforeAll(async () => {
  asterisk = await startSimulatedAsterisk({
    sounds: new MemorySoundCatalog({ 'hotline/main-menu': 20 }),
    msPerDigit: 5,
    dtmfIntervalMs: 2,
    // A dialplan second is 10 ms here: queue ring timeout 15 s -> 150 ms, retry 2 s -> 20 ms.
    dialplanMsPerSecond: 10,
    defaultDialBehaviour: { result: 'noanswer' },
    waitTimeoutMs: 3000,
  });
  asterisk.control.onLifecycle((e: LifecycleEvent) => {
    if (e.type === 'dialplan' && e.event.type === 'error') dialplanErrors.push(e.event.message);
  });
  client = await connectAri(asterisk.ariUrl, asterisk.credentials.ari.username, asterisk.credentials.ari.password);
  events = recordEvents(client);
  await client.start(APP);
  await asterisk.control.waitForApp(APP);
  ami = new AmiClient({ host: '127.0.0.1', port: asterisk.amiPort, ...asterisk.credentials.ami, log: silent });
  ami.on('event', (e) => amiEvents.push(e));
  await ami.connect();
});

afterAll(async () => {
  await ami?.close();
  client?.stop();
  await asterisk?.close();
});

async function inboundCall(from: string): Promise<string> {
  const { channelId } = asterisk.control.placeCall({ from });
  await asterisk.control.waitForStasis(channelId);
  return channelId;
}

function continueTo(channelId: string, context: string, extension: string): Promise<Response> {
  const auth = Buffer.from(`${asterisk.credentials.ari.username}:${asterisk.credentials.ari.password}`).toString('base64');
  const query = new URLSearchParams({ context, extension, priority: '1' });
  return fetch(`${asterisk.ariUrl}/ari/channels/${channelId}/continue?${query}`, { method: 'POST', headers: { Authorization: `Basic ${auth}` } });
}

/** The first channel to `endpoint` created after the ones in `before` (earlier tests rang the same agents). */
async function newChannelTo(endpoint: string, before: ReadonlySet<string>): Promise<ChannelView> {
  let found: ChannelView | undefined;
  await expect
    .poll(() => {
      found = asterisk.control.channels({ includeHungUp: true }).find((c) => c.endpoint === endpoint && !before.has(c.id));
      return found !== undefined;
    })
    .toBe(true);
  return found as ChannelView;
}

const known = (): Set<string> => new Set(asterisk.control.channels({ includeHungUp: true }).map((c) => c.id));

const amiOf = (name: string, channel: string): AmiEvent[] => amiEvents.filter((e) => e.event === name && e.fields['channel'] === channel);

describe('continue into the shipped dialplan', () => {
  it('ivr-fallback,queue,1 runs the queue extension: skill filtered, QUEUE_PRIO set, members of the queue rung one after the other', async () => {
    const before = known();
    const channelId = await inboundCall('13700000001');
    await client.channels['setChannelVar']?.({ channelId, variable: 'HOTLINE_SKILL', value: 'complaint' });
    await client.channels['setChannelVar']?.({ channelId, variable: 'HOTLINE_PRIORITY', value: '5' });
    const res = await continueTo(channelId, 'ivr-fallback', 'queue');
    expect(res.status).toBe(204);
    await asterisk.control.waitForContinue(channelId);

    // hotline-complaint lists PJSIP/agent-1002 at penalty 0, PJSIP/agent-1001 at penalty 1 (leastrecent).
    const first = await newChannelTo('PJSIP/agent-1002', before);
    expect(first.name).toMatch(/^PJSIP\/agent-1002-[0-9a-f]{8}$/);
    await asterisk.control.waitForChannelState(first.id, 'Ringing');
    // Nobody answers: after the ring timeout and `retry`, the next member rings.
    const second = await newChannelTo('PJSIP/agent-1001', before);
    expect(second.presentedCallerId.number).toBe('13700000001');

    const caller = asterisk.control.channel(channelId);
    expect(caller?.variables).toMatchObject({ SKILL: 'complaint', PRIO: '5', QUEUE_PRIO: '5', QUEUE_ROUNDS: '1' });
    expect(caller?.state).toBe('Up');

    const stasisEnd = events.filter((e) => e['type'] === 'StasisEnd' && (e['channel'] as Json)['id'] === channelId);
    expect(stasisEnd).toHaveLength(1);
    expect(validator.validateMessage(stasisEnd[0])).toEqual([]);
    // app_queue on AMI, with the fields of the recorded transcript.
    const callerName = caller?.name ?? '';
    const join = amiOf('QueueCallerJoin', callerName);
    expect(join).toHaveLength(1);
    expect(join[0]?.fields['queue']).toBe('hotline-complaint');
    expect(join[0]?.fields['position']).toBe('1');
    const called = (): unknown[] => amiOf('AgentCalled', callerName).map((e) => [e.fields['interface'], e.fields['membername'], e.fields['destchannel']]);
    await expect.poll(() => called().slice(0, 2)).toEqual([
      ['PJSIP/agent-1002', 'Agent 1002', first.name],
      ['PJSIP/agent-1001', 'Agent 1001', second.name],
    ]);
    await expect.poll(() => amiOf('AgentRingNoAnswer', callerName).length).toBeGreaterThanOrEqual(1);

    asterisk.control.hangup(channelId);
    await asterisk.control.waitForHangup(second.id);
    await expect.poll(() => amiOf('QueueCallerAbandon', callerName)).toHaveLength(1);
  });

  it('an agent who answers is connected; the caller leaves the queue', async () => {
    asterisk.control.setDialBehaviour('PJSIP/agent-1001', { result: 'answer', afterMs: 5 });
    try {
      const before = known();
      const channelId = await inboundCall('13700000002');
      await client.channels['setChannelVar']?.({ channelId, variable: 'HOTLINE_SKILL', value: 'no such skill, with commas' });
      expect((await continueTo(channelId, 'ivr-fallback', 'queue')).status).toBe(204);
      // An unknown skill means hotline-general: agent-1001 first (leastrecent, both penalty 0, listed first).
      const agent = await newChannelTo('PJSIP/agent-1001', before);
      await asterisk.control.waitForChannelState(agent.id, 'Up');
      const callerName = asterisk.control.channel(channelId)?.name ?? '';
      await expect.poll(() => amiOf('AgentConnect', callerName).length).toBe(1);
      await expect.poll(() => amiOf('QueueCallerLeave', callerName)).toHaveLength(1);
      expect(asterisk.control.channel(channelId)?.variables).toMatchObject({ SKILL: 'general', QUEUE_PRIO: '0', MEMBERINTERFACE: 'PJSIP/agent-1001' });
      // The agent hangs up: so does the caller (Queue without the `c` option).
      asterisk.control.hangup(agent.id);
      const gone = await asterisk.control.waitForHangup(channelId);
      expect(gone.hungUp).toBe(true);
    } finally {
      asterisk.control.setDialBehaviour('PJSIP/agent-1001', { result: 'noanswer' });
    }
  });

  it('ivr-fallback,menu,1 is a Goto into the static menu, which plays the flow main menu and takes a key', async () => {
    const channelId = await inboundCall('13700000003');
    expect((await continueTo(channelId, 'ivr-fallback', 'menu')).status).toBe(204);
    await asterisk.control.waitForPlayback(channelId, 'sound:hotline/main-menu');
    expect(asterisk.control.channel(channelId)?.continuedTo).toMatchObject({ context: 'ivr-fallback', extension: 'menu' });
    const before = amiEvents.length;
    const channels = known();
    await asterisk.control.sendDigits(channelId, '3');
    // 3 = complaint: the static menu queues into hotline-complaint, whose first member is agent-1002.
    await newChannelTo('PJSIP/agent-1002', channels);
    const callerName = asterisk.control.channel(channelId)?.name ?? '';
    await expect.poll(() => amiEvents.slice(before).some((e) => e.event === 'QueueCallerJoin' && e.fields['channel'] === callerName)).toBe(true);
    expect(asterisk.control.channel(channelId)?.variables).toMatchObject({ HOTLINE_SKILL: 'complaint', QUEUE_PRIO: '5' });
    asterisk.control.hangup(channelId);
  });

  it('emergency-fallback,110,1: Gosub into the dial routine, primary then backup, the number read out, three rounds, then Hangup', async () => {
    asterisk.control.setDialBehaviour('PJSIP/110@psap-police', { result: 'busy' });
    asterisk.control.setDialBehaviour('PJSIP/110@psap-police-backup', { result: 'congestion' });
    try {
      const before = known();
      const channelId = await inboundCall('13700000006');
      expect((await continueTo(channelId, 'emergency-fallback', '110')).status).toBe(204);
      const ended = await asterisk.control.waitForHangup(channelId);
      expect(ended.hangupBy).toBe('dialplan');
      const dialled = asterisk.control
        .channels({ includeHungUp: true })
        .filter((c) => !before.has(c.id) && c.endpoint !== null)
        .map((c) => c.endpoint);
      expect(dialled).toEqual(Array.from({ length: 3 }, () => ['PJSIP/110@psap-police', 'PJSIP/110@psap-police-backup']).flat());
      // Between rounds the caller is told to dial 110 themselves: SayDigits(${ARG1}) from Gosub's argument.
      expect(ended.played.filter((p) => p.media === 'digits:110')).toHaveLength(3);
      expect(ended.variables).toMatchObject({ DIALSTATUS: 'CONGESTION' });
    } finally {
      asterisk.control.setDialBehaviour('PJSIP/110@psap-police', { result: 'noanswer' });
      asterisk.control.setDialBehaviour('PJSIP/110@psap-police-backup', { result: 'noanswer' });
    }
  });

  it('emergency-fallback,119,1: the line that answers is connected to the caller; its hang-up ends the call', async () => {
    asterisk.control.setDialBehaviour('PJSIP/119@psap-fire', { result: 'answer', afterMs: 5 });
    try {
      const before = known();
      const channelId = await inboundCall('13700000007');
      expect((await continueTo(channelId, 'emergency-fallback', '119')).status).toBe(204);
      const line = await newChannelTo('PJSIP/119@psap-fire', before);
      await asterisk.control.waitForChannelState(line.id, 'Up');
      await expect.poll(() => asterisk.control.channel(channelId)?.variables['DIALSTATUS']).toBe('ANSWER');
      expect(asterisk.control.channel(line.id)?.presentedCallerId.number).toBe('13700000007');
      asterisk.control.hangup(line.id);
      expect((await asterisk.control.waitForHangup(channelId)).hungUp).toBe(true);
    } finally {
      asterisk.control.setDialBehaviour('PJSIP/119@psap-fire', { result: 'noanswer' });
    }
  });

  it('an unknown extension: 204 and StasisEnd as for any continue, then Asterisk hangs the channel up', async () => {
    const channelId = await inboundCall('13700000004');
    const res = await continueTo(channelId, 'ivr-fallback', 'nosuch');
    expect(res.status).toBe(204);
    const ended = await asterisk.control.waitForHangup(channelId);
    expect(ended.hangupBy).toBe('dialplan');
    expect(events.filter((e) => e['type'] === 'StasisEnd' && (e['channel'] as Json)['id'] === channelId)).toHaveLength(1);
    // The application was unsubscribed at StasisEnd: the hang-up that follows is not reported to it.
    expect(events.filter((e) => e['type'] === 'ChannelDestroyed' && (e['channel'] as Json)['id'] === channelId)).toEqual([]);
    expect(dialplanErrors).toContain('sent to invalid extension but no invalid handler: context,exten,priority=ivr-fallback,nosuch,1');
  });

  it('an unknown context is hung up the same way', async () => {
    const channelId = await inboundCall('13700000005');
    expect((await continueTo(channelId, 'no-such-context', 's')).status).toBe(204);
    await asterisk.control.waitForHangup(channelId);
    expect(dialplanErrors).toContain('sent to invalid extension but no invalid handler: context,exten,priority=no-such-context,s,1');
  });
});

describe('ShowDialPlan', () => {
  it('finds the hand-over points the gateway uses, following includes and patterns', async () => {
    expect(await ami.extensionExists('ivr-fallback', 'queue')).toBe(true);
    expect(await ami.extensionExists('ivr-fallback', 'menu')).toBe(true);
    expect(await ami.extensionExists('emergency-fallback', '119')).toBe(true);
    // from-carrier has 12345 only through `include => hotline-entry`; from-agents matches 1001 by _1XXX.
    expect(await ami.extensionExists('from-carrier', '12345')).toBe(true);
    expect(await ami.extensionExists('from-agents', '1001')).toBe(true);
  });

  it('answers with Asterisk error texts for what does not exist', async () => {
    expect(await ami.extensionExists('ivr-fallback', 'nosuch')).toBe(false);
    expect(await ami.extensionExists('no-such-context', 'queue')).toBe(false);
    await expect(ami.action('ShowDialPlan', { Context: 'ivr-fallback', Extension: 'nosuch' })).rejects.toMatchObject({
      amiMessage: 'Did not find extension nosuch@ivr-fallback',
    });
    await expect(ami.action('ShowDialPlan', { Context: 'nowhere' })).rejects.toMatchObject({ amiMessage: 'Did not find context nowhere' });
  });
});
