import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildHttpServer } from '../../../src/adapters/http/index.js';
import type { HttpServer, HttpServerDeps } from '../../../src/adapters/http/index.js';
import { GatewayMetrics } from '../../../src/adapters/metrics/index.js';
import type { LogLevel } from '../../../src/config/index.js';
import { capturedLogger } from '../../support/logs.js';

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(overrides: Partial<HttpServerDeps> & { level?: LogLevel } = {}) {
  const logs = capturedLogger(overrides.level ?? 'info');
  const metrics = new GatewayMetrics({ processMetrics: false });
  const server = buildHttpServer({ log: logs.log, metrics, readiness: () => ({ ari: true, ami: true }), ...overrides });
  servers.push(server);
  const { url, port } = await server.listen(0, '127.0.0.1');
  return { server, url, port, metrics, logs };
}

describe('operations HTTP server', () => {
  it('listens on a free port and answers /healthz', async () => {
    const { url, port } = await start();
    expect(port).toBeGreaterThan(0);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when every check passes', async () => {
    const { url } = await start({ readiness: async () => ({ ari: true, ami: true, redis: true }) });
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ready: true, checks: { ari: true, ami: true, redis: true } });
  });

  it('/readyz is 503 when any check fails, naming which', async () => {
    const { url } = await start({ readiness: () => ({ ari: true, ami: false, redis: true }) });
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ready: false, checks: { ari: true, ami: false, redis: true } });
  });

  it('/readyz follows the checks as they change', async () => {
    let ari = false;
    const { url } = await start({ readiness: () => ({ ari }) });
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    ari = true;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('/readyz is 503 and logs when the readiness check throws', async () => {
    const { url, logs } = await start({
      readiness: async () => {
        throw new Error('redis ping exploded');
      },
    });
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ready: false, checks: {} });
    expect(logs.lines()).toContainEqual(expect.objectContaining({ level: 'error', msg: 'readiness check failed', err: expect.objectContaining({ message: 'redis ping exploded' }) }));
  });

  it('/metrics serves the Prometheus text with the registry content type', async () => {
    const { url, metrics } = await start();
    metrics.callStarted();
    metrics.emergencyForward('120', 'answered', 4);
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(metrics.contentType);
    const text = await response.text();
    expect(text).toContain('# TYPE hotline_ivr_calls_total counter');
    expect(text).toContain('hotline_ivr_calls_total 1');
    expect(text).toContain('hotline_emergency_forwards_total{service="120",result="answered"} 1');
  });

  it('serves routes added as plugins, through deps.routes and register()', async () => {
    const logs = capturedLogger('info');
    const server = buildHttpServer({
      log: logs.log,
      metrics: new GatewayMetrics({ processMetrics: false }),
      readiness: () => ({}),
      routes: [async (app) => void app.get('/from-deps', async () => ({ from: 'deps' }))],
    });
    servers.push(server);
    server.register<{ tag: string }>(async (app, options) => void app.get('/from-register', async () => ({ from: 'register', options })), { tag: 'x' });
    const { url } = await server.listen(0, '127.0.0.1');
    expect(await (await fetch(`${url}/from-deps`)).json()).toEqual({ from: 'deps' });
    expect(await (await fetch(`${url}/from-register`)).json()).toEqual({ from: 'register', options: { tag: 'x' } });
    // No checks at all means nothing is missing.
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('hides the details of a 5xx but logs them', async () => {
    const { server, logs } = await startWithRoutes((app) => {
      app.get('/boom', async () => {
        throw new Error('database password is hunter2');
      });
    });
    const response = await fetch(`${server.url}/boom?api_key=sesame`);
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({ error: 'internal server error' });
    expect(body).not.toContain('hunter2');
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'request failed', url: '/boom', err: expect.objectContaining({ message: 'database password is hunter2' }) }),
    );
    // Query strings carry credentials and personal data: only the path is logged.
    expect(logs.text()).not.toContain('sesame');
  });

  it('shows the reason of a 4xx', async () => {
    const { server } = await startWithRoutes((app) => {
      app.post('/echo', { schema: { body: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } } } }, async (request) => request.body);
    });
    const response = await fetch(`${server.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "body must have required property 'text'", code: 'FST_ERR_VALIDATION' });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/nope?x=1`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no route GET /nope' });
  });

  it('does not log requests at info', async () => {
    const { server, url, logs } = await start({ level: 'info' });
    await (await fetch(`${url}/healthz`)).text();
    await (await fetch(`${url}/readyz`)).text();
    await (await fetch(`${url}/metrics`)).text();
    await (await fetch(`${url}/missing`)).text();
    // Closing waits for the requests' completion hooks, so every line they could log is written by now.
    await server.close();
    expect(logs.lines().map((l) => l.msg)).toEqual([`Server listening at ${url}`]);
  });

  it('logs requests at debug', async () => {
    const { url, logs } = await start({ level: 'debug' });
    await (await fetch(`${url}/healthz?openid=oSecret123`)).text();
    await waitFor(() => logs.lines().some((l) => l.msg === 'request completed'));
    expect(logs.lines()).toContainEqual(expect.objectContaining({ level: 'debug', component: 'http', msg: 'request completed', url: '/healthz', statusCode: 200 }));
    expect(logs.lines()).toContainEqual(expect.objectContaining({ level: 'debug', msg: 'request received', url: '/healthz' }));
    expect(logs.text()).not.toContain('oSecret123');
  });

  it('takes the client address from X-Forwarded-For only as far as the proxies are trusted', async () => {
    const ipOf = async (trustProxy: HttpServerDeps['trustProxy']) => {
      const { server } = await startWithRoutes((app) => app.get('/ip', async (request) => ({ ip: request.ip })), { trustProxy });
      const response = await fetch(`${server.url}/ip`, { headers: { 'x-forwarded-for': '203.0.113.7, 198.51.100.2' } });
      return ((await response.json()) as { ip: string }).ip;
    };
    expect(await ipOf(undefined)).toBe('127.0.0.1');
    // One hop: the loopback peer is the proxy, and the address it saw is the client's.
    expect(await ipOf(1)).toBe('198.51.100.2');
    expect(await ipOf(2)).toBe('203.0.113.7');
    expect(await ipOf(true)).toBe('203.0.113.7');
  });

  it('stops listening on close', async () => {
    const { server, url } = await start();
    await server.close();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('names the address when it cannot listen', async () => {
    const first = await start();
    const logs = capturedLogger('info');
    const second = buildHttpServer({ log: logs.log, metrics: new GatewayMetrics({ processMetrics: false }), readiness: () => ({}) });
    servers.push(second);
    await expect(second.listen(first.port, '127.0.0.1')).rejects.toMatchObject({
      code: 'HTTP_LISTEN_FAILED',
      message: expect.stringContaining(`cannot listen on 127.0.0.1:${first.port}`),
    });
  });
});

async function startWithRoutes(routes: (app: FastifyInstance) => void, overrides: Partial<HttpServerDeps> = {}) {
  const logs = capturedLogger('info');
  const server = buildHttpServer({ log: logs.log, metrics: new GatewayMetrics({ processMetrics: false }), readiness: () => ({}), ...overrides });
  servers.push(server);
  server.register(async (app) => routes(app));
  const address = await server.listen(0, '127.0.0.1');
  return { server: { ...server, url: address.url }, logs };
}

/** The completion line is written after the response is sent; wait for it instead of sleeping a fixed time. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
}
