// The agents' desktop at `/desk/` and the supervisor view at `/desk/supervisor`: static pages served from memory.
// They hold no data: each logs in at `/v1/sessions` and shows what the WebSocket `/desk/socket` sends, so these
// routes need no session; the socket and the API check every action against the session's role.

import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { sendAsset } from '../page-assets.js';
import { pickFormLanguage } from '../web-form/form-language.js';
import { findDeskAssetsDir, loadDeskAssets } from './desk-page-assets.js';
import type { DeskAssets, DeskPage, DeskPageSettings } from './desk-page-assets.js';
import { DESK_ASSET_DOC, DESK_REDIRECT_DOC, DESKTOP_PAGE_DOC, SUPERVISOR_PAGE_DOC } from './desk-pages-docs.js';

export interface DeskPagesDeps {
  readonly settings: DeskPageSettings;
  /** Where the templates, scripts and style are; found next to the sources by default (see ../page-assets.ts). */
  readonly assetsDir?: string;
}

/**
 * Scripts, styles and connections (the socket, the session API) from this origin only; no inline script or style;
 * never inside another site's frame (an agent's clicks must be their own).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function deskPageRoutes(deps: DeskPagesDeps): FastifyPluginAsync {
  const assetsDir = findDeskAssetsDir(deps.assetsDir);
  return async (app: FastifyInstance) => {
    const assets = await loadDeskAssets(assetsDir, deps.settings);

    app.addHook('onSend', async (_request, reply, payload) => {
      void reply.header('x-content-type-options', 'nosniff');
      void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      void reply.header('referrer-policy', 'no-referrer');
      void reply.header('x-frame-options', 'DENY');
      void reply.header('cross-origin-opener-policy', 'same-origin');
      void reply.header('permissions-policy', 'geolocation=(), camera=(), microphone=(), payment=()');
      return payload;
    });

    // Relative, so that the page's relative links (`assets/...`, `supervisor`) resolve under `/desk/`.
    app.get('/desk', { config: { openapi: DESK_REDIRECT_DOC } }, async (_request, reply) => reply.code(308).header('location', 'desk/').send());
    app.get<{ Querystring: { lang?: string } }>('/desk/', { config: { openapi: DESKTOP_PAGE_DOC } }, async (request, reply) => sendPage(assets, 'desktop', request, reply));
    app.get<{ Querystring: { lang?: string } }>('/desk/supervisor', { config: { openapi: SUPERVISOR_PAGE_DOC } }, async (request, reply) =>
      sendPage(assets, 'supervisor', request, reply),
    );
    app.get<{ Params: { name: string } }>('/desk/assets/:name', { config: { openapi: DESK_ASSET_DOC } }, async (request, reply) => {
      const asset = assets.asset(request.params.name);
      if (asset === undefined) return reply.code(404).header('cache-control', 'no-store').send({ error: 'no such asset', code: 'not_found' });
      return sendAsset(reply, asset, request.headers['if-none-match']);
    });
  };
}

function sendPage(assets: DeskAssets, page: DeskPage, request: FastifyRequest<{ Querystring: { lang?: string } }>, reply: FastifyReply): FastifyReply {
  const language = pickFormLanguage(request.query.lang, request.headers['accept-language']);
  void reply.header('vary', 'Accept-Language');
  return sendAsset(reply, assets.page(page, language), request.headers['if-none-match']);
}
