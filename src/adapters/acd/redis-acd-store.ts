// The call queue every gateway shares: AcdStore on Redis, one Lua script per operation (acd-scripts.ts), so a match
// moves a call and an agent together or not at all, whichever gateway finds it. The policy (who takes which call)
// is the domain's, spelled out in the Lua prelude; its indexes keep every decision to a few sorted-set probes per
// skill and level, whatever the number of calls and agents.
//
// Offers go to the owner gateway's list and a nudge on its channel; `subscribe` listens on a connection of its own
// (a subscribed connection can do nothing else).

import type { RedisClient } from '../redis/redis-connection.js';
import type {
  AcdChange,
  AcdStore,
  AgentMatchResult,
  AgentRefusal,
  AgentResult,
  CallbackFailure,
  LeaveReason,
  Offer,
  OwnedCall,
  QueuePosition,
  QueueStats,
  TickResult,
} from '../../app/acd/acd-store.js';
import type { AgentRecord, AgentState, RoutingSettings, Skill, WaitingCall } from '../../domain/acd/types.js';
import { AGENT_STATES, NO_ANSWER_REASON } from '../../domain/acd/types.js';
import { closeRedis, untilReady } from '../redis/fail-fast-redis.js';
import type { LuaScript } from '../redis/lua-script.js';
import { AcdKeys, BEIJING_OFFSET_MS } from './acd-keys.js';
import { checkCall, checkDuration, checkId, checkReason, checkTime, encodeSkills } from './acd-input.js';
import { agentOf, agentStatusOf, offerOf, offersOf, ownedCallOf, waitingCallOf, AcdReplyError } from './acd-replies.js';
import * as scripts from './acd-scripts.js';

export interface RedisAcdStoreOptions {
  readonly redis: RedisClient;
  /** Intake's key prefix: the queue's keys are `{prefix}:acd:...`. */
  readonly prefix: string;
  readonly settings: RoutingSettings;
  /** A new connection for `subscribe` (default: a duplicate of `redis`). */
  readonly subscriber?: () => RedisClient;
  /** How long an offer waits for its gateway to report ringing (default 5000 ms). */
  readonly reservationMs?: number;
  /** Answered within this wait counts as in time (default 20000 ms, the hotline's 20 s). */
  readonly serviceLevelMs?: number;
  /** The day of the daily counters starts at midnight of this offset from UTC (default Beijing, +8 h). */
  readonly dayOffsetMs?: number;
  /** Entries of each kind one tick script handles (default 200); a tick runs more scripts while some are left. */
  readonly tickBatch?: number;
  /** How long `subscribe` waits for its connection (default 5000 ms). */
  readonly subscribeTimeoutMs?: number;
  /** Unanswered call-back attempts after which the call leaves the queue (default 3). */
  readonly callbackAttempts?: number;
  /** How long a call-back whose caller did not answer stays out of the queue before the next attempt (default 2 minutes). */
  readonly callbackRetryMs?: number;
}

/** Two gateways enqueued different calls with one channel id: their Asterisks share a `systemname`. */
export class CallIdConflictError extends Error {
  readonly code = 'ACD_CALL_ID_CONFLICT';
  constructor(callId: string, holder: string) {
    super(
      `call ${callId} is already queued by gateway ${holder}: two Asterisks gave the same channel id; give each Asterisk of the hotline its own systemname (asterisk.conf)`,
    );
    this.name = 'CallIdConflictError';
  }
}

export class AcdSubscribeError extends Error {
  readonly code = 'ACD_SUBSCRIBE_FAILED';
  constructor(timeoutMs: number) {
    super(`the ACD change subscription could not connect to Redis within ${timeoutMs} ms`);
    this.name = 'AcdSubscribeError';
  }
}

/** Tick scripts per `tick` call at most: a backlog beyond that many batches waits for the next tick. */
const MAX_TICK_ROUNDS = 20;

export class RedisAcdStore implements AcdStore {
  readonly settings: RoutingSettings;
  readonly keys: AcdKeys;
  private readonly redis: RedisClient;
  private readonly subscriber: () => RedisClient;
  private readonly reservationMs: number;
  private readonly serviceLevelMs: number;
  private readonly dayOffsetMs: number;
  private readonly tickBatch: number;
  private readonly subscribeTimeoutMs: number;
  private readonly fixedKeys: readonly string[];
  private readonly callbackAttempts: number;
  private readonly callbackRetryMs: number;

