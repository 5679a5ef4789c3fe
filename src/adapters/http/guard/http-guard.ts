// The one guard of every HTTP channel (/v1, Open311, the web form; WeChat's pushes go through the same fair-use
// service in its inbox): one API-key check and one limiter, the shared Redis one, so a key, an address or a
// citizen has the same budget whichever replica or channel it reaches.
//
// Two kinds of budget:
// - requests a minute: a valid key's own rate (`--rate`, one counter per key across /v1 and Open311), else a
//   per-route budget per client address (`request.ip`, which follows HTTP_TRUST_PROXY; an IPv6 address counts as
//   its /64, as one household's or one host's addresses do). Guessing keys from one address is throttled first.
// - submissions an hour per submitter (FairUse): the web form's address, an integrator's key.
// A submission's text is read before either refusal becomes final: an emergency passes every limit. Each
// protocol renders the two refusals (RequestRateLimitedError, SubmissionLimitedError) in its own error format.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKey, ApiKeyVerifier } from '../../../app/intake/api-keys.js';
import { SubmissionLimitedError } from '../../../app/limits/fair-use.js';
import type { FairUse, SubmissionAttempt } from '../../../app/limits/fair-use.js';
import type { Limiter, LimitRule, LimitVerdict } from '../../../app/limits/limiter-ports.js';
import { canonicalAddress } from '../../limits/client-address.js';

/** A per-minute budget per client address for requests without a valid key. */
export interface RequestBudget {
  /** Names the counter: budgets with different names count separately (`v1`, `open311-post`, `form-lookups`). */
  readonly name: string;
  readonly perMinute: number;
  /** What the refusal calls the requests (`requests` by default; `reads`, `lookups`). */
  readonly noun?: string;
}

/** Over a per-minute budget. */
export class RequestRateLimitedError extends Error {
  readonly code = 'RATE_LIMITED';
  constructor(
    readonly limit: number,
    readonly retryAfterSeconds: number,
    /** The key whose rate is used up, or `null` when counted per client address. */
    readonly keyId: string | null,
    readonly noun: string,
    /** The signed-in staff member whose rate is used up (counted per person, not per key or address). */
    readonly staffId: string | null = null,
  ) {
    super(`at most ${limit} ${noun} a minute ${staffId !== null ? `for staff ${staffId}` : keyId === null ? 'from this address' : `for key ${keyId}`}; retry in ${retryAfterSeconds} s`);
    this.name = 'RequestRateLimitedError';
  }
}

export interface HttpGuardDeps {
  readonly keys: ApiKeyVerifier;
  readonly limiter: Limiter;
  readonly fairUse: FairUse;
}

export interface LimitOptions {
  /**
   * The request carries a submission: a refusal waits for `admitSubmission`, which lets an emergency through.
   * Only for requests whose body is small enough to read anyway (the route's body limit).
   */
  readonly holdForSubmission?: boolean;
}

const MINUTE_MS = 60_000;

export class HttpGuard {
  private readonly identified = new WeakMap<FastifyRequest, ApiKey>();
  private readonly invalid = new WeakSet<FastifyRequest>();
  private readonly held = new WeakMap<FastifyRequest, RequestRateLimitedError>();

  constructor(private readonly deps: HttpGuardDeps) {}

  /** Notes the key presented with the request, if valid (cheap: one hash); never rejects. */
  identify(request: FastifyRequest, presented: string | undefined): ApiKey | null {
    if (presented === undefined) return null;
    const key = this.deps.keys.verify(presented);
    if (key === null) this.invalid.add(request);
    else this.identified.set(request, key);
    return key;
  }

  keyOf(request: FastifyRequest): ApiKey | undefined {
    return this.identified.get(request);
  }

  /** A key was presented and is not valid (unknown, revoked, mistyped). */
  presentedInvalid(request: FastifyRequest): boolean {
    return this.invalid.has(request);
  }

  /** The client address as limits and flags count it. */
  addressOf(request: FastifyRequest): string {
    return canonicalAddress(request.ip);
  }

  /**
   * Counts the request against its key's rate, or `anonymous` per client address; sets `X-RateLimit-*`. Over the
   * budget it throws RequestRateLimitedError (each protocol's error handler sets `Retry-After` from it), unless
   * held for a submission.
   */
  async limit(request: FastifyRequest, reply: FastifyReply, anonymous: RequestBudget, options: LimitOptions = {}): Promise<void> {
    const key = this.identified.get(request);
    const rule: LimitRule =
      key === undefined
        ? { key: `http:${anonymous.name}:${this.addressOf(request)}`, limit: anonymous.perMinute, windowMs: MINUTE_MS }
        : { key: `http:key:${key.id}`, limit: key.rateLimitPerMinute, windowMs: MINUTE_MS };
    const verdict = await this.deps.limiter.hit([rule]);
    setRateHeaders(reply, verdict);
    if (verdict.allowed) return;
    const refusal = new RequestRateLimitedError(verdict.limit, verdict.retryAfterSeconds, key?.id ?? null, anonymous.noun ?? 'requests');
    if (options.holdForSubmission === true) this.held.set(request, refusal);
    else throw refusal;
  }

  /**
   * Counts the request of a signed-in agent or supervisor against their own per-minute budget: a call centre's
   * agents often reach the gateway through one NAT address, so counting them per address would starve them.
   */
  async limitStaff(reply: FastifyReply, staffId: string, perMinute: number): Promise<void> {
    const verdict = await this.deps.limiter.hit([{ key: `http:staff:${staffId}`, limit: perMinute, windowMs: MINUTE_MS }]);
    setRateHeaders(reply, verdict);
    if (!verdict.allowed) throw new RequestRateLimitedError(verdict.limit, verdict.retryAfterSeconds, null, 'requests', staffId);
  }

  /**
   * A submission's fair use, once its text is known: an emergency passes whatever was counted; otherwise a held
   * per-minute refusal stands, then each submitter's hourly budget is counted (SubmissionLimitedError past it).
   */
  async admitSubmission(request: FastifyRequest, attempt: SubmissionAttempt): Promise<void> {
    const emergency = this.deps.fairUse.emergencyIn(attempt.channel, attempt.text);
    const held = this.held.get(request);
    if (held !== undefined && emergency === null) throw held;
    const admission = await this.deps.fairUse.admit(attempt, emergency);
    if (!admission.admitted) throw new SubmissionLimitedError(admission.refusal);
  }
}

function setRateHeaders(reply: FastifyReply, verdict: LimitVerdict): void {
  void reply.header('x-ratelimit-limit', String(verdict.limit));
  void reply.header('x-ratelimit-remaining', String(Math.max(0, verdict.limit - verdict.count)));
  void reply.header('x-ratelimit-reset', String(verdict.retryAfterSeconds));
}
