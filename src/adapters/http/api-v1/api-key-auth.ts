// Who is calling /v1, and how often they may, through the HTTP guard every channel shares: the key is identified
// first (cheap: one hash) so that the rate limit can count valid keys per key and everything else per client IP;
// guessing keys from one address is throttled before it gets far, and one integrator's burst does not use up
// another's budget. The counters are the guard's, shared by every replica.

import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ApiKey, ApiKeyScope } from '../../../app/intake/api-keys.js';
import type { HttpGuard } from '../guard/http-guard.js';
import { ApiV1Error } from './api-v1-errors.js';

const REALM = 'Bearer realm="hotline-gateway"';

/** The key from `Authorization: Bearer <key>`, else `X-API-Key`; `undefined` when neither is present. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && authorization.trim() !== '') {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    // A different scheme (Basic ...) is a key that cannot be valid here, not a missing one.
    return match?.[1] ?? authorization;
  }
  const header = request.headers['x-api-key'];
  const value = Array.isArray(header) ? header[0] : header;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export interface KeyAuthOptions {
  readonly guard: HttpGuard;
  /** Requests per minute and client IP without a valid key (public routes, missing or wrong keys). */
  readonly unauthenticatedPerMinute: number;
}

export interface KeyAuth {
  /** Runs on every v1 route: notes the key, if valid; never rejects. */
  readonly identify: onRequestAsyncHookHandler;
  /** Counts the request against its key's limit, or its IP's; 429 with Retry-After when over. */
  readonly limit: onRequestAsyncHookHandler;
  /** 401 without a valid key, 403 without the scope. */
  requireScope(scope: ApiKeyScope): onRequestAsyncHookHandler;
  /**
   * `identify`, `limit` and `requireScope(scope)` as one hook, in that order, for a route that takes a submission:
   * a keyed request over its rate is refused once its text shows it is no emergency (without a valid key it is
   * refused as unauthenticated anyway, so its body is not read). One hook, one promise, per request, not three.
   */
  gateSubmission(scope: ApiKeyScope): onRequestAsyncHookHandler;
  /** The verified key of a request that passed `requireScope`. */
  keyOf(request: FastifyRequest): ApiKey;
}

export function createKeyAuth(options: KeyAuthOptions): KeyAuth {
  const { guard } = options;
  const budget = { name: 'v1', perMinute: options.unauthenticatedPerMinute };
  const holdForSubmission = (request: FastifyRequest): { holdForSubmission: boolean } => ({ holdForSubmission: guard.keyOf(request) !== undefined });
  const checkScope = (request: FastifyRequest, reply: FastifyReply, scope: ApiKeyScope): void => {
    const key = guard.keyOf(request);
    if (key === undefined) {
      const invalid = guard.presentedInvalid(request);
      void reply.header('www-authenticate', invalid ? `${REALM}, error="invalid_token"` : REALM);
      throw invalid
        ? new ApiV1Error(401, 'API_KEY_INVALID', 'the API key is not valid (unknown, revoked or mistyped)')
        : new ApiV1Error(401, 'API_KEY_MISSING', 'an API key is required: send Authorization: Bearer <key> or X-API-Key: <key>');
    }
    if (!key.scopes.includes(scope)) {
      throw new ApiV1Error(403, 'SCOPE_MISSING', `this API key lacks the "${scope}" scope`, { scope });
    }
  };
  return {
    identify: async (request) => {
      guard.identify(request, presentedKey(request));
    },
    limit: async (request, reply) => guard.limit(request, reply, budget),
    requireScope(scope) {
      return async (request, reply) => checkScope(request, reply, scope);
    },
    gateSubmission(scope) {
      return async (request, reply) => {
        guard.identify(request, presentedKey(request));
        await guard.limit(request, reply, budget, holdForSubmission(request));
        checkScope(request, reply, scope);
      };
    },
    keyOf(request) {
      const key = guard.keyOf(request);
      if (key === undefined) throw new Error('keyOf called on a route without requireScope');
      return key;
    },
  };
}
