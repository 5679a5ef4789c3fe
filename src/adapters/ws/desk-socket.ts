// The desk's WebSocket on the gateway's HTTP port, `/desk/socket`: the transport of app/desk/desk-hub.ts. At the
// upgrade it refuses a page of another site (a browser attaches the session cookie to any site's socket: the Origin
// it sends must name this gateway's host, else 403, the defence against cross-site WebSocket hijacking) and reads
// the session cookie; the hub does the rest. Frames have a hard size bound, a socket that stops answering pings is
// dropped, and so is one that stops reading what it is sent (a stalled page must not make the gateway hold an
// ever-growing buffer). Closing the gateway closes every socket with 1001.

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import type { Log } from '../../app/app-ports.js';
import type { DeskConnection } from '../../app/desk/desk-connection.js';
import { DESK_MAX_FRAME_BYTES } from '../../app/desk/desk-frames.js';
import type { DeskHub } from '../../app/desk/desk-hub.js';
import { cookieValue, fromOwnSite, STAFF_COOKIE } from '../http/staff/staff-credentials.js';

export const DESK_SOCKET_PATH = '/desk/socket';

export interface DeskSocketOptions {
  readonly server: Server;
  readonly hub: Pick<DeskHub, 'connect' | 'close'>;
  /** The host a request was sent to, as the HTTP routes see it (HttpServer.hostOf). */
  readonly hostOf: (request: IncomingMessage) => string;
  readonly log: Log;
  /** Pings this often; a socket that did not answer the previous one is dropped (default 30 s). */
  readonly heartbeatMs?: number;
  /** A socket with more than this waiting to be sent is dropped (default 4 MiB: many floors' worth). */
  readonly maxBufferedBytes?: number;
  /** Sockets open at once; more are refused with 503 (default 5000). */
  readonly maxSockets?: number;
  /** The client's address as the HTTP routes see it (HttpServer.clientOf); default the socket's peer. */
  readonly clientOf?: (request: IncomingMessage) => string;
  /**
   * Sockets of one client address still without a session; another is refused with 503 (default 16). Agents behind
   * one NAT each sign in within seconds, while one address opening sockets it never signs in on would otherwise
   * take all `maxSockets` and lock every desk out.
   */
  readonly maxUnauthenticatedPerClient?: number;
}

/** The transport bound: a frame past it closes the socket (1009); the hub refuses smaller oversized ones by name. */
const MAX_PAYLOAD = DESK_MAX_FRAME_BYTES * 4;
/** On close, sockets that have not finished their closing handshake by then are cut. */
const CLOSE_WAIT_MS = 1000;
/** RFC 6455: a close reason is at most 123 bytes. */
const MAX_REASON_BYTES = 123;

interface Tracked {
  readonly connection: DeskConnection;
  readonly client: string;
  alive: boolean;
}

export class DeskSocketServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD, clientTracking: false });
  private readonly sockets = new Map<WebSocket, Tracked>();
  private heartbeat: NodeJS.Timeout | null = null;
  private closing = false;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => this.upgrade(request, socket, head);

  constructor(private readonly options: DeskSocketOptions) {}

  start(): void {
    this.options.server.on('upgrade', this.onUpgrade);
    const every = this.options.heartbeatMs ?? 30_000;
    this.heartbeat = setInterval(() => this.beat(), every);
    this.heartbeat.unref();
  }

  /** Open sockets (authenticated or not). */
  get size(): number {
    return this.sockets.size;
  }

  /** Closes every socket (1001 through the hub), cuts those that do not finish closing quickly, stops listening. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.options.server.off('upgrade', this.onUpgrade);
    this.options.hub.close();
    const open = [...this.sockets.keys()];
    await Promise.all(
      open.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            const cut = setTimeout(() => ws.terminate(), CLOSE_WAIT_MS);
            ws.once('close', () => {
              clearTimeout(cut);
              resolve();
            });
          }),
      ),
    );
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '/').split('?', 1)[0];
    // Every upgrade of the port comes here: nothing else on it speaks WebSocket.
    if (path !== DESK_SOCKET_PATH) return refuse(socket, 404, `no WebSocket at ${String(path).slice(0, 100)}: the desk's is ${DESK_SOCKET_PATH}`);
    if (this.closing) return refuse(socket, 503, 'the gateway is shutting down');
    const origin = request.headers.origin;
    // Browsers always send Origin on a WebSocket handshake; a client that sends none is not a browser, and cannot
    // have been made to carry someone's cookie.
    if (origin !== undefined && !fromOwnSite({ origin }, this.options.hostOf(request))) {
      this.options.log.info({ origin: origin.slice(0, 200) }, 'desk socket refused: a page of another site');
      return refuse(socket, 403, 'the desk socket only serves the pages of this gateway');
    }
    if (this.sockets.size >= (this.options.maxSockets ?? 5000)) return refuse(socket, 503, 'too many desk sockets are open');
    const client = this.options.clientOf?.(request) ?? request.socket.remoteAddress ?? 'unknown';
    if (this.unauthenticatedFrom(client) >= (this.options.maxUnauthenticatedPerClient ?? 16)) {
      this.options.log.warn({ client }, 'desk socket refused: too many sockets from this address without a session');
      return refuse(socket, 503, 'too many desk sockets from this address are not signed in: sign in on those first');
    }
    const token = cookieValue(request.headers.cookie, STAFF_COOKIE);
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accepted(ws, token === undefined || token === '' ? null : token, client));
  }

  private unauthenticatedFrom(client: string): number {
    let count = 0;
    for (const tracked of this.sockets.values()) if (tracked.client === client && tracked.connection.session === null) count += 1;
    return count;
  }

  private accepted(ws: WebSocket, token: string | null, client: string): void {
    const maxBuffered = this.options.maxBufferedBytes ?? 4 * 1024 * 1024;
    const log = this.options.log;
    const connection = this.options.hub.connect(
      {
        send: (text) => {
          if (ws.readyState !== WebSocket.OPEN) return;
          if (ws.bufferedAmount > maxBuffered) {
            log.warn({ bufferedBytes: ws.bufferedAmount }, 'desk socket dropped: it does not read what it is sent');
            ws.terminate();
            return;
          }
          ws.send(text);
        },
        close: (code, reason) => {
          if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, truncate(reason));
        },
      },
      token,
      { client },
    );
    const tracked: Tracked = { connection, client, alive: true };
    this.sockets.set(ws, tracked);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return connection.receiveBinary();
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      connection.receive(bytes.toString('utf8'), bytes.byteLength);
    });
    ws.on('pong', () => {
      tracked.alive = true;
    });
    ws.on('error', (err) => log.debug({ err: err.message }, 'desk socket error'));
    ws.on('close', () => {
      this.sockets.delete(ws);
      connection.closed();
    });
  }

  private beat(): void {
    for (const [ws, tracked] of this.sockets) {
      if (!tracked.alive) {
        ws.terminate();
        continue;
      }
      tracked.alive = false;
      ws.ping();
    }
  }
}

/** Answers an upgrade that is not accepted with a plain HTTP status, then closes the connection. */
function refuse(socket: Duplex, status: 403 | 404 | 503, message: string): void {
  const reason = { 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status];
  const body = JSON.stringify({ error: message });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

function truncate(reason: string): string {
  let text = reason;
  while (Buffer.byteLength(text) > MAX_REASON_BYTES) text = text.slice(0, -1);
  return text;
}
