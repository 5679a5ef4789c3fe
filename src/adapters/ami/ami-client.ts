import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { AmiParser, AmiProtocolError, formatAmiMessage, type AmiFrame, type AmiHeaderInput, type AmiMessage } from './ami-codec.js';
import { AmiActionError, AmiAuthenticationError } from './ami-errors.js';
import { channelOf, toAmiEvent, type AmiChannel, type AmiDeviceState, type AmiEvent } from './ami-events.js';

/** The part of a pino logger this adapter uses. */
export interface AmiLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): AmiLogger;
}

export interface AmiClientOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly secret: string;
  readonly log: AmiLogger;
  /** Receive events (Login `Events: on`). Default true. */
  readonly events?: boolean;
  /** Heartbeat period. A Ping that is not answered within `pingTimeoutMs` declares the link dead. */
  readonly pingIntervalMs?: number;
  readonly pingTimeoutMs?: number;
  /** Time Asterisk gets to answer an action (for list actions: to finish the list). */
  readonly actionTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Reconnect delay doubles from `initialDelayMs` up to `maxDelayMs`. */
  readonly reconnect?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
}

export interface RedirectRequest {
  readonly channel: string;
  readonly context: string;
  readonly exten: string;
  readonly priority: number;
}

export interface OriginateRequest {
  /** Dial string of the channel to create, e.g. `PJSIP/110@psap-police`. */
  readonly channel: string;
  /** Either dialplan (context/exten/priority) or application/data. */
  readonly context?: string;
  readonly exten?: string;
  readonly priority?: number;
  readonly application?: string;
  readonly data?: string;
  readonly callerId?: string;
  readonly variables?: Readonly<Record<string, string>>;
  /** How long the new channel may ring. Default 30 s. */
  readonly ringTimeoutMs?: number;
}

export interface OriginateResult {
  readonly channel: string;
  readonly uniqueid: string;
  readonly reason: number;
}

interface Pending {
  readonly action: string;
  readonly resolve: (message: AmiMessage) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
  /** List actions: items carrying our ActionID are collected until the event with `EventList: Complete`. */
  readonly list?: AmiMessage[];
  /** Async actions answered by a later event (Originate -> OriginateResponse). */
  readonly awaitEvent?: string;
}

type Listeners = {
  connected: [];
  disconnected: [reason: string];
  event: [event: AmiEvent];
};

type State = 'idle' | 'connecting' | 'authenticating' | 'connected' | 'waiting' | 'closed';

/**
 * AMI client with its own heartbeat and reconnect.
 *
 * Written on node:net rather than on `asterisk-manager` 0.2.0 because that package cannot tear down a
 * dead link: it never exposes its socket and only half-closes it (`end()`), so a hung Asterisk keeps the
 * handle open forever; it also holds actions sent before login with no timeout, reconnects with a fixed
 * 10-60 s delay that it reports with console.log, and logs in with `Event:` where Asterisk reads `Events:`.
 * Event `fields` keep the lower-cased shape that package produces.
 */
