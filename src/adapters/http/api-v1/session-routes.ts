// `/v1/sessions`: agents and supervisors log in with their staff id and password, and out. A login answers with the
// session's token for programs and sets it as an HttpOnly cookie for browsers; a wrong id and a wrong password get
// the same 401, and guessing is throttled per id and per client address (429 with Retry-After) by the staff sign-in.

import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler, preValidationAsyncHookHandler } from 'fastify';
import type { Log } from '../../../app/app-ports.js';
import type { StaffSession } from '../../../domain/staff/staff.js';
import type { HttpGuard } from '../guard/http-guard.js';
import { OPENAPI_TAGS } from '../openapi.js';
import { clearedSessionCookie, fromOwnSite, secureCookie, sessionCookie } from '../staff/staff-credentials.js';
import { ApiV1Error } from './api-v1-errors.js';
import { errorResponses } from './api-v1-schemas.js';
import type { SessionAuth } from './session-auth.js';
import { CURRENT_SESSION_SCHEMA, LOGIN_BODY_SCHEMA, LOGIN_REPLY_SCHEMA, SESSION_SECURITY, SET_COOKIE_HEADER } from './session-schemas.js';

export interface SessionRoutesDeps {
  readonly sessions: SessionAuth;
  readonly guard: HttpGuard;
  /** `STAFF_COOKIE_SECURE`. */
  readonly cookieSecure: 'on' | 'off' | 'auto';
  readonly logFor: (request: FastifyRequest) => Log;
}

/** Login requests a minute per client address, right or wrong (wrong passwords have their own, tighter count). */
const LOGINS_PER_MINUTE = 120;
const REALM = 'Bearer realm="hotline-gateway"';