  constructor(options: RedisAcdStoreOptions) {
    this.redis = options.redis;
    this.keys = new AcdKeys(options.prefix);
    this.settings = {
      widenEveryMs: checkDuration('widenEveryMs', options.settings.widenEveryMs),
      overflowAfterMs: checkDuration('overflowAfterMs', options.settings.overflowAfterMs),
    };
    this.subscriber = options.subscriber ?? (() => this.redis.duplicate());
    this.reservationMs = checkDuration('reservationMs', options.reservationMs ?? 5000);
    this.serviceLevelMs = checkDuration('serviceLevelMs', options.serviceLevelMs ?? 20_000);
    this.dayOffsetMs = options.dayOffsetMs ?? BEIJING_OFFSET_MS;
    this.tickBatch = options.tickBatch ?? 200;
    if (!Number.isSafeInteger(this.tickBatch) || this.tickBatch < 1) throw new RangeError(`tickBatch must be a positive integer, got ${this.tickBatch}`);
    this.subscribeTimeoutMs = options.subscribeTimeoutMs ?? 5000;
    this.fixedKeys = this.keys.fixedList;
    this.callbackAttempts = options.callbackAttempts ?? 3;
    if (!Number.isSafeInteger(this.callbackAttempts) || this.callbackAttempts < 1) throw new RangeError(`callbackAttempts must be a positive integer, got ${this.callbackAttempts}`);
    this.callbackRetryMs = checkDuration('callbackRetryMs', options.callbackRetryMs ?? 120_000);
  }

  private run(script: LuaScript, now: number, args: readonly (string | number)[]): Promise<unknown> {
    checkTime('now', now);
    const keys = [...this.fixedKeys, this.keys.day(now, this.dayOffsetMs)];
    const argv = [this.keys.base, now, this.reservationMs, this.serviceLevelMs, this.settings.widenEveryMs, this.settings.overflowAfterMs, ...args];
    return script.run(this.redis, keys, argv);
  }

  private async agentOperation(script: LuaScript, now: number, args: readonly (string | number)[]): Promise<AgentMatchResult> {
    const status = agentStatusOf(await this.run(script, now, args));
    if (!status.ok) return status;
    return { ok: true, agent: status.agent, offer: offerOf(status.rest[0] ?? []) };
  }

  async enqueue(call: WaitingCall, now: number): Promise<Offer | null> {
    checkCall(call);
    const reply = await this.run(scripts.ENQUEUE, now, [call.callId, call.gateway, call.skill, call.lang, call.priority, call.enqueuedAt]);
    if (Array.isArray(reply) && reply[0] === 'conflict') throw new CallIdConflictError(call.callId, String(reply[1]));
    return offerOf((reply as unknown[])[0]);
  }

  async bookCallback(callId: string, number: string, now: number): Promise<boolean> {
    const reply = await this.run(scripts.BOOK_CALLBACK, now, [checkId('a call id', callId), checkId('a call-back number', number)]);
    return Array.isArray(reply) && Number(reply[0]) === 1;
  }

  async dialingCallback(agentId: string, callId: string, offeredAt: number, gateway: string, legId: string, now: number): Promise<AgentResult> {
    const result = await this.agentOperation(scripts.DIALING_CALLBACK, now, [
      checkId('an agent id', agentId),
      checkId('a call id', callId),
      checkTime('offeredAt', offeredAt),
      checkId('a gateway id', gateway),
      checkId('a channel id', legId),
    ]);
    return result.ok ? { ok: true, agent: result.agent } : result;
  }

  async callbackFailed(agentId: string, callId: string, now: number): Promise<{ readonly agent: AgentResult; readonly offer: Offer | null; readonly outcome: CallbackFailure | null }> {
    const status = agentStatusOf(
      await this.run(scripts.CALLBACK_FAILED, now, [checkId('an agent id', agentId), checkId('a call id', callId), this.callbackAttempts, this.callbackRetryMs]),
    );
    if (!status.ok) return { agent: status, offer: null, outcome: null };
    const outcome = String(status.rest[1] ?? '');
    if (outcome !== 'retry' && outcome !== 'abandoned') throw new AcdReplyError('a call-back failure', status.rest);
    return { agent: { ok: true, agent: status.agent }, offer: offerOf(status.rest[0] ?? []), outcome };
  }

  async leave(callId: string, reason: LeaveReason, now: number): Promise<WaitingCall | null> {
    const reply = (await this.run(scripts.LEAVE, now, [checkId('a call id', callId), reason])) as unknown[];
    const call = reply[0];
    return Array.isArray(call) && call.length > 0 ? waitingCallOf(call) : null;
  }

