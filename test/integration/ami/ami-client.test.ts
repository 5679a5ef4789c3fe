import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { AmiClient, type AmiClientOptions, type AmiLogger } from '../../../src/adapters/ami/ami-client.js';
import { AmiProtocolError } from '../../../src/adapters/ami/ami-codec.js';
import { AmiActionError, AmiAuthenticationError } from '../../../src/adapters/ami/ami-errors.js';
import type { AmiEvent } from '../../../src/adapters/ami/ami-events.js';
import { startAmiServer, type AmiServer } from '../../../src/simulator/ami/ami-server.js';
import { MemoryBackend } from './memory-backend.js';
import { ScriptedAmiPeer } from './scripted-ami-peer.js';

const USER = 'gateway';
const SECRET = 'sekret-7d1c-do-not-log';

/** Keeps every log call so tests can look at what would have been written. */
function recordingLogger(lines: string[] = []): AmiLogger & { lines: string[] } {
  const make = (bindings: Record<string, unknown>): AmiLogger => {
    const write = (level: string) => (obj: object, msg?: string) => {
      lines.push(JSON.stringify({ level, ...bindings, ...obj, msg }, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)));
    };
    return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (more) => make({ ...bindings, ...more }) };
  };
  return Object.assign(make({}), { lines });
}

function nextEvent<T extends AmiEvent['kind']>(client: AmiClient, kind: T): Promise<Extract<AmiEvent, { kind: T }>> {
  return new Promise((resolve) => {
    const listener = (event: AmiEvent): void => {
      if (event.kind !== kind) return;
      client.off('event', listener);
      resolve(event as Extract<AmiEvent, { kind: T }>);
    };
    client.on('event', listener);
  });
}

function once(client: AmiClient, name: 'connected' | 'disconnected'): Promise<void> {
  return new Promise((resolve) => client.once(name, () => resolve()));
}

async function rejection(promise: Promise<unknown>): Promise<AmiActionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AmiActionError) return error;
    throw error;
  }
  throw new Error('expected the action to fail');
}

/**
 * Runs a fixture in its own process until it prints "closed", then gives it 1.5 s to exit by itself:
 * anything still referenced (a timer, a socket) would keep Node's event loop running.
 */
async function runFixture(name: string, port: number): Promise<{ outcome: number | null | 'still running'; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))], {
    env: { ...process.env, AMI_PORT: String(port), AMI_USERNAME: USER, AMI_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  const closed = new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('closed')) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await Promise.race([closed, exited]);
  let timer: NodeJS.Timeout | undefined;
  const lingering = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), 1_500)));
  const outcome = await Promise.race([exited, lingering]);
  clearTimeout(timer);
  if (outcome === 'still running') child.kill();
  return { outcome, stdout };
}

