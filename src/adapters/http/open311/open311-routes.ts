// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the intake queue, for integrators such as
// FixMyStreet: services are the hotline's categories, a service request is a submission on channel `open311`, and
// its service_request_id is the submission's ticket. Registered by the composition root under `/open311/v2`.
//
// Reads are public, as the spec has them, and show only requests that came in through Open311 and never anyone's
// contact details. Writes need an api_key with scope `open311` or `submit`.

import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import { IdempotencyConflictError, IntakeUnavailableError, SubmissionInvalidError } from '../../../app/intake/intake-ports.js';
import type { Intake, IntakeRecord } from '../../../app/intake/intake-ports.js';
import { newestFirst } from '../../../app/intake/intake-query.js';
import type { ApiKey } from '../../../app/intake/api-keys.js';
import { SubmissionLimitedError } from '../../../app/limits/fair-use.js';
import { silentLog } from '../../../app/app-ports.js';
import type { Log } from '../../../app/app-ports.js';
import { isValidTicket } from '../../../domain/intake/ticket.js';
import { RequestRateLimitedError } from '../guard/http-guard.js';
import type { HttpGuard } from '../guard/http-guard.js';
import { isUlid } from '../../../domain/intake/ulid.js';
import { CONTENT_TYPES, ListNode, MEDIA_TYPES, OPEN311_FORMATS, isOpen311Format, renderDocument } from './open311-document.js';
import type { Open311Document, Open311Format } from './open311-document.js';
import { Open311Error, Open311SetupError, errorDocument } from './open311-errors.js';
import { GET_REQUEST_DOC, SERVICE_DEFINITION_DOC, TOKEN_DOC, discoveryDoc, getRequestsDoc, postRequestDoc, servicesDoc } from './open311-docs.js';
import { paramOfDraftField, parseServiceRequest } from './open311-post-request.js';
import { MAX_REQUESTS, parseRequestsQuery } from './open311-requests-query.js';
import type { RequestsQuery } from './open311-requests-query.js';
import { isPubliclyListed, serviceNotice, serviceRequestNode } from './open311-service-request.js';
import { OPEN311_PUBLIC_FIELDS } from '../../../domain/open311/public-fields.js';
import type { DispositionTexts } from '../../../domain/dispositions/dispositions.js';
import type { Open311PublicField } from '../../../domain/open311/public-fields.js';
import { OPEN311_SERVICES, SERVICES_CHANGESET, findService } from './open311-services.js';
import { ParamReader } from './param-reader.js';
import type { Params } from './param-reader.js';

export interface Open311RoutesDeps {
  readonly intake: Intake;
  /** The key check and the limits every HTTP channel shares. */
  readonly guard: HttpGuard;
  /** The jurisdiction this endpoint serves; a request naming another one gets 404, as the spec has it. */
  readonly jurisdictionId: string;
  readonly log?: Log;
  /** Shown in `discovery.{xml,json}`. */
  readonly discovery?: {
    /** Who runs the endpoint and how to reach them. */
    readonly contact?: string;
    /** Where an integrator asks for an api_key. */
    readonly keyService?: string;
  };
  /** Where-to-go texts for matters the regulations send elsewhere, added to the POST's `service_notice`. */
  readonly dispositions?: DispositionTexts;
  /** The fields public reads show (`OPEN311_PUBLIC_FIELDS`); default: all of GeoReport's, never any contact detail. */
  readonly publicFields?: readonly Open311PublicField[];
  /** POSTs without a valid api_key allowed per client address and minute before 429 (default 30). */
  readonly unauthenticatedPerMinute?: number;
  /** Reads of requests and tokens (public, each a Redis query) per client address and minute (default 120). */
  readonly readsPerMinute?: number;
  /** The clock (epoch ms), for the default date range of GET requests. */
  readonly now?: () => number;
}

