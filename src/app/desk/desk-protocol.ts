// The messages of the agents' desktop and the supervisor view over their WebSocket (`/desk/socket`), as JSON text
// frames. The server is the only source of truth: on every (re)connection it sends the whole state the page shows
// (`hello`, then `agent`, `call`, `queue` and, for supervisors, `floor`), then each change as it happens; the page
// never keeps state of its own that the server did not send. Every request carries an `id` its reply repeats.
//
// Authentication: the `hotline_staff` session cookie at the upgrade (pages of the gateway's own origin), or, for
// other clients, an `auth` message with the session token as the first frame. Every request is checked against the
// session's role on the server (domain/staff/permissions.ts); a session that expires or is revoked ends the socket
// with an `expired` message and close code 4401.
//
// Refinements made while building the server (app/desk/desk-hub.ts):
// - An agent's own requests may name `agentId`, as the REST API's paths do (`/v1/agents/:agentId/...`): a client that
//   states whom it acts for is refused (`not_your_agent`) when that is not its session's agent, instead of acting for
//   whoever the session happens to be. Absent, the session's own agent is meant.
// - A reply to a frame whose `id` could not be read (not JSON, no id) has `re: null`: the refusal must still be sent.
// - `busy`: more requests are waiting on this socket than a person clicking could send; the request was not done.

import type { AgentView, FloorView, QueueView, ScreenPop } from '../acd/desk-views.js';
import type { StaffRole } from '../../domain/staff/staff.js';

/** Close codes the pages act on. */
export const DESK_CLOSE = {
  /** No valid session (never had one, expired or revoked): the page shows its login form. */
  unauthenticated: 4401,
  /** The session's role may not use this socket (none today: both roles may). */
  forbidden: 4403,
  /** Frames that are not the protocol (not JSON, too big, unknown type): the client is broken. */
  protocol: 4400,
} as const;

export type ClientMessage =
  /** Only as the first frame, when the upgrade carried no session cookie. */
  | { readonly type: 'auth'; readonly token: string }
  /** Join the queue (logged in paused); endpoint and skills default to the staff account's. */
  | { readonly id: string; readonly type: 'login'; readonly agentId?: string; readonly endpoint?: string; readonly skills?: string }
  | { readonly id: string; readonly type: 'logout'; readonly agentId?: string }
  | { readonly id: string; readonly type: 'ready'; readonly agentId?: string }
  | { readonly id: string; readonly type: 'pause'; readonly agentId?: string; readonly reason: string }
  /** The work order of the call in wrap-up, or of `callId` (a call the agent answered earlier). */
  | { readonly id: string; readonly type: 'wrapUp'; readonly agentId?: string; readonly workOrder: Record<string, unknown>; readonly callId?: string }
  | { readonly id: string; readonly type: 'hangup'; readonly agentId?: string }
  /** Back to the queue at its head: for `skill`, or the same skill when absent. */
  | { readonly id: string; readonly type: 'transfer'; readonly agentId?: string; readonly skill?: string }
  /** Supervisors: pause or log out an agent. */
  | { readonly id: string; readonly type: 'pauseAgent'; readonly agentId: string; readonly reason: string }
  | { readonly id: string; readonly type: 'logoutAgent'; readonly agentId: string };

export type ClientRequest = Exclude<ClientMessage, { readonly type: 'auth' }>;

export interface DeskError {
  /** `invalid` (problems name the fields), `not_allowed` (state says why), `unknown_agent`, `wrong_role`,
   * `not_your_agent`, `unavailable` (the gateway holding the call, the queue or the sessions do not answer: try
   * again), `not_your_call`, `unknown_call`, `not_answered`, `bad_request` (not a protocol message: problems name
   * the field), `busy` (too many requests waiting on this socket). */
  readonly code: string;
  readonly message: string;
  readonly state?: string;
  readonly problems?: ReadonlyArray<{ readonly field: string; readonly message: string }>;
}

export type ServerMessage =
  | {
      readonly type: 'hello';
      readonly session: { readonly userId: string; readonly name: string; readonly role: StaffRole; readonly expiresAt: string };
      /** For showing waits that tick between updates without trusting the browser's clock. */
      readonly serverTime: string;
    }
  /** The agent's own state (null: not in the queue). Agents only. */
  | { readonly type: 'agent'; readonly agent: AgentView | null }
  /**
   * The agent's current call: `offered` (ringing), `answered`, `ended` (the agent is in wrap-up: the form stays),
   * or `none` (no call; `pop` null). Agents only.
   */
  | { readonly type: 'call'; readonly phase: 'offered' | 'answered' | 'ended' | 'none'; readonly pop: ScreenPop | null }
  | { readonly type: 'queue'; readonly queue: QueueView }
  /** Supervisors only. */
  | { readonly type: 'floor'; readonly floor: FloorView }
  | { readonly type: 'reply'; readonly re: string; readonly ok: true; readonly agent?: AgentView; readonly workOrder?: { readonly ticket: string; readonly submissionId: string } }
  | { readonly type: 'reply'; readonly re: string | null; readonly ok: false; readonly error: DeskError }
  /** The session ended; the socket closes with 4401 next. */
  | { readonly type: 'expired' };
