// `/v1/flags`: supervisors flag and unflag identities (a phone number, a WeChat openid, an email address, an IP
// address) through a key with the `supervise` scope, the same desk the `hotline-gateway flag` command uses. Every
// change lands in the audit log with the key that made it.

import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { FlagRequestError } from '../../../app/limits/flag-desk.js';
import type { FlagDesk } from '../../../app/limits/flag-desk.js';
import type { Flag } from '../../../app/limits/flag-ports.js';
import { IDENTITY_KINDS } from '../../../domain/limits/identity.js';
import { ApiV1Error } from './api-v1-errors.js';
import type { KeyAuth } from './api-key-auth.js';
import { errorResponses, KEY_SECURITY } from './api-v1-schemas.js';

export const TAG_SUPERVISION = 'supervision';

const IDENTITY_SCHEMA = {
  type: 'object',
  required: ['kind', 'value'],
  properties: {
    kind: { type: 'string', enum: [...IDENTITY_KINDS] },
    value: { type: 'string', description: 'As the channels see it: digits of a phone number (+86 dropped before a mobile number), an openid, a lower-case email address, an IP address (IPv6: its /64).' },
  },
} as const;

const FLAG_SCHEMA = {
  type: 'object',
  required: ['identity', 'reason', 'by', 'at', 'expiresAt'],
  properties: {
    identity: IDENTITY_SCHEMA,
    reason: { type: 'string' },
    by: { type: 'string', description: 'Who flagged: `key:<id> (<name>)` through this API, the supervisor\'s name on the CLI.' },
    at: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const;

const AUDIT_ENTRY_SCHEMA = {
  type: 'object',
  required: ['id', 'action', 'identity', 'reason', 'by', 'at'],
  properties: {
    id: { type: 'string', description: 'Position in the audit log.' },
    action: { type: 'string', enum: ['flag', 'unflag'] },
    identity: IDENTITY_SCHEMA,
    reason: { type: 'string' },
    by: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const;

const FLAG_REQUEST_SCHEMA = {
  type: 'object',
  required: ['kind', 'value', 'reason', 'forSeconds'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: [...IDENTITY_KINDS] },
    value: { type: 'string', minLength: 1, maxLength: 320 },
    reason: { type: 'string', minLength: 1, maxLength: 500 },
    forSeconds: { type: 'integer', minimum: 60, maximum: 366 * 86_400, description: 'How long the flag lasts.' },
  },
} as const;

const UNFLAG_PARAMS_SCHEMA = {
  type: 'object',
  required: ['kind', 'value'],
  properties: { kind: { type: 'string', enum: [...IDENTITY_KINDS] }, value: { type: 'string', minLength: 1, maxLength: 320 } },
} as const;

const FLAG_DESCRIPTION =
  'A flagged identity gets `FAIR_USE_FLAGGED_PER_HOUR` submissions an hour on every internet channel (0: none), instead of its usual budget, until the flag expires; ' +
  'a submission the gateway classifies as an emergency always goes through. Needs the `supervise` scope.';

export function registerFlagRoutes(app: FastifyInstance, deps: { readonly desk: FlagDesk; readonly auth: KeyAuth }): void {
  const { desk, auth } = deps;
  const supervised: onRequestAsyncHookHandler[] = [auth.identify, auth.limit, auth.requireScope('supervise')];
  const who = (request: FastifyRequest): string => {
    const key = auth.keyOf(request);
    return `key:${key.id} (${key.name})`;
  };
  const refusal = (err: unknown): unknown =>
    err instanceof FlagRequestError ? new ApiV1Error(400, 'VALIDATION_FAILED', `invalid request body: ${err.message}`, { problems: [{ field: err.field, message: err.problem }] }) : err;

  app.get(
    '/v1/flags',
    {
      onRequest: supervised,
      schema: {
        tags: [TAG_SUPERVISION],
        summary: 'List the flags in force',
        description: FLAG_DESCRIPTION,
        security: KEY_SECURITY,
        response: { 200: { type: 'object', required: ['flags'], properties: { flags: { type: 'array', items: FLAG_SCHEMA } } }, ...errorResponses(401, 403, 429) },
      },
    },
    async (_request, reply) => {
      void reply.header('cache-control', 'no-store');
      return { flags: (await desk.list()).map(flagView) };
    },
  );

  app.post(
    '/v1/flags',
    {
      onRequest: supervised,
      schema: {
        tags: [TAG_SUPERVISION],
        summary: 'Flag an identity',
        description: `${FLAG_DESCRIPTION} Flagging an identity again replaces its flag. Written to the audit log with the key that made it.`,
        security: KEY_SECURITY,
        body: FLAG_REQUEST_SCHEMA,
        response: { 201: { type: 'object', required: ['flag'], properties: { flag: FLAG_SCHEMA } }, ...errorResponses(400, 401, 403, 415, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body as { kind: string; value: string; reason: string; forSeconds: number };
      try {
        const flag = await desk.flag({ kind: body.kind, value: body.value, reason: body.reason, by: who(request), forMs: body.forSeconds * 1000 });
        return reply.code(201).header('cache-control', 'no-store').send({ flag: flagView(flag) });
      } catch (err) {
        throw refusal(err);
      }
    },
  );

  app.delete(
    '/v1/flags/:kind/:value',
    {
      onRequest: supervised,
      schema: {
        tags: [TAG_SUPERVISION],
        summary: 'Unflag an identity',
        description: 'Needs the `supervise` scope and a `reason`; written to the audit log with the key that made it. `removed` is the flag that was in force, or null.',
        security: KEY_SECURITY,
        params: UNFLAG_PARAMS_SCHEMA,
        querystring: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } } },
        response: { 200: { type: 'object', required: ['removed'], properties: { removed: { anyOf: [FLAG_SCHEMA, { type: 'null' }] } } }, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const { kind, value } = request.params as { kind: string; value: string };
      const { reason } = request.query as { reason: string };
      try {
        const removed = await desk.unflag({ kind, value, reason, by: who(request) });
        return reply.header('cache-control', 'no-store').send({ removed: removed === null ? null : flagView(removed) });
      } catch (err) {
        throw refusal(err);
      }
    },
  );

  app.get(
    '/v1/flags/audit',
    {
      onRequest: supervised,
      schema: {
        tags: [TAG_SUPERVISION],
        summary: 'Read the flag audit log, newest first',
        description: 'Every flag and unflag: who, what, when, why and until when. Needs the `supervise` scope.',
        security: KEY_SECURITY,
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 100 } } },
        response: { 200: { type: 'object', required: ['entries'], properties: { entries: { type: 'array', items: AUDIT_ENTRY_SCHEMA } } }, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const { limit } = request.query as { limit?: number };
      void reply.header('cache-control', 'no-store');
      return { entries: await desk.audit(limit ?? 100) };
    },
  );
}

function flagView(flag: Flag): Flag {
  return { identity: flag.identity, reason: flag.reason, by: flag.by, at: flag.at, expiresAt: flag.expiresAt };
}
