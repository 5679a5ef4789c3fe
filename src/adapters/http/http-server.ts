// The operations HTTP server: liveness, readiness and Prometheus metrics. Other adapters add their routes as
// fastify plugins through `register` (or `routes`), so this file does not grow with every feature.

import { fastify } from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyPluginAsync, FastifyPluginOptions } from 'fastify';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/index.js';
import type { GatewayMetrics } from '../metrics/index.js';
import { OPENAPI_TAGS, registerOpenApi } from './openapi.js';
import type { OpenApiOptions, RouteDoc } from './openapi.js';
import { DebugRequestLog, pathOf } from './request-log.js';
import { requestClientReader, requestHostReader } from './request-host.js';

/** Each named dependency (`ari`, `ami`, `redis`, ...) and whether it is usable now. */
export type ReadinessCheck = () => Promise<Record<string, boolean>> | Record<string, boolean>;

/** An async fastify plugin that adds routes; registered in its own encapsulated context. */
export type RoutePlugin<Options extends FastifyPluginOptions = Record<never, never>> = FastifyPluginAsync<Options>;

export interface HttpServerDeps {
  readonly log: Logger;
  readonly metrics: Pick<GatewayMetrics, 'contentType' | 'render'>;
  readonly readiness: ReadinessCheck;
  /** More routes, registered before the server listens. */
  readonly routes?: readonly RoutePlugin[];
  /** Serve the OpenAPI document (/openapi.json, /docs/json) and the docs page (/docs) for the tagged routes. */
  readonly openApi?: OpenApiOptions;
  /**
   * Behind a reverse proxy, take the client address from `X-Forwarded-For` (per-IP rate limits would otherwise
   * count every citizen as the proxy). `true`, a hop count, or the proxies' addresses/CIDRs.
   */
  readonly trustProxy?: boolean | number | string;
}

/** One route as fastify registered it (`HEAD` routes included: fastify adds one for every `GET`). */
export interface HttpRoute {
  readonly method: string;
  /** With its prefix and fastify's parameter syntax: `/open311/v2/requests/:file`. */
  readonly url: string;
}

export interface HttpServer {
  /** The fastify instance, e.g. for `inject` in tests or for plugins that need decorators. */
  readonly app: FastifyInstance;
  /** The Node server, for protocols that take over the connection (`upgrade`: the desk's WebSocket). */
  readonly server: Server;
  /** The host a raw request was sent to, as the routes' `request.host` reads it (a trusted proxy's X-Forwarded-Host). */
  hostOf(request: IncomingMessage): string;
  /** The client's address as the routes' `request.ip` reads it, for connection upgrades that bypass fastify. */
  clientOf(request: IncomingMessage): string;
  /** Every route registered so far, whoever registered it, in registration order. */
  routes(): readonly HttpRoute[];
  /** Adds routes; must be called before `listen`. */
  register<Options extends FastifyPluginOptions>(plugin: RoutePlugin<Options>, options?: Options): void;
  /** Listens and resolves with the bound address (port 0 picks a free port). */
  listen(port: number, host: string): Promise<{ readonly port: number; readonly host: string; readonly url: string }>;
  close(): Promise<void>;
}

