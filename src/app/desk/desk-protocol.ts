// The messages of the agents' desktop and the supervisor view over their WebSocket (`/desk/socket`), as JSON text
// frames. The server is the only source of truth: on every (re)connection it sends the whole state the page shows
// (`hello`, then `agent`, `call`, `queue` and, for supervisors, `floor`), then each change as it happens; the page
// never keeps state of its own that the server did not send. Every request carries an `id` its reply repeats.
//
// Authentication: the `hotline_staff` session cookie at the upgrade (pages of the gateway's own origin), or, for
// other clients, an `auth` message with the session token as the first frame. Every request is checked against the
// session's role on the server (domain/staff/permissions.ts); a session that expires or is revoked ends the socket
// with an `expired` message and close code 4401.

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
  | { readonly id: string; readonly type: 'login'; readonly endpoint?: string; readonly skills?: string }
  | { readonly id: string; readonly type: 'logout' }
  | { readonly id: string; readonly type: 'ready' }
  | { readonly id: string; readonly type: 'pause'; readonly reason: string }
  /** The work order of the call in wrap-up, or of `callId` (a call the agent answered earlier). */
  | { readonly id: string; readonly type: 'wrapUp'; readonly workOrder: Record<string, unknown>; readonly callId?: string }
  | { readonly id: string; readonly type: 'hangup' }
  /** Back to the queue at its head: for `skill`, or the same skill when absent. */
  | { readonly id: string; readonly type: 'transfer'; readonly skill?: string }
  /** Supervisors: pause or log out an agent. */
  | { readonly id: string; readonly type: 'pauseAgent'; readonly agentId: string; readonly reason: string }
  | { readonly id: string; readonly type: 'logoutAgent'; readonly agentId: string };

export type ClientRequest = Exclude<ClientMessage, { readonly type: 'auth' }>;

export interface DeskError {
  /** `invalid` (problems name the fields), `not_allowed` (state says why), `unknown_agent`, `wrong_role`,
   * `not_your_agent`, `unavailable` (the gateway holding the call does not answer), `not_your_call`, `unknown_call`,
   * `not_answered`, `bad_request` (not a protocol message). */
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
  | { readonly type: 'reply'; readonly re: string; readonly ok: false; readonly error: DeskError }
  /** The session ended; the socket closes with 4401 next. */
  | { readonly type: 'expired' };
