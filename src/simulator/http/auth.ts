// ARI authentication as Asterisk accepts it: HTTP Basic, or `api_key=user:password` in the query string.

import type { IncomingMessage } from 'node:http';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export function isAuthorized(req: IncomingMessage, query: URLSearchParams, creds: Credentials): boolean {
  const apiKey = query.get('api_key');
  if (apiKey !== null) {
    const colon = apiKey.indexOf(':');
    return colon >= 0 && apiKey.slice(0, colon) === creds.username && apiKey.slice(colon + 1) === creds.password;
  }
  const header = req.headers.authorization;
  if (!header || !/^basic /i.test(header)) return false;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && decoded.slice(0, colon) === creds.username && decoded.slice(colon + 1) === creds.password;
}
