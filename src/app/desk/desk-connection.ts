// One socket of the desktop or the supervisor view, from its first frame to its close: who it is (the session from
// the cookie, or from an `auth` first frame within a few seconds), its requests answered one at a time in the order
// sent (so "wrap up, then ready" never runs backwards), and its session watched: checked again before every request
// and on a timer (at its expiry, and every so often for a revocation, a password change or a disabled account), so a
// session that has ended stops working at once and the socket closes with `expired`.

import type { Log } from '../app-ports.js';
import type { Clock, TimerHandle } from '../ports.js';
import type { StaffSession } from '../../domain/staff/staff.js';
import { readFrame } from './desk-frames.js';
import type { ReadFrame } from './desk-frames.js';
import { DESK_CLOSE } from './desk-protocol.js';
import type { ClientRequest, DeskError, ServerMessage } from './desk-protocol.js';
import type { DeskReply } from './desk-requests.js';

/** The transport of one socket (the `ws` adapter). */
export interface DeskPeer {
  /** Sends one text frame; the transport drops a peer that does not read what it is sent. */
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** Standard close codes used besides the protocol's own (RFC 6455 §7.4.1). */
export const WS_CLOSE = {
  goingAway: 1001,
  /** The sessions (or the queue) cannot be read right now: the page reconnects after a while. */
  tryAgainLater: 1013,
} as const;

export interface DeskConnectionSettings {
  /** How long a socket without a session cookie has to send its `auth` frame. */
  readonly authTimeoutMs: number;
  /** How often an open socket's session is checked again (revocation, password change, disabled account). */
  readonly sessionCheckMs: number;
  /** Requests waiting on one socket beyond this are refused with `busy`. */
  readonly maxPending: number;
  /** Frames in a row that are not the protocol before the socket is closed as broken (4400). */
  readonly maxBadFrames: number;
}

/** What a connection needs of the hub that holds it. */
export interface DeskConnectionHost {
  readonly clock: Clock;
  readonly settings: DeskConnectionSettings;
  session(token: string): Promise<StaffSession | null>;
  handle(session: StaffSession, request: ClientRequest, log: Log): Promise<DeskReply>;
  /** Registers the socket for pushes and sends it the whole state; rejects when the state cannot be read. */
  joined(connection: DeskConnection): Promise<void>;
  /** The session was checked and is still live: a chance to re-send what an event lost on the way would have changed. */
  stillLive(connection: DeskConnection): void;
  /** The socket closed, whether it had authenticated or not. */
  left(connection: DeskConnection): void;
}

type Phase = 'authenticating' | 'open' | 'closed';

export class DeskConnection {
  private phase: Phase = 'authenticating';
  private token: string | null;
  private current: StaffSession | null = null;
  /** Everything the socket asked for, in order: authentication first, then each frame. */
  private work: Promise<void> = Promise.resolve();
  private pending = 0;
  private badFrames = 0;
  private authFrameSeen: boolean;
  private timer: TimerHandle | null = null;
  private log: Log;
  /** What this socket was last sent of each kind of state (`agent`, `call`, `queue`, `floor`), to send only changes. */
  private readonly latest = new Map<string, string>();

  constructor(
    private readonly host: DeskConnectionHost,
    private readonly peer: DeskPeer,
    /** The session cookie's token, or null: the first frame must then be `auth`. */
    cookieToken: string | null,
    log: Log,
  ) {
    this.log = log;
    this.token = cookieToken;
    this.authFrameSeen = cookieToken !== null;
    if (cookieToken !== null) {
      this.enqueue(() => this.authenticate(cookieToken));
    } else {
      this.timer = host.clock.setTimer(host.settings.authTimeoutMs, () => {
        this.timer = null;
        if (!this.authFrameSeen) this.close(DESK_CLOSE.unauthenticated, 'no session: send {"type":"auth","token":...} first');
      });
    }
  }

  /** The live session (null until authenticated). */
  get session(): StaffSession | null {
    return this.phase === 'open' ? this.current : null;
  }

  get isOpen(): boolean {
    return this.phase === 'open';
  }

  /** A text frame from the socket; `byteLength` as received. */
  receive(frame: string, byteLength: number): void {
    if (this.phase === 'closed') return;
    const read = readFrame(frame, byteLength);
    if (!this.authFrameSeen) {
      this.authFrameSeen = true;
      this.cancelTimer();
      if (!read.ok || read.message.type !== 'auth') {
        this.close(DESK_CLOSE.unauthenticated, 'no session: the first frame must be {"type":"auth","token":...}');
        return;
      }
      const token = read.message.token;
      this.token = token;
      this.enqueue(() => this.authenticate(token));
      return;
    }
    if (this.pending >= this.host.settings.maxPending) {
      this.send(refusal(read.ok && 'id' in read.message ? read.message.id : read.ok ? null : read.re, { code: 'busy', message: 'too many requests waiting on this socket: wait for their replies' }));
      return;
    }
    this.pending += 1;
    this.enqueue(async () => {
      try {
        await this.request(read);
      } finally {
        this.pending -= 1;
      }
    });
  }

  /** A binary frame: the protocol is JSON text, so the client is broken. */
  receiveBinary(): void {
    this.close(DESK_CLOSE.protocol, 'the desk protocol is JSON text frames');
  }

  /** Sends a message if the socket is open. */
  send(message: ServerMessage): void {
    this.sendText(JSON.stringify(message));
  }

  sendText(text: string): void {
    if (this.phase !== 'closed') this.peer.send(text);
  }