const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
const WRITE_SCOPES = ['open311', 'submit'] as const;
/** Lookups by ticket run this many at a time, so a list of 1000 ids does not open 1000 Redis round trips at once. */
const LOOKUP_CONCURRENCY = 50;

export function open311Routes(deps: Open311RoutesDeps): FastifyPluginAsync {
  const log = (deps.log ?? silentLog).child({ component: 'open311' });
  const now = deps.now ?? Date.now;
  const unauthenticatedPerMinute = deps.unauthenticatedPerMinute ?? 30;
  const publicFields: ReadonlySet<Open311PublicField> = new Set(deps.publicFields ?? OPEN311_PUBLIC_FIELDS);
  const readsPerMinute = deps.readsPerMinute ?? 120;
  const jurisdiction = deps.jurisdictionId.trim().toLowerCase();
  if (jurisdiction === '') throw new Open311SetupError('open311 jurisdictionId must not be empty (e.g. the jurisdiction\'s web domain, beijing.gov.cn)');
  for (const [name, value] of [['unauthenticatedPerMinute', unauthenticatedPerMinute], ['readsPerMinute', readsPerMinute]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Open311SetupError(`open311 ${name} must be a positive integer, got ${value}`);
  }

  return async (app: FastifyInstance) => {
    // The parent may already parse forms (another channel's plugin at the root): adding a second parser would throw.
    if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody);
    const { guard } = deps;

    // GeoReport sends the api_key in the form body (or the query string), so keys are identified once the body is parsed (preHandler),
    // then counted per key at the key's own rate; requests without a valid key are counted per client address,
    // which keeps key guessing slow. The counters are the shared guard's.
    const identify: preHandlerAsyncHookHandler = async (request) => {
      guard.identify(request, presentedKey(request));
    };
    const limit: preHandlerAsyncHookHandler = async (request, reply) =>
      guard.limit(request, reply, { name: 'open311-post', perMinute: unauthenticatedPerMinute }, { holdForSubmission: guard.keyOf(request) !== undefined });
    const limitReads: onRequestAsyncHookHandler = async (request, reply) => guard.limit(request, reply, { name: 'open311-reads', perMinute: readsPerMinute, noun: 'reads' });

    /** The caller's key, or 403 without a valid one or without a write scope. */
    const authorise = (request: FastifyRequest): ApiKey => {
      const key = guard.keyOf(request);
      if (key === undefined) {
        throw new Open311Error(403, [presentedKey(request) === undefined ? 'api_key: is required to create a service request' : 'api_key: invalid api_key']);
      }
      if (!WRITE_SCOPES.some((scope) => key.scopes.includes(scope))) {
        throw new Open311Error(403, [`api_key: this key may not create service requests (it needs scope ${WRITE_SCOPES.join(' or ')})`]);
      }
      return key;
    };

    app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
      const format = formatOfUrl(request.url);
      if (error instanceof Open311Error) {
        if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
        request.log.debug({ code: error.code, status: error.status, url: pathOf(request.url) }, 'open311 request rejected');
        return sendError(reply, format, error.status, error.descriptions);
      }
      if (error instanceof RequestRateLimitedError) {
        void reply.header('retry-after', String(error.retryAfterSeconds));
        const who = error.noun === 'reads' ? 'from one address' : error.keyId === null ? 'from this address without a valid api_key' : 'for this api_key';
        return sendError(reply, format, 429, [`at most ${error.limit} ${error.noun} a minute ${who}; try again in ${error.retryAfterSeconds} seconds`]);
      }
      if (error instanceof SubmissionLimitedError) {
        const { refusal } = error;
        void reply.header('retry-after', String(refusal.retryAfterSeconds));
        return sendError(reply, format, 429, [
          `too many service requests from this api_key: at most ${refusal.limit} an hour; try again in ${Math.ceil(refusal.retryAfterSeconds / 60)} minutes (an emergency is always accepted)`,
        ]);
      }
      if (error instanceof IntakeUnavailableError) {
        log.warn({ err: error }, 'open311 request not taken: intake unavailable');
        // Retry-After takes whole seconds.
        const seconds = Math.max(1, Math.ceil(error.retryAfterSeconds));
        void reply.header('retry-after', String(seconds));
        return sendError(reply, format, 503, [`the hotline cannot take requests right now; try again in ${seconds} seconds`]);
      }
      if (error instanceof SubmissionInvalidError) {
        return sendError(
          reply,
          format,
          400,
          error.problems.map((p) => `${paramOfDraftField(p.field)}: ${p.message}`),
        );
      }
      if (error instanceof IdempotencyConflictError) {
        // Cannot happen while the dedup key embeds the fingerprint; kept so that a change separating them fails politely.
        log.error({ existingId: error.existingId }, 'open311 dedup key already used for a different submission');
        return sendError(reply, format, 400, ['this request collides with an earlier, different one; change the description and send it again']);
      }
      const status = error.statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        // Fastify's own rejections (unparseable body, unsupported content type, body too large) say what was wrong.
        return sendError(reply, format, status, [error.message]);
      }
      log.error({ err: error, method: request.method, url: pathOf(request.url) }, 'open311 request failed');
      return sendError(reply, format, 500, ['internal error; the request may not have been taken, please try again later']);
    });

    app.setNotFoundHandler((request, reply) => {
      const path = pathOf(request.url);
      const extension = extensionOf(path);
      const description =
        extension !== undefined && !isOpen311Format(extension)
          ? `format .${extension} is not supported: use .xml or .json`
          : `no such resource: ${request.method} ${truncate(path)}${extension === undefined ? ' (GeoReport resources end in .xml or .json)' : ''}`;
      return sendError(reply, formatOfUrl(request.url), 404, [description]);
    });

    const checkJurisdiction = (params: Params): void => {
      const given = new ParamReader(params).one('jurisdiction_id');
      if (given !== undefined && given.toLowerCase() !== jurisdiction) {
        throw Open311Error.notFound(`jurisdiction_id: ${truncate(given)} is not served here (this endpoint serves ${deps.jurisdictionId})`);
      }
    };

    for (const format of OPEN311_FORMATS) {
      app.get(`/discovery.${format}`, { config: { openapi: discoveryDoc(format) } }, async (request, reply) => {
        // With its trailing slash, as the spec's examples have it: clients append `services.xml` to it.
        const base = `${request.protocol}://${request.host}${pathOf(request.url).slice(0, -`discovery.${format}`.length)}`;
        return send(reply.header('cache-control', 'public, max-age=300'), format, {
          root: 'discovery',
          body: {
            changeset: SERVICES_CHANGESET,
            contact: deps.discovery?.contact ?? 'Beijing 12345 citizen service hotline 北京12345市民服务热线',
            key_service: deps.discovery?.keyService ?? 'Ask the hotline operator for an api_key with scope open311.',
            endpoints: new ListNode('endpoint', [
              {
                specification: SPECIFICATION,
                url: base,
                changeset: SERVICES_CHANGESET,
                type: 'production',
                formats: new ListNode('format', OPEN311_FORMATS.map((f) => MEDIA_TYPES[f])),
              },
            ]),
          },
        });
      });

      app.get(`/services.${format}`, { config: { openapi: servicesDoc(format) } }, async (request, reply) => {
        checkJurisdiction(queryOf(request));
        return send(reply.header('cache-control', 'public, max-age=300'), format, {
          root: 'services',
          body: new ListNode(
            'service',
            OPEN311_SERVICES.map((service) => ({
              service_code: service.code,
              service_name: service.name,
              description: service.description,
              metadata: false,
              type: 'realtime',
              keywords: service.keywords.join(', '),
              group: service.group,
            })),
          ),
        });
      });

      app.post(`/requests.${format}`, { preHandler: [identify, limit], config: { openapi: postRequestDoc(format) } }, async (request, reply) => {
        const params = bodyOf(request);
        const key = authorise(request);
        checkJurisdiction({ jurisdiction_id: params['jurisdiction_id'] ?? queryOf(request)['jurisdiction_id'] });
        const parsed = parseServiceRequest(params, key.id);
        const dedupKey = `open311:${key.id}:${parsed.digest}`;
        await guard.admitSubmission(request, { channel: parsed.draft.channel, text: parsed.draft.text, submitters: [{ kind: 'apiKey', value: key.id }], once: dedupKey });
        const outcome = await deps.intake.submit({ draft: parsed.draft, dedupKey, fingerprint: parsed.digest });
        const { submission } = outcome;
        log.info(
          {
            submissionId: submission.id,
            ticket: submission.ticket,
            apiKeyId: key.id,
            serviceCode: parsed.service.code,
            duplicate: outcome.duplicate,
            durability: outcome.durability,
          },
          outcome.duplicate ? 'open311 retry of an earlier request' : 'open311 request submitted',
        );
        return send(reply.header('cache-control', 'no-store'), format, {
          root: 'service_requests',
          body: new ListNode('request', [
            {
              service_request_id: submission.ticket,
              service_notice: serviceNotice(submission, deps.dispositions),
              account_id: parsed.accountId,
            },
          ]),
        });
      });

      app.get(`/requests.${format}`, { onRequest: limitReads, config: { openapi: getRequestsDoc(format) } }, async (request, reply) => {
        const query = queryOf(request);
        checkJurisdiction(query);
        const records = await findRecords(deps.intake, parseRequestsQuery(query, now()));
        return send(reply.header('cache-control', 'no-store'), format, {
          root: 'service_requests',
          body: new ListNode('request', records.map((record) => serviceRequestNode(record, publicFields))),
        });
      });
    }

    app.get('/services/:file', { config: { openapi: SERVICE_DEFINITION_DOC } }, async (request, reply) => {
      const { id: code, format } = splitFile(request);
      checkJurisdiction(queryOf(request));
      const service = findService(code);
      if (service === undefined) throw Open311Error.notFound(`service_code: there is no service ${JSON.stringify(truncate(code))}`);
      return send(reply.header('cache-control', 'public, max-age=300'), format, {
        root: 'service_definition',
        body: { service_code: service.code, attributes: new ListNode('attribute', []) },
      });
    });

    app.get('/requests/:file', { onRequest: limitReads, config: { openapi: GET_REQUEST_DOC } }, async (request, reply) => {
      const { id: ticket, format } = splitFile(request);
      checkJurisdiction(queryOf(request));
      const record = isValidTicket(ticket) ? await deps.intake.getByTicket(ticket) : null;
      if (record === null || !isPubliclyListed(record)) throw Open311Error.notFound(`service_request_id: ${truncate(ticket)} not found`);
      return send(reply.header('cache-control', 'no-store'), format, {
        root: 'service_requests',
        body: new ListNode('request', [serviceRequestNode(record, publicFields)]),
      });
    });

    app.get('/tokens/:file', { onRequest: limitReads, config: { openapi: TOKEN_DOC } }, async (request, reply) => {
      const { id: token, format } = splitFile(request);
      checkJurisdiction(queryOf(request));
      // Ids are minted upper case; a client may have lower-cased the token.
      const id = token.toUpperCase();
      const record = isUlid(id) ? await deps.intake.get(id) : null;
      if (record === null || !isOpen311(record)) throw Open311Error.notFound(`token: ${truncate(token)} not found`);
      return send(reply.header('cache-control', 'no-store'), format, {
        root: 'service_requests',
        body: new ListNode('request', [{ service_request_id: record.submission.ticket, token: record.submission.id }]),
      });
    });
  };
}