describe('AmiClient against the simulated AMI server', () => {
  let backend: MemoryBackend;
  let server: AmiServer;
  let clients: AmiClient[];
  let log: ReturnType<typeof recordingLogger>;
  let consoleLog: MockInstance<typeof console.log>;

  beforeEach(async () => {
    backend = new MemoryBackend();
    server = await startAmiServer({ host: '127.0.0.1', username: USER, secret: SECRET, backend });
    clients = [];
    log = recordingLogger();
    consoleLog = vi.spyOn(console, 'log');
  });

  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
    // asterisk-manager console.logs when it reconnects by itself or is given an action without a socket.
    expect(consoleLog).not.toHaveBeenCalled();
    consoleLog.mockRestore();
  });

  function client(overrides: Partial<AmiClientOptions> = {}): AmiClient {
    const c = new AmiClient({ host: '127.0.0.1', port: server.port, username: USER, secret: SECRET, log, reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, ...overrides });
    clients.push(c);
    return c;
  }

  it('logs in, reports connected, and answers ping', async () => {
    const c = client();
    expect(c.connected).toBe(false);
    const connected = once(c, 'connected');
    await c.connect(2_000);
    await connected;
    expect(c.connected).toBe(true);
    await expect(c.ping()).resolves.toBeUndefined();
    expect(server.sessionCount()).toBe(1);
  });

  it('rejects connect() with a typed error on a wrong secret and never logs a secret', async () => {
    const c = client({ secret: 'wrong-secret-0000' });
    const error = await c.connect(2_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmiAuthenticationError);
    expect((error as AmiAuthenticationError).code).toBe('AMI_AUTH_FAILED');
    expect((error as AmiAuthenticationError).message).toContain('Authentication failed');
    expect(c.connected).toBe(false);
    // A good client on the same log, for the other half of the check.
    await client().connect(2_000);
    const all = log.lines.join('\n');
    expect(all).toContain('AMI login as');
    expect(all).not.toContain('wrong-secret-0000');
    expect(all).not.toContain(SECRET);
  });

  it('matches each response to its own action by ActionID when many are in flight', async () => {
    for (let i = 0; i < 10; i++) {
      backend.addChannel(`PJSIP/carrier-0000000${i}`);
      backend.setVar(`PJSIP/carrier-0000000${i}`, 'HOTLINE_SKILL', `skill-${i}`);
    }
    backend.devices.set('PJSIP/agent-1001', 'NOT_INUSE');
    const c = client();
    await c.connect(2_000);
    const [values, channels, devices, missing] = await Promise.all([
      Promise.all(Array.from({ length: 10 }, (_, i) => c.getVar({ channel: `PJSIP/carrier-0000000${9 - i}`, variable: 'HOTLINE_SKILL' }))),
      c.coreShowChannels(),
      c.deviceStateList(),
      rejection(c.getVar({ channel: 'PJSIP/gone', variable: 'X' })),
      c.ping(),
    ]);
    expect(values).toEqual(Array.from({ length: 10 }, (_, i) => `skill-${9 - i}`));
    expect(channels).toHaveLength(10);
    expect(devices).toEqual([{ device: 'PJSIP/agent-1001', state: 'NOT_INUSE' }]);
    expect(missing.code).toBe('AMI_ERROR');
    expect(missing.amiMessage).toBe('No such channel');
  });

  it('lists channels with CoreShowChannels', async () => {
    backend.addChannel('PJSIP/carrier-00000001', { callerNum: '13800138000', state: 'Up', app: 'Stasis', appData: 'ivr-12345' });
    const c = client();
    await c.connect(2_000);
    expect(await c.coreShowChannels()).toEqual([
      expect.objectContaining({
        channel: 'PJSIP/carrier-00000001',
        channelState: 6,
        channelStateDesc: 'Up',
        callerIdNum: '13800138000',
        context: 'from-carrier',
        exten: '12345',
        priority: 2,
        application: 'Stasis',
        applicationData: 'ivr-12345',
        duration: '00:01:05',
      }),
    ]);
    backend.channels.clear();
    expect(await c.coreShowChannels()).toEqual([]);
  });

  it('redirects a channel into the dialplan through the backend, and reports Asterisk errors', async () => {
    backend.addChannel('PJSIP/carrier-00000001');
    const c = client();
    await c.connect(2_000);
    await c.setVar({ channel: 'PJSIP/carrier-00000001', variable: 'HOTLINE_SKILL', value: 'complaint' });
    await c.redirect({ channel: 'PJSIP/carrier-00000001', context: 'ivr-fallback', exten: 'queue', priority: 1 });
    expect(backend.redirects).toEqual([{ channel: 'PJSIP/carrier-00000001', target: { context: 'ivr-fallback', exten: 'queue', priority: 1 } }]);
    expect(backend.getVar('PJSIP/carrier-00000001', 'HOTLINE_SKILL')).toBe('complaint');

    const gone = await rejection(c.redirect({ channel: 'PJSIP/gone', context: 'ivr-fallback', exten: 'queue', priority: 1 }));
    expect(gone).toMatchObject({ code: 'AMI_ERROR', action: 'Redirect', amiMessage: 'Channel specified does not exist' });
    const failed = await rejection(c.redirect({ channel: 'PJSIP/carrier-00000001', context: 'no-such-context', exten: 'x', priority: 1 }));
    expect(failed.amiMessage).toBe('Redirect failed');
    const unknown = await rejection(c.action('FlyToTheMoon'));
    expect(unknown.amiMessage).toBe('Invalid/unknown command');
  });

  it('delivers typed channel and device events', async () => {
    const c = client();
    await c.connect(2_000);
    const newchannel = nextEvent(c, 'Newchannel');
    const hangup = nextEvent(c, 'Hangup');
    const device = nextEvent(c, 'DeviceStateChange');
    backend.addChannel('PJSIP/carrier-00000009', { callerNum: '13900139000' });
    backend.emit({ type: 'deviceStateChange', device: 'PJSIP/agent-1001', state: 'INUSE' });
    await c.hangup({ channel: 'PJSIP/carrier-00000009', cause: 21 });
    expect(await newchannel).toMatchObject({ channel: 'PJSIP/carrier-00000009', callerIdNum: '13900139000', channelState: 4, fields: expect.objectContaining({ event: 'Newchannel' }) });
    expect(await hangup).toMatchObject({ channel: 'PJSIP/carrier-00000009', cause: 21 });
    expect(await device).toMatchObject({ device: 'PJSIP/agent-1001', state: 'INUSE' });
  });

  it('declares the link dead when a Ping goes unanswered, then reconnects', async () => {
    const c = client({ pingIntervalMs: 50, pingTimeoutMs: 100 });
    await c.connect(2_000);
    const disconnected = once(c, 'disconnected');
    server.stallSessions();
    await disconnected;
    expect(c.connected).toBe(false);
    await once(c, 'connected');
    expect(c.connected).toBe(true);
    await c.ping();
    expect(server.sessionCount()).toBe(1);
    expect(log.lines.some((l) => l.includes('AMI Ping unanswered'))).toBe(true);
  });

  it('times out an unanswered action with AMI_TIMEOUT', async () => {
    backend.addChannel('PJSIP/carrier-00000001');
    const c = client({ actionTimeoutMs: 100, pingIntervalMs: 60_000 });
    await c.connect(2_000);
    server.stallSessions();
    const error = await rejection(c.hangup({ channel: 'PJSIP/carrier-00000001' }));
    expect(error.code).toBe('AMI_TIMEOUT');
    expect(error.message).toMatch(/Hangup .* no answer within 100 ms/);
  });

  it('fails in-flight and new actions with AMI_DISCONNECTED when Asterisk goes away, and comes back with it', async () => {
    const c = client({ actionTimeoutMs: 5_000 });
    await c.connect(2_000);
    const port = server.port;
    server.stallSessions();
    const inFlight = rejection(c.ping());
    const disconnected = once(c, 'disconnected');
    await server.close();
    expect((await inFlight).code).toBe('AMI_DISCONNECTED');
    await disconnected;
    expect((await rejection(c.ping())).code).toBe('AMI_DISCONNECTED');

    server = await startAmiServer({ host: '127.0.0.1', port, username: USER, secret: SECRET, backend });
    await c.connect(2_000);
    await c.ping();
  });

  it('leaves no socket or timer behind after close(): a process that used it exits by itself', async () => {
    const { outcome, stdout } = await runFixture('connect-ping-close.ts', server.port);
    expect(outcome).toBe(0);
    // Nothing else on stdout: asterisk-manager would print there.
    expect(stdout).toBe('closed\n');
  });

  it('refuses header values that would inject AMI headers, before anything reaches Asterisk', async () => {
    backend.addChannel('PJSIP/carrier-00000001');
    const c = client();
    await c.connect(2_000);
    const error = await c.setVar({ channel: 'PJSIP/carrier-00000001', variable: 'NOTE', value: 'x\r\nAction: Hangup' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmiProtocolError);
    expect(error).toMatchObject({ code: 'AMI_BAD_VALUE', message: expect.stringMatching(/Value contains a line break/) });
    await expect(c.action('Hangup', { ActionID: 'mine', Channel: 'PJSIP/carrier-00000001' })).rejects.toMatchObject({ code: 'AMI_BAD_VALUE', message: expect.stringMatching(/ActionID is set by the client/) });
    await c.ping();
    expect(backend.getVar('PJSIP/carrier-00000001', 'NOTE')).toBe('');
    expect(backend.hangups).toEqual([]);
  });

  it('with events off delivers no events, and with events on delivers them', async () => {
    const quiet = client({ events: false });
    const loud = client();
    const heard: Record<'quiet' | 'loud', string[]> = { quiet: [], loud: [] };
    quiet.on('event', (e) => heard.quiet.push(e.event));
    loud.on('event', (e) => heard.loud.push(e.event));
    await Promise.all([quiet.connect(2_000), loud.connect(2_000)]);
    const device = nextEvent(loud, 'DeviceStateChange');
    backend.emit({ type: 'deviceStateChange', device: 'PJSIP/agent-1001', state: 'INUSE' });
    await device;
    // Anything sent to the quiet client before this answer has been dispatched by now.
    await quiet.ping();
    expect(heard.quiet).toEqual([]);
    expect(heard.loud).toEqual(['FullyBooted', 'DeviceStateChange']);
    // List items are answers, not events: they still arrive.
    backend.devices.set('PJSIP/agent-1001', 'INUSE');
    expect(await quiet.deviceStateList()).toEqual([{ device: 'PJSIP/agent-1001', state: 'INUSE' }]);
  });

  it('with an event selection, Asterisk sends only the events named, and list answers still arrive', async () => {
    const c = client({ events: { classes: ['call'], names: ['DeviceStateChange'] } });
    const heard: string[] = [];
    c.on('event', (e) => heard.push(e.event));
    await c.connect(2_000);
    backend.addChannel('PJSIP/carrier-00000001');
    backend.hangup('PJSIP/carrier-00000001', 16);
    const device = nextEvent(c, 'DeviceStateChange');
    backend.emit({ type: 'deviceStateChange', device: 'PJSIP/psap-police', state: 'UNAVAILABLE' });
    expect(await device).toMatchObject({ device: 'PJSIP/psap-police', state: 'UNAVAILABLE' });
    await c.ping();
    // No FullyBooted (system), no Newchannel or Hangup (call, but filtered out by Asterisk).
    expect(heard).toEqual(['DeviceStateChange']);
    backend.devices.set('PJSIP/psap-police', 'UNAVAILABLE');
    expect(await c.deviceStateList()).toEqual([{ device: 'PJSIP/psap-police', state: 'UNAVAILABLE' }]);
  });

  it('refuses an event selection Asterisk could not apply, naming the field', () => {
    const bad = [
      { classes: [] },
      { classes: ['calls'] },
      { classes: ['call'], names: [] },
      { classes: ['call'], names: ['Device.*'] },
    ] as unknown as Array<AmiClientOptions['events']>;
    const fields = [/events\.classes must name/, /events\.classes\[0\] is "calls"/, /events\.names must name/, /events\.names\[0\] is "Device\.\*"/];
    bad.forEach((events, i) => expect(() => client({ events })).toThrow(fields[i] as RegExp));
  });

  it('refuses a port that is not a TCP port', () => {
    expect(() => client({ port: 70_000 })).toThrow(/port must be a TCP port/);
    clients.pop();
  });

  it('close() is idempotent and later actions fail with AMI_DISCONNECTED', async () => {
    const c = client();
    await c.connect(2_000);
    await c.close();
    await c.close();
    expect(c.connected).toBe(false);
    await expect(c.ping()).rejects.toMatchObject({ code: 'AMI_DISCONNECTED' });
    expect(() => c.start()).toThrow(/closed/);
  });

  it('close() while Asterisk is unreachable stops the reconnect loop', async () => {
    const port = server.port;
    await server.close();
    const c = client({ port });
    c.start();
    const refused = c.connect().catch((error: unknown) => error);
    await c.close();
    expect(await refused).toMatchObject({ code: 'AMI_DISCONNECTED' });
    expect(c.connected).toBe(false);
    server = await startAmiServer({ host: '127.0.0.1', username: USER, secret: SECRET, backend });
  });
});

