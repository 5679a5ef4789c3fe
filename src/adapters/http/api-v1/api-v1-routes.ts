// The integrators' web API, v1: submit a citizen's request (JSON, or multipart with files), read it back, and
// report work-order progress. Everything here is in its own fastify context, so its strict validation, parsers
// and error shape apply to /v1 only.

import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import type { Log } from '../../../app/app-ports.js';
import type { CaseAccess, CaseReadOutcome } from '../../../app/access/case-access-ports.js';
import { readTypedProof } from '../../../domain/access/case-proof.js';
import type { CaseProof } from '../../../domain/access/case-proof.js';
import type { DispositionTexts } from '../../../domain/dispositions/dispositions.js';
import type { AttachmentStore, Intake, IntakeRecord } from '../../../app/intake/intake-ports.js';
import { lookUpRepeat } from '../../../app/intake/repeat-lookup.js';
import type { Status, StatusEntry } from '../../../domain/intake/submission.js';
import { isValidTicket } from '../../../domain/intake/ticket.js';
import { isUlid } from '../../../domain/intake/ulid.js';
import { SUBMISSION_SCHEMA } from '../../../domain/intake/validate-submission.js';
import type { RoutePlugin } from '../http-server.js';
import type { FlagDesk } from '../../../app/limits/flag-desk.js';
import type { HttpGuard } from '../guard/http-guard.js';
import { createKeyAuth } from './api-key-auth.js';
import { registerAgentRoutes } from './agent-routes.js';
import type { AgentDesk } from '../../../app/acd/agent-desk.js';
import type { DeskViews } from '../../../app/acd/desk-views.js';
import type { StaffAuth } from '../../../app/staff/staff-auth.js';
import { createDeskAccess } from './desk-access.js';
import { SessionAuth } from './session-auth.js';
import { registerSessionRoutes } from './session-routes.js';
import { registerFlagRoutes } from './flag-routes.js';
import { registerHistoryRoutes } from './history-routes.js';
import type { HistoryLookup } from '../../../app/identity/profile-ports.js';
import { ApiV1Error, apiV1ErrorHandler, invalidFields } from './api-v1-errors.js';
import {
  CASE_PARAMS_SCHEMA,
  CASE_PROOF_SCHEMA,
  CASE_RATED_SCHEMA,
  CASE_RATING_SCHEMA,
  CASE_VIEW_SCHEMA,
  errorResponses,
  ID_PARAMS_SCHEMA,
  KEY_SECURITY,
  LOCATION_HEADER,
  MULTIPART_SUBMISSION_SCHEMA,
  RECEIPT_SCHEMA,
  RECORD_SCHEMA,
  REPLAYED_HEADER,
  STATUS_UPDATE_SCHEMA,
  SUBMISSION_REQUEST_SCHEMA,
  SUBMIT_HEADERS_SCHEMA,
  TAG_CASES,
  TAG_SCHEMAS,
  TAG_SUBMISSIONS,
  TAG_WORK_ORDERS,
} from './api-v1-schemas.js';
import { multipartPluginLimits, readMultipartSubmission } from './multipart-submission.js';
import type { MultipartSubmission } from './multipart-submission.js';
import { createSchemaValidators } from './schema-validators.js';
import { caseView, mayKnowOtherRequests, receiptOf, recordView } from './submission-replies.js';
import { submitRequestFor } from './submission-request.js';
import type { SubmissionRequestBody } from './submission-request.js';

export interface ApiV1Limits {
  /** Largest JSON body (and multipart `submission` field), in bytes. */
  readonly bodyBytes: number;
  /** Largest single attachment, in bytes. */
  readonly fileBytes: number;
  /** Most attachments per submission. */
  readonly files: number;
}

