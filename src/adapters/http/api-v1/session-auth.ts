// Staff sessions on /v1: which session a request presents (bearer token or cookie), whether it is live, checked
// against Redis at every request so an expired, revoked or disabled account's session is refused at once; the
// per-person request budget of a signed-in member of staff; and the refusals, each with its own code.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Log } from '../../../app/app-ports.js';
import type { StaffAuth } from '../../../app/staff/staff-auth.js';
import type { StaffSession } from '../../../domain/staff/staff.js';
import type { HttpGuard } from '../guard/http-guard.js';
import { changesSomething, fromOwnSite, presentedSession } from '../staff/staff-credentials.js';
import type { PresentedSession } from '../staff/staff-credentials.js';
import { ApiV1Error } from './api-v1-errors.js';

/** Requests a minute of one signed-in person: a desktop polls a few times a minute; a script gone wrong does not. */
export const STAFF_REQUESTS_PER_MINUTE = 300;
const REALM = 'Bearer realm="hotline-gateway"';
/** Sessions live in Redis: when it does not answer, the client should retry shortly. */
const UNAVAILABLE_RETRY_SECONDS = 5;

export interface SessionAuthOptions {
  readonly staff: StaffAuth;
  readonly guard: HttpGuard;
  /** Requests a minute per client address without a live session (shared with key-less /v1 requests). */
  readonly unauthenticatedPerMinute: number;
  readonly logFor: (request: FastifyRequest) => Log;
}

interface Seen {
  readonly presented: PresentedSession;
  readonly session: StaffSession | null;
}

export class SessionAuth {
  private readonly seen = new WeakMap<FastifyRequest, Seen>();

  constructor(private readonly options: SessionAuthOptions) {}

  get staff(): StaffAuth {
    return this.options.staff;
  }

  /**
   * Notes the session the request presents and whether it is live (one Redis read); false when it presents none
   * (an API key or nothing). 503 when the sessions cannot be read.
   */
  async identify(request: FastifyRequest): Promise<boolean> {
    const presented = presentedSession(request.headers);
    if (presented === null) return false;
    let session: StaffSession | null;
    try {
      session = await this.options.staff.session(presented.token);
    } catch (err) {
      this.options.logFor(request).warn({ err }, 'staff sessions cannot be read');
      throw new ApiV1Error(503, 'SESSIONS_UNAVAILABLE', `staff sessions cannot be checked right now; retry in ${UNAVAILABLE_RETRY_SECONDS} s`, {}, { 'retry-after': String(UNAVAILABLE_RETRY_SECONDS) });
    }
    this.seen.set(request, { presented, session });
    return true;
  }

  /** A live session's own budget; anything else counts against the client address. */
  async limit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const session = this.seen.get(request)?.session ?? null;
    if (session !== null) return this.options.guard.limitStaff(reply, session.userId, STAFF_REQUESTS_PER_MINUTE);
    return this.options.guard.limit(request, reply, { name: 'v1', perMinute: this.options.unauthenticatedPerMinute });
  }

  /**
   * The live session of a request that presented one: 401 `SESSION_INVALID` for a session that is unknown, expired
   * or ended, 403 `CROSS_SITE` for a cookie-borne change that did not come from the gateway's own pages.
   */
  require(request: FastifyRequest, reply: FastifyReply): StaffSession {
    const seen = this.seen.get(request);
    if (seen === undefined) throw sessionRequired(reply, 'log in first: POST /v1/sessions, then send its token as Authorization: Bearer <token> (browsers: the hotline_staff cookie)');
    if (seen.presented.via === 'cookie' && changesSomething(request.method) && !fromOwnSite(request.headers, request.host)) {
      throw new ApiV1Error(403, 'CROSS_SITE', `a request made with the session cookie that changes something must come from this gateway's own pages: its Origin or Referer must be ${request.protocol}://${request.host}`);
    }
    if (seen.session === null) {
      void reply.header('www-authenticate', `${REALM}, error="invalid_token"`);
      throw new ApiV1Error(401, 'SESSION_INVALID', 'the session is not valid (expired, ended by a logout, or its account changed): log in again');
    }
    return seen.session;
  }

  /** What the request presented, once `identify` has run. */
  presented(request: FastifyRequest): PresentedSession | null {
    return this.seen.get(request)?.presented ?? null;
  }

  /** The live session of a request that passed `require`. */
  sessionOf(request: FastifyRequest): StaffSession {
    const session = this.seen.get(request)?.session ?? null;
    if (session === null) throw new Error('sessionOf called on a request without a live session');
    return session;
  }
}

/** 401 `SESSION_REQUIRED`: nothing was presented. */
export function sessionRequired(reply: FastifyReply, message: string): ApiV1Error {
  void reply.header('www-authenticate', REALM);
  return new ApiV1Error(401, 'SESSION_REQUIRED', message);
}
