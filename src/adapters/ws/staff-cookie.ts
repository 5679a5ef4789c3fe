// The staff session cookie and the same-site check, as the desk socket's upgrade reads them.

export const STAFF_COOKIE = 'hotline_staff';

/** The first cookie called `name` in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Whether `origin` names `host` (the host the request was sent to, `gateway.example:8080`). Only host and port are
 * compared: behind a TLS-terminating proxy the scheme the gateway sees may differ from the browser's. `null` (a
 * sandboxed or privacy-stripped source) is not this site.
 */
export function fromOwnSite(origin: string, host: string): boolean {
  if (origin === 'null' || host === '' || !URL.canParse(origin)) return false;
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const expected = URL.canParse(`${url.protocol}//${host}`) ? new URL(`${url.protocol}//${host}`).host : null;
  return expected !== null && url.host === expected;
}
