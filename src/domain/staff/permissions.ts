// Who may do what on the agents' side, decided on the server for every request and every WebSocket message. An
// agent acts only for themselves; a supervisor watches the whole floor and may log out or pause any agent, but never
// takes, ends or files another agent's call (that is the agent's own work, and their work order carries their name).

import type { StaffRole } from './staff.js';

export const DESK_ACTIONS = [
  /** Join the queue (PUT /v1/agents/:id/session). */
  'agent.login',
  'agent.logout',
  'agent.ready',
  'agent.pause',
  'agent.wrapUp',
  'agent.hangup',
  'agent.transfer',
  /** One agent's state and current call. */
  'agent.read',
  /** Every agent and their state. */
  'agents.list',
  /** The queue's figures (waiting, agents by state, today's counts, service level). */
  'queue.read',
  /** The supervisor view's live feed: waiting calls with their waits, agents, counts. */
  'floor.watch',
] as const;
export type DeskAction = (typeof DESK_ACTIONS)[number];

/** Actions a supervisor may take on another agent. */
const SUPERVISOR_ON_OTHERS: ReadonlySet<DeskAction> = new Set(['agent.logout', 'agent.pause', 'agent.read']);
/** Actions only a supervisor may take at all. */
const SUPERVISOR_ONLY: ReadonlySet<DeskAction> = new Set(['agents.list', 'floor.watch']);
/** Actions about one agent (the target). */
const ON_AN_AGENT: ReadonlySet<DeskAction> = new Set(DESK_ACTIONS.filter((a) => a.startsWith('agent.')));

export interface Actor {
  readonly userId: string;
  readonly role: StaffRole;
}

export type Decision =
  | { readonly allowed: true }
  /** `wrong_role`: the action is not one this role takes; `not_your_agent`: an agent acting for another agent. */
  | { readonly allowed: false; readonly code: 'wrong_role' | 'not_your_agent'; readonly message: string };

const ALLOWED: Decision = { allowed: true };

/** May `actor` take `action` (on agent `target`, for the actions about one agent)? */
export function authorize(actor: Actor, action: DeskAction, target?: string): Decision {
  if (ON_AN_AGENT.has(action) && target === undefined) throw new Error(`authorize: ${action} needs the agent it acts on`);
  if (actor.role === 'supervisor') {
    if (!ON_AN_AGENT.has(action) || SUPERVISOR_ON_OTHERS.has(action)) return ALLOWED;
    if (target === actor.userId) {
      return { allowed: false, code: 'wrong_role', message: `a supervisor account takes no calls: ${action} is for agents` };
    }
    return { allowed: false, code: 'wrong_role', message: `${action} is the agent's own step: a supervisor may only log an agent out or pause them` };
  }
  if (SUPERVISOR_ONLY.has(action)) return { allowed: false, code: 'wrong_role', message: `${action} is for supervisors` };
  if (ON_AN_AGENT.has(action) && target !== actor.userId) {
    return { allowed: false, code: 'not_your_agent', message: `agent ${actor.userId} may only act for themselves, not for agent ${String(target)}` };
  }
  return ALLOWED;
}