export function registerSessionRoutes(app: FastifyInstance, deps: SessionRoutesDeps): void {
  const { sessions, guard, logFor } = deps;
  const tags = [OPENAPI_TAGS.staff];
  const jsonOnly: preValidationAsyncHookHandler = async (request) => {
    if (request.isMultipart()) throw new ApiV1Error(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Type: send application/json');
  };
  const secure = (request: FastifyRequest): boolean => secureCookie(deps.cookieSecure, request.protocol);
  const current: onRequestAsyncHookHandler[] = [
    async (request) => {
      await sessions.identify(request);
    },
    async (request, reply) => sessions.limit(request, reply),
  ];

  app.post(
    '/v1/sessions',
    {
      onRequest: async (request, reply) => guard.limit(request, reply, { name: 'staff-login', perMinute: LOGINS_PER_MINUTE, noun: 'logins' }),
      preValidation: jsonOnly,
      schema: {
        tags,
        summary: 'Log a member of staff in',
        description:
          'Public. With the staff id and password an operator gave them (`hotline-gateway staff add`): 201 with the session token, also set as the `hotline_staff` cookie ' +
          '(HttpOnly, SameSite=Strict) for the desktop. A wrong password and an unknown id are the same 401. After `STAFF_LOGIN_FAILURES` wrong passwords for one id, ' +
          'or `STAFF_LOGIN_FAILURES_PER_IP` from one address, within 15 minutes, logins are refused with 429 and Retry-After, even with the right password. ' +
          'A browser request from another site (its Origin names another host) is refused (403 `CROSS_SITE`).',
        security: [],
        body: LOGIN_BODY_SCHEMA,
        response: {
          201: { description: 'Logged in; the cookie is set.', headers: SET_COOKIE_HEADER, ...LOGIN_REPLY_SCHEMA },
          ...errorResponses(400, 415, 503),
          401: { ...errorResponses(401)[401], description: 'Wrong staff id or password (`INVALID_CREDENTIALS`), the same for both.' },
          403: { ...errorResponses(403)[403], description: 'Sent by a page of another site (`CROSS_SITE`).' },
          429: { ...errorResponses(429)[429], description: 'Too many wrong passwords for this id or from this address (`TOO_MANY_ATTEMPTS`), or too many logins a minute (`RATE_LIMITED`); see Retry-After.' },
        },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      // Login CSRF: another site must not sign a browser in to an account of its choosing. Programs send no Origin.
      if ((request.headers.origin !== undefined || request.headers.referer !== undefined) && !fromOwnSite(request.headers, request.host)) {
        throw new ApiV1Error(403, 'CROSS_SITE', `a login from a browser must come from this gateway's own pages (${request.protocol}://${request.host})`);
      }
      const { user, password } = request.body as { user: string; password: string };
      const result = await unavailableOnError(sessions.staff.login(user, password, guard.addressOf(request)), logFor(request));
      if (!result.ok && result.code === 'throttled') {
        throw new ApiV1Error(429, 'TOO_MANY_ATTEMPTS', `too many wrong passwords for this staff id or from this address; retry in ${result.retryAfterSeconds} s`, {}, { 'retry-after': String(result.retryAfterSeconds) });
      }
      if (!result.ok) {
        void reply.header('www-authenticate', REALM);
        throw new ApiV1Error(401, 'INVALID_CREDENTIALS', 'wrong staff id or password');
      }
      const { token, session } = result;
      const maxAge = (session.expiresAt - session.createdAt) / 1000;
      return reply
        .code(201)
        .header('set-cookie', sessionCookie(token, maxAge, secure(request)))
        .send({ token, expiresAt: new Date(session.expiresAt).toISOString(), user: userView(session) });
    },
  );

  app.get(
    '/v1/sessions/current',
    {
      onRequest: current,
      schema: {
        tags,
        summary: 'The session this request presents: who is logged in, until when',
        description: 'With a live session (bearer token or cookie): the desktop asks it on load, to know whether to show the login page.',
        security: SESSION_SECURITY,
        response: { 200: CURRENT_SESSION_SCHEMA, ...sessionRefusals(401, 429, 503) },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const session = sessions.require(request, reply);
      return { id: session.id, createdAt: new Date(session.createdAt).toISOString(), expiresAt: new Date(session.expiresAt).toISOString(), user: userView(session) };
    },
  );

  app.delete(
    '/v1/sessions/current',
    {
      onRequest: current,
      schema: {
        tags,
        summary: 'Log out: end this session',
        description:
          'Ends the session at once on every gateway replica and clears the cookie. The agent stays logged in to the queue (log out of it first: `DELETE /v1/agents/{agentId}/session`). ' +
          'With the cookie, the request must come from the gateway\'s own pages (403 `CROSS_SITE`).',
        security: SESSION_SECURITY,
        response: { 204: { description: 'Ended; the cookie is cleared.', headers: SET_COOKIE_HEADER, type: 'null' }, ...sessionRefusals(401, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const presented = sessions.presented(request);
      let session: StaffSession;
      try {
        session = sessions.require(request, reply);
      } catch (err) {
        // A browser holding an ended session's cookie is told to drop it (never on a refused cross-site request).
        if (err instanceof ApiV1Error && err.code === 'SESSION_INVALID' && presented?.via === 'cookie') void reply.header('set-cookie', clearedSessionCookie(secure(request)));
        throw err;
      }
      await unavailableOnError(sessions.staff.logout(presented?.token ?? ''), logFor(request));
      logFor(request).info({ staffId: session.userId, staffRole: session.role, sessionId: session.id }, 'staff logged out');
      void reply.header('set-cookie', clearedSessionCookie(secure(request)));
      return reply.code(204).send();
    },
  );
}

function userView(session: StaffSession): { id: string; name: string; role: string } {
  return { id: session.userId, name: session.name, role: session.role };
}

/** The sign-in's answer; 503 when its store (Redis) does not answer. */
async function unavailableOnError<T>(work: Promise<T>, log: Log): Promise<T> {
  try {
    return await work;
  } catch (err) {
    log.warn({ err }, 'staff sign-in failed');
    throw new ApiV1Error(503, 'SESSIONS_UNAVAILABLE', 'staff sign-in is unavailable right now (its store does not answer); retry in 5 s', {}, { 'retry-after': '5' });
  }
}

function sessionRefusals(...codes: number[]): ReturnType<typeof errorResponses> {
  const responses = errorResponses(...codes);
  const descriptions: Record<number, string> = {
    401: 'No session presented (`SESSION_REQUIRED`), or one that is unknown, expired or ended (`SESSION_INVALID`).',
    403: 'A cookie-borne request from a page of another site (`CROSS_SITE`).',
    503: 'The session store does not answer (`SESSIONS_UNAVAILABLE`); see Retry-After.',
  };
  for (const code of codes) {
    const description = descriptions[code];
    if (description !== undefined && responses[code] !== undefined) responses[code] = { ...responses[code], description };
  }
  return responses;
}
