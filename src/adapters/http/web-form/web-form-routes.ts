// The citizen web form: the page at `/`, its submissions, the status lookup and the rating. Public (no API key), so
// every request is rate limited per client address and every answer leaves out personal data. A ticket alone opens
// nothing: the status and the rating need the PIN given with the ticket, the last 4 digits of the request's phone
// number or its e-mail address (see `src/app/access/case-access.ts`).

import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, onRequestAsyncHookHandler } from 'fastify';
import type { Log } from '../../../app/app-ports.js';
import type { CaseAccess, CaseReadOutcome, ProofSource } from '../../../app/access/case-access-ports.js';
import type { AttachmentStore, Intake } from '../../../app/intake/intake-ports.js';
import type { DispositionTexts } from '../../../domain/dispositions/dispositions.js';
import { lookUpRepeat } from '../../../app/intake/repeat-lookup.js';
import { MAX_ATTACHMENTS } from '../../../domain/intake/normalise.js';
import { isValidTicket } from '../../../domain/intake/ticket.js';
import type { HttpGuard, RequestBudget } from '../guard/http-guard.js';
import { findAssetsDir, loadFormAssets, WebFormSetupError } from './form-assets.js';
import { sendAsset } from '../page-assets.js';
import { formErrorReply, FormRequestError } from './form-errors.js';
import { pickFormLanguage } from './form-language.js';
import { parseRatingPayload, parseStatusPayload } from './form-payload.js';
import { publicStatus } from '../../../app/access/public-status.js';
import { formSubmitRequest, formSubmitted } from './form-submission.js';
import { readFormRequest } from './read-form-request.js';
import { FORM_ASSET_DOC, FORM_PAGE_DOC, FORM_RATING_DOC, FORM_STATUS_DOC, FORM_SUBMIT_DOC } from './web-form-docs.js';

export interface WebFormDeps {
  readonly intake: Intake;
  readonly access: CaseAccess;
  /** Where-to-go texts for matters the regulations send elsewhere, shown with the ticket. */
  readonly dispositions?: DispositionTexts;
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

    app.get<{ Querystring: { lang?: string } }>('/', { config: { openapi: FORM_PAGE_DOC } }, async (request, reply) => {
      const language = pickFormLanguage(request.query.lang, request.headers['accept-language']);
      void reply.header('vary', 'Accept-Language');
      return sendAsset(reply, assets.page(language), request.headers['if-none-match']);
    });

    app.get<{ Params: { name: string } }>('/form/assets/:name', { config: { openapi: FORM_ASSET_DOC } }, async (request, reply) => {
      const asset = assets.asset(request.params.name);
      if (asset === undefined) return reply.code(404).send({ error: 'no such asset', code: 'not_found' });
      return sendAsset(reply, asset, request.headers['if-none-match']);
    });

    app.post(
      '/form/submissions',
      { bodyLimit: JSON_BODY_LIMIT, onRequest: limitSubmissions, config: { openapi: FORM_SUBMIT_DOC } },
      async (request, reply) => {
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
        const [repeat, pin] = await Promise.all([lookUpRepeat(deps.intake, submission, log), deps.access.pinOf(submission.ticket)]);
        return reply.code(outcome.duplicate ? 200 : 201).header('cache-control', 'no-store').send(formSubmitted(outcome, pin, repeat, deps.dispositions));
      },
    );

    app.post<{ Params: { ticket: string } }>(
      '/form/status/:ticket',
      { bodyLimit: RATING_BODY_LIMIT, onRequest: limitLookups, config: { openapi: FORM_STATUS_DOC } },
      async (request, reply) => {
        const ticket = checkedTicket(request.params.ticket);
        const { proof } = parseStatusPayload(request.body);
        const access = granted(await deps.access.read(ticket, [proof], sourceOf(guard.addressOf(request))), reply);
        return reply.header('cache-control', 'no-store').send(publicStatus(access.record));
      },
    );

    app.post<{ Params: { ticket: string } }>(
      '/form/rating/:ticket',
      { bodyLimit: RATING_BODY_LIMIT, onRequest: limitRatings, config: { openapi: FORM_RATING_DOC } },
      async (request, reply) => {
        const ticket = checkedTicket(request.params.ticket);
        const input = parseRatingPayload(request.body);
        const outcome = await deps.access.rate(
          ticket,
          [input.proof],
          sourceOf(guard.addressOf(request)),
          input.comment === undefined ? { score: input.score } : { score: input.score, comment: input.comment },
        );
        if (outcome.kind === 'refused') {
          if (outcome.reason === 'already_rated') throw alreadyRated();
          throw new FormRequestError(409, 'not_rateable', 'a request can be rated once it is resolved or closed', 'ticket');
        }
        if (outcome.kind !== 'rated') return granted(outcome, reply);
        log.info({ ticket, score: outcome.rating.score }, 'web form rating taken');
        return reply.code(201).header('cache-control', 'no-store').send({ ticket, score: outcome.rating.score, ratedAt: outcome.rating.at });
      },
    );
  };
}

function sourceOf(ip: string): ProofSource {
  return { kind: 'ip', id: ip };
}

function checkedTicket(ticket: string): string {
  if (!isValidTicket(ticket)) throw FormRequestError.invalid('ticket', 'this is not a ticket number (digits with a check digit)');
  return ticket;
}

/** The record when the proof opened it; otherwise the refusal, the same for an unknown ticket and a wrong proof. */
function granted(outcome: CaseReadOutcome, reply: FastifyReply): Extract<CaseReadOutcome, { kind: 'granted' }> {
  if (outcome.kind === 'granted') return outcome;
  if (outcome.kind === 'locked') {
    void reply.header('retry-after', String(outcome.retryAfterSeconds));
    throw new FormRequestError(429, 'too_many_attempts', 'too many wrong proofs for this ticket: try again later, or call 12345', 'proof');
  }
  // One answer for "no such ticket" and "wrong proof": a stranger learns neither.
  throw new FormRequestError(404, 'not_found', 'no request matches this ticket number and proof (PIN, last 4 digits of the phone, or email)', 'proof');
}

function alreadyRated(): FormRequestError {
  return new FormRequestError(409, 'already_rated', 'this request has already been rated', 'ticket');
}
