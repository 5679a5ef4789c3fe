// What the call queue needs from its shared state. The Redis adapter implements it with one Lua script per
// operation, so every gateway sees one queue and one agent pool and no agent or call is ever handed out twice.
// Every operation takes `now` (epoch ms) from the caller's clock, so the policy is testable with a fixed clock.
//
// Ownership: the gateway that holds a caller's channel (`WaitingCall.gateway`) is the only one that rings the agent.
// A match found by any gateway becomes an `Offer` in the owner's offer list; the owner takes it (`takeOffers`) and
// must report `ringing` before `Offer.expiresAt`, or `tick` gives the call and the agent back.

import type { AgentRecord, AgentState, RoutingSettings, Skill, WaitingCall } from '../../domain/acd/types.js';

/** A call set aside for an agent: the agent is `reserved`, the call is no longer waiting. */
export interface Offer {
  readonly callId: string;
  readonly gateway: string;
  readonly agentId: string;
  readonly endpoint: string;
  readonly offeredAt: number;
  /** The reservation lapses unless the owner reports `ringing` by then. */
  readonly expiresAt: number;
  /** When the call first entered the queue. */
  readonly enqueuedAt: number;
  /**
   * A booked call-back whose caller is not on the line: the owner does not ring the agent, it dials the caller
   * (`dialingCallback`) and rings the agent once they answer. Null for a caller on the line.
   */
  readonly callback: { readonly number: string } | null;
}

export type AgentRefusal =
  | { readonly ok: false; readonly code: 'unknown_agent' }
  /** The transition is not allowed from the agent's state (or the call named is not theirs). */
  | { readonly ok: false; readonly code: 'not_allowed'; readonly state: AgentState };

export type AgentResult = { readonly ok: true; readonly agent: AgentRecord } | AgentRefusal;

/** An agent operation that may also match the agent with a waiting call at once. */
export type AgentMatchResult = { readonly ok: true; readonly agent: AgentRecord; readonly offer: Offer | null } | AgentRefusal;

export interface QueuePosition {
  /** 1 for the next call the caller's agents will take. */
  readonly position: number;
  /** Calls waiting for the same skill and language. */
  readonly waiting: number;
  /** Agents logged in (not offline) with the call's skill and language. */
  readonly agents: number;
  /** Mean talk-plus-wrap-up time of the last calls answered (ms); null before any. */
  readonly meanHandleMs: number | null;
}

export interface QueueStats {
  readonly waiting: number;
  /** ms the longest-waiting caller has waited; 0 when nobody waits. */
  readonly longestWaitMs: number;
  readonly agentsByState: Readonly<Record<AgentState, number>>;
  /** Totals for the hotline's day (Beijing time), shared by every gateway. */
  readonly today: {
    readonly queued: number;
    readonly offered: number;
    readonly answered: number;
    readonly abandoned: number;
    /** Answered within the service-level threshold (20 s). */
    readonly answeredInTime: number;
    /** Call-backs booked, and those given up after their last unanswered attempt (also counted abandoned). */
    readonly callbacksBooked: number;
    readonly callbacksAbandoned: number;
  };
}

/** What `tick` found due and handled. */
export interface TickResult {
  /** New offers made for calls whose eligibility widened (for any gateway; the owners are nudged). */
  readonly offers: readonly Offer[];
  /** Reservations that lapsed: the call went back to the head, the agent to ready. */
  readonly lapsed: readonly Offer[];
  /** Agents whose wrap-up time ran out: now ready (their work order is filed by whoever got this). */
  readonly wrapUpsEnded: readonly { readonly agentId: string; readonly callId: string }[];
}

/** What became of a call-back whose caller did not answer (`callbackFailed`). */
export type CallbackFailure =
  /** Back in the queue at its head once the retry delay has passed (phase `retrying` until then). */
  | 'retry'
  /** That was the last attempt: the call left the queue, counted abandoned (and `callbacksAbandoned`). */
  | 'abandoned';

/** Why a call leaves the queue without an agent. */
export type LeaveReason = 'abandoned' | 'callback' | 'voicemail' | 'gone';

export interface AcdStore {
  /** The routing settings the store applies (the same for every gateway of one hotline). */
  readonly settings: RoutingSettings;