export class AmiClient {
  private readonly emitter = new EventEmitter();
  private readonly log: AmiLogger;
  private readonly pending = new Map<string, Pending>();
  private readonly idPrefix = randomUUID().slice(0, 8);
  private nextId = 0;
  private state: State = 'idle';
  private socket: Socket | undefined;
  private socketClosed: Promise<void> = Promise.resolve();
  private connectTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  private readonly pingIntervalMs: number;
  private readonly pingTimeoutMs: number;
  private readonly actionTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: AmiClientOptions) {
    this.log = options.log.child({ component: 'ami', host: options.host, port: options.port, username: options.username });
    this.pingIntervalMs = options.pingIntervalMs ?? 15_000;
    this.pingTimeoutMs = options.pingTimeoutMs ?? Math.min(5_000, this.pingIntervalMs);
    this.actionTimeoutMs = options.actionTimeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.initialDelayMs = options.reconnect?.initialDelayMs ?? 500;
    this.maxDelayMs = options.reconnect?.maxDelayMs ?? 30_000;
    this.emitter.setMaxListeners(50);
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  on<K extends keyof Listeners>(name: K, listener: (...args: Listeners[K]) => void): this {
    this.emitter.on(name, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof Listeners>(name: K, listener: (...args: Listeners[K]) => void): this {
    this.emitter.once(name, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof Listeners>(name: K, listener: (...args: Listeners[K]) => void): this {
    this.emitter.off(name, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Starts connecting and keeps the link up until close(). Does not wait. */
  start(): void {
    if (this.state === 'closed') throw new AmiActionError('AMI_DISCONNECTED', 'Login', 'AMI client is closed');
    if (this.state !== 'idle') return;
    this.open();
  }

  /**
   * Starts (if needed) and resolves once logged in. Rejects on a refused login (the client keeps
   * retrying with backoff), on close(), or after `timeoutMs` with AMI_TIMEOUT.
   */
  connect(timeoutMs?: number): Promise<void> {
    try {
      this.start();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (this.state === 'connected') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new AmiActionError('AMI_TIMEOUT', 'Login', `AMI at ${this.options.host}:${this.options.port} not connected within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  /** Logs off, closes the socket and clears every timer; pending actions fail with AMI_DISCONNECTED. */
  async close(): Promise<void> {
    if (this.state === 'closed') return this.socketClosed;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    this.clearTimers();
    this.settleWaiters(new AmiActionError('AMI_DISCONNECTED', 'Login', 'AMI client closed before it connected'));
    if (wasConnected && this.socket) {
      // Polite Logoff so Asterisk does not log a dropped session; never wait long for a dead peer.
      const logoff = this.send('Logoff', [], Math.min(1_000, this.actionTimeoutMs)).catch(() => undefined);
      await logoff;
    }
    this.failPending('AMI client closed');
    this.socket?.destroy();
    await this.socketClosed;
  }

  /** Sends any action; resolves with Asterisk's response (`Response: Success`), rejects with AmiActionError. */
  action(name: string, headers: Readonly<Record<string, string | number | undefined>> = {}, timeoutMs?: number): Promise<AmiMessage> {
    if (this.state !== 'connected') return Promise.reject(this.notConnected(name));
    return this.send(name, Object.entries(headers), timeoutMs ?? this.actionTimeoutMs);
  }

  async ping(): Promise<void> {
    await this.action('Ping', {}, this.pingTimeoutMs);
  }

  async redirect(request: RedirectRequest): Promise<void> {
    await this.action('Redirect', { Channel: request.channel, Context: request.context, Exten: request.exten, Priority: request.priority });
  }

  async hangup(request: { readonly channel: string; readonly cause?: number }): Promise<void> {
    await this.action('Hangup', { Channel: request.channel, Cause: request.cause });
  }

  async getVar(request: { readonly channel: string; readonly variable: string }): Promise<string> {
    const response = await this.action('Getvar', { Channel: request.channel, Variable: request.variable });
    return response.get('Value') ?? '';
  }

  async setVar(request: { readonly channel: string; readonly variable: string; readonly value: string }): Promise<void> {
    await this.action('Setvar', { Channel: request.channel, Variable: request.variable, Value: request.value });
  }

  async coreShowChannels(): Promise<AmiChannel[]> {
    const items = await this.list('CoreShowChannels', []);
    return items.filter((m) => m.get('Event') === 'CoreShowChannel').map(channelOf);
  }

  async deviceStateList(): Promise<AmiDeviceState[]> {
    const items = await this.list('DeviceStateList', []);
    return items.filter((m) => m.get('Event') === 'DeviceStateChange').map((m) => ({ device: m.get('Device') ?? '', state: m.get('State') ?? '' }));
  }

  /**
   * Originates asynchronously and resolves when Asterisk reports the outcome (OriginateResponse).
   * A call that is not answered rejects with AMI_ERROR carrying the reason code.
   */
  async originate(request: OriginateRequest): Promise<OriginateResult> {
    if (this.state !== 'connected') throw this.notConnected('Originate');
    const ringTimeoutMs = request.ringTimeoutMs ?? 30_000;
    const headers: AmiHeaderInput[] = [
      ['Channel', request.channel],
      ['Context', request.context],
      ['Exten', request.exten],
      ['Priority', request.priority],
      ['Application', request.application],
      ['Data', request.data],
      ['CallerID', request.callerId],
      ['Timeout', ringTimeoutMs],
      ['Async', 'true'],
      ...Object.entries(request.variables ?? {}).map(([k, v]): AmiHeaderInput => ['Variable', `${k}=${v}`]),
    ];
    const event = await this.send('Originate', headers, ringTimeoutMs + this.actionTimeoutMs, { awaitEvent: 'OriginateResponse' });
    const result = { channel: event.get('Channel') ?? '', uniqueid: event.get('Uniqueid') ?? '', reason: Number(event.get('Reason') ?? 0) };
    if (event.get('Response') !== 'Success') {
      throw new AmiActionError('AMI_ERROR', 'Originate', `Originate of ${request.channel} failed with reason ${result.reason}`, `reason ${result.reason}`);
    }
    return result;
  }

  private list(name: string, headers: AmiHeaderInput[]): Promise<AmiMessage[]> {
    if (this.state !== 'connected') return Promise.reject(this.notConnected(name));
    const items: AmiMessage[] = [];
    return this.send(name, headers, this.actionTimeoutMs, { list: items }).then(() => items);
  }

  private send(action: string, headers: readonly AmiHeaderInput[], timeoutMs: number, extra: { list?: AmiMessage[]; awaitEvent?: string } = {}): Promise<AmiMessage> {
    const socket = this.socket;
    if (!socket || socket.destroyed) return Promise.reject(this.notConnected(action));
    const id = `${this.idPrefix}-${++this.nextId}`;
    let wire: string;
    try {
      wire = formatAmiMessage([['Action', action], ['ActionID', id], ...headers]);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<AmiMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AmiActionError('AMI_TIMEOUT', action, `AMI ${action} (ActionID ${id}) got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { action, resolve, reject, timer, ...extra });
      socket.write(wire);
    });
  }

  private open(): void {
    this.state = 'connecting';
    const socket = createConnection({ host: this.options.host, port: this.options.port });
    this.socket = socket;
    this.socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    socket.setEncoding('utf8');
    const parser = new AmiParser({ expectBanner: true });
    let reason = 'connection closed by Asterisk';
    this.connectTimer = setTimeout(() => {
      reason = `no AMI greeting within ${this.connectTimeoutMs} ms`;
      socket.destroy();
    }, this.connectTimeoutMs);
    socket.on('data', (chunk: string) => {
      let frames: AmiFrame[];
      try {
        frames = parser.push(chunk);
      } catch (error) {
        // Out of sync with the stream: no later response can be trusted to match its ActionID.
        reason = error instanceof AmiProtocolError ? error.message : String(error);
        this.log.error({ err: error }, 'AMI stream is not valid AMI; dropping the connection');
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        if (socket !== this.socket) return;
        if (frame.kind === 'banner') this.login(frame.version);
        else this.dispatch(frame.message);
      }
    });
    socket.on('error', (error) => {
      reason = error.message;
    });
    socket.on('close', () => this.linkLost(socket, reason));
  }

  private login(version: string): void {
    clearTimeout(this.connectTimer);
    this.state = 'authenticating';
    this.log.debug({ amiVersion: version }, 'AMI greeting received, logging in');
    const { username, secret } = this.options;
    // The secret goes only onto the wire, never into a log line or an error message.
    this.send('Login', [['Username', username], ['Secret', secret], ['Events', this.options.events === false ? 'off' : 'on']], this.actionTimeoutMs).then(
      () => {
        if (this.state !== 'authenticating') return;
        this.state = 'connected';
        this.attempts = 0;
        this.log.info({ amiVersion: version }, 'AMI connected');
        this.schedulePing();
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w.resolve();
        this.emitSafely('connected');
      },
      (error: unknown) => {
        if (error instanceof AmiActionError && error.code === 'AMI_ERROR') {
          const authError = new AmiAuthenticationError(username, error.amiMessage);
          this.log.error({ code: authError.code, amiMessage: error.amiMessage }, authError.message);
          this.settleWaiters(authError);
        }
        // Asterisk closes the session after a failed login; if it does not, close it ourselves.
        this.socket?.destroy();
      },
    );
  }

  private dispatch(message: AmiMessage): void {
    const actionId = message.get('ActionID');
    const pending = actionId === undefined ? undefined : this.pending.get(actionId);
    if (message.has('Event')) {
      if (pending && actionId !== undefined && this.eventBelongsTo(pending, actionId, message)) return;
      this.emitSafely('event', toAmiEvent(message));
      return;
    }
    if (!pending || actionId === undefined) {
      this.log.debug({ actionId, response: message.get('Response') }, 'AMI response for no pending action (late after a timeout?)');
      return;
    }
    const response = (message.get('Response') ?? '').toLowerCase();
    if (response === 'error') {
      this.finish(actionId, pending);
      const amiMessage = message.get('Message');
      pending.reject(new AmiActionError('AMI_ERROR', pending.action, `AMI ${pending.action} failed: ${amiMessage ?? 'no message'}`, amiMessage));
      return;
    }
    // Success of a list or async action only acknowledges it; the answer comes as events.
    if (pending.list || pending.awaitEvent) return;
    this.finish(actionId, pending);
    pending.resolve(message);
  }

  private eventBelongsTo(pending: Pending, actionId: string, message: AmiMessage): boolean {
    if (pending.awaitEvent !== undefined) {
      if (message.get('Event') !== pending.awaitEvent) return false;
      this.finish(actionId, pending);
      pending.resolve(message);
      return true;
    }
    if (!pending.list) return false;
    if ((message.get('EventList') ?? '').toLowerCase() === 'complete') {
      this.finish(actionId, pending);
      pending.resolve(message);
    } else {
      pending.list.push(message);
    }
    return true;
  }

  /** A throwing listener must not break the socket reader (and with it every pending action). */
  private emitSafely<K extends keyof Listeners>(name: K, ...args: Listeners[K]): void {
    try {
      this.emitter.emit(name, ...args);
    } catch (error) {
      this.log.error({ err: error, listenerOf: name }, 'AMI listener threw');
    }
  }

  private finish(actionId: string, pending: Pending): void {
    clearTimeout(pending.timer);
    this.pending.delete(actionId);
  }

  private linkLost(socket: Socket, reason: string): void {
    if (socket !== this.socket) return;
    clearTimeout(this.connectTimer);
    clearTimeout(this.pingTimer);
    this.failPending(`AMI link lost: ${reason}`);
    const wasConnected = this.state === 'connected';
    if (this.state === 'closed') return;
    if (wasConnected) {
      this.log.warn({ reason }, 'AMI disconnected');
      this.emitSafely('disconnected', reason);
    }
    const delay = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** this.attempts);
    this.attempts = Math.min(this.attempts + 1, 30);
    this.state = 'waiting';
    this.log.info({ reason, retryInMs: delay }, 'AMI reconnect scheduled');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.state === 'waiting') this.open();
    }, delay);
  }

  private schedulePing(): void {
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => {
      const socket = this.socket;
      this.ping().then(
        () => this.schedulePing(),
        (error: unknown) => {
          if (error instanceof AmiActionError && error.code === 'AMI_TIMEOUT' && socket === this.socket && this.state === 'connected') {
            this.log.warn({ timeoutMs: this.pingTimeoutMs }, 'AMI Ping unanswered: link is dead, reconnecting');
            socket?.destroy();
          }
        },
      );
    }, this.pingIntervalMs);
  }

  private failPending(reason: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new AmiActionError('AMI_DISCONNECTED', p.action, `AMI ${p.action} aborted: ${reason}`));
    }
  }

  private settleWaiters(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(error);
  }

  private clearTimers(): void {
    clearTimeout(this.connectTimer);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.pingTimer);
  }

  private notConnected(action: string): AmiActionError {
    return new AmiActionError('AMI_DISCONNECTED', action, `AMI ${action} not sent: not connected to ${this.options.host}:${this.options.port}`);
  }
}
