import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import Manager from 'asterisk-manager';
import { AmiProtocolError, type AmiHeaderInput, type AmiMessage } from './ami-codec.js';
import { AmiActionError, AmiAuthenticationError } from './ami-errors.js';
import { channelOf, toAmiEvent, type AmiChannel, type AmiDeviceState, type AmiEvent } from './ami-events.js';
import { managerRecordProblem, toAmiMessage, toManagerAction } from './ami-manager-records.js';

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
  /**
   * Which events to receive: `true` (default) every event the AMI user may read, `false` none, or a selection
   * of event classes and, optionally, event names (see AmiEventSelection). List items always arrive: they are
   * answers, not events. OriginateResponse, which originate() waits for, is an event of the `call` class: it
   * needs `true` or a selection with `call` (a selection of names lets it through by itself).
   */
  readonly events?: boolean | AmiEventSelection;
  /** Heartbeat period. A Ping that is not answered within `pingTimeoutMs` declares the link dead. */
  readonly pingIntervalMs?: number;
  readonly pingTimeoutMs?: number;
  /** Time Asterisk gets to answer an action (for list actions: to finish the list). */
  readonly actionTimeoutMs?: number;
  /** Time the TCP connection gets to open; Login then gets `actionTimeoutMs`. */
  readonly connectTimeoutMs?: number;
  /** Reconnect delay doubles from `initialDelayMs` up to `maxDelayMs`. */
  readonly reconnect?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
}

/** Event classes as manager.conf and the `Events` action name them (the `Privilege:` of each event). */
export const AMI_EVENT_CLASSES = [
  'system',
  'call',
  'log',
  'verbose',
  'command',
  'agent',
  'user',
  'config',
  'dtmf',
  'reporting',
  'cdr',
  'dialplan',
  'originate',
  'agi',
  'cc',
  'aoc',
  'test',
  'security',
  'message',
] as const;

export type AmiEventClass = (typeof AMI_EVENT_CLASSES)[number];

/**
 * Asterisk sends a session only the events of these classes (`Events` action, `EventMask`). With `names`, it
 * also adds a session filter (`Filter` action) per name, so that only those events are sent at all; the client
 * drops any other event that still arrives (those queued before the mask or filters took effect, or all of
 * them when Asterisk refuses the filters, e.g. to a user without the `system` write permission).
 */
export interface AmiEventSelection {
  readonly classes: readonly AmiEventClass[];
  /** Event names as in `Event:`, e.g. `DeviceStateChange`. */
  readonly names?: readonly string[];
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
  readonly list?: AmiMessage[] | undefined;
  /** Async actions answered by a later event (Originate -> OriginateResponse). */
  readonly awaitEvent?: string | undefined;
}

/** One connection attempt: its own asterisk-manager instance, dropped whole when the link ends. */
interface Link {
  readonly manager: Manager.ManagerInstance;
  /** Handed to net.createConnection: the only way to destroy a socket the package does not expose. */
  readonly abort: AbortController;
  /** Settles once the socket has closed. */
  readonly closed: Promise<void>;
  readonly markClosed: () => void;
  /** What the socket last reported (an error), for the log line and the errors of the actions it takes down. */
  reason: string;
  detached: boolean;
}

type Listeners = {
  connected: [];
  disconnected: [reason: string];
  event: [event: AmiEvent];
};

type State = 'idle' | 'connecting' | 'authenticating' | 'connected' | 'waiting' | 'closed';

const ignore = (): void => {};

/**
 * AMI client on the `asterisk-manager` package, with our own heartbeat and reconnect around it.
 *
 * The package parses the stream, writes actions and matches responses to ActionIDs; everything it lacks is
 * done here: one fresh `Manager` per connection attempt (its own keepConnected retries at a fixed 10-60 s and
 * reports with console.log), a timeout on every action including Login, list actions collected by ActionID
 * until their `...Complete` event, a Ping watchdog, the socket destroyed on a dead link (the package only
 * half-closes it), events switched off or narrowed with the `Events` and `Filter` actions (its Login sends
 * `Event:`, which Asterisk ignores), header values checked before they reach the wire, and a stream that is
 * not AMI reported and dropped. Event `fields` keep the lower-cased shape the package produces.
 */
