// How a staff session travels over HTTP, for every entry point that accepts one (the agents' REST API, the desktop's
// pages and its WebSocket): as `Authorization: Bearer hs1_...` from programs, or as the `hotline_staff` cookie the
// login sets for browsers. The cookie is HttpOnly (no page script can read it) and SameSite=Strict, and because a
// browser attaches it to requests another site makes, a request it authenticates that changes something must also
// come from the gateway's own pages: its Origin (or Referer) must name the host it was sent to.

import type { IncomingHttpHeaders } from 'node:http';
import { SESSION_TOKEN_PREFIX } from '../../../app/staff/staff-auth.js';

export const STAFF_COOKIE = 'hotline_staff';

export interface PresentedSession {
  readonly token: string;
  /** `cookie`: sent by a browser on its own, so a request that changes something must pass `fromOwnSite`. */
  readonly via: 'bearer' | 'cookie';
}

/**
 * The session a request presents: a bearer token with the session prefix, else the cookie, unless the request
 * names another credential (an API key in `Authorization` or `X-API-Key`): what a program sends on purpose wins
 * over what a browser attaches by itself. `null` when no session is presented.
 */
export function presentedSession(headers: IncomingHttpHeaders): PresentedSession | null {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.trim() !== '') {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    const token = match?.[1];
    return token !== undefined && token.startsWith(SESSION_TOKEN_PREFIX) ? { token, via: 'bearer' } : null;
  }
  if (headers['x-api-key'] !== undefined) return null;
  const token = cookieValue(headers.cookie, STAFF_COOKIE);
  return token === undefined || token === '' ? null : { token, via: 'cookie' };
}

/** The first cookie called `name` in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** Unsafe methods: a cookie-authenticated request with one of these must come from the gateway's own pages. */
export function changesSomething(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

/**
 * Whether the request's Origin, else its Referer, names `host` (the Host it was sent to, `gateway.example:8080`):
 * browsers send one of them with every cross-site request that changes something, and a page of another site
 * cannot make them name this host. Neither, or `Origin: null` (a sandboxed or privacy-stripped source), is not
 * proof and is refused. Only the host and port are compared: behind a TLS-terminating proxy the scheme the
 * gateway sees may differ from the browser's.
 */
export function fromOwnSite(headers: IncomingHttpHeaders, host: string): boolean {
  const origin = single(headers.origin);
  const source = origin ?? single(headers.referer);
  if (source === undefined || source === 'null' || host === '') return false;
  const url = URL.canParse(source) ? new URL(source) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) return false;
  // The same scheme's default port is dropped from both sides (`https://gw` and `Host: gw:443` are one site).
  const expected = URL.canParse(`${url.protocol}//${host}`) ? new URL(`${url.protocol}//${host}`).host : null;
  return expected !== null && url.host === expected;
}

/** `Secure` on the cookie: always, never, or when the browser reached the gateway over https. */
export function secureCookie(policy: 'on' | 'off' | 'auto', protocol: string): boolean {
  return policy === 'on' || (policy === 'auto' && protocol === 'https');
}

/** The login's cookie: as long-lived as the session, for the whole site, never readable by page scripts. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${STAFF_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure ? '; Secure' : ''}`;
}

/** Tells the browser to forget the cookie (logout, or a session that has ended). */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}

function single(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === '' ? undefined : first.trim();
}
