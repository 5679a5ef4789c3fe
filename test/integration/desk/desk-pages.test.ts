// Given the HTTP server with the desk pages, when a browser asks for them, then each page comes in the language the
// browser prefers (or `?lang=`), conditional with its ETag, with a CSP that allows no inline script or style and
// connections only to this origin, and never inside a frame; the files the pages load come the same way.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpServer } from '../../../src/adapters/http/index.js';
import type { HttpServer } from '../../../src/adapters/http/index.js';
import { deskPageRoutes } from '../../../src/adapters/http/desk/index.js';
import { GatewayMetrics } from '../../../src/adapters/metrics/index.js';
import { capturedLogger } from '../../support/logs.js';

let server: HttpServer;
let url: string;

beforeAll(async () => {
  server = buildHttpServer({ log: capturedLogger().log, metrics: new GatewayMetrics({ processMetrics: false }), readiness: () => ({}), openApi: { version: 'test' } });
  server.register(deskPageRoutes({ settings: { transferSkills: ['consultation', 'environment'], wrapUpSeconds: 30 } }));
  ({ url } = await server.listen(0, '127.0.0.1'));
});
afterAll(async () => {
  await server?.close();
});

describe('the desk pages', () => {
  it('serve the desktop at /desk/ in Mandarin by default, and /desk redirects there', async () => {
    const redirect = await fetch(`${url}/desk`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('desk/');
    const page = await fetch(`${url}/desk/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('vary')).toBe('Accept-Language');
    const html = await page.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('坐席工作台');
    expect(html).toContain('<script type="module" src="assets/desktop.js"></script>');
  });

  it('follow Accept-Language, and ?lang= over it', async () => {
    const english = await (await fetch(`${url}/desk/supervisor`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } })).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('Supervisor view');
    const chinese = await (await fetch(`${url}/desk/supervisor?lang=zh`, { headers: { 'accept-language': 'en' } })).text();
    expect(chinese).toContain('班长席');
  });

  it('send a strict CSP and refuse to be framed', async () => {
    for (const path of ['/desk/', '/desk/supervisor', '/desk/assets/desktop.js']) {
      const response = await fetch(`${url}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("style-src 'self'");
      expect(csp, path).toContain("connect-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('cache-control'), path).toBe('no-cache');
    }
  });

  it('answer a page or a file the browser has with 304', async () => {
    for (const path of ['/desk/?lang=en', '/desk/assets/desk.css']) {
      const first = await fetch(`${url}${path}`);
      const etag = first.headers.get('etag') ?? '';
      expect(etag, path).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      const again = await fetch(`${url}${path}`, { headers: { 'if-none-match': etag } });
      expect(again.status, path).toBe(304);
      expect(await again.text(), path).toBe('');
    }
  });

  it('serve the scripts and the style with their types, and nothing else from the folder', async () => {
    for (const name of ['desktop.js', 'supervisor.js', 'desk-common.js', 'desk-format.js', 'desk-pop.js', 'desk-work-order.js']) {
      const response = await fetch(`${url}/desk/assets/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toBe('text/javascript; charset=utf-8');
    }
    expect((await fetch(`${url}/desk/assets/desk.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    for (const name of ['desktop.html', 'desk-format.d.ts', 'top.html', '..%2Fdesk-texts.ts']) {
      const response = await fetch(`${url}/desk/assets/${name}`);
      expect(response.status, name).toBe(404);
      expect(await response.json(), name).toEqual({ error: 'no such asset', code: 'not_found' });
    }
  });

  it('are in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags: string[] }>> };
    for (const path of ['/desk', '/desk/supervisor', '/desk/assets/{name}']) expect(doc.paths[path]?.['get']?.tags, path).toEqual(['agent desktop']);
  });
});
