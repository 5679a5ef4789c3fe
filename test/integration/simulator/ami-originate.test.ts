// AMI Originate against the simulated Asterisk, driven with the real asterisk-manager client: the immediate
// answer, the OriginateResponse event with Asterisk's reasons, and what the answered channel runs afterwards
// (the dialplan at Context/Exten/Priority, or the Application), with the far end played by dial behaviours.

import Manager, { type ManagerMessage } from 'asterisk-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import type { SimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import { connectAri } from './ari-client-loader.js';
import type { TestAriClient } from './ari-client-loader.js';

const APP = 'acd-originate';
type Json = Record<string, unknown>;

let sim: SimulatedAsterisk;
let manager: ReturnType<typeof Manager>;
let client: TestAriClient;

function send(action: Record<string, string | number | Record<string, string>>): Promise<ManagerMessage> {
  return new Promise((resolvePromise) => manager.action(action, (_error, response) => resolvePromise(response)));
}

function originateResponse(actionId: string, timeoutMs = 3000): Promise<ManagerMessage> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no OriginateResponse for ${actionId}`)), timeoutMs);
    const listener = (e: ManagerMessage): void => {
      if (e['event'] !== 'OriginateResponse' || e['actionid'] !== actionId) return;
      clearTimeout(timer);
      manager.removeListener('managerevent', listener);
      resolvePromise(e);
    };
    manager.on('managerevent', listener);
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

beforeAll(async () => {
  sim = await startSimulatedAsterisk({ ariPort: 0, amiPort: 0, waitTimeoutMs: 3000, dialplanMsPerSecond: 10 });
  manager = Manager(undefined, '127.0.0.1', sim.credentials.ami.username, sim.credentials.ami.secret, true);
  await new Promise<void>((resolvePromise, reject) =>
    manager.connect(sim.amiPort, '127.0.0.1', () => manager.login((error) => (error ? reject(new Error(String(error['message']))) : resolvePromise()))),
  );
  client = await connectAri(sim.ariUrl, sim.credentials.ari.username, sim.credentials.ari.password);
  await client.start(APP);
});

afterEach(() => {
  sim.control.reset();
});

afterAll(async () => {
  manager?.disconnect();
  client?.stop();
  await sim?.close();
});

describe('AMI Originate, Async', () => {
  it('queues at once, then OriginateResponse Success (reason 4) once the agent answers, and the channel runs the dialplan', async () => {
    sim.control.setDialBehaviour('Local/1001@agents', { result: 'answer', afterMs: 30 });
    const response = originateResponse('orig-1');
    // Listening before the action: the first dialplan step may arrive in the same read as OriginateResponse.
    const step = nextAmiEvent((e) => e['event'] === 'Newexten' && e['uniqueid'] === 'agent-leg-1' && e['context'] === 'ivr-static-menu');
    const ack = await send({
      action: 'Originate',
      actionid: 'orig-1',
      channel: 'Local/1001@agents',
      context: 'ivr-static-menu',
      exten: 's',
      priority: 1,
      callerid: '"Hotline" <12345>',
      variable: { ACD_CALL: 'call-1', ACD_QUEUE: 'general' },
      channelid: 'agent-leg-1',
      async: 'true',
    });
    expect(ack).toMatchObject({ response: 'Success', message: 'Originate successfully queued' });
    const event = await response;
    expect(event).toMatchObject({
      response: 'Success',
      channel: expect.stringMatching(/^Local\/1001@agents-[0-9a-f]{8};1$/) as unknown,
      context: 'ivr-static-menu',
      exten: 's',
      reason: '4',
      uniqueid: 'agent-leg-1',
      calleridnum: '12345',
      calleridname: 'Hotline',
    });
    const leg = sim.control.channel(String(event['uniqueid']));
    expect([leg?.name, leg?.state, leg?.caller, leg?.variables['ACD_CALL'], leg?.variables['ACD_QUEUE']]).toEqual([
      event['channel'],
      'Up',
      { name: 'Hotline', number: '12345' },
      'call-1',
      'general',
    ]);
    expect((await step)['exten']).toBe('s');
  });

  it('reports busy (5), no answer within Timeout (3) and an unreachable phone (0) as Failure with the requested channel', async () => {
    sim.control.setDialBehaviour('PJSIP/1002', { result: 'busy', afterMs: 5 });
    sim.control.setDialBehaviour('PJSIP/1003', { result: 'noanswer' });
    sim.control.setEndpointRegistered('PJSIP/1004', false);
    const cases: Array<[string, string, string]> = [
      ['orig-busy', 'PJSIP/1002', '5'],
      ['orig-noanswer', 'PJSIP/1003', '3'],
      ['orig-unregistered', 'PJSIP/1004', '0'],
    ];
    for (const [id, channel, reason] of cases) {
      const response = originateResponse(id);
      expect(await send({ action: 'Originate', actionid: id, channel, application: 'Stasis', data: APP, timeout: 80, async: 'yes' })).toMatchObject({ response: 'Success' });
      expect(await response).toMatchObject({ response: 'Failure', channel, application: 'Stasis', data: APP, reason, uniqueid: '<unknown>', calleridnum: '<unknown>' });
    }
  });
});

describe('AMI Originate, waiting for the outcome', () => {
  it('answers Success only after the agent answered, and the Stasis application gets the leg with its args', async () => {
    sim.control.setDialBehaviour('Local/1005@agents', { result: 'answer', afterMs: 20 });
    const started = new Promise<Json>((r) => client.once('StasisStart', (e: Json) => r(e)));
    const answer = await send({ action: 'Originate', channel: 'Local/1005@agents', application: 'Stasis', data: `${APP},agent,1005`, channelid: 'agent-leg-5' });
    expect(answer).toMatchObject({ response: 'Success', message: 'Originate successfully queued' });
    expect(sim.control.channel('agent-leg-5')?.state).toBe('Up');
    const start = await started;
    expect([(start['channel'] as Json)['id'], start['args']]).toEqual(['agent-leg-5', ['agent', '1005']]);
  });

  it('answers Error "Originate failed" when the dial fails, and Asterisk\'s errors for bad requests', async () => {
    sim.control.setDialBehaviour('PJSIP/1006', { result: 'busy', afterMs: 5 });
    expect(await send({ action: 'Originate', channel: 'PJSIP/1006', application: 'Stasis', data: APP })).toMatchObject({ response: 'Error', message: 'Originate failed' });
    expect(await send({ action: 'Originate', application: 'Stasis' })).toMatchObject({ response: 'Error', message: 'Channel not specified' });
    expect(await send({ action: 'Originate', channel: 'PJSIP/1006', context: 'ivr-static-menu', exten: 's' })).toMatchObject({
      response: 'Error',
      message: "Originate with 'Exten' requires 'Context' and 'Priority'",
    });
    expect(await send({ action: 'Originate', channel: 'PJSIP/1006', context: 'no-such-context', exten: 's', priority: 1 })).toMatchObject({
      response: 'Error',
      message: 'Extension does not exist.',
    });
    expect(await send({ action: 'Originate', channel: 'PJSIP/1006', application: 'Stasis', timeout: 'soon' })).toMatchObject({ response: 'Error', message: 'Invalid timeout' });
  });
});
