// The desk's live side: every open socket of the agents' desktop and the supervisor view, and what each is sent as
// the queue changes. The agent desk reports every change any gateway made to the shared queue; from those, each
// agent's sockets (all their tabs) get their `agent` and `call`, read fresh from the store in the order the changes
// came, so a push never shows an older state than the one before it; supervisors get the `floor`, and everybody the
// `queue`, each at most once per short interval however many changes a burst brings, and again every few seconds so
// the waits they show stay right. A socket that (re)connects is sent the whole state first: the page never has to
// guess what it missed.

import type { AgentDesk, AgentEvent } from '../acd/agent-desk.js';
import type { DeskViews } from '../acd/desk-views.js';
import type { AgentState } from '../../domain/acd/types.js';
import type { StaffAccount, StaffRole, StaffSession } from '../../domain/staff/staff.js';
import { authorize } from '../../domain/staff/permissions.js';
import type { Log } from '../app-ports.js';
import type { Clock, TimerHandle } from '../ports.js';
import { CoalescedRun } from './coalesced-run.js';
import { DeskConnection, WS_CLOSE } from './desk-connection.js';
import type { DeskConnectionHost, DeskConnectionSettings, DeskPeer } from './desk-connection.js';
import type { ClientRequest, ServerMessage } from './desk-protocol.js';
import { DeskRequests } from './desk-requests.js';
import type { DeskAgentOps, DeskReply } from './desk-requests.js';

/** Who a session token stands for, checked again at every request (the staff sign-in service). */
export interface DeskStaff {
  session(token: string): Promise<StaffSession | null>;
  account(id: string): Promise<StaffAccount | null>;
}

export interface DeskHubSettings extends DeskConnectionSettings {
  /** At most one `floor` (and one `queue`) push per this long. */
  readonly pushEveryMs: number;
  /** Figures and waits are sent again this often while anyone watches (only what changed is sent). */
  readonly refreshEveryMs: number;
}

export const DESK_HUB_DEFAULTS: DeskHubSettings = {
  authTimeoutMs: 5000,
  sessionCheckMs: 30_000,
  maxPending: 16,
  maxBadFrames: 10,
  pushEveryMs: 250,
  refreshEveryMs: 5000,
};

export interface DeskHubDeps {
  readonly agents: DeskAgentOps & Pick<AgentDesk, 'onEvent'>;
  readonly views: Pick<DeskViews, 'agent' | 'queue' | 'floor' | 'screenPop'>;
  readonly staff: DeskStaff;
  readonly clock: Clock;
  readonly log: Log;
  readonly settings?: Partial<DeskHubSettings>;
}

type CallPhase = Extract<ServerMessage, { type: 'call' }>['phase'];

/** What the desktop shows of the agent's call in each state. */
export function callPhase(state: AgentState | null): CallPhase {
  switch (state) {
    case 'reserved':
    case 'ringing':
      return 'offered';
    case 'onCall':
      return 'answered';
    case 'wrapUp':
      return 'ended';
    default:
      return 'none';
  }
}

/** One agent's sockets, and the reads and pushes for that agent, one after the other. */
interface AgentFeed {
  readonly connections: Set<DeskConnection>;
  chain: Promise<void>;
}

export class DeskHub {
  private readonly settings: DeskHubSettings;
  private readonly requests: DeskRequests;
  private readonly host: DeskConnectionHost;
  /** Every socket not yet closed, authenticated or not (to close them all on shutdown). */
  private readonly sockets = new Set<DeskConnection>();
  /** The authenticated ones: those sent pushes. */
  private readonly connections = new Set<DeskConnection>();
  private readonly feeds = new Map<string, AgentFeed>();
  private readonly queuePush: CoalescedRun;
  private readonly floorPush: CoalescedRun;
  /** Sockets being sent their whole state: a broadcast meanwhile is noted, and they read the figures again after. */
  private readonly joining = new Map<DeskConnection, { missed: boolean }>();
  private refreshTimer: TimerHandle | null = null;
  private stopListening: (() => void) | null = null;
  private nextId = 1;
  private closed = false;