describe('AmiClient against a scripted peer', () => {
  let peer: ScriptedAmiPeer;
  let clients: AmiClient[];
  let log: ReturnType<typeof recordingLogger>;
  let consoleLog: MockInstance<typeof console.log>;

  beforeEach(async () => {
    peer = await ScriptedAmiPeer.start();
    clients = [];
    log = recordingLogger();
    consoleLog = vi.spyOn(console, 'log');
  });

  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await peer.close();
    expect(consoleLog).not.toHaveBeenCalled();
    consoleLog.mockRestore();
  });

  function client(overrides: Partial<AmiClientOptions> = {}): AmiClient {
    const c = new AmiClient({ host: '127.0.0.1', port: peer.port, username: USER, secret: SECRET, log, reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, pingIntervalMs: 60_000, ...overrides });
    clients.push(c);
    return c;
  }

  it('switches events off with the Events action, as the package logs in with `Event:` where Asterisk reads `Events:`', async () => {
    const c = client({ events: false, actionTimeoutMs: 300 });
    const connected = c.connect(2_000);
    const session = await peer.session(0);
    const login = await session.nextAction();
    expect(login.toRecord()).toMatchObject({ action: 'login', username: USER, event: 'off' });
    expect(login.has('Events')).toBe(false);
    session.succeed(login, 'Message: Authentication accepted\r\n');
    const events = await session.nextAction();
    expect(events.toRecord()).toMatchObject({ action: 'Events', eventmask: 'off' });
    expect(c.connected).toBe(false);
    session.succeed(events, 'Events: Off\r\n');
    await connected;
  });

  it('narrows events with Events and a Filter per name (OriginateResponse always), then reports connected', async () => {
    const c = client({ events: { classes: ['call'], names: ['DeviceStateChange'] }, actionTimeoutMs: 300 });
    const connected = c.connect(2_000);
    const session = await peer.loggedIn(0);
    const events = await session.nextAction();
    expect(events.toRecord()).toMatchObject({ action: 'Events', eventmask: 'call' });
    session.succeed(events, 'Events: On\r\n');
    const filters: Array<Record<string, string>> = [];
    for (let i = 0; i < 2; i += 1) {
      const filter = await session.nextAction();
      filters.push(filter.toRecord());
      expect(c.connected).toBe(false);
      session.succeed(filter, 'Message: Success\r\n');
    }
    expect(filters).toEqual([
      expect.objectContaining({ action: 'Filter', operation: 'Add', filter: 'Event: DeviceStateChange' }),
      expect.objectContaining({ action: 'Filter', operation: 'Add', filter: 'Event: OriginateResponse' }),
    ]);
    await connected;
  });

  it('when Asterisk refuses the filters, warns, connects anyway and drops the events nobody asked for', async () => {
    const c = client({ events: { classes: ['call'], names: ['DeviceStateChange'] }, actionTimeoutMs: 300 });
    const heard: string[] = [];
    c.on('event', (e) => heard.push(e.event));
    const connected = c.connect(2_000);
    const session = await peer.loggedIn(0);
    session.succeed(await session.nextAction(), 'Events: On\r\n');
    for (let i = 0; i < 2; i += 1) {
      const filter = await session.nextAction();
      session.write(`Response: Error\r\nActionID: ${filter.get('ActionID') ?? ''}\r\nMessage: Permission denied\r\n\r\n`);
    }
    await connected;
    expect(log.lines.filter((l) => l.includes('Asterisk refused an event setting'))).toHaveLength(2);
    session.write('Event: Newchannel\r\nPrivilege: call,all\r\nChannel: PJSIP/carrier-00000001\r\n\r\n');
    session.write('Event: DeviceStateChange\r\nPrivilege: call,all\r\nDevice: PJSIP/psap-police\r\nState: INUSE\r\n\r\n');
    await nextEvent(c, 'DeviceStateChange');
    expect(heard).toEqual(['DeviceStateChange']);
  });

  it('with classes only, drops an event of another class that Asterisk sent before the mask took effect', async () => {
    const c = client({ events: { classes: ['call'] }, actionTimeoutMs: 300 });
    const heard: string[] = [];
    c.on('event', (e) => heard.push(e.event));
    const connected = c.connect(2_000);
    const session = await peer.loggedIn(0);
    const events = await session.nextAction();
    expect(events.toRecord()).toMatchObject({ action: 'Events', eventmask: 'call' });
    session.succeed(events, 'Events: On\r\n');
    await connected;
    session.write('Event: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n\r\n');
    session.write('Event: Hangup\r\nPrivilege: call,all\r\nChannel: PJSIP/carrier-00000001\r\nCause: 16\r\n\r\n');
    await nextEvent(c, 'Hangup');
    expect(heard).toEqual(['Hangup']);
  });

  it('reports a stream that is not AMI, fails what was in flight, and reconnects', async () => {
    // Short actions only so that close() does not wait a second for the Logoff this peer never answers.
    const c = client({ actionTimeoutMs: 300 });
    const connected = c.connect(2_000);
    await peer.loggedIn(0);
    await connected;
    const ping = rejection(c.ping());
    const session = await peer.session(0);
    await session.nextAction();
    session.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    const error = await ping;
    expect(error.code).toBe('AMI_DISCONNECTED');
    expect(error.message).toMatch(/not valid AMI: a line that is not "Key: Value": "http\/1.1 400 bad request"/);
    const logged = log.lines.map((l) => JSON.parse(l) as { level: string; msg?: string; code?: string }).find((l) => l.msg === 'AMI stream is not valid AMI; dropping the connection');
    expect(logged).toMatchObject({ level: 'error', code: 'AMI_BAD_LINE' });
    // A fresh connection, logged in again.
    const reconnected = once(c, 'connected');
    await peer.loggedIn(1);
    await reconnected;
  });

  it('gives up on a port that never answers Login, and tries again', async () => {
    const c = client({ actionTimeoutMs: 100 });
    c.start();
    const first = await peer.session(0);
    expect((await first.nextAction()).get('Action')).toBe('login');
    const closed = new Promise<void>((resolve) => first.socket.once('end', () => resolve()));
    await closed;
    const second = await peer.session(1);
    expect((await second.nextAction()).get('Action')).toBe('login');
    expect(log.lines.some((l) => l.includes('no answer to Login within 100 ms'))).toBe(true);
    expect(c.connected).toBe(false);
  });

  it('destroys the socket of a hung Asterisk that never answers the FIN, so it cannot keep the process alive', async () => {
    // The fixture pings until the Ping times out, then closes the client. This peer never closes its side
    // (allowHalfOpen): a socket the client only end()ed would stay half-open and keep the process running.
    const run = runFixture('hung-peer-close.ts', peer.port);
    const hung = await peer.loggedIn(0);
    expect((await hung.nextAction()).get('Action')).toBe('Ping');
    const { outcome, stdout } = await run;
    expect(outcome).toBe(0);
    expect(stdout).toBe('disconnected\nclosed\n');
  });
});
