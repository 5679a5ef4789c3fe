import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpServer } from '../../../src/adapters/http/index.js';
import { createLogger } from '../../../src/adapters/log/index.js';
import { GatewayMetrics } from '../../../src/adapters/metrics/index.js';
import { SUBMISSION_SCHEMA } from '../../../src/domain/intake/validate-submission.js';
import { startApiV1 } from './api-v1-harness.js';
import type { Harness } from './api-v1-harness.js';

let h: Harness<'integrator'>;

beforeAll(async () => {
  h = await startApiV1({ integrator: { scopes: ['submit'] } });
});
afterAll(async () => {
  await h?.close();
});

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  components: { securitySchemes: Record<string, Record<string, string>> };
  paths: Record<string, Record<string, { tags?: string[]; security?: unknown[]; requestBody?: { content: Record<string, unknown> }; responses: Record<string, unknown>; parameters?: { name: string; in: string }[] }>>;
}

describe('OpenAPI document and docs page', () => {
  it('describes every v1 route with tags, security, request and response schemas', async () => {
    const response = await fetch(`${h.url}/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as OpenApiDocument;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.version).toBe('0.0.0-test');
    expect(doc.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      apiKeyHeader: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
      open311ApiKey: expect.objectContaining({ type: 'apiKey', in: 'query', name: 'api_key' }),
      staffSession: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      staffCookie: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'hotline_staff' }),
    });
    // This server has /v1 and the operations routes; every one of them is in the document (the gateway-wide
    // check with every channel is test/integration/gateway/openapi-every-route.test.ts).
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/v1')).sort()).toEqual([
      '/v1/cases/{ticket}/rating',
      '/v1/cases/{ticket}/status',
      '/v1/flags',
      '/v1/flags/audit',
      '/v1/flags/{kind}/{value}',
      '/v1/schema/submission.json',
      '/v1/submissions',
      '/v1/submissions/{id}',
      '/v1/submissions/{id}/status',
    ]);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs']));
    const flag = doc.paths['/v1/flags']?.['post'];
    expect(flag?.tags).toEqual(['supervision']);
    expect(flag?.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    expect(Object.keys(flag?.responses ?? {}).sort()).toEqual(['201', '400', '401', '403', '415', '429']);
    expect(Object.keys(doc.paths['/v1/flags/{kind}/{value}']?.['delete']?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '403']));

    const post = doc.paths['/v1/submissions']?.['post'];
    expect(post?.tags).toEqual(['submissions']);
    expect(post?.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    expect(Object.keys(post?.requestBody?.content ?? {}).sort()).toEqual(['application/json', 'multipart/form-data']);
    expect(Object.keys(post?.responses ?? {}).sort()).toEqual(['200', '201', '400', '401', '403', '413', '415', '422', '429', '503']);
    expect(post?.parameters).toContainEqual(expect.objectContaining({ name: 'idempotency-key', in: 'header' }));

    const get = doc.paths['/v1/submissions/{id}']?.['get'];
    expect(get?.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path' }));
    expect(Object.keys(get?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '403', '404', '429']));

    const put = doc.paths['/v1/submissions/{id}/status']?.['put'];
    expect(put?.tags).toEqual(['work orders']);
    expect(put?.requestBody?.content['application/json']).toBeDefined();

    expect(doc.paths['/healthz']?.['get']?.tags).toEqual(['operations']);

    const docsJson = await fetch(`${h.url}/docs/json`);
    expect(docsJson.status).toBe(200);
    expect(((await docsJson.json()) as OpenApiDocument).paths).toEqual(doc.paths);
  });

  it('serves the docs page', async () => {
    const response = await fetch(`${h.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).not.toMatch(/upgrade-insecure-requests/);
    const html = await response.text();
    expect(html).toContain('swagger-ui');
    const initializer = await fetch(`${h.url}/docs/static/swagger-initializer.js`);
    expect(initializer.status).toBe(200);
    expect(await initializer.text()).toMatch(/json/);
  });

  it('serves the submission JSON Schema publicly, cacheable, with revalidation', async () => {
    const response = await fetch(`${h.url}/v1/schema/submission.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/schema+json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(await response.json()).toEqual(SUBMISSION_SCHEMA);

    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const revalidated = await fetch(`${h.url}/v1/schema/submission.json`, { headers: { 'if-none-match': etag! } });
    expect(revalidated.status).toBe(304);
  });

  it('keeps the operations endpoints working next to the docs', async () => {
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${h.url}/readyz`)).json()).toEqual({ ready: true, checks: { redis: true } });
  });

  it('serves no docs unless asked to', async () => {
    const server = buildHttpServer({ log: createLogger({ level: 'error' }), metrics: new GatewayMetrics({ processMetrics: false }), readiness: () => ({}) });
    try {
      const { url } = await server.listen(0, '127.0.0.1');
      expect((await fetch(`${url}/docs`)).status).toBe(404);
      expect((await fetch(`${url}/openapi.json`)).status).toBe(404);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
