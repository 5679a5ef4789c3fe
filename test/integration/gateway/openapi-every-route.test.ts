// Given the whole gateway with every channel switched on (web form, /v1, Open311, WeChat, email, operations), when
// an integrator reads /openapi.json, then every route fastify registered is in it with its method, documented
// (tags and a summary), and nothing in it is a route that does not exist. The routes are collected by the HTTP
// server's own onRoute hook, so a route added later without documentation fails here.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import type { HttpRoute } from '../../../src/adapters/http/index.js';
import { freePort } from '../../support/net.js';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';

interface Operation {
  readonly tags?: readonly string[];
  readonly summary?: string;
  readonly responses?: Record<string, unknown>;
}
interface OpenApiDocument {
  readonly openapi: string;
  readonly tags: readonly { name: string; description: string }[];
  readonly paths: Record<string, Record<string, Operation>>;
}

let h: Harness;
let routes: readonly HttpRoute[];
let doc: OpenApiDocument;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'openapi-routes-'));
  const made = createApiKey({ name: 'docs test', scopes: ['submit', 'read', 'open311'] });
  await writeApiKeysFile(join(dataDir, 'api-keys.json'), { keys: [made.entry] });
  h = await startHarness({
    DATA_DIR: dataDir,
    API_KEYS_FILE: join(dataDir, 'api-keys.json'),
    SMTP_ACCEPT: '12345@hotline.example',
    SMTP_PORT: String(await freePort()),
    SMTP_HOST: '127.0.0.1',
    WECHAT_TOKEN: 'hotline12345',
    WECHAT_APPID: 'wx0123456789abcdef',
  });
  routes = h.gateway.httpRoutes();
  const response = await fetch(`${h.gateway.httpUrl}/openapi.json`);
  expect(response.status).toBe(200);
  doc = (await response.json()) as OpenApiDocument;
});
afterAll(async () => {
  await h?.close();
});

/**
 * fastify's `/form/status/:ticket` and `/docs/static/*` as OpenAPI paths. A plugin's `/` under a prefix answers at
 * `/docs` and `/docs/`: one path in the document.
 */
function openApiPath(url: string): string {
  const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace('*', '{*}');
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

const operations = (): { path: string; method: string; operation: Operation }[] =>
  Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));

describe('/openapi.json describes every HTTP endpoint', () => {
  it('has every route fastify registered, with its method', () => {
    const missing = routes
      .filter((route) => route.method !== 'HEAD')
      .filter((route) => doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()] === undefined)
      .map((route) => `${route.method} ${route.url}`);
    expect(missing).toEqual([]);
    // fastify answers HEAD for every GET (no body); the GET documents both.
    const headWithoutGet = routes.filter((route) => route.method === 'HEAD' && !routes.some((r) => r.method === 'GET' && openApiPath(r.url) === openApiPath(route.url)));
    expect(headWithoutGet).toEqual([]);
  });

  it('covers every channel: form, desk pages, /v1, Open311, WeChat, operations, schemas and the docs themselves', () => {
    const documented = new Set(operations().map(({ path, method }) => `${method.toUpperCase()} ${path}`));
    const expected = [
      'GET /',
      'GET /form/assets/{name}',
      'POST /form/submissions',
      'POST /form/status/{ticket}',
      'POST /form/rating/{ticket}',
      'GET /desk',
      'GET /desk/supervisor',
      'GET /desk/assets/{name}',
      'POST /v1/submissions',
      'GET /v1/submissions/{id}',
      'PUT /v1/submissions/{id}/status',
      'GET /v1/schema/submission.json',
      'POST /v1/cases/{ticket}/status',
      'POST /v1/cases/{ticket}/rating',
      'POST /v1/citizens/history',
      'PUT /v1/agents/{agentId}/session',
      'DELETE /v1/agents/{agentId}/session',
      'POST /v1/agents/{agentId}/ready',
      'POST /v1/agents/{agentId}/pause',
      'POST /v1/agents/{agentId}/wrap-up',
      'POST /v1/agents/{agentId}/hangup',
      'POST /v1/agents/{agentId}/transfer',
      'GET /v1/agents',
      'GET /v1/agents/{agentId}',
      'GET /v1/queue',
      'GET /v1/agents/{agentId}/call',
      'GET /v1/queue/calls',
      'POST /v1/sessions',
      'GET /v1/sessions/current',
      'DELETE /v1/sessions/current',
      'GET /open311/v2/discovery.xml',
      'GET /open311/v2/discovery.json',
      'GET /open311/v2/services.xml',
      'GET /open311/v2/services.json',
      'GET /open311/v2/services/{file}',
      'POST /open311/v2/requests.xml',
      'POST /open311/v2/requests.json',
      'GET /open311/v2/requests.xml',
      'GET /open311/v2/requests.json',
      'GET /open311/v2/requests/{file}',
      'GET /open311/v2/tokens/{file}',
      'GET /wechat',
      'POST /wechat',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'GET /openapi.json',
      'GET /docs',
      'GET /docs/json',
    ];
    expect(expected.filter((entry) => !documented.has(entry))).toEqual([]);
  });

  it('lists nothing that is not a route', () => {
    const registered = new Set(routes.map((route) => `${route.method.toLowerCase()} ${openApiPath(route.url)}`));
    expect(operations().filter(({ path, method }) => !registered.has(`${method} ${path}`)).map(({ path, method }) => `${method} ${path}`)).toEqual([]);
  });

  it('documents each operation: a declared tag, a summary and its responses', () => {
    const tags = new Set(doc.tags.map((tag) => tag.name));
    const undocumented = operations()
      .filter(({ operation }) => operation.summary === undefined || operation.summary === '' || (operation.tags ?? []).length === 0 || !(operation.tags ?? []).every((tag) => tags.has(tag)))
      .map(({ path, method }) => `${method} ${path}`);
    expect(undocumented).toEqual([]);
    expect(doc.paths['/readyz']?.['get']?.responses).toHaveProperty('503');
    expect(doc.paths['/open311/v2/requests.xml']?.['post']?.responses).toHaveProperty(['403']);
    expect(doc.paths['/form/rating/{ticket}']?.['post']?.responses).toHaveProperty(['429']);
  });

  it('serves the same document at /docs/json, and the docs page', async () => {
    const docsJson = (await (await fetch(`${h.gateway.httpUrl}/docs/json`)).json()) as OpenApiDocument;
    expect(docsJson.paths).toEqual(doc.paths);
    const page = await fetch(`${h.gateway.httpUrl}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });
});
