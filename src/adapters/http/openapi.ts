// The HTTP server's documentation, generated from what each route registers with fastify: the OpenAPI document at
// /openapi.json (and /docs/json) and a browsable page at /docs. Every route is listed, whoever registered it, so a
// route added later appears without anyone editing a list here. Routes that validate with fastify schemas (/v1)
// are documented by those schemas; the others describe themselves in `config.openapi` (a `RouteDoc`), which
// fastify never validates or serialises with, so documenting a route cannot change how it answers.

import type { FastifyInstance, FastifySchema } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';

export interface OpenApiOptions {
  /** The gateway's version, shown in the document. */
  readonly version: string;
  readonly title?: string;
  /** Markdown; replaces the default description. */
  readonly description?: string;
  /** Public base URLs integrators call (e.g. `https://12345.example.gov.cn`); the document omits servers otherwise. */
  readonly servers?: readonly string[];
}

export const OPENAPI_PATHS = { document: '/openapi.json', docs: '/docs', docsJson: '/docs/json' } as const;

/**
 * A route's documentation when its fastify schema does not say it all: the same members as an OpenAPI-minded
 * fastify schema (`tags`, `summary`, `params`, `querystring`, `body`, `response` with `content` per media type...).
 */
export interface RouteDoc {
  readonly tags: readonly string[];
  readonly summary: string;
  readonly description?: string;
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly params?: Record<string, unknown>;
  readonly querystring?: Record<string, unknown>;
  readonly headers?: Record<string, unknown>;
  readonly body?: Record<string, unknown>;
  readonly consumes?: readonly string[];
  readonly produces?: readonly string[];
  readonly response?: Record<string, Record<string, unknown>>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Documentation of a route that has no (or not enough) fastify schema; see `RouteDoc`. */
    openapi?: RouteDoc;
  }
}

/** The document's sections, in order. */
export const OPENAPI_TAGS = {
  operations: 'operations',
  webForm: 'citizen web form',
  desk: 'agent desktop',
  submissions: 'submissions',
  workOrders: 'work orders',
  cases: "citizens' cases",
  citizens: 'citizens',
  supervision: 'supervision',
  agents: 'agents',
  staff: 'staff sessions',
  schemas: 'schemas',
  open311: 'Open311 GeoReport v2',
  wechat: 'WeChat',
  documentation: 'documentation',
} as const;

const TAG_DESCRIPTIONS: readonly { readonly name: string; readonly description: string }[] = [
  { name: OPENAPI_TAGS.operations, description: 'Probes and metrics for the platform that runs the gateway.' },
  { name: OPENAPI_TAGS.webForm, description: 'The citizen web form at `/` and the endpoints its page calls. Public, rate-limited per client address.' },
  {
    name: OPENAPI_TAGS.desk,
    description:
      "The agents' desktop (`/desk/`) and the supervisor view (`/desk/supervisor`): pages that log staff in at `/v1/sessions` and follow the queue over the WebSocket `/desk/socket`. " +
      'Only while the queue is on (`ACD=on`).',
  },
  { name: OPENAPI_TAGS.submissions, description: "Integrators' web API: submit citizens' requests and read them back (API key)." },
  { name: OPENAPI_TAGS.workOrders, description: 'Work-order systems report progress (API key with `status:write`).' },
  {
    name: OPENAPI_TAGS.cases,
    description: "Apps that show citizens their own cases (API key with `submit`): a case opens with the citizen's PIN, phone digits or e-mail, never with the ticket alone.",
  },
  { name: OPENAPI_TAGS.citizens, description: "A citizen's recent contacts and open cases across every channel (API key with `history`): for agent desktops and CRMs." },
  { name: OPENAPI_TAGS.supervision, description: 'Supervisors flag and unflag identities, with an audit log (API key with `supervise`).' },
  {
    name: OPENAPI_TAGS.agents,
    description:
      "The gateway's own call queue: agents log in and out, go ready or pause, and file each answered call's work order; the queue's figures. " +
      'With an API key with `agents` (acts for any agent), or a staff session (`/v1/sessions`): an agent acts only for themselves (403 `NOT_YOUR_AGENT`); ' +
      'a supervisor lists the agents, reads any of them and the queue, and may log an agent out or pause them, but takes no call steps (403 `WRONG_ROLE`). ' +
      'Only while the queue is on (`ACD=on`): with `ACD=off` these routes do not exist (404).',
  },
  {
    name: OPENAPI_TAGS.staff,
    description:
      'Agents and supervisors log in with their staff id and password (accounts: `hotline-gateway staff add`) and get a session: a bearer token `hs1_...`, ' +
      'also set as the HttpOnly `hotline_staff` cookie for the desktop. Only while the queue is on (`ACD=on`).',
  },
  { name: OPENAPI_TAGS.schemas, description: 'Published JSON Schemas.' },
  {
    name: OPENAPI_TAGS.open311,
    description:
      'GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under `/open311/v2`: every resource in `.xml` and `.json`, errors as the spec has them. ' +
      'Reads are public; `POST requests` needs an `api_key` (scope `open311` or `submit`) in the body or the query string.',
  },
  { name: OPENAPI_TAGS.wechat, description: "WeChat Official Account / WeCom server URL (only when `WECHAT_TOKEN` is set): WeChat's servers call it, signed." },
  { name: OPENAPI_TAGS.documentation, description: 'This document and the docs page.' },
];

