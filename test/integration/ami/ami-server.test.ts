import { connect, type Socket } from 'node:net';
import Manager, { type ManagerMessage } from 'asterisk-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmiParser, type AmiFrame, type AmiMessage } from '../../../src/adapters/ami/ami-codec.js';
import { startAmiServer, type AmiServer } from '../../../src/simulator/ami/ami-server.js';
import { MemoryBackend } from './memory-backend.js';

const USER = 'gateway';
const SECRET = 'test-secret-3f9a';

/** A plain TCP AMI peer: what goes over the wire is exactly what we assert on. */
class RawPeer {
  readonly socket: Socket;
  private readonly frames: AmiFrame[] = [];
  private wake: (() => void) | undefined;
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = connect({ port, host: '127.0.0.1' });
    this.socket.setEncoding('utf8');
    const parser = new AmiParser({ expectBanner: true });
    this.socket.on('data', (chunk: string) => {
      this.frames.push(...parser.push(chunk));
      this.wake?.();
    });
    this.closed = new Promise((resolve) => this.socket.on('close', () => resolve()));
  }

  async next(): Promise<AmiFrame> {
    while (this.frames.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.frames.shift() as AmiFrame;
  }

  async message(): Promise<AmiMessage> {
    const frame = await this.next();
    if (frame.kind !== 'message') throw new Error(`expected a message, got ${frame.kind}`);
    return frame.message;
  }

  send(text: string): void {
    this.socket.write(text);
  }

  async login(secret = SECRET): Promise<AmiMessage> {
    expect(await this.next()).toEqual({ kind: 'banner', version: '11.0.0' });
    this.send(`Action: Login\r\nActionID: login-1\r\nUsername: ${USER}\r\nSecret: ${secret}\r\n\r\n`);
    return this.message();
  }
}

