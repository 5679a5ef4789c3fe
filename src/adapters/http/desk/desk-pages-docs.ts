// The desk pages' routes as the OpenAPI document shows them (see ../openapi.ts): documentation only.

import { OPENAPI_TAGS } from '../openapi.js';
import type { RouteDoc } from '../openapi.js';

const TAGS = [OPENAPI_TAGS.desk];

const LANG_QUERY = { type: 'object', properties: { lang: { type: 'string', enum: ['zh', 'en'] } } };
const PAGE_RESPONSES = {
  200: { description: 'The page', content: { 'text/html; charset=utf-8': { schema: { type: 'string' } } } },
  304: { description: 'Not modified (If-None-Match)', type: 'null' },
};
const PAGE_DESCRIPTION =
  'Mandarin by default; `?lang=en` or Accept-Language picks English (a switch on the page changes it in place). No personal data in the page itself: ' +
  'it logs in at `POST /v1/sessions` and shows what the WebSocket `/desk/socket` sends. Strict CSP (no inline script or style, `connect-src \'self\'`), not framable. Conditional with ETag.';

export const DESKTOP_PAGE_DOC: RouteDoc = {
  tags: TAGS,
  summary: "The agents' desktop (HTML)",
  description:
    `${PAGE_DESCRIPTION} An agent joins the queue, goes ready or pauses, sees the screen pop of each call offered and answered (masked number, IVR path, category, language, wait, ` +
    "the caller's earlier contacts and open cases), hangs up or transfers, and files the call's work order. `GET /desk` redirects here.",
  querystring: LANG_QUERY,
  response: PAGE_RESPONSES,
};

export const DESK_REDIRECT_DOC: RouteDoc = {
  tags: TAGS,
  summary: "The agents' desktop: redirects to `/desk/`",
  response: { 308: { description: 'Permanent redirect to `desk/` (relative, so it keeps any path prefix of a reverse proxy)', type: 'null' } },
};

export const SUPERVISOR_PAGE_DOC: RouteDoc = {
  tags: TAGS,
  summary: 'The supervisor view (HTML)',
  description:
    `${PAGE_DESCRIPTION} Live: agents by state with how long, waiting calls with their waits, answered and abandoned counts, the service level (answered within 20 s) and ` +
    'the longest wait, from the same counters as `/metrics`; a supervisor may pause an agent or log them out.',
  querystring: LANG_QUERY,
  response: PAGE_RESPONSES,
};

export const DESK_ASSET_DOC: RouteDoc = {
  tags: TAGS,
  summary: "A file of the desk pages (scripts, style)",
  params: { type: 'object', required: ['name'], properties: { name: { type: 'string', examples: ['desktop.js', 'supervisor.js', 'desk.css'] } } },
  response: {
    200: { description: 'The file', content: { 'text/javascript; charset=utf-8': { schema: { type: 'string' } }, 'text/css; charset=utf-8': { schema: { type: 'string' } } } },
    304: { description: 'Not modified (If-None-Match)', type: 'null' },
    404: { description: 'No such file', content: { 'application/json': { schema: { type: 'object', required: ['error', 'code'], properties: { error: { type: 'string' }, code: { type: 'string' } } } } } },
  },
};
