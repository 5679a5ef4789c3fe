// Who is calling, and how often they may. The key is identified first (cheap: one hash) so that the rate limit can
// count valid keys per key and everything else per client IP: guessing keys from one address is throttled before
// it gets far, and one integrator's burst does not use up another's budget.

import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { normalizeIP } from '@fastify/rate-limit';
import type { ApiKey, ApiKeyScope, ApiKeyVerifier } from '../../../app/intake/api-keys.js';
import { ApiV1Error } from './api-v1-errors.js';

const REALM = 'Bearer realm="hotline-gateway"';

const identified = new WeakMap<FastifyRequest, ApiKey>();
const presentedInvalid = new WeakSet<FastifyRequest>();

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

/** The verified key of a request that passed `requireScope`. */
export function apiKeyOf(request: FastifyRequest): ApiKey {
  const key = identified.get(request);
  if (key === undefined) throw new Error('apiKeyOf called on a route without requireScope');
  return key;
}

export interface KeyAuthOptions {
  readonly keys: ApiKeyVerifier;
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
}

/** Needs `@fastify/rate-limit` registered (with `global: false`) on `app`. */
export function createKeyAuth(app: FastifyInstance, options: KeyAuthOptions): KeyAuth {
  const identify: onRequestAsyncHookHandler = async (request) => {
    const presented = presentedKey(request);
    if (presented === undefined) return;
    const key = options.keys.verify(presented);
    if (key === null) presentedInvalid.add(request);
    else identified.set(request, key);
  };

  // In memory, so counts are per gateway instance: several instances behind a balancer would each allow the
  // full rate, and would share counts through the plugin's Redis store instead.
  const limit = app.rateLimit({
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const key = identified.get(request);
      return key === undefined ? `ip:${normalizeIP(request.ip)}` : `key:${key.id}`;
    },
    max: (request) => identified.get(request)?.rateLimitPerMinute ?? options.unauthenticatedPerMinute,
    errorResponseBuilder: (request, context) => {
      const key = identified.get(request);
      const who = key === undefined ? 'from this address without a valid key' : `for key ${key.id}`;
      return new ApiV1Error(429, 'RATE_LIMITED', `rate limit exceeded: at most ${context.max} requests per minute ${who}; retry in ${context.after}`);
    },
  }) as onRequestAsyncHookHandler;

  return {
    identify,
    limit,
    requireScope(scope) {
      return async (request, reply) => {
        const key = identified.get(request);
        if (key === undefined) {
          const invalid = presentedInvalid.has(request);
          void reply.header('www-authenticate', invalid ? `${REALM}, error="invalid_token"` : REALM);
          throw invalid
            ? new ApiV1Error(401, 'API_KEY_INVALID', 'the API key is not valid (unknown, revoked or mistyped)')
            : new ApiV1Error(401, 'API_KEY_MISSING', 'an API key is required: send Authorization: Bearer <key> or X-API-Key: <key>');
        }
        if (!key.scopes.includes(scope)) {
          throw new ApiV1Error(403, 'SCOPE_MISSING', `this API key lacks the "${scope}" scope`, { scope });
        }
      };
    },
  };
}
