// The simulator's HTTP server: ARI under `/ari` (REST, API docs, events WebSocket) and the control API under
// `/_sim`. Keep-alive is on, as ARI clients need (see load-notes.md: a socket per request breaks under load).

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { isResourceName, resourceDeclaration, resourceListing } from '../api/swagger-docs.js';
import type { SimulatorControl } from '../control.js';
import type { AsteriskEngine } from '../engine/asterisk-engine.js';
import { AriError } from '../errors.js';
import { ARI_HANDLERS } from './ari-handlers.js';
import { AriParams } from './ari-params.js';
import { AriRouter } from './ari-router.js';
import { isAuthorized } from './auth.js';
import type { Credentials } from './auth.js';
import { handleControl } from './control-routes.js';
import type { EventsSocketServer } from './events-socket.js';
import type { RequestLog } from './request-log.js';

const MAX_BODY_BYTES = 1024 * 1024;

export interface ServerDeps {
  readonly engine: AsteriskEngine;
  readonly control: SimulatorControl;
  readonly sockets: EventsSocketServer;
  readonly requestLog: RequestLog;
  readonly creds: Credentials;
  readonly log?: (message: string) => void;
}

export function createSimulatorServer(deps: ServerDeps): Server {
  const router = new AriRouter();
  const server = createServer({ keepAlive: true }, (req, res) => {
    handle(deps, router, req, res).catch((err: unknown) => {
      deps.log?.(`simulator: request ${req.method} ${req.url} failed: ${err instanceof Error ? err.stack : String(err)}`);
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 15_000;
  server.headersTimeout = 20_000;
  server.on('upgrade', (req, socket, head) => deps.sockets.handleUpgrade(req, socket, head));
  return server;
}

async function handle(deps: ServerDeps, router: AriRouter, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname;
  const raw = await readBody(req);
  if (path.startsWith('/_sim/')) {
    const body = raw ? parseJson(raw) : null;
    if (body === undefined) return send(res, 400, { code: 'SIM_BAD_JSON', message: 'request body is not a JSON object' });
    const result = await handleControl(deps.control, method, path.slice('/_sim'.length), url.searchParams, body);
    return send(res, result.status, result.body);
  }
  if (path !== '/ari' && !path.startsWith('/ari/')) return send(res, 404, { message: 'Not found' });
  if (!isAuthorized(req, url.searchParams, deps.creds)) {
    res.setHeader('WWW-Authenticate', 'Basic realm="Asterisk REST Interface"');
    return send(res, 401, { error: 'Authentication required' });
  }
  const ariPath = path.slice('/ari'.length);
  if (ariPath.startsWith('/api-docs/')) return serveDocs(req, res, ariPath.slice('/api-docs/'.length));

  let status = 500;
  let parsedBody: Record<string, unknown> | null = null;
  try {
    const body = raw ? parseJson(raw) : null;
    if (body === undefined) throw new AriError(400, 'Error parsing request body');
    parsedBody = body;
    const { op, pathParams } = router.match(method, ariPath);
    const params = new AriParams(url.searchParams, body, pathParams);
    params.validate(op);
    const handler = ARI_HANDLERS[`${op.resource}.${op.nickname}`];
    if (!handler) throw new AriError(501, 'Not implemented');
    const result = handler(deps.engine, params);
    status = result.status;
    if (result.file !== undefined) sendFile(res, result.file);
    else send(res, result.status, result.body);
  } catch (err) {
    if (!(err instanceof AriError)) throw err;
    status = err.status;
    send(res, err.status, { [err.bodyKey]: err.message });
  } finally {
    deps.requestLog.add({
      method,
      path,
      query: Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'api_key')),
      body: parsedBody,
      status,
      at: Date.now(),
    });
  }
}

function serveDocs(req: IncomingMessage, res: ServerResponse, file: string): void {
  // A running Asterisk fills `basePath` with the host the client addressed.
  const basePath = `http://${req.headers.host ?? 'localhost:8088'}/ari`;
  if (file === 'resources.json') return send(res, 200, resourceListing(basePath));
  const name = file.endsWith('.json') ? file.slice(0, -'.json'.length) : '';
  if (!isResourceName(name)) return send(res, 404, { message: 'Not found' });
  send(res, 200, resourceDeclaration(name, basePath));
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status === 200 ? 204 : status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Asterisk sends a stored recording as a download named after it, typed by its format. */
function sendFile(res: ServerResponse, file: { contentType: string; name: string; bytes: Uint8Array }): void {
  res.writeHead(200, {
    'Content-Type': file.contentType,
    'Content-Length': file.bytes.byteLength,
    'Content-Disposition': `attachment; filename="${file.name}"`,
  });
  res.end(file.bytes);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AriError(413, 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A JSON object, `null` for an empty/whitespace body, `undefined` when it is not a JSON object. */
function parseJson(text: string): Record<string, unknown> | null | undefined {
  if (text.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