describe('simulated AMI server on the wire', () => {
  let backend: MemoryBackend;
  let server: AmiServer;
  const peers: RawPeer[] = [];

  beforeEach(async () => {
    backend = new MemoryBackend();
    server = await startAmiServer({ host: '127.0.0.1', username: USER, secret: SECRET, backend });
  });

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.socket.destroy();
    await server.close();
  });

  function peer(): RawPeer {
    const p = new RawPeer(server.port);
    peers.push(p);
    return p;
  }

  it('greets, logs in like Asterisk and announces FullyBooted', async () => {
    const p = peer();
    const response = await p.login();
    expect(response.headers).toEqual([
      ['Response', 'Success'],
      ['ActionID', 'login-1'],
      ['Message', 'Authentication accepted'],
    ]);
    const booted = await p.message();
    expect(booted.get('Event')).toBe('FullyBooted');
    expect(booted.get('Status')).toBe('Fully Booted');
  });

  it('refuses a wrong secret and hangs up', async () => {
    const p = peer();
    const response = await p.login('wrong');
    expect(response.toRecord()).toEqual({ response: 'Error', actionid: 'login-1', message: 'Authentication failed' });
    await p.closed;
  });

  it('refuses actions before login and unknown actions after it', async () => {
    const p = peer();
    await p.next();
    p.send('Action: CoreShowChannels\r\nActionID: early\r\n\r\n');
    expect((await p.message()).toRecord()).toEqual({ response: 'Error', actionid: 'early', message: 'Permission denied' });
    p.send(`Action: Login\r\nActionID: l\r\nUsername: ${USER}\r\nSecret: ${SECRET}\r\n\r\n`);
    await p.message();
    await p.message();
    p.send('Action: FlyToTheMoon\r\nActionID: moon\r\n\r\n');
    expect((await p.message()).toRecord()).toEqual({ response: 'Error', actionid: 'moon', message: 'Invalid/unknown command' });
  });

  it('answers Ping with Pong and a timestamp, and Logoff with Goodbye', async () => {
    const p = peer();
    await p.login();
    await p.message();
    p.send('Action: Ping\r\nActionID: p1\r\n\r\n');
    const pong = await p.message();
    expect(pong.headers.map(([k]) => k)).toEqual(['Response', 'ActionID', 'Ping', 'Timestamp']);
    expect(pong.get('Ping')).toBe('Pong');
    expect(pong.get('Timestamp')).toMatch(/^\d{10}\.\d{6}$/);
    p.send('Action: Logoff\r\nActionID: bye\r\n\r\n');
    expect((await p.message()).toRecord()).toEqual({ response: 'Goodbye', actionid: 'bye', message: 'Thanks for all the fish.' });
    await p.closed;
  });

  it('lists channels with EventList start/Complete and the ActionID on every item', async () => {
    backend.addChannel('PJSIP/carrier-00000001');
    backend.addChannel('PJSIP/carrier-00000002', { state: 'Up', app: 'Queue', appData: 'hotline-general' });
    const p = peer();
    await p.login();
    await p.message();
    p.send('Action: CoreShowChannels\r\nActionID: list-7\r\n\r\n');
    expect((await p.message()).toRecord()).toEqual({ response: 'Success', actionid: 'list-7', eventlist: 'start', message: 'Channels will follow' });
    const first = await p.message();
    expect(first.toRecord()).toMatchObject({
      event: 'CoreShowChannel',
      actionid: 'list-7',
      channel: 'PJSIP/carrier-00000001',
      channelstate: '4',
      channelstatedesc: 'Ring',
      calleridname: '<unknown>',
      application: 'Stasis',
      applicationdata: 'ivr-12345',
      duration: '00:01:05',
    });
    expect((await p.message()).get('ChannelStateDesc')).toBe('Up');
    expect((await p.message()).toRecord()).toEqual({ event: 'CoreShowChannelsComplete', actionid: 'list-7', eventlist: 'Complete', listitems: '2' });
  });

  it('answers Status for one channel and errors for a missing one', async () => {
    backend.addChannel('PJSIP/carrier-00000001');
    const p = peer();
    await p.login();
    await p.message();
    p.send('Action: Status\r\nActionID: s1\r\nChannel: PJSIP/carrier-00000001\r\n\r\n');
    expect((await p.message()).get('EventList')).toBe('start');
    expect((await p.message()).toRecord()).toMatchObject({ event: 'Status', actionid: 's1', channel: 'PJSIP/carrier-00000001', seconds: '65' });
    expect((await p.message()).toRecord()).toEqual({ event: 'StatusComplete', actionid: 's1', eventlist: 'Complete', listitems: '1', items: '1' });
    p.send('Action: Status\r\nActionID: s2\r\nChannel: PJSIP/nobody\r\n\r\n');
    expect((await p.message()).toRecord()).toEqual({ response: 'Error', actionid: 's2', message: 'No such channel' });
  });

  it('switches events off and on with the Events action', async () => {
    const p = peer();
    await p.login();
    await p.message();
    p.send('Action: Events\r\nActionID: e1\r\nEventMask: off\r\n\r\n');
    expect((await p.message()).toRecord()).toEqual({ response: 'Success', actionid: 'e1', events: 'Off' });
    backend.emit({ type: 'deviceStateChange', device: 'PJSIP/agent-1001', state: 'INUSE' });
    p.send('Action: Events\r\nActionID: e2\r\nEventMask: on\r\n\r\n');
    expect((await p.message()).toRecord()).toEqual({ response: 'Success', actionid: 'e2', events: 'On' });
    backend.emit({ type: 'deviceStateChange', device: 'PJSIP/agent-1001', state: 'NOT_INUSE' });
    expect((await p.message()).toRecord()).toEqual({ event: 'DeviceStateChange', privilege: 'call,all', device: 'PJSIP/agent-1001', state: 'NOT_INUSE' });
  });

  it('sends a session only the event classes of its mask, as set at Login or by Events', async () => {
    const p = peer();
    expect(await p.next()).toEqual({ kind: 'banner', version: '11.0.0' });
    p.send(`Action: Login\r\nActionID: l\r\nUsername: ${USER}\r\nSecret: ${SECRET}\r\nEvents: call\r\n\r\n`);
    expect((await p.message()).get('Message')).toBe('Authentication accepted');
    // No FullyBooted: that is a system event, and only call events are sent.
    backend.addChannel('PJSIP/carrier-00000001');
    expect((await p.message()).get('Event')).toBe('Newchannel');
    p.send('Action: Events\r\nActionID: e1\r\nEventMask: system,agent\r\n\r\n');
    expect((await p.message()).toRecord()).toEqual({ response: 'Success', actionid: 'e1', events: 'On' });
    backend.emit({ type: 'deviceStateChange', device: 'PJSIP/agent-1001', state: 'INUSE' });
    p.send('Action: Ping\r\nActionID: p\r\n\r\n');
    expect((await p.message()).get('ActionID')).toBe('p');
    // Unknown class names select nothing; an empty mask is an error and changes nothing.
    p.send('Action: Events\r\nActionID: e2\r\nEventMask: calls\r\n\r\n');
    expect((await p.message()).toRecord()).toEqual({ response: 'Success', actionid: 'e2', events: 'Off' });
    p.send('Action: Events\r\nActionID: e3\r\nEventMask: \r\n\r\n');
    expect((await p.message()).toRecord()).toEqual({ response: 'Error', actionid: 'e3', message: 'Invalid event mask' });
    p.send('Action: Events\r\nActionID: e4\r\nEventMask: dtmf,call\r\n\r\n');
    expect((await p.message()).get('Events')).toBe('On');
    backend.emit({ type: 'deviceStateChange', device: 'PJSIP/agent-1001', state: 'NOT_INUSE' });
    expect((await p.message()).toRecord()).toMatchObject({ event: 'DeviceStateChange', state: 'NOT_INUSE' });
  });

  it('filters events with the session filters the Filter action adds (include, then `!` exclude)', async () => {
    const p = peer();
    await p.login();
    await p.message();
    p.send('Action: Filter\r\nActionID: f1\r\nOperation: Add\r\nFilter: Event: DeviceStateChange\r\n\r\n');
    expect((await p.message()).toRecord()).toEqual({ response: 'Success', actionid: 'f1', message: 'Success' });
    backend.addChannel('PJSIP/carrier-00000001');
    backend.emit({ type: 'deviceStateChange', device: 'PJSIP/psap-police', state: 'UNAVAILABLE' });
    expect((await p.message()).toRecord()).toEqual({ event: 'DeviceStateChange', privilege: 'call,all', device: 'PJSIP/psap-police', state: 'UNAVAILABLE' });
    p.send('Action: Filter\r\nActionID: f2\r\nOperation: Add\r\nFilter: !Device: PJSIP/agent-.*\r\n\r\n');
    expect((await p.message()).get('Response')).toBe('Success');
    backend.emit({ type: 'deviceStateChange', device: 'PJSIP/agent-1001', state: 'INUSE' });
    backend.emit({ type: 'deviceStateChange', device: 'PJSIP/psap-police', state: 'NOT_INUSE' });
    expect((await p.message()).toRecord()).toMatchObject({ device: 'PJSIP/psap-police', state: 'NOT_INUSE' });
    p.send('Action: Filter\r\nActionID: f3\r\nOperation: Add\r\nFilter: Event: (\r\n\r\n');
    expect((await p.message()).toRecord()).toEqual({ response: 'Error', actionid: 'f3', message: 'Filter did not compile.  Check the syntax of the filter given.' });
    p.send('Action: Filter\r\nActionID: f4\r\nOperation: Remove\r\nFilter: Event: Hangup\r\n\r\n');
    expect((await p.message()).toRecord()).toEqual({ response: 'Error', actionid: 'f4', message: 'Unknown operation' });
    // Filters belong to the session: a new one gets everything.
    const other = peer();
    await other.login();
    expect((await other.message()).get('Event')).toBe('FullyBooted');
    backend.addChannel('PJSIP/carrier-00000002');
    expect((await other.message()).get('Event')).toBe('Newchannel');
  });

  it('answers a line that is not AMI with an error naming the problem, then closes', async () => {
    const p = peer();
    await p.next();
    p.send('GET / HTTP/1.1\r\n\r\n');
    expect((await p.message()).get('Message')).toMatch(/no "Key: Value" colon/);
    await p.closed;
  });

  it('works with the real asterisk-manager 0.2.0 client: login, actions, events, lower-cased keys', async () => {
    backend.addChannel('PJSIP/carrier-00000001');
    const manager = Manager(undefined, '127.0.0.1', USER, SECRET, true);
    try {
      const loggedIn = new Promise<ManagerMessage | undefined>((resolve) => manager.connect(server.port, '127.0.0.1', () => manager.login(resolve)));
      expect(await loggedIn).toBeUndefined();

      const ping = await new Promise<ManagerMessage>((resolve, reject) => manager.action({ action: 'ping' }, (error, response) => (error ? reject(new Error(String(error.message))) : resolve(response))));
      expect(ping).toMatchObject({ response: 'Success', ping: 'Pong' });

      const events: ManagerMessage[] = [];
      const gotHangup = new Promise<void>((resolve) =>
        manager.on('managerevent', (event) => {
          events.push(event);
          if (event.event === 'Hangup') resolve();
        }),
      );
      const hungUp = await new Promise<ManagerMessage>((resolve) => manager.action({ action: 'hangup', channel: 'PJSIP/carrier-00000001', cause: 17 }, (_e, r) => resolve(r)));
      expect(hungUp).toMatchObject({ response: 'Success', message: 'Channel Hungup' });
      await gotHangup;
      expect(events.find((e) => e.event === 'Hangup')).toMatchObject({ channel: 'PJSIP/carrier-00000001', cause: '17', 'cause-txt': 'Normal Clearing' });
      expect(backend.hangups).toEqual([{ channel: 'PJSIP/carrier-00000001', cause: 17 }]);

      const missing = await new Promise<ManagerMessage | undefined>((resolve) => manager.action({ action: 'redirect', channel: 'PJSIP/gone', context: 'ivr-fallback', exten: 'queue', priority: 1 }, (e) => resolve(e)));
      expect(missing).toMatchObject({ response: 'Error', message: 'Channel specified does not exist' });
    } finally {
      manager.disconnect();
    }
  });

  it('tells asterisk-manager when its login is refused', async () => {
    const manager = Manager(undefined, '127.0.0.1', USER, 'wrong', true);
    const closed = new Promise<void>((resolve) => manager.on('close', () => resolve()));
    const refused = await new Promise<ManagerMessage | undefined>((resolve) => manager.connect(server.port, '127.0.0.1', () => manager.login(resolve)));
    expect(refused).toMatchObject({ response: 'Error', message: 'Authentication failed' });
    await closed;
    manager.disconnect();
  });
});
