// Who may drive the agents' side of /v1 (`/v1/agents...`, `/v1/queue...`), decided at every request before its body
// is read: an integrator's API key with the `agents` scope acts for any agent (a CTI connector); a staff session
// acts as the role table says (`authorize`): an agent for themselves only, a supervisor over the floor, logging an
// agent out or pausing them but never working their calls. The role is the one stored with the session on the
// server; nothing the client sends can change it.

import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ApiKey } from '../../../app/intake/api-keys.js';
import { authorize } from '../../../domain/staff/permissions.js';
import type { DeskAction } from '../../../domain/staff/permissions.js';
import type { StaffSession } from '../../../domain/staff/staff.js';
import { ApiV1Error } from './api-v1-errors.js';
import type { KeyAuth } from './api-key-auth.js';
import { sessionRequired } from './session-auth.js';
import type { SessionAuth } from './session-auth.js';

export type DeskCaller = { readonly kind: 'key'; readonly key: ApiKey } | { readonly kind: 'staff'; readonly session: StaffSession };

export interface DeskAccess {
  /** The onRequest hooks of a route taking `action`, on the agent named by its `agentId` parameter when it has one. */
  hooks(action: DeskAction): onRequestAsyncHookHandler[];
  /** Who a request that passed `hooks` acts as. */
  callerOf(request: FastifyRequest): DeskCaller;
  /** Log fields naming who acted: the key, or the member of staff and their session (never a token). */
  whoFields(request: FastifyRequest): Record<string, string>;
  /** Whether sessions are accepted (staff sign-in is on). */
  readonly sessions: boolean;
}

export function createDeskAccess(keys: KeyAuth, sessions: SessionAuth | undefined): DeskAccess {
  const bySession = new WeakSet<FastifyRequest>();
  const identify: onRequestAsyncHookHandler = async (request, reply) => {
    if (sessions !== undefined && (await sessions.identify(request))) bySession.add(request);
    else await keys.identify.call(request.server, request, reply);
  };
  const limit: onRequestAsyncHookHandler = async (request, reply) => {
    if (sessions !== undefined && bySession.has(request)) await sessions.limit(request, reply);
    else await keys.limit.call(request.server, request, reply);
  };
  const keyScope = keys.requireScope('agents');

  const check = (action: DeskAction): onRequestAsyncHookHandler =>
    async function checkDeskAction(request, reply) {
      if (sessions === undefined || !bySession.has(request)) {
        if (sessions !== undefined && nothingPresented(request)) {
          throw sessionRequired(reply, 'log in (POST /v1/sessions) and send the session as Authorization: Bearer <token> or the hotline_staff cookie, or send an API key with the agents scope');
        }
        return keyScope.call(this, request, reply);
      }
      const session = sessions.require(request, reply);
      const target = (request.params as { agentId?: string } | undefined)?.agentId;
      const decision = authorize({ userId: session.userId, role: session.role }, action, target);
      if (!decision.allowed) {
        throw new ApiV1Error(403, decision.code === 'wrong_role' ? 'WRONG_ROLE' : 'NOT_YOUR_AGENT', decision.message, { action, role: session.role });
      }
    };

  function nothingPresented(request: FastifyRequest): boolean {
    const { authorization } = request.headers;
    return (authorization === undefined || authorization.trim() === '') && request.headers['x-api-key'] === undefined;
  }

  return {
    sessions: sessions !== undefined,
    hooks: (action) => [identify, limit, check(action)],
    callerOf(request) {
      if (sessions !== undefined && bySession.has(request)) return { kind: 'staff', session: sessions.sessionOf(request) };
      return { kind: 'key', key: keys.keyOf(request) };
    },
    whoFields(request): Record<string, string> {
      const caller = this.callerOf(request);
      if (caller.kind === 'key') return { apiKeyId: caller.key.id };
      return { staffId: caller.session.userId, staffRole: caller.session.role, sessionId: caller.session.id };
    },
  };
}