export interface ApiV1Deps {
  readonly intake: Intake;
  /** Citizens' own cases, opened by proof (`/v1/cases/...`). */
  readonly access: CaseAccess;
  /** Where-to-go texts for matters the regulations send elsewhere, added to the receipt's `message`. */
  readonly dispositions?: DispositionTexts;
  readonly attachments: AttachmentStore;
  /** The key check and the limits every HTTP channel shares. */
  readonly guard: HttpGuard;
  /** Serves `/v1/flags` (scope `supervise`) when given. */
  readonly flags?: FlagDesk;
  /** Serves `POST /v1/citizens/history` (scope `history`) when given. */
  readonly history?: HistoryLookup;
  /** Serves `/v1/agents` and `/v1/queue` (scope `agents`, or a staff session) with `views` when given: the gateway's own call queue is on. */
  readonly agents?: { readonly desk: AgentDesk; readonly views: DeskViews };
  /**
   * Serves `/v1/sessions` when given, and lets staff sessions drive `/v1/agents` and `/v1/queue` as their role
   * allows; `cookieSecure` is `STAFF_COOKIE_SECURE`.
   */
  readonly staff?: { readonly auth: StaffAuth; readonly cookieSecure: 'on' | 'off' | 'auto' };
  readonly limits: ApiV1Limits;
  /** Requests per minute and client IP without a valid key (schema downloads, missing or wrong keys). Default 60. */
  readonly unauthenticatedPerMinute?: number;
  /** Defaults to the HTTP server's request logger. */
  readonly log?: Log;
  /** For `at` defaults and the future-date check; tests may pin it. */
  readonly now?: () => Date;
}

