// What one request of the desk's socket does: checked against the session's role first (the page's buttons are a
// convenience, this is the rule), then handed to the agent desk, the one service that owns agent operations, so the
// socket refuses exactly what the REST API refuses. The desk's refusals become the protocol's error codes.

import { AgentRequestError } from '../acd/agent-desk.js';
import type { AgentDesk } from '../acd/agent-desk.js';
import { agentView } from '../acd/desk-views.js';
import { WorkOrderError } from '../acd/work-orders.js';
import type { Log } from '../app-ports.js';
import { authorize } from '../../domain/staff/permissions.js';
import type { DeskAction } from '../../domain/staff/permissions.js';
import type { AgentRecord } from '../../domain/acd/types.js';
import type { StaffAccount, StaffSession } from '../../domain/staff/staff.js';
import type { ClientRequest, DeskError, ServerMessage } from './desk-protocol.js';

export type DeskAgentOps = Pick<AgentDesk, 'login' | 'logout' | 'ready' | 'pause' | 'wrapUp' | 'hangup' | 'transfer'>;

export interface DeskRequestsDeps {
  readonly agents: DeskAgentOps;
  /** The staff account, for the phone and skills an agent logs in with when the request names none. */
  readonly account: (userId: string) => Promise<StaffAccount | null>;
}

export type DeskReply = Extract<ServerMessage, { type: 'reply' }>;

const ACTION: Readonly<Record<ClientRequest['type'], DeskAction>> = {
  login: 'agent.login',
  logout: 'agent.logout',
  ready: 'agent.ready',
  pause: 'agent.pause',
  wrapUp: 'agent.wrapUp',
  hangup: 'agent.hangup',
  transfer: 'agent.transfer',
  pauseAgent: 'agent.pause',
  logoutAgent: 'agent.logout',
};

export class DeskRequests {
  constructor(private readonly deps: DeskRequestsDeps) {}

  /** The reply to `request`, made by the holder of `session` (already checked to be live). Never rejects. */
  async handle(session: StaffSession, request: ClientRequest, log: Log): Promise<DeskReply> {
    const re = request.id;
    const supervisorStep = request.type === 'pauseAgent' || request.type === 'logoutAgent';
    if (supervisorStep && session.role !== 'supervisor') {
      return refusal(re, { code: 'wrong_role', message: `${request.type} is for supervisors: an agent pauses or logs out themselves with pause or logout` });
    }
    const target = request.agentId ?? session.userId;
    const decision = authorize({ userId: session.userId, role: session.role }, ACTION[request.type], target);
    if (!decision.allowed) {
      log.info({ type: request.type, agentId: target, code: decision.code }, 'desk request refused by role');
      return refusal(re, { code: decision.code, message: decision.message });
    }
    try {
      return await this.perform(session, request, target, log);
    } catch (err) {
      return refusal(re, this.deskError(err, request, log));
    }
  }

  private async perform(session: StaffSession, request: ClientRequest, agentId: string, log: Log): Promise<DeskReply> {
    const { agents } = this.deps;
    const done = (agent: AgentRecord, extra: Record<string, unknown> = {}): DeskReply => {
      log.info({ type: request.type, agentId, state: agent.state, ...extra }, 'desk request done');
      return { type: 'reply', re: request.id, ok: true, agent: agentView(agent) };
    };
    switch (request.type) {
      case 'login': {
        const account = request.endpoint === undefined || request.skills === undefined ? await this.deps.account(session.userId) : null;
        const endpoint = request.endpoint ?? account?.endpoint ?? null;
        const skills = request.skills ?? account?.skills ?? null;
        const missing = [
          ...(endpoint === null ? [{ field: 'endpoint', message: 'required: the staff account names no phone (such as PJSIP/1001)' }] : []),
          ...(skills === null ? [{ field: 'skills', message: 'required: the staff account names no skills (such as consultation:5, zh:5)' }] : []),
        ];
        if (endpoint === null || skills === null) {
          return refusal(request.id, { code: 'invalid', message: missing.map((p) => `${p.field}: ${p.message}`).join('; '), problems: missing });
        }
        return done(await agents.login({ agentId, endpoint, skills }), { endpoint });
      }
      case 'logout':
        return done(await agents.logout(agentId));
      case 'ready':
        return done(await agents.ready(agentId));
      case 'pause':
        return done(await agents.pause(agentId, request.reason), { reason: request.reason });
      case 'hangup':
        return done(await agents.hangup(agentId));
      case 'transfer':
        return done(await agents.transfer(agentId, request.skill ?? null), { skill: request.skill ?? null });
      case 'wrapUp': {
        const { agent, order } = await agents.wrapUp(agentId, request.workOrder, request.callId);
        log.info({ type: request.type, agentId, state: agent.state, ticket: order.ticket, submissionId: order.submissionId }, 'desk request done');
        return { type: 'reply', re: request.id, ok: true, agent: agentView(agent), workOrder: { ticket: order.ticket, submissionId: order.submissionId } };
      }
      case 'pauseAgent': {
        const agent = await agents.pause(agentId, request.reason);
        log.info({ agentId, supervisorId: session.userId, reason: request.reason, state: agent.state }, 'supervisor paused an agent');
        return { type: 'reply', re: request.id, ok: true, agent: agentView(agent) };
      }
      case 'logoutAgent': {
        const agent = await agents.logout(agentId);
        log.info({ agentId, supervisorId: session.userId, state: agent.state }, 'supervisor logged an agent out');
        return { type: 'reply', re: request.id, ok: true, agent: agentView(agent) };
      }
    }
  }

  private deskError(err: unknown, request: ClientRequest, log: Log): DeskError {
    if (err instanceof AgentRequestError) {
      // The work order's fields are named where the request has them.
      const problems = request.type === 'wrapUp' ? err.problems.map((p) => ({ ...p, field: `workOrder.${p.field}` })) : err.problems;
      return {
        code: err.code,
        message: problems.length > 0 ? problems.map((p) => `${p.field}: ${p.message}`).join('; ') : err.message,
        ...(err.state === undefined ? {} : { state: err.state }),
        ...(problems.length === 0 ? {} : { problems }),
      };
    }
    if (err instanceof WorkOrderError) return { code: err.code, message: err.message };
    log.error({ err, type: request.type }, 'desk request failed');
    return { code: 'unavailable', message: 'the queue could not be reached: try again' };
  }
}

function refusal(re: string | null, error: DeskError): DeskReply {
  return { type: 'reply', re, ok: false, error };
}
