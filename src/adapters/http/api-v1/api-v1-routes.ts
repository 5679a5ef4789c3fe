// The integrators' web API, v1: submit a citizen's request (JSON, or multipart with files), read it back, and
// report work-order progress. Everything here is in its own fastify context, so its strict validation, parsers
// and error shape apply to /v1 only.

import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import type { Log } from '../../../app/app-ports.js';
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
import { registerFlagRoutes } from './flag-routes.js';
import { ApiV1Error, apiV1ErrorHandler, invalidFields } from './api-v1-errors.js';
import {
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
  TAG_SCHEMAS,
  TAG_SUBMISSIONS,
  TAG_WORK_ORDERS,
} from './api-v1-schemas.js';
import { multipartPluginLimits, readMultipartSubmission } from './multipart-submission.js';
import type { MultipartSubmission } from './multipart-submission.js';
import { createSchemaValidators } from './schema-validators.js';
import { mayKnowOtherRequests, receiptOf, recordView } from './submission-replies.js';
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
  readonly attachments: AttachmentStore;
  /** The key check and the limits every HTTP channel shares. */
  readonly guard: HttpGuard;
  /** Serves `/v1/flags` (scope `supervise`) when given. */
  readonly flags?: FlagDesk;
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
        onRequest: [auth.identify, auth.limitSubmission, auth.requireScope('submit')],
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
        const repeat = mayKnowOtherRequests(key) ? await lookUpRepeat(deps.intake, outcome.submission, logFor(request)) : null;
        const receipt = receiptOf(outcome, key, repeat);
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