const DEFAULT_DESCRIPTION = `Every HTTP endpoint of the Beijing 12345 citizen hotline gateway: the integrators' web API (submit citizens'
requests, read them back, report work-order progress), Open311 GeoReport v2, the citizen web form, the WeChat server
URL, and the operations endpoints (health, readiness, metrics).

**Keys.** Send your key as \`Authorization: Bearer <key>\` or \`X-API-Key: <key>\`. A key has scopes:
\`submit\` (POST /v1/submissions), \`read\` (GET a submission; the answer holds personal data, so only systems allowed to
process it get this scope), \`status:write\` (work-order systems reporting progress), \`open311\`, \`supervise\`
(supervisors flagging identities at /v1/flags), \`history\` (a citizen's contacts and open cases, personal data too), and
\`agents\` (CTI connectors and agent desktops driving agents of the gateway's call queue at /v1/agents and /v1/queue).

**Staff sessions.** Agents and supervisors log in at \`POST /v1/sessions\` and send the session as
\`Authorization: Bearer hs1_...\` (or, in a browser, the \`hotline_staff\` cookie it sets) to /v1/agents and /v1/queue;
each request is checked against the session's role on the server.

**Rate limits.** Each key has its own limit per minute; requests without a valid key are limited per client address.
Submissions also count against the key's hourly fair-use budget. Over either the answer is 429 with \`Retry-After\`
(\`RATE_LIMITED\` or \`TOO_MANY_SUBMISSIONS\`). Every gateway replica counts against the same numbers. A submission the
gateway classifies as an emergency is never refused by a limit.

**Retries.** Send an \`Idempotency-Key\` with every POST and reuse it when retrying: the retry gets the first answer
(200, \`Idempotent-Replayed: true\`) instead of creating a second ticket. A 503 means retry later with the same key.

**Emergencies.** When the answer has \`message\`, show it to the citizen at once: it tells them to call 110/119/120/122.

**Errors** are \`{ "error": "...", "code": "..." }\`; validation errors add \`problems\`, each naming a \`field\`.

**Desk WebSocket.** The agents' desktop and the supervisor view talk to the gateway over a WebSocket at
\`/desk/socket\` on this port (with the call queue on, \`ACD=on\`), which OpenAPI cannot describe: it takes a staff
session (the \`hotline_staff\` cookie, or \`{"type":"auth","token":...}\` as the first frame), not an API key. Its
messages and close codes are in the README's "Desk WebSocket" section.`;

/**
 * Registers the generator and the docs page on the root instance. Call it before registering any route plugin:
 * the generator learns routes from an onRoute hook, which sees only routes added after it is loaded.
 */
