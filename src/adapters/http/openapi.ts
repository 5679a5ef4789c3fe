// The integrators' documentation, generated from the route schemas: the OpenAPI document at /openapi.json (and
// /docs/json) and a browsable page at /docs. Only routes with tags are listed, so probes, metrics and internal
// pages stay out of a document that is handed to third parties.

import type { FastifyInstance } from 'fastify';
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

const DEFAULT_DESCRIPTION = `The Beijing 12345 citizen hotline gateway's web API for integrators: submit citizens' requests, read them back,
report work-order progress.

**Keys.** Send your key as \`Authorization: Bearer <key>\` or \`X-API-Key: <key>\`. A key has scopes:
\`submit\` (POST /v1/submissions), \`read\` (GET a submission; the answer holds personal data, so only systems allowed to
process it get this scope), \`status:write\` (work-order systems reporting progress), \`open311\`, and \`supervise\`
(supervisors flagging identities at /v1/flags).

**Rate limits.** Each key has its own limit per minute; requests without a valid key are limited per client address.
Submissions also count against the key's hourly fair-use budget. Over either the answer is 429 with \`Retry-After\`
(\`RATE_LIMITED\` or \`TOO_MANY_SUBMISSIONS\`). Every gateway replica counts against the same numbers. A submission the
gateway classifies as an emergency is never refused by a limit.

**Retries.** Send an \`Idempotency-Key\` with every POST and reuse it when retrying: the retry gets the first answer
(200, \`Idempotent-Replayed: true\`) instead of creating a second ticket. A 503 means retry later with the same key.

**Emergencies.** When the answer has \`message\`, show it to the citizen at once: it tells them to call 110/119/120/122.

**Errors** are \`{ "error": "...", "code": "..." }\`; validation errors add \`problems\`, each naming a \`field\`.`;

/**
 * Registers the generator and the docs page on the root instance. Call it before registering any route plugin:
 * the generator learns routes from an onRoute hook, which sees only routes added after it is loaded.
 */
export function registerOpenApi(app: FastifyInstance, options: OpenApiOptions): void {
  void app.register(fastifySwagger, {
    hideUntagged: true,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.title ?? 'hotline-gateway web API',
        version: options.version,
        description: options.description ?? DEFAULT_DESCRIPTION,
      },
      ...(options.servers === undefined || options.servers.length === 0 ? {} : { servers: options.servers.map((url) => ({ url })) }),
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer hk_<id>_<secret>' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'X-API-Key: hk_<id>_<secret>' },
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
  app.get(OPENAPI_PATHS.document, { schema: { hide: true } }, async (_request, reply) => {
    return reply.header('cache-control', 'no-cache').send(app.swagger());
  });
}
