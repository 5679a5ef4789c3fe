// `POST /v1/citizens/history`: a citizen's recent contacts and open cases, for integrators with the `history` scope
// (an agent desktop's screen pop, a CRM). A POST, so the phone number, openid or address travels in the body and
// never in a URL, an access log or a proxy's cache; the log line names the key and the identifier's kind only.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Log } from '../../../app/app-ports.js';
import type { HistoryLookup } from '../../../app/identity/profile-ports.js';
import { StoreUnavailableError } from '../../../app/intake/durable-intake-ports.js';
import type { IdentifierKind } from '../../../domain/identity/identifier.js';
import { LINK_STRENGTHS } from '../../../domain/identity/identifier.js';
import { CHANNELS, STATUSES } from '../../../domain/intake/submission.js';
import { ApiV1Error, invalidFields } from './api-v1-errors.js';
import type { KeyAuth } from './api-key-auth.js';
import { errorResponses, KEY_SECURITY } from './api-v1-schemas.js';
import { OPENAPI_TAGS } from '../openapi.js';


const HISTORY_REQUEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    phone: { type: 'string', minLength: 1, maxLength: 40, description: 'As dialled or shown by caller ID: +86 and 0086 are the same number as without.' },
    openid: { type: 'string', minLength: 1, maxLength: 128, description: "The citizen's WeChat openid." },
    email: { type: 'string', minLength: 1, maxLength: 320, description: 'Compared without regard to case.' },
    limit: { type: 'integer', minimum: 1, maximum: 50, default: 20, description: 'Recent contacts wanted.' },
  },
  description: 'Exactly one of `phone`, `openid`, `email`.',
} as const;

const WORDING = {
  type: 'object',
  required: ['zh', 'en'],
  properties: { zh: { type: 'string' }, en: { type: 'string' } },
} as const;

const HISTORY_SCHEMA = {
  type: 'object',
  required: ['found'],
  properties: {
    found: { type: 'boolean', description: 'false: no profile holds this identifier (nothing else is returned).' },
    profile: { type: 'string', description: "The profile's opaque id." },
    link: { type: 'string', enum: [...LINK_STRENGTHS], description: '`confirmed`: the channel vouched for this identifier (caller ID, openid, mail sender); `inferred`: it was typed into a form or an API body.' },
    contacts: {
      type: 'array',
      description: 'Newest first: submissions (with their ticket and current status) and calls.',
      items: {
        type: 'object',
        required: ['id', 'channel', 'at'],
        properties: {
          id: { type: 'string' },
          channel: { type: 'string', enum: [...CHANNELS] },
          at: { type: 'string', format: 'date-time' },
          ticket: { type: 'string' },
          status: { type: 'string', enum: [...STATUSES] },
        },
      },
    },
    openCases: {
      type: 'array',
      description: 'Cases not yet resolved, closed or rejected, newest first, with their status in the words every channel uses.',
      items: {
        type: 'object',
        required: ['id', 'ticket', 'channel', 'receivedAt', 'status', 'statusName', 'statusText'],
        properties: {
          id: { type: 'string' },
          ticket: { type: 'string' },
          channel: { type: 'string', enum: [...CHANNELS] },
          receivedAt: { type: 'string', format: 'date-time' },
          status: { type: 'string', enum: [...STATUSES] },
          statusName: WORDING,
          statusText: WORDING,
        },
      },
    },
  },
} as const;

const FIELD_KINDS: Readonly<Record<'phone' | 'openid' | 'email', IdentifierKind>> = { phone: 'phone', openid: 'wechat', email: 'email' };

export function registerHistoryRoutes(app: FastifyInstance, deps: { readonly history: HistoryLookup; readonly auth: KeyAuth; readonly logFor: (request: FastifyRequest) => Log }): void {
  const { auth, history } = deps;
  app.post(
    '/v1/citizens/history',
    {
      onRequest: [auth.identify, auth.limit, auth.requireScope('history')],
      schema: {
        tags: [OPENAPI_TAGS.citizens],
        summary: "A citizen's recent contacts and open cases",
        description:
          'Needs the `history` scope. Send exactly one identifier: `phone`, `openid` or `email`. The answer is personal data, unmasked: give this scope only to systems allowed to process it. ' +
          'Nothing of the identifier is logged. A profile links the identifiers one person used; two people are never merged (see README, Citizen profiles).',
        security: KEY_SECURITY,
        body: HISTORY_REQUEST_SCHEMA,
        response: { 200: HISTORY_SCHEMA, ...errorResponses(400, 401, 403, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      if (request.isMultipart()) throw new ApiV1Error(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Type: send application/json');
      const body = (request.body ?? {}) as { phone?: string; openid?: string; email?: string; limit?: number };
      const given = (['phone', 'openid', 'email'] as const).filter((field) => body[field] !== undefined);
      if (given.length !== 1) {
        throw invalidFields([{ field: given.length === 0 ? 'phone' : given[1] ?? 'phone', message: 'send exactly one of phone, openid, email' }], 'request body');
      }
      const field = given[0] as 'phone' | 'openid' | 'email';
      const kind = FIELD_KINDS[field];
      let found;
      try {
        found = await history.history({ kind, value: body[field] as string }, body.limit === undefined ? {} : { limit: body.limit });
      } catch (err) {
        if (!(err instanceof StoreUnavailableError)) throw err;
        throw new ApiV1Error(503, 'HISTORY_UNAVAILABLE', 'citizen histories cannot be read right now; retry shortly', {}, { 'retry-after': '5' });
      }
      const key = auth.keyOf(request);
      deps.logFor(request).info({ apiKeyId: key.id, kind, found: found !== null, openCases: found?.openCases.length ?? 0 }, 'citizen history read');
      void reply.header('cache-control', 'no-store');
      if (found === null) return { found: false };
      return { found: true, ...found };
    },
  );
}
