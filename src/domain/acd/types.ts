// The gateway's own call queue (ACD), as data: agents with skills and levels, waiting calls with their skill,
// language and priority, and the routing settings. Shared by the pure policy (routing.ts, agent-state.ts), the
// Redis store that applies the same policy atomically for every gateway, and the application layer.

/** Agent states. `reserved`: a call is set aside for the agent and its gateway is about to ring them. */
export const AGENT_STATES = ['offline', 'ready', 'paused', 'reserved', 'ringing', 'onCall', 'wrapUp'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** Why an agent is paused; free text from the agent, plus the reasons the queue itself gives. */
export const LOGGED_IN_REASON = 'logged in';
export const NO_ANSWER_REASON = 'no answer';
export const DEVICE_UNAVAILABLE_REASON = 'phone unavailable';

/**
 * A skill with its level: 1 is the agent's first line, larger numbers are backup (the tiers of a call centre).
 * A call is offered first to level-1 agents; as it waits, deeper levels join (`RoutingSettings.widenEveryMs`).
 */
export interface Skill {
  readonly name: string;
  /** 1..9 */
  readonly level: number;
}

export const MIN_LEVEL = 1;
export const MAX_LEVEL = 9;

/** Priorities of waiting calls: higher is served first. */
export const MIN_PRIORITY = 0;
export const MAX_PRIORITY = 9;
/** A call that goes back to the head of the queue (ring-no-answer, the agent left or their phone dropped). */
export const HEAD_PRIORITY = 10;

/** What a waiting call needs: one matter skill (the IVR's category, else the queue node's skill) and a language. */
export interface CallNeeds {
  readonly skill: string;
  readonly lang: string;
  /** MIN_PRIORITY..MAX_PRIORITY, or HEAD_PRIORITY for a call returned to the head. */
  readonly priority: number;
}

export interface RoutingSettings {
  /**
   * Every this many ms of waiting, agents one level deeper in the call's skill become eligible (level 1 at once,
   * level 2 after one step, ...). 0: every level at once.
   */
  readonly widenEveryMs: number;
  /** Past this wait the skill is no longer required: any ready agent who speaks the language may take the call. 0: never. */
  readonly overflowAfterMs: number;
}

/** A call in the queue, as the store keeps it. */
export interface WaitingCall extends CallNeeds {
  /** The caller's channel id. */
  readonly callId: string;
  /** The gateway that holds the caller's channel: only it dials the agent. */
  readonly gateway: string;
  /** When the call first entered the queue (epoch ms); kept when it returns to the head. */
  readonly enqueuedAt: number;
}

/** An agent as the store keeps them. */
export interface AgentRecord {
  readonly id: string;
  /** Dial string of the agent's phone (`PJSIP/1001`, `Local/1001@agents`). */
  readonly endpoint: string;
  /** Matter skills and languages alike (`environment:1`, `zh:1`). */
  readonly skills: readonly Skill[];
  readonly state: AgentState;
  /** With `paused`: why. */
  readonly reason: string | null;
  /** With `reserved`, `ringing`, `onCall` and `wrapUp`: the call. */
  readonly callId: string | null;
  /** When the agent entered the state (epoch ms). */
  readonly since: number;
  /** When the agent last finished a call or became ready: longest idle is served first. */
  readonly idleSince: number;
}