  async position(callId: string, now: number): Promise<QueuePosition | null> {
    const reply = await this.run(scripts.POSITION, now, [checkId('a call id', callId)]);
    if (!Array.isArray(reply)) throw new AcdReplyError('a position', reply);
    if (reply.length === 0) return null;
    const [position, waiting, agents, handleSum, handleCount] = reply.map(Number) as [number, number, number, number, number];
    return { position, waiting, agents, meanHandleMs: handleCount === 0 ? null : Math.round(handleSum / handleCount) };
  }

  async waitingCalls(): Promise<WaitingCall[]> {
    const reply = await this.run(scripts.WAITING_CALLS, Date.now(), []);
    return (reply as unknown[]).map(waitingCallOf);
  }

  async login(agent: { readonly id: string; readonly endpoint: string; readonly skills: readonly Skill[] }, now: number): Promise<AgentResult> {
    const result = await this.agentOperation(scripts.LOGIN, now, [checkId('an agent id', agent.id), checkId('an endpoint', agent.endpoint), encodeSkills(agent.skills)]);
    return result.ok ? { ok: true, agent: result.agent } : result;
  }

  async logout(agentId: string, now: number): Promise<(AgentResult & { readonly callId?: string | null }) | AgentRefusal> {
    const status = agentStatusOf(await this.run(scripts.LOGOUT, now, [checkId('an agent id', agentId)]));
    if (!status.ok) return status;
    const held = String(status.rest[1] ?? '');
    return { ok: true, agent: status.agent, callId: held === '' ? null : held };
  }

  async ready(agentId: string, now: number): Promise<AgentMatchResult> {
    return this.agentOperation(scripts.READY, now, [checkId('an agent id', agentId)]);
  }

  async pause(agentId: string, reason: string, now: number): Promise<AgentResult> {
    const result = await this.agentOperation(scripts.PAUSE, now, [checkId('an agent id', agentId), checkReason(reason)]);
    return result.ok ? { ok: true, agent: result.agent } : result;
  }

  async ringing(agentId: string, callId: string, now: number): Promise<AgentResult> {
    const result = await this.agentOperation(scripts.RINGING, now, [checkId('an agent id', agentId), checkId('a call id', callId)]);
    return result.ok ? { ok: true, agent: result.agent } : result;
  }

  async answered(agentId: string, callId: string, now: number): Promise<AgentResult> {
    const result = await this.agentOperation(scripts.ANSWERED, now, [checkId('an agent id', agentId), checkId('a call id', callId)]);
    return result.ok ? { ok: true, agent: result.agent } : result;
  }

  async ringNoAnswer(agentId: string, callId: string, now: number): Promise<{ readonly agent: AgentResult; readonly offer: Offer | null }> {
    return this.callBack('noAnswer', agentId, callId, NO_ANSWER_REASON, now);
  }

  async agentLost(agentId: string, callId: string, reason: string, now: number): Promise<{ readonly agent: AgentResult; readonly offer: Offer | null }> {
    return this.callBack('lost', agentId, callId, checkReason(reason), now);
  }

  private async callBack(event: 'noAnswer' | 'lost', agentId: string, callId: string, reason: string, now: number): Promise<{ readonly agent: AgentResult; readonly offer: Offer | null }> {
    const result = await this.agentOperation(scripts.CALL_BACK, now, [event, checkId('an agent id', agentId), checkId('a call id', callId), reason]);
    return result.ok ? { agent: { ok: true, agent: result.agent }, offer: result.offer } : { agent: result, offer: null };
  }

  async callEnded(agentId: string, callId: string, wrapUpMs: number, now: number): Promise<AgentMatchResult> {
    return this.agentOperation(scripts.CALL_ENDED, now, [checkId('an agent id', agentId), checkId('a call id', callId), checkDuration('wrapUpMs', wrapUpMs)]);
  }

  async wrapUpDone(agentId: string, now: number): Promise<AgentMatchResult> {
    return this.agentOperation(scripts.WRAP_UP_DONE, now, [checkId('an agent id', agentId)]);
  }

  async deviceAvailable(endpoint: string, available: boolean, now: number): Promise<void> {
    await this.run(scripts.DEVICE, now, [checkId('an endpoint', endpoint), available ? '1' : '0']);
  }

  async agent(agentId: string): Promise<AgentRecord | null> {
    const reply = await this.run(scripts.AGENT, Date.now(), [checkId('an agent id', agentId)]);
    return Array.isArray(reply) && reply.length === 0 ? null : agentOf(reply);
  }

  async agents(): Promise<AgentRecord[]> {
    return ((await this.run(scripts.AGENTS, Date.now(), [])) as unknown[]).map(agentOf);
  }