  /** Puts the call in the queue (again, at HEAD_PRIORITY, after a ring-no-answer) and matches it if an agent is free. */
  enqueue(call: WaitingCall, now: number): Promise<Offer | null>;
  /**
   * Keeps the caller's place for a call-back on `number`: only while the call is `waiting` (not offered, ringing or
   * on call), atomically, so no agent is offered it in between. The call stays in the queue with its place, its
   * enqueuedAt and its priority; its offers then carry `callback`. False when it was not waiting.
   */
  bookCallback(callId: string, number: string, now: number): Promise<boolean>;
  /**
   * The owner, or any gateway serving the call-back, dials the caller for the agent reserved by `offer`:
   * reserved -> ringing (the agent waits while the caller's phone rings), the call is now owned by `gateway`
   * (whose Asterisk holds the caller's new channel `legId`). Refused unless the offer made at `offeredAt` still
   * stands: a job that comes after its reservation lapsed dials nobody.
   */
  dialingCallback(agentId: string, callId: string, offeredAt: number, gateway: string, legId: string, now: number): Promise<AgentResult>;
  /**
   * The caller of a call-back being dialed did not answer (or could not be dialed): the agent is ready again (and
   * may be matched at once), the call waits `callbackRetryMs` and goes back to the head, or leaves the queue after
   * the last attempt. Refused unless the agent holds this call-back (reserved or ringing, its caller not answered).
   */
  callbackFailed(agentId: string, callId: string, now: number): Promise<{ readonly agent: AgentResult; readonly offer: Offer | null; readonly outcome: CallbackFailure | null }>;
  /** The call leaves the queue; a reservation or ringing agent it had is released (to ready). Null if it was not there. */
  leave(callId: string, reason: LeaveReason, now: number): Promise<WaitingCall | null>;
  position(callId: string, now: number): Promise<QueuePosition | null>;
  /** Calls waiting (not offered), for reconciliation and the supervisor view. */
  waitingCalls(): Promise<WaitingCall[]>;

  /** Logs the agent in (paused, reason "logged in"), or updates endpoint and skills of an agent already in. */
  login(agent: { readonly id: string; readonly endpoint: string; readonly skills: readonly Skill[] }, now: number): Promise<AgentResult>;
  /** Out of every state; a call reserved or ringing for them goes back to the head. Returns the call they held, if any. */
  logout(agentId: string, now: number): Promise<(AgentResult & { readonly callId?: string | null }) | AgentRefusal>;
  ready(agentId: string, now: number): Promise<AgentMatchResult>;
  pause(agentId: string, reason: string, now: number): Promise<AgentResult>;
  /** reserved -> ringing, for the call offered. */
  ringing(agentId: string, callId: string, now: number): Promise<AgentResult>;
  /** ringing -> onCall; counts the call answered (and in time or not). */
  answered(agentId: string, callId: string, now: number): Promise<AgentResult>;
  /** ringing -> paused ("no answer"); the call goes back to the head and may be offered at once. */
  ringNoAnswer(agentId: string, callId: string, now: number): Promise<{ readonly agent: AgentResult; readonly offer: Offer | null }>;
  /** The agent's leg dropped before the caller was served (reserved, ringing or on call): as ring-no-answer, paused with `reason`. */
  agentLost(agentId: string, callId: string, reason: string, now: number): Promise<{ readonly agent: AgentResult; readonly offer: Offer | null }>;
  /** onCall -> wrapUp until `now + wrapUpMs` (ready at once when 0); records the handle time. */
  callEnded(agentId: string, callId: string, wrapUpMs: number, now: number): Promise<AgentMatchResult>;
  /** wrapUp -> ready (the agent finished early); may match at once. */
  wrapUpDone(agentId: string, now: number): Promise<AgentMatchResult>;
  /** Whether the agent's phone can take a call (registered and not busy); an unavailable one is not offered calls. */
  deviceAvailable(endpoint: string, available: boolean, now: number): Promise<void>;

  agent(agentId: string): Promise<AgentRecord | null>;
  agents(): Promise<AgentRecord[]>;

  /** Offers for calls this gateway holds, each returned once. */
  takeOffers(gateway: string, now: number): Promise<Offer[]>;
  /** Widening and overflow, lapsed reservations, wrap-ups that ran out. Safe to run on every gateway at once. */
  tick(now: number): Promise<TickResult>;
  stats(now: number): Promise<QueueStats>;

  /**
   * Says this gateway is alive for `ttlMs`. The calls of a gateway that stopped saying so are parked by `tick`:
   * never offered (nobody could ring their agent) until their gateway is back and enqueues them again.
   */
  heartbeat(gateway: string, ttlMs: number, now: number): Promise<void>;
  /** Every call this gateway owns, in any phase, for reconciliation with Asterisk's channels after a restart. */
  callsOf(gateway: string): Promise<OwnedCall[]>;

  /**
   * Listens for what other gateways changed: `offer` when an offer for this gateway's calls was made (take it
   * with `takeOffers`), `agent` and `queue` when the pool or the queue changed. Resolves once listening.
   */
  subscribe(gateway: string, listener: (change: AcdChange) => void): Promise<() => Promise<void>>;
}

/** `retrying`: a call-back whose caller did not answer, out of the queue until its retry time. */
export type CallPhase = 'waiting' | 'parked' | 'offered' | 'ringing' | 'onCall' | 'retrying';

export interface OwnedCall extends WaitingCall {
  readonly phase: CallPhase;
  /** With `offered`, `ringing` and `onCall`. */
  readonly agentId: string | null;
  /** The number of a booked call-back. */
  readonly callback: string | null;
  /** The channel the call-back dialed: the caller's channel from then on (the call id names the first one). */
  readonly callbackLeg: string | null;
}

export type AcdChange =
  | { readonly kind: 'offer'; readonly gateway: string }
  | { readonly kind: 'agent'; readonly agentId: string; readonly state: AgentState }
  | { readonly kind: 'queue' };