export class HttpListenError extends Error {
  readonly code = 'HTTP_LISTEN_FAILED';
  constructor(host: string, port: number, cause: unknown) {
    super(`operations HTTP server cannot listen on ${host}:${port}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'HttpListenError';
  }
}

export function buildHttpServer(deps: HttpServerDeps): HttpServer {
  const app = fastify({
    // Typed as fastify's base logger so that route plugins keep fastify's default generics.
    loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new DebugRequestLog(),
    trustProxy: trustProxyOption(deps.trustProxy ?? false),
  });
  const routes: HttpRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  // Before any route plugin: the generator only sees routes added after it.
  if (deps.openApi !== undefined) registerOpenApi(app, deps.openApi);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      // The details stay in the log: a 5xx body must not reveal internals to whoever can reach the port.
      request.log.error({ err: error, method: request.method, url: pathOf(request) }, 'request failed');
      return reply.code(status).send({ error: 'internal server error' });
    }
    request.log.debug({ err: error, method: request.method, url: pathOf(request) }, 'request rejected');
    return reply.code(status).send({ error: error.message, ...(error.code === undefined ? {} : { code: error.code }) });
  });

  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${pathOf(request)}` }));

  // In a plugin, so that the OpenAPI generator (loaded as a plugin just above) sees these routes as well.
  void app.register(async (ops) => {
    ops.get('/healthz', { config: { openapi: HEALTH_DOC } }, async (_request, reply) => {
      void reply.header('cache-control', 'no-store');
      return { status: 'ok' };
    });

    ops.get('/readyz', { config: { openapi: READY_DOC } }, async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      let checks: Record<string, boolean>;
      try {
        checks = { ...(await deps.readiness()) };
      } catch (error) {
        request.log.error({ err: error }, 'readiness check failed');
        return reply.code(503).send({ ready: false, checks: {} });
      }
      const ready = Object.values(checks).every((ok) => ok === true);
      if (!ready) request.log.debug({ checks }, 'not ready');
      return reply.code(ready ? 200 : 503).send({ ready, checks });
    });

    ops.get('/metrics', { config: { openapi: METRICS_DOC } }, async (_request, reply) => {
      const text = await deps.metrics.render();
      return reply.header('cache-control', 'no-store').type(deps.metrics.contentType).send(text);
    });
  });

  const register = <Options extends FastifyPluginOptions>(plugin: RoutePlugin<Options>, options?: Options): void => {
    void app.register(plugin, options ?? ({} as Options));
  };
  for (const plugin of deps.routes ?? []) register(plugin);

  return {
    app,
    server: app.server,
    hostOf: requestHostReader(deps.trustProxy ?? false),
    clientOf: requestClientReader(deps.trustProxy ?? false),
    routes: () => [...routes],
    register,
    async listen(port, host) {
      try {
        await app.listen({ port, host });
      } catch (error) {
        throw new HttpListenError(host, port, error);
      }
      const address = app.server.address() as AddressInfo;
      const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { port: address.port, host: address.address, url: `http://${urlHost}:${address.port}` };
    },
    close: () => app.close(),
  };
}

const HEALTH_DOC: RouteDoc = {
  tags: [OPENAPI_TAGS.operations],
  summary: 'Liveness: the process runs',
  response: { 200: { description: 'Always, while the process runs', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' } } } } } } },
};

const READINESS_BODY = {
  type: 'object',
  properties: { ready: { type: 'boolean' }, checks: { type: 'object', description: 'ari, ami, redis, intake: each connected or not', additionalProperties: { type: 'boolean' } } },
};
const READY_DOC: RouteDoc = {
  tags: [OPENAPI_TAGS.operations],
  summary: 'Readiness: ARI, AMI, Redis, intake (and with the call queue, its and the staff sessions\' Redis) connected',
  response: {
    200: { description: 'Every dependency is connected', content: { 'application/json': { schema: READINESS_BODY } } },
    503: { description: 'At least one is not (`checks` says which)', content: { 'application/json': { schema: READINESS_BODY } } },
  },
};

const METRICS_DOC: RouteDoc = {
  tags: [OPENAPI_TAGS.operations],
  summary: 'Prometheus metrics',
  description: 'IVR calls and outcomes, emergency forwards, ARI/AMI links, device states, intake submissions by channel and result, process metrics.',
  response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } } } },
};

/** A hop count becomes proxy-addr's trust function (trust the `n` nearest hops); fastify's types omit the number form. */
function trustProxyOption(value: boolean | number | string): boolean | string | ((address: string, hop: number) => boolean) {
  if (typeof value !== 'number') return value;
  return (_address, hop) => hop < value;
}