/** A status time may run ahead of ours by clock skew between systems, not more. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export function apiV1Routes(deps: ApiV1Deps): RoutePlugin {
  checkLimits(deps.limits);
  const now = deps.now ?? (() => new Date());
  const schemaText = JSON.stringify(SUBMISSION_SCHEMA);
  const schemaEtag = `"${createHash('sha256').update(schemaText).digest('base64url').slice(0, 27)}"`;

  return async (app: FastifyInstance) => {
    const validators = createSchemaValidators();
    const validateSubmissionBody = validators.compileBody(SUBMISSION_REQUEST_SCHEMA);
    app.setValidatorCompiler(validators.compiler);
    app.setErrorHandler(apiV1ErrorHandler({ bodyBytes: deps.limits.bodyBytes, ...(deps.log === undefined ? {} : { log: deps.log }) }));

    // Only JSON and multipart: fastify's text/plain parser would turn a wrong Content-Type into a confusing 400.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: deps.limits.bodyBytes }, (_request, body, done) => {
      const text = body as string;
      if (text.trim() === '') return done(new ApiV1Error(400, 'MALFORMED_JSON', 'body is empty: send a JSON object'), undefined);
      try {
        // Prototype keys (`__proto__`) parse as plain own properties and every body schema is closed, so they are refused.
        done(null, JSON.parse(text));
      } catch (error) {
        done(new ApiV1Error(400, 'MALFORMED_JSON', `body is not valid JSON: ${(error as Error).message}`), undefined);
      }
    });
    await app.register(fastifyMultipart, { limits: multipartPluginLimits(deps.limits), throwFileSizeLimit: true });

    const auth = createKeyAuth({ guard: deps.guard, unauthenticatedPerMinute: deps.unauthenticatedPerMinute ?? 60 });
    const guarded = (scope: Parameters<typeof auth.requireScope>[0]) => [auth.identify, auth.limit, auth.requireScope(scope)];
    const logFor = (request: FastifyRequest): Log => deps.log ?? (request.log as unknown as Log);
    const readSubmission = async (request: FastifyRequest): Promise<MultipartSubmission> => {
      if (request.isMultipart()) {
        return readMultipartSubmission(request, { attachments: deps.attachments, limits: deps.limits, validate: validateSubmissionBody });
      }
      // A POST without a body (and so without a Content-Type) reaches the handler unparsed and unvalidated.
      if (typeof request.body !== 'object' || request.body === null) {
        throw new ApiV1Error(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the submission as application/json or multipart/form-data');
      }
      return { body: request.body as SubmissionRequestBody, attachments: [] };
    };

    app.post(
      '/v1/submissions',
      {
        bodyLimit: deps.limits.bodyBytes,
        onRequest: auth.gateSubmission('submit'),
        schema: {
          tags: [TAG_SUBMISSIONS],
          summary: "Submit a citizen's request",
          description:
            'Needs the `submit` scope. Send JSON, or multipart/form-data with the JSON in the `submission` field and the files as file parts. ' +
            'Answers 201 with the id and ticket once the submission is durable. If `message` is present (an emergency hint), show it to the citizen at once.',
          security: KEY_SECURITY,
          headers: SUBMIT_HEADERS_SCHEMA,
          body: {
            content: {
              'application/json': { schema: SUBMISSION_REQUEST_SCHEMA },
              'multipart/form-data': { schema: MULTIPART_SUBMISSION_SCHEMA },
            },
          },
          response: {
            201: { description: 'Accepted; Location names the submission.', headers: LOCATION_HEADER, ...RECEIPT_SCHEMA },
            200: {
              description: 'A retry with the same Idempotency-Key and body: the first answer again.',
              headers: { ...LOCATION_HEADER, ...REPLAYED_HEADER },
              ...RECEIPT_SCHEMA,
            },
            ...errorResponses(400, 401, 403, 413, 415, 422, 429, 503),
          },
        },
      },
      async (request, reply) => {
        const key = auth.keyOf(request);
        const idempotencyKey = headerValue(request, 'idempotency-key');
        const { body, attachments } = await readSubmission(request);
        const submitRequest = submitRequestFor(body, attachments, { apiKeyId: key.id, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) });
        await deps.guard.admitSubmission(request, {
          channel: submitRequest.draft.channel,
          text: submitRequest.draft.text,
          submitters: [{ kind: 'apiKey', value: key.id }],
          ...(idempotencyKey === undefined ? {} : { once: submitRequest.dedupKey }),
        });
        const outcome = await deps.intake.submit(submitRequest);
        const [repeat, pin] = await Promise.all([
          mayKnowOtherRequests(key) ? lookUpRepeat(deps.intake, outcome.submission, logFor(request)) : null,
          deps.access.pinOf(outcome.submission.ticket),
        ]);
        const receipt = receiptOf(outcome, key, pin, repeat, deps.dispositions);
        logFor(request).info(
          {
            submissionId: receipt.id,
            ticket: receipt.ticket,
            apiKeyId: key.id,
            attachments: attachments.length,
            duplicate: outcome.duplicate,
            durability: outcome.durability,
            ...(outcome.submission.hints.emergency === undefined ? {} : { emergencyLine: outcome.submission.hints.emergency.line }),
          },
          outcome.duplicate ? 'web submission replayed' : 'web submission accepted',
        );
        void reply.header('location', receipt.links.self).header('cache-control', 'no-store');
        if (outcome.duplicate) return reply.code(200).header('idempotent-replayed', 'true').send(receipt);
        return reply.code(201).send(receipt);
      },
    );

    app.get(
      '/v1/submissions/:id',
      {
        onRequest: guarded('read'),
        schema: {
          tags: [TAG_SUBMISSIONS],
          summary: 'Read a submission with its status history',
          description:
            'Needs the `read` scope. The answer contains personal data (name, phone, e-mail, location, text): give this scope only to systems that may process it.',
          security: KEY_SECURITY,
          params: ID_PARAMS_SCHEMA,
          response: { 200: RECORD_SCHEMA, ...errorResponses(401, 403, 404, 429) },
        },
      },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const record = await findRecord(deps.intake, id);
        void reply.header('cache-control', 'no-store');
        return recordView(record);
      },
    );

    const jsonOnly: preValidationAsyncHookHandler = async (request) => {
      if (request.isMultipart()) throw new ApiV1Error(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Type: send application/json');
    };

    app.put(
      '/v1/submissions/:id/status',
      {
        bodyLimit: deps.limits.bodyBytes,
        onRequest: guarded('status:write'),
        preValidation: jsonOnly,
        schema: {
          tags: [TAG_WORK_ORDERS],
          summary: 'Report progress on a submission',
          description:
            'Needs the `status:write` scope (the key a work-order system holds). Appends to the history; the citizen sees `note` in progress replies.',
          security: KEY_SECURITY,
          params: ID_PARAMS_SCHEMA,
          body: STATUS_UPDATE_SCHEMA,
          response: { 200: RECORD_SCHEMA, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
        },
      },
      async (request, reply) => {
        const key = auth.keyOf(request);
        const { id } = request.params as { id: string };
        const update = request.body as { status: Status; note?: string; agency?: string; at?: string };
        const entry = statusEntry(update, now());
        const existing = await findRecord(deps.intake, id);
        const updated = await deps.intake.updateStatus(existing.submission.id, entry);
        if (updated === null) throw notFound(id);
        logFor(request).info({ submissionId: existing.submission.id, status: entry.status, apiKeyId: key.id }, 'submission status updated');
        void reply.header('cache-control', 'no-store');
        return recordView(updated);
      },
    );

    const caseDescription =
      'Needs the `submit` scope: for apps that show citizens their own cases. A ticket alone opens nothing: send what the citizen typed as `proof` ' +
      "(the PIN given with the ticket, the last 4 digits of the request's phone number, or its e-mail address). An unknown ticket and a wrong proof get the same 404; " +
      'wrong proofs are counted per ticket (5 a day, 15 in 30 days) and per key across every gateway replica, then 429 with Retry-After.';

    app.post(
      '/v1/cases/:ticket/status',
      {
        onRequest: guarded('submit'),
        preValidation: jsonOnly,
        schema: {
          tags: [TAG_CASES],
          summary: "Where a citizen's case stands, with the citizen's proof",
          description: caseDescription,
          security: KEY_SECURITY,
          params: CASE_PARAMS_SCHEMA,
          body: CASE_PROOF_SCHEMA,
          response: { 200: CASE_VIEW_SCHEMA, ...errorResponses(400, 401, 403, 404, 415, 429) },
        },
      },
      async (request, reply) => {
        const key = auth.keyOf(request);
        const { ticket } = request.params as { ticket: string };
        const proof = typedProof((request.body as { proof: string }).proof);
        const access = opened(await deps.access.read(ticket, [proof], { kind: 'apikey', id: key.id }), reply);
        void reply.header('cache-control', 'no-store');
        return caseView(access.record);
      },
    );

    app.post(
      '/v1/cases/:ticket/rating',
      {
        onRequest: guarded('submit'),
        preValidation: jsonOnly,
        schema: {
          tags: [TAG_CASES],
          summary: "Rate the handling of a citizen's case, with the citizen's proof",
          description: `${caseDescription} A case is rated once, after it is resolved or closed (409 otherwise).`,
          security: KEY_SECURITY,
          params: CASE_PARAMS_SCHEMA,
          body: CASE_RATING_SCHEMA,
          response: { 201: CASE_RATED_SCHEMA, ...errorResponses(400, 401, 403, 404, 409, 415, 429) },
        },
      },
      async (request, reply) => {
        const key = auth.keyOf(request);
        const { ticket } = request.params as { ticket: string };
        const body = request.body as { score: 1 | 2 | 3 | 4 | 5; comment?: string; proof: string };
        const outcome = await deps.access.rate(ticket, [typedProof(body.proof)], { kind: 'apikey', id: key.id }, {
          score: body.score,
          ...(body.comment === undefined ? {} : { comment: body.comment }),
        });
        void reply.header('cache-control', 'no-store');
        if (outcome.kind === 'refused') {
          throw new ApiV1Error(409, outcome.reason === 'already_rated' ? 'ALREADY_RATED' : 'NOT_RATEABLE', outcome.reason === 'already_rated' ? 'this case has already been rated' : 'a case can be rated once it is resolved or closed');
        }
        if (outcome.kind !== 'rated') return opened(outcome, reply);
        logFor(request).info({ ticket, score: outcome.rating.score, apiKeyId: key.id }, 'case rated through the web API');
        return reply.code(201).send({ ticket, score: outcome.rating.score, ratedAt: outcome.rating.at });
      },
    );

    app.get(
      '/v1/schema/submission.json',
      {
        onRequest: [auth.identify, auth.limit],
        schema: {
          tags: [TAG_SCHEMAS],
          summary: 'The JSON Schema of the canonical submission',
          description: 'Public. What consumers of the intake queue receive; `schemaVersion` in each submission names its version.',
          response: {
            200: { description: 'JSON Schema', content: { 'application/schema+json': { schema: { type: 'object', additionalProperties: true } } } },
            304: { description: 'Not modified (If-None-Match)', type: 'null' },
            ...errorResponses(429),
          },
        },
      },
      async (request, reply) => {
        void reply.header('cache-control', 'public, max-age=3600').header('etag', schemaEtag);
        if (request.headers['if-none-match'] === schemaEtag) return reply.code(304).send();
        return reply.type('application/schema+json; charset=utf-8').send(schemaText);
      },
    );

    if (deps.flags !== undefined) registerFlagRoutes(app, { desk: deps.flags, auth });
    if (deps.history !== undefined) registerHistoryRoutes(app, { history: deps.history, auth, logFor });
    const unauthenticatedPerMinute = deps.unauthenticatedPerMinute ?? 60;
    const sessions = deps.staff === undefined ? undefined : new SessionAuth({ staff: deps.staff.auth, guard: deps.guard, unauthenticatedPerMinute, logFor });
    if (sessions !== undefined && deps.staff !== undefined) registerSessionRoutes(app, { sessions, guard: deps.guard, cookieSecure: deps.staff.cookieSecure, logFor });
    if (deps.agents !== undefined) {
      const { desk, views } = deps.agents;
      registerAgentRoutes(app, { agents: desk, views, access: createDeskAccess(auth, sessions), ...(sessions === undefined ? {} : { staff: sessions.staff }), logFor });
    }
  };

  function statusEntry(update: { status: Status; note?: string; agency?: string; at?: string }, current: Date): StatusEntry {
    let at = current.toISOString();
    if (update.at !== undefined) {
      const ms = Date.parse(update.at);
      if (ms > current.getTime() + MAX_CLOCK_SKEW_MS) {
        throw invalidFields([{ field: 'at', message: 'is in the future' }], 'request body');
      }
      at = new Date(ms).toISOString();
    }
    return {
      status: update.status,
      at,
      ...(update.note === undefined ? {} : { note: update.note }),
      ...(update.agency === undefined ? {} : { agency: update.agency }),
    };
  }
}

function typedProof(text: string): CaseProof {
  const proof = readTypedProof(text);
  if (proof === null) {
    throw invalidFields([{ field: 'proof', message: 'must be the 6-digit PIN, the last 4 digits of the phone number, or the e-mail address, given with the request' }], 'request body');
  }
  return proof;
}

/** The record when the proof opened it; else one 404 for an unknown ticket and a wrong proof, or 429 when locked. */
function opened(outcome: CaseReadOutcome, reply: FastifyReply): Extract<CaseReadOutcome, { kind: 'granted' }> {
  if (outcome.kind === 'granted') return outcome;
  if (outcome.kind === 'locked') {
    void reply.header('retry-after', String(outcome.retryAfterSeconds));
    throw new ApiV1Error(429, 'TOO_MANY_ATTEMPTS', `too many wrong proofs for this ticket or from this key; retry in ${outcome.retryAfterSeconds} s`);
  }
  throw new ApiV1Error(404, 'NOT_FOUND', 'no case matches this ticket and proof');
}

/** The id or the ticket; 404 for anything else, so a malformed id and an unknown one look the same. */
async function findRecord(intake: Intake, idOrTicket: string): Promise<IntakeRecord> {
  let record: IntakeRecord | null = null;
  if (isUlid(idOrTicket)) record = await intake.get(idOrTicket);
  else if (isValidTicket(idOrTicket)) record = await intake.getByTicket(idOrTicket);
  if (record === null) throw notFound(idOrTicket);
  return record;
}

function notFound(idOrTicket: string): ApiV1Error {
  return new ApiV1Error(404, 'NOT_FOUND', `no submission with id or ticket ${JSON.stringify(idOrTicket)}`);
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The published submission schema allows at most this many attachments. */
const MAX_FILES = 20;

function checkLimits(limits: ApiV1Limits): void {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`api v1 limits.${name} must be a positive integer, got ${String(value)}`);
  }
  if (limits.files > MAX_FILES) throw new RangeError(`api v1 limits.files must be at most ${MAX_FILES} (the submission schema's limit), got ${limits.files}`);
}
