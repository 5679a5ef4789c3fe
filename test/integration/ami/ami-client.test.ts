import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmiClient, type AmiClientOptions, type AmiLogger } from '../../../src/adapters/ami/ami-client.js';
import { AmiActionError, AmiAuthenticationError } from '../../../src/adapters/ami/ami-errors.js';
import type { AmiEvent } from '../../../src/adapters/ami/ami-events.js';
import { startAmiServer, type AmiServer } from '../../../src/simulator/ami/ami-server.js';
import { MemoryBackend } from './memory-backend.js';

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

describe('AmiClient against the simulated AMI server', () => {
  let backend: MemoryBackend;
  let server: AmiServer;
  let clients: AmiClient[];
  let log: ReturnType<typeof recordingLogger>;

  beforeEach(async () => {
    backend = new MemoryBackend();
    server = await startAmiServer({ host: '127.0.0.1', username: USER, secret: SECRET, backend });
    clients = [];
    log = recordingLogger();
  });

  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
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
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/connect-ping-close.ts', import.meta.url))], {
      env: { ...process.env, AMI_PORT: String(server.port), AMI_USERNAME: USER, AMI_SECRET: SECRET },
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
    await closed;
    // Anything still referenced (the 60 s ping timer, a reconnect timer, the socket) would keep it running.
    let timer: NodeJS.Timeout | undefined;
    const lingering = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), 1_500)));
    const outcome = await Promise.race([exited, lingering]);
    clearTimeout(timer);
    if (outcome === 'still running') child.kill();
    expect(outcome).toBe(0);
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
