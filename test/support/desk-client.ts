// A client of the desk's WebSocket for tests: a real `ws` socket over loopback that keeps every message it was
// sent, in order, and lets a test await the next one matching what it expects (with a timeout that names it),
// send a request and await its reply, and await the close with its code. No sleeps.

import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { ServerMessage } from '../../src/app/desk/desk-protocol.js';

export type Reply = Extract<ServerMessage, { type: 'reply' }>;
type OfType<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export interface DeskClientOptions {
  /** The session token, sent as the `hotline_staff` cookie at the upgrade. */
  readonly cookie?: string;
  /** The Origin header; none by default (a client that is not a browser). */
  readonly origin?: string;
}

interface Waiter {
  readonly what: string;
  readonly type: string;
  readonly match: (message: ServerMessage) => boolean;
  readonly resolve: (message: ServerMessage) => void;
}

export class DeskClient {
  /** Every message received, in order. */
  readonly received: ServerMessage[] = [];
  /** Per type: messages before this index were passed by `next` (so a wait never matches an older state). */
  private readonly cursors = new Map<string, number>();
  private waiter: Waiter | null = null;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      this.received.push(message);
      this.offer();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, options: DeskClientOptions = {}): Promise<DeskClient> {
    const headers: Record<string, string> = {};
    if (options.cookie !== undefined) headers['cookie'] = `hotline_staff=${options.cookie}`;
    if (options.origin !== undefined) headers['origin'] = options.origin;
    const ws = new WebSocket(url, { headers });
    const client = new DeskClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_request, response) => {
        reject(new UpgradeRefused(response.statusCode ?? 0));
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  /** The next message of `type` (after the last one taken of that type) that matches, waiting for it up to `timeoutMs`. */
  next<T extends ServerMessage['type']>(type: T, what: string, match: (message: OfType<T>) => boolean = () => true, timeoutMs = 10_000): Promise<OfType<T>> {
    const test = (message: ServerMessage): boolean => message.type === type && match(message as OfType<T>);
    const found = this.take(type, test);
    if (found !== null) return Promise.resolve(found as OfType<T>);
    if (this.waiter !== null) return Promise.reject(new Error(`already waiting for ${this.waiter.what}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        const seen = this.received.slice(-8).map((m) => JSON.stringify(m).slice(0, 300));
        reject(new Error(`timed out waiting for ${what} (${type}); the last messages:\n${seen.join('\n')}`));
      }, timeoutMs);
      this.waiter = {
        what,
        type,
        match: test,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message as OfType<T>);
        },
      };
    });
  }

  /** Sends a frame as is (text). */
  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** Sends a request with a fresh id and waits for its reply. */
  async request(message: Record<string, unknown>): Promise<Reply> {
    const id = randomUUID();
    this.ws.send(JSON.stringify({ id, ...message }));
    return this.next('reply', `the reply to ${String(message['type'])}`, (reply) => reply.re === id);
  }

  /** The newest message of a type received so far (consumed or not). */
  latest<T extends ServerMessage['type']>(type: T): OfType<T> | undefined {
    for (let i = this.received.length - 1; i >= 0; i -= 1) if (this.received[i]?.type === type) return this.received[i] as OfType<T>;
    return undefined;
  }

  close(): void {
    this.ws.close();
  }

  private take(type: string, test: (message: ServerMessage) => boolean): ServerMessage | null {
    for (let i = this.cursors.get(type) ?? 0; i < this.received.length; i += 1) {
      const message = this.received[i] as ServerMessage;
      if (test(message)) {
        this.cursors.set(type, i + 1);
        return message;
      }
    }
    return null;
  }

  private offer(): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    const found = this.take(waiter.type, waiter.match);
    if (found === null) return;
    this.waiter = null;
    waiter.resolve(found);
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`the upgrade was refused with ${status}`);
    this.name = 'UpgradeRefused';
  }
}