async function findRecords(intake: Intake, query: RequestsQuery): Promise<IntakeRecord[]> {
  if (query.kind === 'tickets') {
    const found: IntakeRecord[] = [];
    for (let i = 0; i < query.tickets.length; i += LOOKUP_CONCURRENCY) {
      // A ticket whose check digit fails cannot exist: it is left out like any other unknown id, without a lookup.
      const batch = await Promise.all(query.tickets.slice(i, i + LOOKUP_CONCURRENCY).map((ticket) => (isValidTicket(ticket) ? intake.getByTicket(ticket) : null)));
      for (const record of batch) if (record !== null && isPubliclyListed(record)) found.push(record);
    }
    return found;
  }
  const codes: readonly (string | undefined)[] = query.serviceCodes.length > 0 ? query.serviceCodes : [undefined];
  const lists = await Promise.all(
    codes.map((code) =>
      intake.find({
        channel: 'open311',
        ...(code === undefined ? {} : { open311ServiceCode: code }),
        ...(query.statuses === undefined ? {} : { status: query.statuses }),
        fromMs: query.fromMs,
        toMs: query.toMs,
        limit: query.limit,
      }),
    ),
  );
  const byId = new Map<string, IntakeRecord>();
  for (const record of lists.flat()) if (isPubliclyListed(record)) byId.set(record.submission.id, record);
  // Newest first, in the order one query would have returned them.
  return [...byId.values()].sort(newestFirst).slice(0, MAX_REQUESTS);
}

