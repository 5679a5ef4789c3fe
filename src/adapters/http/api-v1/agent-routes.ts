// `/v1/agents` and `/v1/queue`: integrators with the `agents` scope (a CTI connector, the agents' desktop) drive the
// agents of the gateway's own call queue through the agent desk, the one service that owns agent operations: log in
// and out, ready, pause, and the work order of each answered call. The desk's refusals become the v1 error shape:
// a bad field is 400 naming it, an unknown agent 404, a step the agent's state does not allow 409 with that state.

import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler, preValidationAsyncHookHandler } from 'fastify';
import { AgentRequestError } from '../../../app/acd/agent-desk.js';
import type { AgentDesk } from '../../../app/acd/agent-desk.js';
import { WorkOrderError } from '../../../app/acd/work-orders.js';
import type { Log } from '../../../app/app-ports.js';
import { formatSkills } from '../../../domain/acd/skills.js';
import { agentView, queueView } from '../../../app/acd/desk-views.js';
import type { AgentRecord, Skill } from '../../../domain/acd/types.js';
import { OPENAPI_TAGS } from '../openapi.js';
import { ApiV1Error, invalidFields } from './api-v1-errors.js';
import type { KeyAuth } from './api-key-auth.js';
import {
  AGENT_PARAMS_SCHEMA,
  AGENT_REPLY_SCHEMA,
  AGENTS_REPLY_SCHEMA,
  agentErrorResponses,
  LOGIN_REQUEST_SCHEMA,
  PAUSE_REQUEST_SCHEMA,
  QUEUE_REPLY_SCHEMA,
  TRANSFER_REQUEST_SCHEMA,
  WRAP_UP_REQUEST_SCHEMA,
  WRAP_UP_REPLY_SCHEMA,
} from './agent-schemas.js';
import { KEY_SECURITY } from './api-v1-schemas.js';

export interface AgentRoutesDeps {
  readonly agents: AgentDesk;
  readonly auth: KeyAuth;
  readonly logFor: (request: FastifyRequest) => Log;
}

const SCOPE_NOTE = 'Needs the `agents` scope. Only while the gateway runs its own queue (`ACD=on`).';