  async takeOffers(gateway: string, now: number): Promise<Offer[]> {
    return offersOf(await this.run(scripts.TAKE_OFFERS, now, [checkId('a gateway id', gateway)]));
  }

  async tick(now: number): Promise<TickResult> {
    const offers: Offer[] = [];
    const lapsed: Offer[] = [];
    const wrapUpsEnded: { agentId: string; callId: string }[] = [];
    for (let round = 0; round < MAX_TICK_ROUNDS; round++) {
      const reply = await this.run(scripts.TICK, now, [this.tickBatch]);
      if (!Array.isArray(reply) || reply.length !== 4) throw new AcdReplyError('a tick', reply);
      const [made, gone, ended, more] = reply as [unknown, unknown, unknown[], unknown];
      offers.push(...offersOf(made));
      lapsed.push(...offersOf(gone));
      for (let i = 0; i + 1 < ended.length; i += 2) wrapUpsEnded.push({ agentId: String(ended[i]), callId: String(ended[i + 1]) });
      if (Number(more) !== 1) break;
    }
    return { offers, lapsed, wrapUpsEnded };
  }

  async stats(now: number): Promise<QueueStats> {
    const reply = await this.run(scripts.STATS, now, []);
    if (!Array.isArray(reply) || reply.length !== 4) throw new AcdReplyError('stats', reply);
    const [waiting, oldest, states, day] = reply as [number, string, unknown[], unknown[]];
    const agentsByState = Object.fromEntries(AGENT_STATES.map((state) => [state, 0])) as Record<AgentState, number>;
    for (let i = 0; i + 1 < states.length; i += 2) {
      const state = String(states[i]);
      if ((AGENT_STATES as readonly string[]).includes(state)) agentsByState[state as AgentState] = Number(states[i + 1]);
    }
    const counters = new Map<string, number>();
    for (let i = 0; i + 1 < day.length; i += 2) counters.set(String(day[i]), Number(day[i + 1]));
    const counter = (name: string): number => counters.get(name) ?? 0;
    return {
      waiting: Number(waiting),
      longestWaitMs: oldest === '' ? 0 : Math.max(0, now - Number(oldest)),
      agentsByState,
      today: { queued: counter('queued'), offered: counter('offered'), answered: counter('answered'), abandoned: counter('abandoned'), answeredInTime: counter('answeredInTime'),
        callbacksBooked: counter('callbacksBooked'),
        callbacksAbandoned: counter('callbacksAbandoned'),
      },
    };
  }

  async heartbeat(gateway: string, ttlMs: number, now: number): Promise<void> {
    await this.run(scripts.HEARTBEAT, now, [checkId('a gateway id', gateway), checkDuration('ttlMs', ttlMs)]);
  }

  async callsOf(gateway: string): Promise<OwnedCall[]> {
    const reply = await this.run(scripts.CALLS_OF, Date.now(), [checkId('a gateway id', gateway)]);
    return (reply as unknown[]).map(ownedCallOf).sort((x, y) => x.enqueuedAt - y.enqueuedAt || (x.callId < y.callId ? -1 : x.callId > y.callId ? 1 : 0));
  }

  async subscribe(gateway: string, listener: (change: AcdChange) => void): Promise<() => Promise<void>> {
    const offerChannel = this.keys.offerChannel(checkId('a gateway id', gateway));
    const connection = this.subscriber();
    connection.on('message', (channel: string, message: string) => {
      const change = channel === offerChannel ? ({ kind: 'offer', gateway } as const) : changeOf(message);
      if (change !== null) listener(change);
    });
    // A subscriber without an error listener would crash the process on a lost connection; it reconnects and
    // subscribes again by itself.
    connection.on('error', () => undefined);
    if (!(await untilReady(connection, this.subscribeTimeoutMs))) {
      connection.disconnect();
      throw new AcdSubscribeError(this.subscribeTimeoutMs);
    }
    await connection.subscribe(this.keys.changes, offerChannel);
    return () => closeRedis(connection);
  }
}

/** `q`, or `a|<state>|<agent id>` (the id last: it may hold `|`). */
function changeOf(message: string): AcdChange | null {
  if (message === 'q') return { kind: 'queue' };
  if (!message.startsWith('a|')) return null;
  const bar = message.indexOf('|', 2);
  const state = message.slice(2, bar);
  if (bar < 0 || !(AGENT_STATES as readonly string[]).includes(state)) return null;
  return { kind: 'agent', agentId: message.slice(bar + 1), state: state as AgentState };
}
