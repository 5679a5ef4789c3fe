// `/v1/agents` and `/v1/queue`: integrators with the `agents` scope (a CTI connector) and agents and supervisors with a
// staff session (the desktop, or their own scripts) drive the agents of the gateway's own call queue through the
// agent desk, the one service that owns agent operations: log in and out, ready, pause, and the work order of each
// answered call. Who may take each step is decided before the body is read (`desk-access.ts`). The desk's refusals
// become the v1 error shape: a bad field is 400 naming it, an unknown agent 404, a step the agent's state does not
// allow 409 with that state.

import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { AgentRequestError } from '../../../app/acd/agent-desk.js';
import type { AgentDesk } from '../../../app/acd/agent-desk.js';
import { WorkOrderError } from '../../../app/acd/work-orders.js';
import type { Log } from '../../../app/app-ports.js';
import type { StaffAuth } from '../../../app/staff/staff-auth.js';
import { formatSkills } from '../../../domain/acd/skills.js';
import { agentView, queueView } from '../../../app/acd/desk-views.js';
import type { DeskViews } from '../../../app/acd/desk-views.js';
import type { AgentRecord, Skill } from '../../../domain/acd/types.js';
import { authorize } from '../../../domain/staff/permissions.js';
import type { DeskAction } from '../../../domain/staff/permissions.js';
import { OPENAPI_TAGS } from '../openapi.js';
import { ApiV1Error, invalidFields } from './api-v1-errors.js';
import type { FieldProblem } from './api-v1-errors.js';
import type { DeskAccess } from './desk-access.js';
import {
  AGENT_PARAMS_SCHEMA,
  AGENT_REPLY_SCHEMA,
  AGENTS_REPLY_SCHEMA,
  agentErrorResponses,
  LOGIN_REQUEST_SCHEMA,
  PAUSE_REQUEST_SCHEMA,
  QUEUE_REPLY_SCHEMA,
  SCREEN_POP_REPLY_SCHEMA,
  TRANSFER_REQUEST_SCHEMA,
  WAITING_CALLS_REPLY_SCHEMA,
  WRAP_UP_REQUEST_SCHEMA,
  WRAP_UP_REPLY_SCHEMA,
} from './agent-schemas.js';
import { DESK_SECURITY } from './session-schemas.js';

export interface AgentRoutesDeps {
  readonly agents: AgentDesk;
  /** What the desk shows: an agent's screen pop (`/v1/agents/:agentId/call`) and the waiting calls (`/v1/queue/calls`). */
  readonly views: DeskViews;
  /** Who may take each step: an API key with `agents`, or a staff session as its role allows. */
  readonly access: DeskAccess;
  /** An agent logging in to the queue from a session without a phone or skills gets those of their staff account. */
  readonly staff?: StaffAuth;
  readonly logFor: (request: FastifyRequest) => Log;
}

const QUEUE_NOTE = 'Only while the gateway runs its own queue (`ACD=on`).';

/** Who may take `action`, in words, read from the role table itself so that the document cannot disagree with it. */
export function whoMay(action: DeskAction): string {
  const about = action.startsWith('agent.');
  const target = about ? 'a' : undefined;
  const agentMay = authorize({ userId: 'a', role: 'agent' }, action, target).allowed;
  const supervisorMay = authorize({ userId: 's', role: 'supervisor' }, action, target).allowed;
  let sessions = 'no staff session';
  if (agentMay && supervisorMay) {
    sessions = about ? 'a staff session of the agent themselves or of a supervisor (another agent: 403 `NOT_YOUR_AGENT`)' : "any staff session, an agent's or a supervisor's";
  } else if (agentMay) {
    sessions = about ? 'a staff session of the agent themselves (another agent: 403 `NOT_YOUR_AGENT`; a supervisor: 403 `WRONG_ROLE`)' : "an agent's staff session (a supervisor's: 403 `WRONG_ROLE`)";
  } else if (supervisorMay) {
    sessions = "a supervisor's staff session (an agent's: 403 `WRONG_ROLE`)";
  }
  return `An API key with the \`agents\` scope (acting for any agent), or ${sessions}. ${QUEUE_NOTE}`;
}