export function registerOpenApi(app: FastifyInstance, options: OpenApiOptions): void {
  void app.register(fastifySwagger, {
    hideUntagged: false,
    transform: ({ schema, url, route }) => ({ schema: documentedSchema(schema, url, route.config?.openapi), url: withoutTrailingSlash(url) }),
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.title ?? 'hotline-gateway web API',
        version: options.version,
        description: options.description ?? DEFAULT_DESCRIPTION,
      },
      ...(options.servers === undefined || options.servers.length === 0 ? {} : { servers: options.servers.map((url) => ({ url })) }),
      tags: TAG_DESCRIPTIONS.map((tag) => ({ ...tag })),
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer hk_<id>_<secret>' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'X-API-Key: hk_<id>_<secret>' },
          open311ApiKey: { type: 'apiKey', in: 'query', name: 'api_key', description: 'GeoReport v2 `api_key` (query string, or the same field in the body)' },
          staffSession: { type: 'http', scheme: 'bearer', description: 'A staff session: Authorization: Bearer hs1_<token> (POST /v1/sessions)' },
          staffCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'hotline_staff',
            description: "A staff session as the browser's cookie (set by POST /v1/sessions); a request with it that changes something must come from the gateway's own pages (Origin)",
          },
        },
      },
    },
  });
  void app.register(fastifySwaggerUi, {
    routePrefix: OPENAPI_PATHS.docs,
    staticCSP: true,
    // The gateway is often reached over plain HTTP inside the government network, where the plugin's
    // upgrade-insecure-requests would send the page's own scripts to an https port that is not there.
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
    theme: { title: options.title ?? 'hotline-gateway web API' },
    // null: no calls to the public validator service from a government network.
    uiConfig: { docExpansion: 'list', deepLinking: true, defaultModelsExpandDepth: 0, validatorUrl: null },
  });
  // In a plugin, so that it is added after the generator has loaded and so is in the document too.
  void app.register(async (docs) => {
    docs.get(
      OPENAPI_PATHS.document,
      { config: { openapi: { tags: [OPENAPI_TAGS.documentation], summary: 'This OpenAPI 3.1 document', response: { 200: { description: 'OpenAPI 3.1 (JSON)', content: { 'application/json': { schema: { type: 'object' } } } } } } } },
      async (_request, reply) => reply.header('cache-control', 'no-cache').send(app.swagger()),
    );
  });
}

/**
 * The schema the document shows for a route: its fastify schema completed by its `config.openapi`. The docs page's
 * own routes (registered hidden by @fastify/swagger-ui) are shown too, under "documentation".
 */
function documentedSchema(schema: FastifySchema | undefined, url: string, doc: RouteDoc | undefined): FastifySchema {
  if (doc !== undefined) return { ...doc, ...schema } as FastifySchema;
  if (url === OPENAPI_PATHS.docs || url.startsWith(`${OPENAPI_PATHS.docs}/`)) {
    const { hide: _hide, ...rest } = (schema ?? {}) as FastifySchema & { hide?: boolean };
    return { ...rest, tags: [OPENAPI_TAGS.documentation], summary: docsPageSummary(url) } as FastifySchema;
  }
  return schema ?? {};
}

/**
 * A plugin's `/` under a prefix is both `/docs` and `/docs/`, and fastify hands the generator one route object
 * that it then renames to the second: the document names the first, as the route list does.
 */
function withoutTrailingSlash(url: string): string {
  return url.length > 1 && url.endsWith('/') ? url.slice(0, -1) : url;
}

function docsPageSummary(url: string): string {
  if (url === OPENAPI_PATHS.docsJson) return 'This OpenAPI document (as /openapi.json)';
  if (url === `${OPENAPI_PATHS.docs}/yaml`) return 'This OpenAPI document in YAML';
  if (url === OPENAPI_PATHS.docs || url === `${OPENAPI_PATHS.docs}/`) return 'The browsable docs page (Swagger UI)';
  return 'A file of the docs page (Swagger UI)';
}
