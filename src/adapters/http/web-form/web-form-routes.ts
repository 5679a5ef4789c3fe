// The citizen web form: the page at `/`, its submissions, the status lookup by ticket and the rating. Public (no API
// key), so every write is rate limited per client address and every answer leaves out personal data. Only the
// requester may rate: the rating carries the last 4 digits of the request's phone number or its e-mail address.

import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, onRequestAsyncHookHandler } from 'fastify';
import type { Log } from '../../../app/app-ports.js';
import type { AttachmentStore, Intake, IntakeRecord } from '../../../app/intake/intake-ports.js';
import { lookUpRepeat } from '../../../app/intake/repeat-lookup.js';
import { MAX_ATTACHMENTS } from '../../../domain/intake/normalise.js';
import { proofMatches } from '../../../domain/intake/requester-proof.js';
import type { Rating } from '../../../domain/intake/submission.js';
import { isValidTicket } from '../../../domain/intake/ticket.js';
import type { HttpGuard, RequestBudget } from '../guard/http-guard.js';
import { findAssetsDir, loadFormAssets, WebFormSetupError } from './form-assets.js';
import type { ServedAsset } from './form-assets.js';
import { constantTimeEqual } from './constant-time-equal.js';
import { formErrorReply, FormRequestError } from './form-errors.js';
import { ProofAttempts } from './proof-attempts.js';
import type { ProofAttemptsOptions } from './proof-attempts.js';
import { pickFormLanguage } from './form-language.js';
import { parseRatingPayload } from './form-payload.js';
import { publicStatus, ratingRefusal } from './form-status.js';
import { formSubmitRequest, formSubmitted } from './form-submission.js';
import { readFormRequest } from './read-form-request.js';

export interface WebFormDeps {
  readonly intake: Intake;
  readonly attachments: AttachmentStore;
  /** The limits every HTTP channel shares (per-minute budgets per client address, fair use per hour). */
  readonly guard: HttpGuard;
  /** What the page promises: at most `files` files per request, each at most `fileBytes`. */
  readonly limits: { readonly fileBytes: number; readonly files: number };
  readonly log?: Log;
  /** Per client address and minute. Defaults: 20 submissions, 60 status lookups, 20 ratings. */
  readonly rateLimit?: { readonly submissionsPerMinute?: number; readonly lookupsPerMinute?: number; readonly ratingsPerMinute?: number };
  /** Where `index.html`, `app.js` and `style.css` are; found next to the sources by default (see `form-assets.ts`). */
  readonly assetsDir?: string;
  readonly now?: () => Date;
  /** Wrong rating proofs a ticket takes per day (see proof-attempts.ts); tests shorten it. */
  readonly proofAttempts?: ProofAttemptsOptions;
}