export function registerAgentRoutes(app: FastifyInstance, deps: AgentRoutesDeps): void {
  const { agents, access, views } = deps;
  const jsonOnly: preValidationAsyncHookHandler = async (request) => {
    if (request.isMultipart()) throw new ApiV1Error(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Type: send application/json');
  };
  /** For routes whose body fields are all optional: no body at all is the empty one. */
  const bodyOptional: preValidationAsyncHookHandler = async (request, reply) => {
    await jsonOnly.call(request.server, request, reply);
    request.body ??= {};
  };
  const tags = [OPENAPI_TAGS.agents];
  const security = DESK_SECURITY;
  const onRequest = (action: DeskAction) => access.hooks(action);
  const done = (request: FastifyRequest, agent: AgentRecord, what: string, extra: Record<string, unknown> = {}): void => {
    deps.logFor(request).info({ agentId: agent.id, state: agent.state, ...access.whoFields(request), ...extra }, what);
  };
  /** A supervisor's step on an agent who is not them: logged as theirs. */
  const bySupervisor = (request: FastifyRequest, agentId: string): boolean => {
    const caller = access.callerOf(request);
    return caller.kind === 'staff' && caller.session.role === 'supervisor' && caller.session.userId !== agentId;
  };
  /**
   * The phone and skills of a login: the body's; from an agent's own session, what the body leaves out comes from
   * their staff account. 400 naming each field that neither gives.
   */
  const loginDefaults = async (request: FastifyRequest, agentId: string, given: { endpoint?: string | undefined; skills?: string | undefined }): Promise<{ endpoint: string; skills: string }> => {
    const bySession = access.callerOf(request).kind === 'staff';
    const incomplete = given.endpoint === undefined || given.skills === undefined;
    const account = bySession && incomplete && deps.staff !== undefined ? await deps.staff.account(agentId) : null;
    const endpoint = given.endpoint ?? account?.endpoint ?? undefined;
    const skills = given.skills ?? account?.skills ?? undefined;
    const missing = (option: string): string =>
      bySession ? `is required: staff account ${agentId} has none to default to (set it with hotline-gateway staff add ${agentId} ... ${option})` : 'is required';
    const problems: FieldProblem[] = [];
    if (endpoint === undefined) problems.push({ field: 'endpoint', message: missing('--endpoint PJSIP/1001') });
    if (skills === undefined) problems.push({ field: 'skills', message: missing('--skills consultation:1,zh:1') });
    if (endpoint === undefined || skills === undefined) throw invalidFields(problems, 'request body');
    return { endpoint, skills };
  };

  app.put(
    '/v1/agents/:agentId/session',
    {
      onRequest: onRequest('agent.login'),
      preValidation: bodyOptional,
      schema: {
        tags,
        summary: 'Log an agent in',
        description:
          `${whoMay('agent.login')} The agent is logged in paused ("logged in") until they go ready. Logging in again (a new phone or new skills) keeps their state. ` +
          'The agent id, the dial string and each skill are checked: 400 names the one at fault. ' +
          "With an agent's session, `endpoint` and `skills` default to those of their staff account (`hotline-gateway staff add --endpoint --skills`).",
        security,
        params: AGENT_PARAMS_SCHEMA,
        body: LOGIN_REQUEST_SCHEMA,
        response: { 200: AGENT_REPLY_SCHEMA, ...agentErrorResponses(400, 401, 403, 409, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { agentId } = request.params as { agentId: string };
      const body = request.body as { endpoint?: string; skills?: string | readonly Skill[] };
      const given = { endpoint: body.endpoint, skills: body.skills === undefined || typeof body.skills === 'string' ? body.skills : formatSkills(body.skills) };
      const { endpoint, skills } = await loginDefaults(request, agentId, given);
      const agent = await refused(agents.login({ agentId, endpoint, skills }));
      done(request, agent, 'agent logged in through the API', { endpoint: agent.endpoint });
      void reply.header('cache-control', 'no-store');
      return { agent: agentView(agent) };
    },
  );

  app.delete(
    '/v1/agents/:agentId/session',
    {
      onRequest: onRequest('agent.logout'),
      schema: {
        tags,
        summary: 'Log an agent out',
        description: `${whoMay('agent.logout')} A caller the agent was being offered or talking to is not lost: they go back to the head of the queue. A supervisor's logout is logged as theirs.`,
        security,
        params: AGENT_PARAMS_SCHEMA,
        response: { 200: AGENT_REPLY_SCHEMA, ...agentErrorResponses(401, 403, 404, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      const { agentId } = request.params as { agentId: string };
      const agent = await refused(agents.logout(agentId));
      done(request, agent, bySupervisor(request, agentId) ? 'a supervisor logged the agent out' : 'agent logged out through the API');
      void reply.header('cache-control', 'no-store');
      return { agent: agentView(agent) };
    },
  );

  app.post(
    '/v1/agents/:agentId/ready',
    {
      onRequest: onRequest('agent.ready'),
      preValidation: jsonOnly,
      schema: {
        tags,
        summary: 'Make an agent ready for calls',
        description: `${whoMay('agent.ready')} No body. From paused or wrap-up (ending it early, without a work order); a waiting call the agent may take is offered at once.`,
        security,
        params: AGENT_PARAMS_SCHEMA,
        response: { 200: AGENT_REPLY_SCHEMA, ...agentErrorResponses(401, 403, 404, 409, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { agentId } = request.params as { agentId: string };
      const agent = await refused(agents.ready(agentId));
      done(request, agent, 'agent ready through the API');
      void reply.header('cache-control', 'no-store');
      return { agent: agentView(agent) };
    },
  );

  app.post(
    '/v1/agents/:agentId/pause',
    {
      onRequest: onRequest('agent.pause'),
      preValidation: jsonOnly,
      schema: {
        tags,
        summary: 'Pause an agent, with a reason',
        description: `${whoMay('agent.pause')} A paused agent is offered no calls until they go ready. A supervisor's pause is logged as theirs.`,
        security,
        params: AGENT_PARAMS_SCHEMA,
        body: PAUSE_REQUEST_SCHEMA,
        response: { 200: AGENT_REPLY_SCHEMA, ...agentErrorResponses(400, 401, 403, 404, 409, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { agentId } = request.params as { agentId: string };
      const { reason } = request.body as { reason: string };
      const agent = await refused(agents.pause(agentId, reason));
      done(request, agent, bySupervisor(request, agentId) ? 'a supervisor paused the agent' : 'agent paused through the API', { reason: agent.reason });
      void reply.header('cache-control', 'no-store');
      return { agent: agentView(agent) };
    },
  );

  app.post(
    '/v1/agents/:agentId/wrap-up',
    {
      onRequest: onRequest('agent.wrapUp'),
      preValidation: jsonOnly,
      schema: {
        tags,
        summary: "File the work order of the agent's call",
        description:
          `${whoMay('agent.wrapUp')} Every answered call is a work order, as the regulations require. Without \`callId\`, the call the agent is wrapping up: it is filed and the agent is ready for the next call. ` +
          'With `callId`, a call the agent answered earlier. Filing the same call again (a retry) answers with the same ticket. ' +
          'The form is checked as a whole (`department` only with `dispatched`, `repeatOf` only with `repeat`): 400 names each field at fault.',
        security,
        params: AGENT_PARAMS_SCHEMA,
        body: WRAP_UP_REQUEST_SCHEMA,
        response: { 200: WRAP_UP_REPLY_SCHEMA, ...agentErrorResponses(400, 401, 403, 404, 409, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { agentId } = request.params as { agentId: string };
      const body = request.body as { workOrder: Record<string, unknown>; callId?: string };
      const { agent, order } = await refused(agents.wrapUp(agentId, body.workOrder, body.callId), 'workOrder');
      done(request, agent, 'work order filed through the API', { ticket: order.ticket, ...(body.callId === undefined ? {} : { callId: body.callId }) });
      void reply.header('cache-control', 'no-store');
      return { agent: agentView(agent), workOrder: { submissionId: order.submissionId, ticket: order.ticket } };
    },
  );

  app.post(
    '/v1/agents/:agentId/hangup',
    {
      onRequest: onRequest('agent.hangup'),
      preValidation: jsonOnly,
      schema: {
        tags,
        summary: "End the agent's call from the desk",
        description: `${whoMay('agent.hangup')} No body. Only while the agent is on a call: their leg is hung up, the caller hears the survey (when on), the agent goes to wrap-up.`,
        security,
        params: AGENT_PARAMS_SCHEMA,
        response: { 202: AGENT_REPLY_SCHEMA, ...agentErrorResponses(401, 403, 404, 409, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { agentId } = request.params as { agentId: string };
      const agent = await refused(agents.hangup(agentId));
      done(request, agent, 'agent hung up through the API');
      return reply.code(202).header('cache-control', 'no-store').send({ agent: agentView(agent) });
    },
  );

  app.post(
    '/v1/agents/:agentId/transfer',
    {
      onRequest: onRequest('agent.transfer'),
      preValidation: bodyOptional,
      schema: {
        tags,
        summary: "Put the agent's caller back in the queue, at its head, for the same or another skill",
        description: `${whoMay('agent.transfer')} Only while the agent is on a call. The agent goes to wrap-up (ending it with \`ready\`: the agent who finishes the call files its work order); the caller waits again at the head of the queue.`,
        security,
        params: AGENT_PARAMS_SCHEMA,
        body: TRANSFER_REQUEST_SCHEMA,
        response: { 202: AGENT_REPLY_SCHEMA, ...agentErrorResponses(400, 401, 403, 404, 409, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { agentId } = request.params as { agentId: string };
      const skill = (request.body as { skill?: string | null }).skill ?? null;
      const agent = await refused(agents.transfer(agentId, skill));
      done(request, agent, 'agent transferred the caller through the API', { skill });
      return reply.code(202).header('cache-control', 'no-store').send({ agent: agentView(agent) });
    },
  );

  app.get(
    '/v1/agents',
    {
      onRequest: onRequest('agents.list'),
      schema: {
        tags,
        summary: 'Every agent known to the queue, with their state',
        description: `${whoMay('agents.list')} Agents of every gateway of the hotline (they share one pool).`,
        security,
        response: { 200: AGENTS_REPLY_SCHEMA, ...agentErrorResponses(401, 403, 429, 503) },
      },
    },
    async (_request, reply) => {
      void reply.header('cache-control', 'no-store');
      return { agents: (await agents.agents()).map(agentView) };
    },
  );

  app.get(
    '/v1/agents/:agentId',
    {
      onRequest: onRequest('agent.read'),
      schema: {
        tags,
        summary: 'One agent, with their state',
        description: whoMay('agent.read'),
        security,
        params: AGENT_PARAMS_SCHEMA,
        response: { 200: AGENT_REPLY_SCHEMA, ...agentErrorResponses(401, 403, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { agentId } = request.params as { agentId: string };
      const agent = await agents.agent(agentId);
      void reply.header('cache-control', 'no-store');
      if (agent === null) throw unknownAgent(agentId);
      return { agent: agentView(agent) };
    },
  );

  app.get(
    '/v1/queue',
    {
      onRequest: onRequest('queue.read'),
      schema: {
        tags,
        summary: "The queue's figures: waiting callers, agents by state, today's counts and service level",
        description: `${whoMay('queue.read')} Shared by every gateway of the hotline; the same counters feed /metrics.`,
        security,
        response: { 200: QUEUE_REPLY_SCHEMA, ...agentErrorResponses(401, 403, 429, 503) },
      },
    },
    async (_request, reply) => {
      void reply.header('cache-control', 'no-store');
      return queueView(await agents.stats());
    },
  );

  app.get(
    '/v1/queue/calls',
    {
      onRequest: onRequest('floor.watch'),
      schema: {
        tags,
        summary: 'The calls waiting for an agent, with how long each has waited',
        description: `${whoMay('floor.watch')} The supervisor view's list: every gateway's waiting callers, longest-waiting first. No caller numbers.`,
        security,
        response: { 200: WAITING_CALLS_REPLY_SCHEMA, ...agentErrorResponses(401, 403, 429, 503) },
      },
    },
    async (_request, reply) => {
      void reply.header('cache-control', 'no-store');
      return { calls: await views.waitingCalls() };
    },
  );

  app.get(
    '/v1/agents/:agentId/call',
    {
      onRequest: onRequest('agent.read'),
      schema: {
        tags,
        summary: "The screen pop of the agent's current call",
        description:
          `${whoMay('agent.read')} While a call is offered to the agent, rings, is answered or wrapped up: the masked caller number, the IVR path, ` +
          "the matter and language chosen, the time waited, and that number's earlier contacts on every channel and open cases with their status. " +
          '404 `NO_CALL` when the agent has none.',
        security,
        params: AGENT_PARAMS_SCHEMA,
        response: { 200: SCREEN_POP_REPLY_SCHEMA, ...agentErrorResponses(401, 403, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { agentId } = request.params as { agentId: string };
      void reply.header('cache-control', 'no-store');
      const agent = await views.agent(agentId);
      if (agent === null) throw unknownAgent(agentId);
      // An agent on the call has answered it, even before the call's record notes the answer (once bridged).
      const pop = agent.callId === null ? null : await views.screenPop(agent.callId, agent.state === 'onCall' ? Date.parse(agent.since) : undefined);
      if (pop === null) throw new ApiV1Error(404, 'NO_CALL', `agent ${agentId} has no call now (they are ${agent.state})`, { state: agent.state });
      deps.logFor(request).debug({ agentId, callId: pop.callId, ...access.whoFields(request) }, 'screen pop read through the API');
      return { call: pop };
    },
  );
}

/** The desk's answer, or its refusal as the v1 error; `prefix` places the desk's field names in the body. */
async function refused<T>(work: Promise<T>, prefix?: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AgentRequestError) {
      switch (err.code) {
        case 'invalid':
          throw invalidFields(
            err.problems.map((p) => ({ field: prefix === undefined ? p.field : `${prefix}.${p.field}`, message: p.message })),
            'request',
          );
        case 'unknown_agent':
          throw new ApiV1Error(404, 'UNKNOWN_AGENT', err.message);
        case 'not_allowed':
          throw new ApiV1Error(409, 'NOT_ALLOWED', err.message, err.state === undefined ? {} : { state: err.state });
        case 'unavailable':
          throw new ApiV1Error(503, 'GATEWAY_UNAVAILABLE', err.message);
      }
    }
    if (err instanceof WorkOrderError) {
      const status = { unknown_call: 404, not_answered: 409, not_your_call: 403 }[err.code];
      throw new ApiV1Error(status, err.code.toUpperCase(), err.message);
    }
    throw err;
  }
}

function unknownAgent(agentId: string): ApiV1Error {
  return new ApiV1Error(404, 'UNKNOWN_AGENT', `no agent ${agentId} is known to the queue`);
}