  /** Whether this socket lacks the state `key` of `kind` (a `call` is keyed by its phase and call, not its text). */
  lacks(kind: string, key: string): boolean {
    return this.latest.get(kind) !== key;
  }

  /** Sends `text`, the state `key` of `kind`, unless the socket already has it. */
  sendLatest(kind: string, text: string, key: string = text): void {
    if (this.phase === 'closed' || !this.lacks(kind, key)) return;
    this.latest.set(kind, key);
    this.peer.send(text);
  }

  /** The session ended: say so, then close with 4401. */
  expire(): void {
    if (this.phase === 'closed') return;
    this.log.info({}, 'desk session ended: socket closed');
    this.send({ type: 'expired' });
    this.close(DESK_CLOSE.unauthenticated, 'session expired');
  }

  close(code: number, reason: string): void {
    if (this.phase === 'closed') return;
    this.closed();
    this.peer.close(code, reason);
  }

  /** The socket closed (either side): stop everything it had. Idempotent. */
  closed(): void {
    if (this.phase === 'closed') return;
    const wasOpen = this.phase === 'open';
    this.phase = 'closed';
    this.cancelTimer();
    this.host.left(this);
    if (wasOpen) this.log.info({}, 'desk socket closed');
  }

  private enqueue(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((err: unknown) => {
      this.log.error({ err }, 'desk socket task failed');
      this.close(WS_CLOSE.tryAgainLater, 'internal error');
    });
  }

  private async authenticate(token: string): Promise<void> {
    if (this.phase === 'closed') return;
    let session: StaffSession | null;
    try {
      session = await this.host.session(token);
    } catch (err) {
      this.log.warn({ err }, 'desk socket: sessions cannot be read');
      this.close(WS_CLOSE.tryAgainLater, 'sessions unavailable: try again');
      return;
    }
    // The socket may have closed while the session was read.
    if (!this.stillConnected()) return;
    if (session === null) {
      this.close(DESK_CLOSE.unauthenticated, 'no valid session: log in again');
      return;
    }
    this.current = session;
    this.phase = 'open';
    this.log = this.log.child({ userId: session.userId, role: session.role, sessionId: session.id });
    this.log.info({}, 'desk socket opened');
    this.send({
      type: 'hello',
      session: { userId: session.userId, name: session.name, role: session.role, expiresAt: new Date(session.expiresAt).toISOString() },
      serverTime: new Date(this.host.clock.now()).toISOString(),
    });
    this.watchSession();
    try {
      await this.host.joined(this);
    } catch (err) {
      this.log.warn({ err }, 'desk socket: the state to show cannot be read');
      this.close(WS_CLOSE.tryAgainLater, 'the queue cannot be read: try again');
    }
  }

  private async request(read: ReadFrame): Promise<void> {
    if (this.phase !== 'open' || this.current === null) return;
    if (!read.ok) {
      this.badFrames += 1;
      this.send(refusal(read.re, { code: 'bad_request', message: read.problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems: read.problems }));
      if (this.badFrames >= this.host.settings.maxBadFrames) this.close(DESK_CLOSE.protocol, 'too many frames that are not the protocol');
      return;
    }
    this.badFrames = 0;
    const message = read.message;
    if (message.type === 'auth') {
      this.send(refusal(null, { code: 'bad_request', message: 'type: auth is only the first frame of a socket without a session cookie; this one is authenticated' }));
      return;
    }
    const session = await this.liveSession(message.id);
    if (session === null) return;
    this.send(await this.host.handle(session, message, this.log));
  }

  /** The session checked again now; null (and the socket closed, or the request refused) when it cannot be used. */
  private async liveSession(re: string): Promise<StaffSession | null> {
    if (this.token === null) return null;
    try {
      const session = await this.host.session(this.token);
      if (this.phase !== 'open') return null;
      if (session === null) {
        this.send(refusal(re, { code: 'expired', message: 'the session has ended: log in again' }));
        this.expire();
        return null;
      }
      this.current = session;
      return session;
    } catch (err) {
      this.log.warn({ err }, 'desk socket: sessions cannot be read');
      this.send(refusal(re, { code: 'unavailable', message: 'the session cannot be checked right now: try again' }));
      return null;
    }
  }

  /** One timer: at the session's expiry, or at the next periodic check, whichever comes first. */
  private watchSession(): void {
    const session = this.current;
    if (this.phase !== 'open' || session === null) return;
    const now = this.host.clock.now();
    const wait = Math.max(0, Math.min(this.host.settings.sessionCheckMs, session.expiresAt - now));
    this.timer = this.host.clock.setTimer(wait, () => {
      this.timer = null;
      void this.checkSession();
    });
  }

  private async checkSession(): Promise<void> {
    const session = this.current;
    if (this.phase !== 'open' || session === null || this.token === null) return;
    if (this.host.clock.now() >= session.expiresAt) {
      this.expire();
      return;
    }
    try {
      const fresh = await this.host.session(this.token);
      if (this.phase !== 'open') return;
      if (fresh === null) {
        this.expire();
        return;
      }
      this.current = fresh;
      this.host.stillLive(this);
    } catch (err) {
      // The expiry timer still ends it on time; a revocation is caught at the next check or request.
      this.log.warn({ err }, 'desk socket: sessions cannot be read for the periodic check');
    }
    this.watchSession();
  }

  /** Not closed (a method, so that a check after an `await` is not narrowed away by the compiler). */
  private stillConnected(): boolean {
    return this.phase !== 'closed';
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = null;
  }
}

function refusal(re: string | null, error: DeskError): DeskReply {
  return { type: 'reply', re, ok: false, error };
}