/**
 * The page may run scripts, styles and fetches from this origin only: no inline script, nothing from elsewhere.
 * `blob:` is for previews of the citizen's own photos before they are sent.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const JSON_BODY_LIMIT = 64 * 1024;
const RATING_BODY_LIMIT = 8 * 1024;

export function webFormRoutes(deps: WebFormDeps): FastifyPluginAsync {
  const { fileBytes, files } = deps.limits;
  if (!Number.isSafeInteger(fileBytes) || fileBytes < 1) throw new WebFormSetupError(`web form limits.fileBytes must be a positive integer, got ${fileBytes}`);
  if (!Number.isSafeInteger(files) || files < 1 || files > MAX_ATTACHMENTS) {
    throw new WebFormSetupError(`web form limits.files must be a whole number from 1 to ${MAX_ATTACHMENTS} (what intake takes), got ${files}`);
  }
  const perMinute = {
    submissions: deps.rateLimit?.submissionsPerMinute ?? 20,
    lookups: deps.rateLimit?.lookupsPerMinute ?? 60,
    ratings: deps.rateLimit?.ratingsPerMinute ?? 20,
  };
  for (const [name, value] of Object.entries(perMinute)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new WebFormSetupError(`web form rateLimit.${name}PerMinute must be a positive integer, got ${value}`);
  }
  const assetsDir = findAssetsDir(deps.assetsDir);
  const now = deps.now ?? (() => new Date());
  const proofAttempts = new ProofAttempts(() => now().getTime(), deps.proofAttempts);

  return async (app: FastifyInstance) => {
    const assets = await loadFormAssets(assetsDir, deps.limits);
    const log: Log = (deps.log ?? app.log).child({ component: 'web-form' });

    await app.register(multipart, {
      limits: {
        // One byte over the page's limit, so that the streaming check sees the excess and names it, rather than
        // the parser silently cutting the file short.
        fileSize: fileBytes + 1,
        files,
        fields: 4,
        parts: files + 4,
        fieldSize: JSON_BODY_LIMIT,
        headerPairs: 50,
      },
    });
    const { guard } = deps;
    const budget = (name: string, perMinute: number, options: { holdForSubmission?: boolean } = {}): onRequestAsyncHookHandler => {
      const counted: RequestBudget = { name, perMinute };
      return async (request, reply) => guard.limit(request, reply, counted, options);
    };
    // A submission over the minute's budget is refused once its text shows it is no emergency.
    const limitSubmissions = budget('form-submissions', perMinute.submissions, { holdForSubmission: true });
    const limitLookups = budget('form-lookups', perMinute.lookups);
    const limitRatings = budget('form-ratings', perMinute.ratings);

    app.setErrorHandler((error, request, reply) => {
      const answer = formErrorReply(error);
      if (answer.status >= 500) log.error({ err: error, method: request.method, url: request.routeOptions.url }, 'web form request failed');
      else log.debug({ code: answer.body.code, field: answer.body.field, status: answer.status, url: request.routeOptions.url }, 'web form request refused');
      if (answer.retryAfterSeconds !== undefined) void reply.header('retry-after', String(answer.retryAfterSeconds));
      return reply.code(answer.status).header('cache-control', 'no-store').send(answer.body);
    });

    app.addHook('onSend', async (_request, reply, payload) => {
      void reply.header('x-content-type-options', 'nosniff');
      void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      void reply.header('referrer-policy', 'no-referrer');
      void reply.header('x-frame-options', 'DENY');
      void reply.header('permissions-policy', 'geolocation=(self), camera=(), microphone=(), payment=()');
      return payload;
    });

    app.get<{ Querystring: { lang?: string } }>('/', async (request, reply) => {
      const language = pickFormLanguage(request.query.lang, request.headers['accept-language']);
      void reply.header('vary', 'Accept-Language');
      return sendAsset(reply, assets.page(language), request.headers['if-none-match']);
    });

    app.get<{ Params: { name: string } }>('/form/assets/:name', async (request, reply) => {
      const asset = assets.asset(request.params.name);
      if (asset === undefined) return reply.code(404).send({ error: 'no such asset', code: 'not_found' });
      return sendAsset(reply, asset, request.headers['if-none-match']);
    });

    app.post('/form/submissions', { bodyLimit: JSON_BODY_LIMIT, onRequest: limitSubmissions }, async (request, reply) => {
      const form = await readFormRequest(request, deps.attachments, deps.limits, (payload) =>
        guard.admitSubmission(request, {
          channel: 'web',
          text: payload.text,
          submitters: [{ kind: 'ip', value: guard.addressOf(request) }],
          once: `form:${payload.idempotencyKey}`,
        }),
      );
      const outcome = await deps.intake.submit(formSubmitRequest(form.payload, form.attachments));
      const { submission } = outcome;
      log.info(
        {
          ticket: submission.ticket,
          id: submission.id,
          duplicate: outcome.duplicate,
          durability: outcome.durability,
          attachments: submission.attachments.length,
          anonymous: submission.contact.anonymous,
          ...(submission.hints.emergency === undefined ? {} : { emergencyLine: submission.hints.emergency.line }),
          ...(submission.hints.repeatOf === undefined ? {} : { repeatOf: submission.hints.repeatOf.id }),
        },
        outcome.duplicate ? 'web form resend answered with the earlier submission' : 'web form submission accepted',
      );
      const repeat = await lookUpRepeat(deps.intake, submission, log);
      return reply.code(outcome.duplicate ? 200 : 201).header('cache-control', 'no-store').send(formSubmitted(outcome, repeat));
    });

    app.get<{ Params: { ticket: string } }>(
      '/form/status/:ticket',
      { onRequest: limitLookups },
      async (request, reply) => {
        const record = await recordOf(request.params.ticket);
        return reply.header('cache-control', 'no-store').send(publicStatus(record));
      },
    );

    app.post<{ Params: { ticket: string } }>(
      '/form/rating/:ticket',
      { bodyLimit: RATING_BODY_LIMIT, onRequest: limitRatings },
      async (request, reply) => {
        const record = await recordOf(request.params.ticket);
        const input = parseRatingPayload(request.body);
        refuseRating(record);
        const { submission } = record;
        const blockedFor = proofAttempts.blockedForSeconds(submission.ticket);
        if (blockedFor !== null) {
          void reply.header('retry-after', String(blockedFor));
          throw new FormRequestError(429, 'too_many_attempts', 'too many wrong proofs for this request: try again tomorrow, or rate it by calling 12345', 'proof');
        }
        if (!proofMatches(submission.contact, input.proof, constantTimeEqual)) {
          proofAttempts.recordWrong(submission.ticket);
          // Neither the proof nor the contact: a log reader must not be handed what a guesser is after.
          log.info({ ticket: submission.ticket, id: submission.id, proofKind: input.proof.kind }, 'web form rating refused: proof does not match the request');
          throw new FormRequestError(403, 'proof_mismatch', 'this is not the phone number (last 4 digits) or email address given with the request', 'proof');
        }
        const rating: Rating = { score: input.score, at: now().toISOString(), ...(input.comment === undefined ? {} : { comment: input.comment }) };
        const rated = await deps.intake.rate(submission.id, rating);
        if (rated === null) throw notFound();
        // Two ratings racing past the check above: the one intake kept is the rating, the other is told so.
        if (rated.rating?.at !== rating.at || rated.rating.score !== rating.score || rated.rating.comment !== rating.comment) {
          throw alreadyRated();
        }
        log.info({ ticket: submission.ticket, id: submission.id, score: rating.score }, 'web form rating taken');
        return reply.code(201).header('cache-control', 'no-store').send({ ticket: submission.ticket, score: rating.score, ratedAt: rating.at });
      },
    );

    async function recordOf(ticket: string): Promise<IntakeRecord> {
      if (!isValidTicket(ticket)) throw FormRequestError.invalid('ticket', 'this is not a ticket number (digits with a check digit)');
      const record = await deps.intake.getByTicket(ticket);
      if (record === null) throw notFound();
      return record;
    }
  };
}

function refuseRating(record: IntakeRecord): void {
  const refusal = ratingRefusal(record);
  if (refusal === 'already_rated') throw alreadyRated();
  if (refusal === 'not_rateable') throw new FormRequestError(409, 'not_rateable', 'a request can be rated once it is resolved or closed', 'ticket');
  if (refusal === 'no_contact') {
    throw new FormRequestError(409, 'no_contact', 'this request was made without a phone number or email address, so it cannot be rated on the web', 'ticket');
  }
}

function alreadyRated(): FormRequestError {
  return new FormRequestError(409, 'already_rated', 'this request has already been rated', 'ticket');
}

function notFound(): FormRequestError {
  return new FormRequestError(404, 'not_found', 'no request has this ticket number', 'ticket');
}

function sendAsset(reply: FastifyReply, asset: ServedAsset, ifNoneMatch: string | undefined): FastifyReply {
  void reply.header('etag', asset.etag).header('cache-control', 'no-cache');
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === asset.etag)) return reply.code(304).send();
  return reply.type(asset.contentType).send(asset.body);
}