export class AmiClient {
  private readonly emitter = new EventEmitter();
  private readonly log: AmiLogger;
  private readonly pending = new Map<string, Pending>();
  private readonly idPrefix = randomUUID().slice(0, 8);
  private nextId = 0;
  private state: State = 'idle';
  private link: Link | undefined;
  private closing: Promise<void> | undefined;
  /** Runs while a link is being set up: TCP connect, then Login. */
  private setupTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  /** Set for an event selection: what eventArrived lets through. */
  private readonly eventClasses: ReadonlySet<string> | undefined;
  private readonly eventNames: ReadonlySet<string> | undefined;

  private readonly pingIntervalMs: number;
  private readonly pingTimeoutMs: number;
  private readonly actionTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: AmiClientOptions) {
    // Checked here because net.createConnection would throw it from inside a reconnect timer.
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
      throw new RangeError(`AmiClientOptions.port must be a TCP port from 1 to 65535, got ${String(options.port)}`);
    }
    const selection = typeof options.events === 'object' ? checkedSelection(options.events) : undefined;
    this.eventClasses = selection === undefined ? undefined : new Set(selection.classes);
    this.eventNames = selection?.names === undefined ? undefined : new Set(selection.names);
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
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** Sends any action; resolves with Asterisk's response (`Response: Success`), rejects with AmiActionError. */
  action(name: string, headers: Readonly<Record<string, string | number | undefined>> = {}, timeoutMs?: number): Promise<AmiMessage> {
    const link = this.link;
    if (this.state !== 'connected' || !link) return Promise.reject(this.notConnected(name));
    return this.send(link, name, Object.entries(headers), timeoutMs ?? this.actionTimeoutMs);
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
    const items = await this.list('CoreShowChannels');
    return items.filter((m) => m.get('Event') === 'CoreShowChannel').map(channelOf);
  }

  async deviceStateList(): Promise<AmiDeviceState[]> {
    const items = await this.list('DeviceStateList');
    return items.filter((m) => m.get('Event') === 'DeviceStateChange').map((m) => ({ device: m.get('Device') ?? '', state: m.get('State') ?? '' }));
  }

  /**
   * Originates asynchronously and resolves when Asterisk reports the outcome (OriginateResponse).
   * A call that is not answered rejects with AMI_ERROR carrying the reason code.
   */
  async originate(request: OriginateRequest): Promise<OriginateResult> {
    const link = this.link;
    if (this.state !== 'connected' || !link) throw this.notConnected('Originate');
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
    ];
    const event = await this.send(link, 'Originate', headers, ringTimeoutMs + this.actionTimeoutMs, {
      awaitEvent: 'OriginateResponse',
      variables: request.variables,
    });
    const result = { channel: event.get('Channel') ?? '', uniqueid: event.get('Uniqueid') ?? '', reason: Number(event.get('Reason') ?? 0) };
    if (event.get('Response') !== 'Success') {
      throw new AmiActionError('AMI_ERROR', 'Originate', `Originate of ${request.channel} failed with reason ${result.reason}`, `reason ${result.reason}`);
    }
    return result;
  }

  /**
   * ShowDialPlan for one extension of one context (includes followed, patterns matched, as the PBX would find it):
   * true when it exists, false when Asterisk answers "Did not find context/extension". Any other refusal (e.g.
   * "Permission denied" for a user without `reporting` or `config` write access) rejects with AmiActionError.
   */
  async extensionExists(context: string, exten: string): Promise<boolean> {
    try {
      const items = await this.list('ShowDialPlan', [
        ['Context', context],
        ['Extension', exten],
      ]);
      return items.some((m) => m.get('Event') === 'ListDialplan');
    } catch (err) {
      if (err instanceof AmiActionError && /^Did not find (context|extension) /.test(err.amiMessage ?? '')) return false;
      throw err;
    }
  }

  private list(name: string, headers: readonly AmiHeaderInput[] = []): Promise<AmiMessage[]> {
    const link = this.link;
    if (this.state !== 'connected' || !link) return Promise.reject(this.notConnected(name));
    const items: AmiMessage[] = [];
    return this.send(link, name, headers, this.actionTimeoutMs, { list: items }).then(() => items);
  }

  private send(
    link: Link,
    action: string,
    headers: readonly AmiHeaderInput[],
    timeoutMs: number,
    extra: { list?: AmiMessage[]; awaitEvent?: string; variables?: Readonly<Record<string, string>> | undefined } = {},
  ): Promise<AmiMessage> {
    // A detached manager has no socket, and the package console.logs and queues forever what is sent to it.
    if (link !== this.link || link.detached) return Promise.reject(this.notConnected(action));
    const id = `${this.idPrefix}-${++this.nextId}`;
    let request: Manager.ManagerAction;
    try {
      request = toManagerAction(action, id, headers, extra.variables);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<AmiMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        link.manager.removeAllListeners(id);
        reject(new AmiActionError('AMI_TIMEOUT', action, `AMI ${action} (ActionID ${id}) got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { action, resolve, reject, timer, list: extra.list, awaitEvent: extra.awaitEvent });
      link.manager.action(request, (error, response) => this.answered(id, error, response));
    });
  }

  private async shutDown(): Promise<void> {
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    this.clearTimers();
    this.settleWaiters(new AmiActionError('AMI_DISCONNECTED', 'Login', 'AMI client closed before it connected'));
    const link = this.link;
    if (!link) return;
    if (wasConnected) {
      // Polite Logoff so Asterisk does not log a dropped session; never wait long for a dead peer.
      await this.send(link, 'Logoff', [], Math.min(1_000, this.actionTimeoutMs)).catch(() => undefined);
    }
    this.failPending('AMI client closed');
    this.detach(link);
    await link.closed;
  }

  private open(): void {
    this.state = 'connecting';
    const { host, port, username, secret } = this.options;
    // No port here: given one, the package connects and logs in by itself, before our listeners are on.
    const manager = Manager(undefined, host, username, secret, this.options.events !== false);
    let markClosed = ignore;
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    const link: Link = { manager, abort: new AbortController(), closed, markClosed, reason: 'connection closed by Asterisk', detached: false };
    this.link = link;
    manager.on('error', (error) => {
      link.reason = error.message;
    });
    manager.on('close', () => {
      link.markClosed();
      this.linkLost(link, link.reason);
    });
    manager.on('rawevent', (record) => this.inspect(link, record));
    manager.on('managerevent', (record) => this.eventArrived(record));
    this.setupTimer = setTimeout(() => this.linkLost(link, `no TCP connection within ${this.connectTimeoutMs} ms`), this.connectTimeoutMs);
    // The package hands `port` to net.createConnection unchanged, so connect options get through, and with
    // them the abort signal that can destroy the socket. (TCP keep-alive options would not: the package then
    // calls setKeepAlive(true), which resets the idle time to the OS default. The Ping watchdog is what counts.)
    manager.connect({ host, port, signal: link.abort.signal }, host, () => this.login(link));
  }

  private login(link: Link): void {
    if (link !== this.link || link.detached) return;
    clearTimeout(this.setupTimer);
    this.state = 'authenticating';
    this.log.debug({}, 'AMI TCP connection open, logging in');
    // The package has no timeout on Login; without one a port that never answers would hold us forever.
    this.setupTimer = setTimeout(() => this.linkLost(link, `no answer to Login within ${this.actionTimeoutMs} ms (is this an AMI port?)`), this.actionTimeoutMs);
    // The secret goes only onto the wire, never into a log line or an error message.
    link.manager.login((error) => {
      if (link !== this.link) return;
      clearTimeout(this.setupTimer);
      if (error !== undefined) {
        const amiMessage = toAmiMessage(error).get('Message');
        const authError = new AmiAuthenticationError(this.options.username, amiMessage);
        this.log.error({ code: authError.code, amiMessage }, authError.message);
        this.settleWaiters(authError);
        // Asterisk closes the session after a failed login; do not wait for it to.
        this.linkLost(link, authError.message);
        return;
      }
      this.afterLogin(link);
    });
  }

  private afterLogin(link: Link): void {
    const events = this.options.events;
    if (events === undefined || events === true) {
      this.linkUp(link);
      return;
    }
    // The package's Login says `Event: off|on`, which Asterisk ignores (it reads `Events`): the mask is set here.
    const mask = events === false ? 'off' : events.classes.join(',');
    this.setUpEvents(link, mask, events === false ? [] : this.filtersFor(events)).then(
      () => this.linkUp(link),
      (error: unknown) => {
        if (link !== this.link) return;
        this.linkLost(link, error instanceof Error ? error.message : String(error));
      },
    );
  }

  /** Whitelist filters for a selection of names; OriginateResponse always, since originate() waits for it. */
  private filtersFor(selection: AmiEventSelection): string[] {
    if (selection.names === undefined) return [];
    return [...new Set([...selection.names, 'OriginateResponse'])].map((name) => `Event: ${name}`);
  }

  /**
   * Sends `Events` and then each `Filter`. An error answer is logged and the link is used anyway (events are
   * then dropped on arrival instead); a timeout or a lost link rejects.
   */
  private async setUpEvents(link: Link, mask: string, filters: readonly string[]): Promise<void> {
    const refused = (error: unknown): void => {
      if (!(error instanceof AmiActionError && error.code === 'AMI_ERROR')) throw error;
      this.log.warn({ action: error.action, amiMessage: error.amiMessage }, 'Asterisk refused an event setting; unwanted events are dropped on arrival');
    };
    await this.send(link, 'Events', [['EventMask', mask]], this.actionTimeoutMs).catch(refused);
    for (const filter of filters) {
      await this.send(link, 'Filter', [['Operation', 'Add'], ['Filter', filter]], this.actionTimeoutMs).catch(refused);
    }
  }

  private linkUp(link: Link): void {
    if (link !== this.link || this.state !== 'authenticating') return;
    this.state = 'connected';
    this.attempts = 0;
    this.log.info({}, 'AMI connected');
    this.schedulePing(link);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
    this.emitSafely('connected');
  }

  /**
   * Sees every message synchronously as the package parses it, before it dispatches anything. The package
   * accepts any line; a message that is not AMI means the stream is out of sync, and no later response can
   * be trusted to match its ActionID.
   */
  private inspect(link: Link, record: Manager.ManagerMessage): void {
    if (link !== this.link) return;
    const problem = managerRecordProblem(record);
    if (problem === undefined) return;
    const error = new AmiProtocolError('AMI_BAD_LINE', `AMI stream is not valid AMI: ${problem}`);
    this.log.error({ err: error, code: error.code }, 'AMI stream is not valid AMI; dropping the connection');
    this.linkLost(link, error.message);
  }

  /** The response to one of our actions; errors come as both arguments. */
  private answered(id: string, error: Manager.ManagerMessage | undefined, response: Manager.ManagerMessage): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    if (error !== undefined) {
      this.finish(id, pending);
      const amiMessage = toAmiMessage(error).get('Message');
      pending.reject(new AmiActionError('AMI_ERROR', pending.action, `AMI ${pending.action} failed: ${amiMessage ?? 'no message'}`, amiMessage));
      return;
    }
    // Success of a list or async action only acknowledges it; the answer comes as events.
    if (pending.list || pending.awaitEvent) return;
    this.finish(id, pending);
    pending.resolve(toAmiMessage(response));
  }

  private eventArrived(record: Manager.ManagerMessage): void {
    const message = toAmiMessage(record);
    const actionId = message.get('ActionID');
    const pending = actionId === undefined ? undefined : this.pending.get(actionId);
    if (pending && actionId !== undefined && this.eventBelongsTo(pending, actionId, message)) return;
    // Asterisk sends what it queued before `Events` and `Filter` took effect (FullyBooted, ...): nobody asked for it.
    if (!this.wanted(message)) return;
    this.emitSafely('event', toAmiEvent(message));
  }

  private wanted(message: AmiMessage): boolean {
    if (this.options.events === false) return false;
    if (this.eventNames !== undefined) return this.eventNames.has(message.get('Event') ?? '');
    const classes = this.eventClasses;
    if (classes === undefined) return true;
    // As Asterisk decides: every class the event belongs to must be selected (`all` is in every Privilege).
    const privilege = message.get('Privilege');
    if (privilege === undefined) return true;
    return privilege
      .split(',')
      .map((c) => c.trim())
      .every((c) => c === 'all' || c === '' || classes.has(c));
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

  /** A throwing listener must not break the package's dispatch (and with it every pending action). */
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

  private linkLost(link: Link, reason: string): void {
    if (link !== this.link) return;
    clearTimeout(this.setupTimer);
    clearTimeout(this.pingTimer);
    this.detach(link);
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

  /**
   * Drops a link's manager for good. The package's disconnect() only end()s the socket: a hung Asterisk
   * never answers the FIN, and the half-open socket would stay, keeping the process alive. Aborting the
   * signal destroys it. All listeners go, so data still buffered or dispatches the package queued on
   * process.nextTick reach nobody; the package's own no-op 'error' listener goes with them and is put
   * back, or the destroy's AbortError would be an unhandled 'error' event.
   * What remains is the package's closure (parser buffers, held actions: none, as we never send before
   * login), unreachable once this link is dropped. Should a later asterisk-manager stop passing `port`
   * through to net.createConnection, the signal would be lost and a hung peer would again leave a
   * half-open socket; the integration test "destroys the socket of a hung Asterisk" guards that.
   */
  private detach(link: Link): void {
    if (link.detached) return;
    link.detached = true;
    if (this.link === link) this.link = undefined;
    link.manager.removeAllListeners();
    link.manager.on('error', ignore);
    link.manager.once('close', link.markClosed);
    link.manager.disconnect();
    link.abort.abort();
  }

  private schedulePing(link: Link): void {
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => {
      this.send(link, 'Ping', [], this.pingTimeoutMs).then(
        () => {
          if (link === this.link && this.state === 'connected') this.schedulePing(link);
        },
        (error: unknown) => {
          if (link !== this.link || this.state !== 'connected') return;
          if (error instanceof AmiActionError && error.code === 'AMI_TIMEOUT') {
            this.log.warn({ timeoutMs: this.pingTimeoutMs }, 'AMI Ping unanswered: link is dead, reconnecting');
            this.linkLost(link, `Ping unanswered within ${this.pingTimeoutMs} ms`);
            return;
          }
          // An error answer still proves the link is alive.
          this.schedulePing(link);
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
    clearTimeout(this.setupTimer);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.pingTimer);
  }

  private notConnected(action: string): AmiActionError {
    return new AmiActionError('AMI_DISCONNECTED', action, `AMI ${action} not sent: not connected to ${this.options.host}:${this.options.port}`);
  }
}

const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const CLASS_NAMES: ReadonlySet<string> = new Set(AMI_EVENT_CLASSES);

/** A selection Asterisk can apply: known classes, and names that are safe inside a filter's regular expression. */
function checkedSelection(selection: AmiEventSelection): AmiEventSelection {
  if (selection.classes.length === 0) throw new RangeError('AmiClientOptions.events.classes must name at least one event class (or set events: false)');
  for (const [i, c] of selection.classes.entries()) {
    if (!CLASS_NAMES.has(c)) throw new RangeError(`AmiClientOptions.events.classes[${i}] is ${JSON.stringify(c)}, not one of ${AMI_EVENT_CLASSES.join(', ')}`);
  }
  if (selection.names !== undefined) {
    if (selection.names.length === 0) throw new RangeError('AmiClientOptions.events.names must name at least one event (or be left out)');
    for (const [i, name] of selection.names.entries()) {
      if (!EVENT_NAME.test(name)) throw new RangeError(`AmiClientOptions.events.names[${i}] is ${JSON.stringify(name)}, not an AMI event name (letters, digits, _)`);
    }
  }
  return selection;
}