  constructor(private readonly deps: DeskHubDeps) {
    const settings: DeskHubSettings = { ...DESK_HUB_DEFAULTS, ...deps.settings };
    this.settings = settings;
    this.requests = new DeskRequests({ agents: deps.agents, account: (id) => deps.staff.account(id) });
    const failed = (what: string) => (err: unknown) => deps.log.warn({ err }, `desk: could not push the ${what}`);
    this.queuePush = new CoalescedRun(() => this.pushQueue(), settings.pushEveryMs, deps.clock, failed('queue'));
    this.floorPush = new CoalescedRun(() => this.pushFloor(), settings.pushEveryMs, deps.clock, failed('floor'));
    this.host = {
      clock: deps.clock,
      settings,
      session: (token) => deps.staff.session(token),
      handle: (session: StaffSession, request: ClientRequest, log: Log): Promise<DeskReply> => this.requests.handle(session, request, log),
      joined: (connection) => this.joined(connection),
      stillLive: (connection) => {
        const session = connection.session;
        if (session?.role === 'agent') this.refreshAgent(session.userId);
      },
      left: (connection) => this.left(connection),
    };
  }

  /** Starts listening to the queue's changes. */
  start(): void {
    if (!this.closed) this.stopListening ??= this.deps.agents.onEvent((event) => this.changed(event));
  }

  /** A socket was accepted: `cookieToken` from its session cookie, or null (it must authenticate in its first frame). */
  connect(peer: DeskPeer, cookieToken: string | null, meta: { readonly client?: string } = {}): DeskConnection {
    const log = this.deps.log.child({ desk: this.nextId++, ...meta });
    const connection = new DeskConnection(this.host, peer, cookieToken, log);
    this.sockets.add(connection);
    if (this.closed) connection.close(WS_CLOSE.goingAway, 'gateway shutting down');
    return connection;
  }

  /** Open (authenticated) sockets by role, for the metrics. */
  openByRole(): Record<StaffRole, number> {
    const counts: Record<StaffRole, number> = { agent: 0, supervisor: 0 };
    for (const connection of this.connections) {
      const role = connection.session?.role;
      if (role !== undefined) counts[role] += 1;
    }
    return counts;
  }

  /** Closes every socket (1001) and stops pushing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopListening?.();
    this.stopListening = null;
    this.queuePush.stop();
    this.floorPush.stop();
    this.refreshTimer?.cancel();
    this.refreshTimer = null;
    for (const connection of [...this.sockets]) connection.close(WS_CLOSE.goingAway, 'gateway shutting down');
  }

  private changed(event: AgentEvent): void {
    if (this.closed || this.connections.size === 0) return;
    if (event.type === 'stateChanged') this.refreshAgent(event.agent.id);
    if (event.type === 'stateChanged' || event.type === 'queueChanged') this.pushFigures();
  }

  private pushFigures(): void {
    this.queuePush.request();
    if (this.hasSupervisors()) this.floorPush.request();
  }

  private async joined(connection: DeskConnection): Promise<void> {
    const session = connection.session;
    if (session === null || this.closed) return;
    const joining = { missed: false };
    this.joining.set(connection, joining);
    // In the set from now on (broadcasts see it joining, and `close` reaches it), the agent's feed included.
    this.connections.add(connection);
    try {
      // An agent is shown their own state and call; a supervisor takes no calls of their own.
      if (session.role === 'agent' && authorize(session, 'agent.read', session.userId).allowed) await this.joinAgentFeed(connection, session.userId);
      const floor = authorize(session, 'floor.watch').allowed;
      await this.sendFigures(connection, floor);
      if (joining.missed) await this.sendFigures(connection, floor);
    } finally {
      this.joining.delete(connection);
    }
    this.ensureRefresh();
  }

  private async sendFigures(connection: DeskConnection, floor: boolean): Promise<void> {
    if (floor) {
      const view = await this.deps.views.floor();
      connection.sendLatest('queue', JSON.stringify({ type: 'queue', queue: view.queue } satisfies ServerMessage));
      connection.sendLatest('floor', JSON.stringify({ type: 'floor', floor: view } satisfies ServerMessage));
    } else {
      connection.sendLatest('queue', JSON.stringify({ type: 'queue', queue: await this.deps.views.queue() } satisfies ServerMessage));
    }
  }

  /**
   * The agent's state and call, read and sent to the new socket in turn with the feed's pushes (on the feed at once,
   * so it is not forgotten meanwhile: a push before this read sends it an older state first, never after).
   */
  private joinAgentFeed(connection: DeskConnection, agentId: string): Promise<void> {
    const feed = this.feedOf(agentId);
    feed.connections.add(connection);
    const joined = feed.chain.then(async () => {
      if (connection.isOpen) await this.pushAgent(agentId, [connection]);
    });
    feed.chain = joined.catch(() => undefined);
    return joined;
  }