export function registerAgentRoutes(app: FastifyInstance, deps: AgentRoutesDeps): void {
  const { agents, auth } = deps;
  const onRequest: onRequestAsyncHookHandler[] = [auth.identify, auth.limit, auth.requireScope('agents')];
  const jsonOnly: preValidationAsyncHookHandler = async (request) => {
    if (request.isMultipart()) throw new ApiV1Error(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Type: send application/json');
  };
  const tags = [OPENAPI_TAGS.agents];
  const done = (request: FastifyRequest, agent: AgentRecord, what: string, extra: Record<string, unknown> = {}): void => {
    deps.logFor(request).info({ agentId: agent.id, state: agent.state, apiKeyId: auth.keyOf(request).id, ...extra }, what);
  };

  app.put(
    '/v1/agents/:agentId/session',
    {
      onRequest,
      preValidation: jsonOnly,
      schema: {
        tags,
        summary: 'Log an agent in',
        description:
          `${SCOPE_NOTE} The agent is logged in paused ("logged in") until they go ready. Logging in again (a new phone or new skills) keeps their state. ` +
          'The agent id, the dial string and each skill are checked: 400 names the one at fault.',
        security: KEY_SECURITY,
        params: AGENT_PARAMS_SCHEMA,
        body: LOGIN_REQUEST_SCHEMA,
        response: { 200: AGENT_REPLY_SCHEMA, ...agentErrorResponses(400, 401, 403, 409, 415, 429) },
      },
    },
    async (request, reply) => {
      const { agentId } = request.params as { agentId: string };
      const body = request.body as { endpoint: string; skills: string | readonly Skill[] };
      const skills = typeof body.skills === 'string' ? body.skills : formatSkills(body.skills);
      const agent = await refused(agents.login({ agentId, endpoint: body.endpoint, skills }));
      done(request, agent, 'agent logged in through the API', { endpoint: agent.endpoint });
      void reply.header('cache-control', 'no-store');
      return { agent: agentView(agent) };
    },
  );

  app.delete(
    '/v1/agents/:agentId/session',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Log an agent out',
        description: `${SCOPE_NOTE} A caller the agent was being offered or talking to is not lost: they go back to the head of the queue.`,
        security: KEY_SECURITY,
        params: AGENT_PARAMS_SCHEMA,
        response: { 200: AGENT_REPLY_SCHEMA, ...agentErrorResponses(401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const { agentId } = request.params as { agentId: string };
      const agent = await refused(agents.logout(agentId));
      done(request, agent, 'agent logged out through the API');
      void reply.header('cache-control', 'no-store');
      return { agent: agentView(agent) };
    },
  );

  app.post(
    '/v1/agents/:agentId/ready',
    {
      onRequest,
      preValidation: jsonOnly,
      schema: {
        tags,
        summary: 'Make an agent ready for calls',
        description: `${SCOPE_NOTE} No body. From paused or wrap-up (ending it early, without a work order); a waiting call the agent may take is offered at once.`,
        security: KEY_SECURITY,
        params: AGENT_PARAMS_SCHEMA,
        response: { 200: AGENT_REPLY_SCHEMA, ...agentErrorResponses(401, 403, 404, 409, 415, 429) },
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
      onRequest,
      preValidation: jsonOnly,
      schema: {
        tags,
        summary: 'Pause an agent, with a reason',
        description: `${SCOPE_NOTE} A paused agent is offered no calls until they go ready.`,
        security: KEY_SECURITY,
        params: AGENT_PARAMS_SCHEMA,
        body: PAUSE_REQUEST_SCHEMA,
        response: { 200: AGENT_REPLY_SCHEMA, ...agentErrorResponses(400, 401, 403, 404, 409, 415, 429) },
      },
    },
    async (request, reply) => {
      const { agentId } = request.params as { agentId: string };
      const { reason } = request.body as { reason: string };
      const agent = await refused(agents.pause(agentId, reason));
      done(request, agent, 'agent paused through the API', { reason: agent.reason });
      void reply.header('cache-control', 'no-store');
      return { agent: agentView(agent) };
    },
  );

  app.post(
    '/v1/agents/:agentId/wrap-up',
    {
      onRequest,
      preValidation: jsonOnly,
      schema: {
        tags,
        summary: "File the work order of the agent's call",
        description:
          `${SCOPE_NOTE} Every answered call is a work order, as the regulations require. Without \`callId\`, the call the agent is wrapping up: it is filed and the agent is ready for the next call. ` +
          'With `callId`, a call the agent answered earlier. Filing the same call again (a retry) answers with the same ticket. ' +
          'The form is checked as a whole (`department` only with `dispatched`, `repeatOf` only with `repeat`): 400 names each field at fault.',
        security: KEY_SECURITY,
        params: AGENT_PARAMS_SCHEMA,
        body: WRAP_UP_REQUEST_SCHEMA,
        response: { 200: WRAP_UP_REPLY_SCHEMA, ...agentErrorResponses(400, 401, 403, 404, 409, 415, 429) },
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
      onRequest,
      preValidation: jsonOnly,
      schema: {
        tags,
        summary: "End the agent's call from the desk",
        description: `${SCOPE_NOTE} No body. Only while the agent is on a call: their leg is hung up, the caller hears the survey (when on), the agent goes to wrap-up.`,
        security: KEY_SECURITY,
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
      onRequest,
      preValidation: jsonOnly,
      schema: {
        tags,
        summary: "Put the agent's caller back in the queue, at its head, for the same or another skill",
        description: `${SCOPE_NOTE} Only while the agent is on a call. The agent goes to wrap-up (ending it with \`ready\`: the agent who finishes the call files its work order); the caller waits again at the head of the queue.`,
        security: KEY_SECURITY,
        params: AGENT_PARAMS_SCHEMA,
        body: TRANSFER_REQUEST_SCHEMA,
        response: { 202: AGENT_REPLY_SCHEMA, ...agentErrorResponses(400, 401, 403, 404, 409, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { agentId } = request.params as { agentId: string };
      const skill = (request.body as { skill?: string | null } | undefined)?.skill ?? null;
      const agent = await refused(agents.transfer(agentId, skill));
      done(request, agent, 'agent transferred the caller through the API', { skill });
      return reply.code(202).header('cache-control', 'no-store').send({ agent: agentView(agent) });
    },
  );

  app.get(
    '/v1/agents',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Every agent known to the queue, with their state',
        description: `${SCOPE_NOTE} Agents of every gateway of the hotline (they share one pool).`,
        security: KEY_SECURITY,
        response: { 200: AGENTS_REPLY_SCHEMA, ...agentErrorResponses(401, 403, 429) },
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
      onRequest,
      schema: {
        tags,
        summary: 'One agent, with their state',
        description: SCOPE_NOTE,
        security: KEY_SECURITY,
        params: AGENT_PARAMS_SCHEMA,
        response: { 200: AGENT_REPLY_SCHEMA, ...agentErrorResponses(401, 403, 404, 429) },
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
      onRequest,
      schema: {
        tags,
        summary: "The queue's figures: waiting callers, agents by state, today's counts and service level",
        description: `${SCOPE_NOTE} Shared by every gateway of the hotline; the same counters feed /metrics.`,
        security: KEY_SECURITY,
        response: { 200: QUEUE_REPLY_SCHEMA, ...agentErrorResponses(401, 403, 429) },
      },
    },
    async (_request, reply) => {
      void reply.header('cache-control', 'no-store');
      return queueView(await agents.stats());
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

