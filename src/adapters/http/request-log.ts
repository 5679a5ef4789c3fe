// Probes and scrapes hit the server every few seconds: per-request lines at info would drown the call logs,
// so requests are logged at debug, and only failures above it. Only the path is logged: query strings carry
// personal data and credentials (WeChat's openid and signatures, Open311 api_key on GET).

import { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';

export class DebugRequestLog extends LogController {
  // The level is checked first: below debug (production), a request should not even build its log fields.
  override incomingRequest(request: FastifyRequest): void {
    if (debugEnabled(request.log)) request.log.debug({ method: request.method, url: pathOf(request) }, 'request received');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (!error && !debugEnabled(reply.log)) return;
    const fields = { method: request.method, url: pathOf(request), statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error) reply.log.error({ ...fields, err: error }, 'request failed while responding');
    else reply.log.debug(fields, 'request completed');
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: pathOf(request) }, 'no such route');
  }
}

function debugEnabled(log: FastifyBaseLogger): boolean {
  return log.level === 'debug' || log.level === 'trace';
}

/** The URL without its query string, which may carry personal data or credentials. */
export function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '';
}
