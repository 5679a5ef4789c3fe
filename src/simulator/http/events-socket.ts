// The ARI events WebSocket (`/ari/events?app=...`). Each socket is an event sink for its applications.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { AsteriskEngine } from '../engine/asterisk-engine.js';
import type { SocketControl } from '../control.js';
import { isAuthorized } from './auth.js';
import type { Credentials } from './auth.js';

export class EventsSocketServer implements SocketControl {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private refuseUntil = 0;

  constructor(
    private readonly engine: AsteriskEngine,
    private readonly creds: Credentials,
  ) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ari/events') return reject(socket, 404, 'Not Found');
    if (Date.now() < this.refuseUntil) return reject(socket, 503, 'Service Unavailable');
    if (!isAuthorized(req, url.searchParams, this.creds)) return reject(socket, 401, 'Unauthorized');
    const apps = url.searchParams
      .getAll('app')
      .flatMap((a) => a.split(','))
      .map((a) => a.trim())
      .filter(Boolean);
    if (apps.length === 0) return reject(socket, 400, 'Bad Request');
    const subscribeAll = /^(yes|true|y|t|1|on)$/i.test(url.searchParams.get('subscribeAll') ?? '');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const sink = {
        send: (text: string): void => {
          if (ws.readyState === WebSocket.OPEN) ws.send(text);
        },
      };
      ws.on('close', () => this.engine.disconnectApp(sink));
      ws.on('error', () => ws.terminate());
      this.engine.connectApp(apps, sink, subscribeAll);
    });
  }

  dropAll(refuseMs: number): number {
    this.refuseUntil = refuseMs > 0 ? Date.now() + refuseMs : 0;
    let closed = 0;
    for (const ws of this.wss.clients) {
      ws.terminate();
      closed += 1;
    }
    return closed;
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