  private refreshAgent(agentId: string): void {
    const feed = this.feeds.get(agentId);
    if (feed === undefined) return;
    feed.chain = feed.chain.then(async () => {
      if (feed.connections.size === 0) return;
      try {
        await this.pushAgent(agentId, [...feed.connections]);
      } catch (err) {
        // The next change (or the periodic session check) reads it again.
        this.deps.log.warn({ err, agentId }, 'desk: could not read the agent to push');
      }
    });
  }

  /**
   * Sends the agent's `agent` and `call`, read now, to each of `connections` that does not have them yet. The pop
   * (which reads the caller's history) is read only when a socket lacks the call's phase: a call is sent again when
   * it is offered, answered and ended, not at every change of the agent.
   */
  private async pushAgent(agentId: string, connections: readonly DeskConnection[]): Promise<void> {
    const agent = await this.deps.views.agent(agentId);
    const agentText = JSON.stringify({ type: 'agent', agent } satisfies ServerMessage);
    for (const connection of connections) connection.sendLatest('agent', agentText);
    const phase = callPhase(agent?.state ?? null);
    const callId = phase === 'none' ? null : (agent?.callId ?? null);
    const key = `${phase}:${callId ?? ''}`;
    const lacking = connections.filter((connection) => connection.lacks('call', key));
    if (lacking.length === 0) return;
    // On the call since the answer: the agent's state changes before the call's record notes it.
    const answeredAt = phase === 'answered' && agent !== null ? Date.parse(agent.since) : undefined;
    const pop = callId === null ? null : await this.deps.views.screenPop(callId, answeredAt);
    const callText = JSON.stringify({ type: 'call', phase: pop === null ? 'none' : phase, pop } satisfies ServerMessage);
    for (const connection of lacking) connection.sendLatest('call', callText, key);
  }

  private async pushQueue(): Promise<void> {
    if (this.connections.size === 0) return;
    const text = JSON.stringify({ type: 'queue', queue: await this.deps.views.queue() } satisfies ServerMessage);
    this.broadcast('queue', text, () => true);
  }

  private async pushFloor(): Promise<void> {
    if (!this.hasSupervisors()) return;
    const text = JSON.stringify({ type: 'floor', floor: await this.deps.views.floor() } satisfies ServerMessage);
    this.broadcast('floor', text, (session) => authorize(session, 'floor.watch').allowed);
  }

  private broadcast(kind: string, text: string, to: (session: StaffSession) => boolean): void {
    for (const connection of this.connections) {
      const session = connection.session;
      if (session === null || !to(session)) continue;
      const joining = this.joining.get(connection);
      if (joining !== undefined) joining.missed = true;
      else connection.sendLatest(kind, text);
    }
  }

  private ensureRefresh(): void {
    if (this.refreshTimer !== null || this.closed) return;
    this.refreshTimer = this.deps.clock.setTimer(this.settings.refreshEveryMs, () => {
      this.refreshTimer = null;
      if (this.closed || this.connections.size === 0) return;
      this.pushFigures();
      this.ensureRefresh();
    });
  }

  private left(connection: DeskConnection): void {
    this.sockets.delete(connection);
    this.connections.delete(connection);
    this.joining.delete(connection);
    for (const [agentId, feed] of this.feeds) {
      if (feed.connections.delete(connection) && feed.connections.size === 0) this.dropFeedWhenIdle(agentId, feed);
    }
    if (this.connections.size === 0) {
      this.refreshTimer?.cancel();
      this.refreshTimer = null;
    }
  }

  /** Forgets an agent's feed once its pending pushes are done, unless a socket joined it meanwhile. */
  private dropFeedWhenIdle(agentId: string, feed: AgentFeed): void {
    void feed.chain.then(() => {
      if (feed.connections.size === 0 && this.feeds.get(agentId) === feed) this.feeds.delete(agentId);
    });
  }

  private feedOf(agentId: string): AgentFeed {
    let feed = this.feeds.get(agentId);
    if (feed === undefined) {
      feed = { connections: new Set(), chain: Promise.resolve() };
      this.feeds.set(agentId, feed);
    }
    return feed;
  }

  private hasSupervisors(): boolean {
    for (const connection of this.connections) if (connection.session?.role === 'supervisor') return true;
    return false;
  }
}
