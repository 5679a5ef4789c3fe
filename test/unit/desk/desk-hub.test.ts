// The desk hub with its ports faked and a clock the test moves: what a socket is sent when, and when it is closed.
// Authentication in time, a session's end (at its expiry and when revoked), pushes to every tab of an agent without
// repeats, one floor read for a burst of changes, requests answered in the order sent, and closing on shutdown.

import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src/app/acd/agent-desk.js';
import type { AgentView, FloorView, QueueView, ScreenPop } from '../../../src/app/acd/desk-views.js';
import { silentLog } from '../../../src/app/app-ports.js';
import type { DeskPeer } from '../../../src/app/desk/desk-connection.js';
import { DeskHub } from '../../../src/app/desk/desk-hub.js';
import type { ServerMessage } from '../../../src/app/desk/desk-protocol.js';
import type { Clock, TimerHandle } from '../../../src/app/ports.js';
import type { AgentRecord, AgentState } from '../../../src/domain/acd/types.js';
import type { StaffAccount, StaffSession } from '../../../src/domain/staff/staff.js';

const T0 = Date.parse('2026-12-07T08:00:00Z');

class ManualClock implements Clock {
  private at = T0;
  private timers: Array<{ due: number; fire: () => void; cancelled: boolean }> = [];
  now(): number {
    return this.at;
  }
  setTimer(ms: number, fire: () => void): TimerHandle {
    const timer = { due: this.at + ms, fire, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }
  /** Moves time on, firing every timer that falls due on the way (and the promises they start) in order. */
  async advance(ms: number): Promise<void> {
    const end = this.at + ms;
    for (;;) {
      const next = this.timers.filter((t) => !t.cancelled && t.due <= end).sort((a, b) => a.due - b.due)[0];
      if (next === undefined) break;
      this.at = next.due;
      next.cancelled = true;
      next.fire();
      await settle();
    }
    this.at = end;
    await settle();
  }
}

/** Lets every promise chain already started run to its end (reads here resolve at once). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

class Peer implements DeskPeer {
  readonly messages: ServerMessage[] = [];
  closedWith: { code: number; reason: string } | null = null;
  send(text: string): void {
    this.messages.push(JSON.parse(text) as ServerMessage);
  }
  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }
  types(): string[] {
    return this.messages.map((m) => m.type);
  }
  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m) => m.type === type) as Extract<ServerMessage, { type: T }>[];
  }
}

function record(id: string, state: AgentState, callId: string | null = null): AgentRecord {
  return { id, endpoint: `PJSIP/${id}`, skills: [{ name: 'zh', level: 1 }], state, reason: null, callId, since: T0, idleSince: T0 };
}

function view(agent: AgentRecord): AgentView {
  return { id: agent.id, endpoint: agent.endpoint, skills: agent.skills, skillsText: 'zh:1', state: agent.state, reason: agent.reason, callId: agent.callId, since: new Date(agent.since).toISOString(), idleSince: new Date(agent.idleSince).toISOString() };
}

const QUEUE: QueueView = {
  waiting: 0,
  longestWaitSeconds: 0,
  agentsByState: { offline: 0, ready: 0, paused: 0, reserved: 0, ringing: 0, onCall: 0, wrapUp: 0 },
  today: { queued: 0, offered: 0, answered: 0, abandoned: 0, answeredInTime: 0, callbacksBooked: 0, callbacksAbandoned: 0 },
  serviceLevel: 1,
  serviceLevelThresholdSeconds: 20,
};

function setup() {
  const clock = new ManualClock();
  const agents = new Map<string, AgentRecord>();
  const sessions = new Map<string, StaffSession>();
  const listeners: Array<(event: AgentEvent) => void> = [];
  const reads = { floor: 0, queue: 0, pops: 0 };
  let waiting = 0;
  const pending: Array<() => void> = [];
  const desk = {
    onEvent: (listener: (event: AgentEvent) => void) => {
      listeners.push(listener);
      return () => undefined;
    },
    login: async () => record('x', 'paused'),
    logout: async (id: string) => record(id, 'offline'),
    ready: async (id: string) => {
      // A request the test finishes by hand, to see the next one wait for it.
      if (id === 'slow') await new Promise<void>((resolve) => pending.push(resolve));
      const agent = record(id, 'ready');
      agents.set(id, agent);
      return agent;
    },
    pause: async (id: string, reason: string) => ({ ...record(id, 'paused'), reason }),
    wrapUp: async () => ({ agent: record('x', 'ready'), order: { ticket: '123456789012', submissionId: 's' } }),
    hangup: async (id: string) => record(id, 'onCall', 'c1'),
    transfer: async (id: string) => record(id, 'onCall', 'c1'),
  };
  const queueView = (): QueueView => ({ ...QUEUE, waiting });
  const views = {
    agent: async (id: string) => {
      const agent = agents.get(id);
      return agent === undefined ? null : view(agent);
    },
    queue: async () => {
      reads.queue += 1;
      return queueView();
    },
    floor: async (): Promise<FloorView> => {
      reads.floor += 1;
      return { queue: queueView(), agents: [...agents.values()].map(view), waitingCalls: [] };
    },
    screenPop: async (callId: string, answeredAt?: number): Promise<ScreenPop> => {
      reads.pops += 1;
      return {
        callId,
        callerMasked: '139****2222',
        lang: 'zh',
        queueSkill: 'complaint',
        category: 'environment',
        ivrPath: ['main-menu'],
        enqueuedAt: new Date(T0).toISOString(),
        answeredAt: answeredAt === undefined ? null : new Date(answeredAt).toISOString(),
        waitedSeconds: 0,
        earlierTicket: null,
        history: null,
        historyUnavailable: false,
      };
    },
  };
  const staff = {
    session: async (token: string) => {
      const session = sessions.get(token) ?? null;
      return session !== null && session.expiresAt > clock.now() ? session : null;
    },
    account: async (id: string): Promise<StaffAccount | null> => ({ id, name: id, role: 'agent', passwordHash: 'x', disabled: false, endpoint: `PJSIP/${id}`, skills: 'zh:1', updatedAt: T0 }),
  };
  const hub = new DeskHub({ agents: desk, views, staff, clock, log: silentLog });
  hub.start();
  const emit = (event: AgentEvent): void => {
    for (const listener of listeners) listener(event);
  };
  const open = (userId: string, role: 'agent' | 'supervisor', expiresIn = 8 * 3_600_000) => {
    const token = `t-${userId}-${sessions.size}`;
    sessions.set(token, { id: `s-${token}`, userId, role, name: userId, createdAt: T0, expiresAt: clock.now() + expiresIn });
    return token;
  };
  return {
    clock,
    hub,
    agents,
    sessions,
    reads,
    pending,
    emit,
    open,
    setWaiting: (n: number) => (waiting = n),
    async connect(token: string | null): Promise<{ peer: Peer; connection: ReturnType<DeskHub['connect']> }> {
      const peer = new Peer();
      const connection = hub.connect(peer, token);
      await settle();
      return { peer, connection };
    },
  };
}

function frame(message: Record<string, unknown>): [string, number] {
  const text = JSON.stringify(message);
  return [text, Buffer.byteLength(text)];
}

describe('the desk hub', () => {
  it('sends an agent hello, agent, call and queue; a supervisor hello, queue and floor', async () => {
    const t = setup();
    t.agents.set('1001', record('1001', 'ready'));
    const agent = await t.connect(t.open('1001', 'agent'));
    expect(agent.peer.types()).toEqual(['hello', 'agent', 'call', 'queue']);
    expect(agent.peer.messages[0]).toMatchObject({ type: 'hello', session: { userId: '1001', role: 'agent', expiresAt: new Date(T0 + 8 * 3_600_000).toISOString() }, serverTime: new Date(T0).toISOString() });
    expect(agent.peer.of('call')[0]).toEqual({ type: 'call', phase: 'none', pop: null });
    const supervisor = await t.connect(t.open('sup', 'supervisor'));
    expect(supervisor.peer.types()).toEqual(['hello', 'queue', 'floor']);
    expect(t.hub.openByRole()).toEqual({ agent: 1, supervisor: 1 });
  });

  it('closes a socket with no cookie that does not authenticate within 5 s (4401), having sent it nothing', async () => {
    const t = setup();
    const { peer } = await t.connect(null);
    await t.clock.advance(4999);
    expect(peer.closedWith).toBeNull();
    await t.clock.advance(1);
    expect(peer.closedWith?.code).toBe(4401);
    expect(peer.messages).toEqual([]);
  });

  it('takes the token from an auth first frame; any other first frame, or a token of no session, is 4401', async () => {
    const t = setup();
    const good = await t.connect(null);
    good.connection.receive(...frame({ type: 'auth', token: t.open('1001', 'agent') }));
    await settle();
    expect(good.peer.types()).toEqual(['hello', 'agent', 'call', 'queue']);
    await t.clock.advance(10_000);
    expect(good.peer.closedWith).toBeNull();

    const wrongFirst = await t.connect(null);
    wrongFirst.connection.receive(...frame({ id: '1', type: 'ready' }));
    await settle();
    expect(wrongFirst.peer.closedWith?.code).toBe(4401);
    const unknown = await t.connect(null);
    unknown.connection.receive(...frame({ type: 'auth', token: 'hs1_nobody' }));
    await settle();
    expect(unknown.peer.closedWith?.code).toBe(4401);
    expect(unknown.peer.messages).toEqual([]);
  });

  it('ends a socket when its session expires: `expired`, then 4401', async () => {
    const t = setup();
    const { peer } = await t.connect(t.open('1001', 'agent', 10_000));
    await t.clock.advance(9_999);
    expect(peer.closedWith).toBeNull();
    await t.clock.advance(1);
    expect(peer.messages.at(-1)).toEqual({ type: 'expired' });
    expect(peer.closedWith?.code).toBe(4401);
    expect(t.hub.openByRole()).toEqual({ agent: 0, supervisor: 0 });
  });

  it('ends a socket whose session was revoked at the next periodic check, or at once at its next request', async () => {
    const t = setup();
    const quiet = t.open('1001', 'agent');
    const a = await t.connect(quiet);
    t.sessions.delete(quiet);
    await t.clock.advance(29_999);
    expect(a.peer.closedWith).toBeNull();
    await t.clock.advance(1);
    expect(a.peer.messages.at(-1)).toEqual({ type: 'expired' });
    expect(a.peer.closedWith?.code).toBe(4401);

    const busy = t.open('1002', 'agent');
    const b = await t.connect(busy);
    t.sessions.delete(busy);
    b.connection.receive(...frame({ id: 'r1', type: 'ready' }));
    await settle();
    expect(b.peer.messages.slice(-2)).toEqual([{ type: 'reply', re: 'r1', ok: false, error: { code: 'expired', message: expect.any(String) } }, { type: 'expired' }]);
    expect(b.peer.closedWith?.code).toBe(4401);
    expect(t.agents.has('1002')).toBe(false);
  });

  it("pushes an agent's state and call to every tab, the pop read once, and nothing twice", async () => {
    const t = setup();
    t.agents.set('1001', record('1001', 'ready'));
    const token = t.open('1001', 'agent');
    const tabs = [await t.connect(token), await t.connect(token)];
    const popsBefore = t.reads.pops;

    t.agents.set('1001', record('1001', 'reserved', 'c1'));
    t.emit({ type: 'stateChanged', agent: record('1001', 'reserved', 'c1') });
    await settle();
    t.agents.set('1001', record('1001', 'ringing', 'c1'));
    t.emit({ type: 'stateChanged', agent: record('1001', 'ringing', 'c1') });
    await settle();
    t.agents.set('1001', { ...record('1001', 'onCall', 'c1'), since: T0 + 7000 });
    t.emit({ type: 'stateChanged', agent: record('1001', 'onCall', 'c1') });
    t.emit({ type: 'answered', agentId: '1001', callId: 'c1' });
    await settle();
    // The same state reported again sends nothing.
    t.emit({ type: 'stateChanged', agent: record('1001', 'onCall', 'c1') });
    await settle();

    for (const { peer } of tabs) {
      const calls = peer.of('call');
      expect(calls.map((c) => c.phase)).toEqual(['none', 'offered', 'answered']);
      expect(calls[2]?.pop?.answeredAt).toBe(new Date(T0 + 7000).toISOString());
      expect(peer.of('agent').map((m) => m.agent?.state)).toEqual(['ready', 'reserved', 'ringing', 'onCall']);
    }
    // Offered (once for both tabs, not again when ringing) and answered.
    expect(t.reads.pops - popsBefore).toBe(2);
  });

  it('reads the floor once for a burst of changes, and at most once per 250 ms after', async () => {
    const t = setup();
    const { peer } = await t.connect(t.open('sup', 'supervisor'));
    const before = t.reads.floor;
    for (let i = 1; i <= 10; i += 1) {
      t.setWaiting(i);
      t.emit({ type: 'queueChanged' });
    }
    await t.clock.advance(0);
    expect(t.reads.floor - before).toBe(1);
    expect(peer.of('floor').at(-1)?.floor.queue.waiting).toBe(10);
    t.setWaiting(11);
    t.emit({ type: 'queueChanged' });
    t.emit({ type: 'queueChanged' });
    await t.clock.advance(249);
    expect(t.reads.floor - before).toBe(1);
    await t.clock.advance(1);
    expect(t.reads.floor - before).toBe(2);
    expect(peer.of('floor').at(-1)?.floor.queue.waiting).toBe(11);
    expect(peer.of('queue').at(-1)?.queue.waiting).toBe(11);
    // The periodic refresh reads again but sends only what changed.
    const floors = peer.of('floor').length;
    await t.clock.advance(5000);
    expect(t.reads.floor - before).toBe(3);
    expect(peer.of('floor').length).toBe(floors);
  });

  it('answers requests in the order they were sent, one at a time, and refuses more than 16 waiting with `busy`', async () => {
    const t = setup();
    const { peer, connection } = await t.connect(t.open('slow', 'agent'));
    connection.receive(...frame({ id: 'first', type: 'ready' }));
    connection.receive(...frame({ id: 'second', type: 'pause', reason: 'lunch' }));
    for (let i = 0; i < 14; i += 1) connection.receive(...frame({ id: `more-${i}`, type: 'pause', reason: 'lunch' }));
    connection.receive(...frame({ id: 'too-many', type: 'pause', reason: 'lunch' }));
    await settle();
    expect(peer.of('reply').map((r) => r.re)).toEqual(['too-many']);
    expect(peer.of('reply')[0]).toMatchObject({ ok: false, error: { code: 'busy' } });
    t.pending.shift()?.();
    await settle();
    expect(peer.of('reply').map((r) => r.re).slice(1, 3)).toEqual(['first', 'second']);
  });

  it('closes a socket sending frames that are not the protocol after 10 in a row (4400), and a binary frame at once', async () => {
    const t = setup();
    const noisy = await t.connect(t.open('1001', 'agent'));
    for (let i = 0; i < 9; i += 1) noisy.connection.receive('nonsense', 8);
    await settle();
    expect(noisy.peer.closedWith).toBeNull();
    expect(noisy.peer.of('reply').every((r) => !r.ok && r.error.code === 'bad_request')).toBe(true);
    noisy.connection.receive('nonsense', 8);
    await settle();
    expect(noisy.peer.closedWith?.code).toBe(4400);
    const binary = await t.connect(t.open('1002', 'agent'));
    binary.connection.receiveBinary();
    expect(binary.peer.closedWith?.code).toBe(4400);
  });

  it('closes every socket with 1001 when the gateway closes, and accepts none after', async () => {
    const t = setup();
    const agent = await t.connect(t.open('1001', 'agent'));
    const waiting = await t.connect(null);
    t.hub.close();
    expect(agent.peer.closedWith?.code).toBe(1001);
    expect(waiting.peer.closedWith?.code).toBe(1001);
    const late = await t.connect(t.open('1002', 'agent'));
    expect(late.peer.closedWith?.code).toBe(1001);
    expect(late.peer.messages).toEqual([]);
  });
});
