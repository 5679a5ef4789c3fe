// The desk socket's transport on a real HTTP server, with the hub replaced by one the test drives: a socket that
// stops answering pings is dropped, so is one that stops reading what it is sent, a frame past the hard bound
// closes the socket (1009), text and binary frames reach the hub as such, and closing cuts a socket that never
// finishes its closing handshake.

import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DeskSocketServer } from '../../../src/adapters/ws/desk-socket.js';
import { silentLog } from '../../../src/app/app-ports.js';
import type { DeskConnection, DeskPeer } from '../../../src/app/desk/desk-connection.js';
import type { DeskHub } from '../../../src/app/desk/desk-hub.js';

interface Accepted {
  readonly peer: DeskPeer;
  readonly token: string | null;
  readonly frames: string[];
  binary: number;
  closed: boolean;
  signedIn: boolean;
}

class FakeHub implements Pick<DeskHub, 'connect' | 'close'> {
  readonly accepted: Accepted[] = [];
  private waiting: ((accepted: Accepted) => void) | null = null;
  connect(peer: DeskPeer, token: string | null): DeskConnection {
    const accepted: Accepted = { peer, token, frames: [], binary: 0, closed: false, signedIn: false };
    this.accepted.push(accepted);
    this.waiting?.(accepted);
    this.waiting = null;
    return {
      receive: (text: string) => accepted.frames.push(text),
      receiveBinary: () => (accepted.binary += 1),
      closed: () => (accepted.closed = true),
      get session() {
        return accepted.signedIn ? { staffId: 'a1' } : null;
      },
    } as unknown as DeskConnection;
  }
  close(): void {
    for (const accepted of this.accepted) accepted.peer.close(1001, 'gateway shutting down');
  }
  next(): Promise<Accepted> {
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

let server: Server | null = null;
let sockets: DeskSocketServer | null = null;

async function start(options: { heartbeatMs?: number; maxBufferedBytes?: number; maxUnauthenticatedPerClient?: number } = {}): Promise<{ hub: FakeHub; url: string }> {
  server = createServer((_request, response) => response.end());
  const hub = new FakeHub();
  // The client address comes from a header here, as the HTTP server's reader takes it from a trusted proxy's.
  const clientOf = (request: IncomingMessage): string => String(request.headers['x-test-client'] ?? request.socket.remoteAddress);
  sockets = new DeskSocketServer({ server, hub, hostOf: (request) => request.headers.host ?? '', clientOf, log: silentLog, ...options });
  sockets.start();
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { hub, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/desk/socket` };
}

async function connect(hub: FakeHub, url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; accepted: Accepted; closed: Promise<number> }> {
  const accepted = hub.next();
  const ws = new WebSocket(url, { headers });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('error', () => undefined);
  await new Promise((resolve) => ws.once('open', resolve));
  return { ws, accepted: await accepted, closed };
}

afterEach(async () => {
  await sockets?.close();
  await new Promise((resolve) => server?.close(resolve));
  sockets = null;
  server = null;
});

describe('the desk socket transport', () => {
  it('hands the cookie, text frames and binary frames to the hub', async () => {
    const { hub, url } = await start();
    const { ws, accepted } = await connect(hub, url, { cookie: 'x=1; hotline_staff=hs1_token' });
    expect(accepted.token).toBe('hs1_token');
    ws.send('{"type":"x"}');
    ws.send(Buffer.from([1, 2, 3]));
    await new Promise<void>((resolve) => {
      const check = (): void => (accepted.binary === 1 ? resolve() : void setImmediate(check));
      check();
    });
    expect(accepted.frames).toEqual(['{"type":"x"}']);
    ws.close();
  });

  it('drops a socket that stops answering pings', async () => {
    const { hub, url } = await start({ heartbeatMs: 50 });
    const { ws, accepted, closed } = await connect(hub, url);
    ws.pause(); // reads nothing more: pings go unanswered
    await new Promise<void>((resolve) => {
      const check = (): void => (accepted.closed ? resolve() : void setTimeout(check, 10));
      check();
    });
    ws.resume();
    expect(await closed).toBe(1006);
    expect(sockets?.size).toBe(0);
  });

  it('drops a socket that stops reading what it is sent', async () => {
    const { hub, url } = await start({ maxBufferedBytes: 64 * 1024 });
    const { ws, accepted } = await connect(hub, url);
    ws.pause();
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 400 && !accepted.closed; i += 1) {
      accepted.peer.send(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(accepted.closed).toBe(true);
    ws.terminate();
  });

  it('refuses one address more sockets without a session than the bound, and takes more once they sign in', async () => {
    const { hub, url } = await start({ maxUnauthenticatedPerClient: 3 });
    const client = { 'x-test-client': '198.51.100.7' };
    const open = [await connect(hub, url, client), await connect(hub, url, client), await connect(hub, url, client)];
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, { headers: client });
      ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      ws.on('open', () => reject(new Error('a fourth socket without a session was accepted')));
      ws.on('error', () => undefined);
    });
    expect(refused).toBe(503);
    // Another address is not held back by this one.
    const other = await connect(hub, url, { 'x-test-client': '198.51.100.8' });
    // Once one of the three has a session, the address may open another.
    (open[0] as { accepted: Accepted }).accepted.signedIn = true;
    const fourth = await connect(hub, url, client);
    for (const { ws } of [...open, other, fourth]) ws.close();
  });

  it('closes a socket sending a frame past the hard bound with 1009', async () => {
    const { hub, url } = await start();
    const { ws, closed } = await connect(hub, url);
    ws.send('x'.repeat(200 * 1024));
    expect(await closed).toBe(1009);
  });

  it('closes every socket on close, cutting one that never answers the closing handshake', async () => {
    const { hub, url } = await start();
    const polite = await connect(hub, url);
    const deaf = await connect(hub, url);
    deaf.ws.pause();
    // Resolves only once both are gone: the deaf one is cut (ws itself would wait 30 s for its answer).
    await sockets?.close();
    expect(hub.accepted.every((a) => a.closed)).toBe(true);
    expect(sockets?.size).toBe(0);
    expect(await polite.closed).toBe(1001);
    deaf.ws.resume();
    await deaf.closed;
  });
});