function isOpen311(record: IntakeRecord): boolean {
  return record.submission.channel === 'open311';
}

function send(reply: FastifyReply, format: Open311Format, document: Open311Document, status = 200): FastifyReply {
  return reply.code(status).header('content-type', CONTENT_TYPES[format]).send(renderDocument(document, format));
}

function sendError(reply: FastifyReply, format: Open311Format, status: number, descriptions: readonly string[]): FastifyReply {
  return send(reply.header('cache-control', 'no-store'), format, errorDocument(status, descriptions), status);
}

/** `urban-management.json` → the id and the format; an unknown or missing extension is a 404. */
function splitFile(request: FastifyRequest): { id: string; format: Open311Format } {
  const file = (request.params as { file: string }).file;
  const dot = file.lastIndexOf('.');
  const extension = dot < 0 ? undefined : file.slice(dot + 1);
  if (extension === undefined || !isOpen311Format(extension)) {
    throw Open311Error.notFound(
      extension === undefined ? `no such resource: ${truncate(file)} (GeoReport resources end in .xml or .json)` : `format .${truncate(extension)} is not supported: use .xml or .json`,
    );
  }
  return { id: file.slice(0, dot), format: extension };
}

/**
 * GeoReport's `api_key`: a form field (or JSON member), or a query parameter, where most GeoReport v2 clients put
 * it (`POST requests.xml?api_key=...`). The body wins when both are given: it is what the client signed up to send.
 */
function presentedKey(request: FastifyRequest): string | undefined {
  return keyIn(request.body) ?? keyIn(request.query);
}

function keyIn(params: unknown): string | undefined {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return undefined;
  const value = (params as Params)['api_key'];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function bodyOf(request: FastifyRequest): Params {
  const body: unknown = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw Open311Error.badParams([{ param: 'body', message: 'must be form fields (application/x-www-form-urlencoded) or a JSON object' }]);
  }
  return body as Params;
}

function queryOf(request: FastifyRequest): Params {
  const query: unknown = request.query;
  return query !== null && typeof query === 'object' ? (query as Params) : {};
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function extensionOf(path: string): string | undefined {
  const file = path.slice(path.lastIndexOf('/') + 1);
  const dot = file.lastIndexOf('.');
  return dot < 0 ? undefined : file.slice(dot + 1);
}

/** The response format for errors: what the URL asked for, else XML (the format GeoReport requires). */
function formatOfUrl(url: string): Open311Format {
  return extensionOf(pathOf(url)) === 'json' ? 'json' : 'xml';
}

function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
