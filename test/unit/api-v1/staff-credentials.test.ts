// How a staff session travels over HTTP: which credential a request presents, the cookie the login sets and the
// logout clears, and whether a cookie-borne change comes from the gateway's own pages.

import { describe, expect, it } from 'vitest';
import { clearedSessionCookie, cookieValue, fromOwnSite, presentedSession, secureCookie, sessionCookie } from '../../../src/adapters/http/staff/staff-credentials.js';

const TOKEN = `hs1_${'a'.repeat(43)}`;

describe('the session a request presents', () => {
  it('is a bearer token with the session prefix, else the cookie; an API key sent on purpose wins over the cookie', () => {
    expect(presentedSession({ authorization: `Bearer ${TOKEN}` })).toEqual({ token: TOKEN, via: 'bearer' });
    expect(presentedSession({ authorization: `bearer   ${TOKEN} ` })).toEqual({ token: TOKEN, via: 'bearer' });
    expect(presentedSession({ cookie: `lang=zh; hotline_staff=${TOKEN}; other=1` })).toEqual({ token: TOKEN, via: 'cookie' });
    expect(presentedSession({ authorization: 'Bearer hk_abc_def', cookie: `hotline_staff=${TOKEN}` })).toBeNull();
    expect(presentedSession({ 'x-api-key': 'hk_abc_def', cookie: `hotline_staff=${TOKEN}` })).toBeNull();
    expect(presentedSession({ authorization: `Basic ${TOKEN}` })).toBeNull();
    expect(presentedSession({ cookie: 'hotline_staff=' })).toBeNull();
    expect(presentedSession({})).toBeNull();
  });

  it('reads the first cookie of that name, not one whose name merely ends with it', () => {
    expect(cookieValue('my_hotline_staff=x; hotline_staff=y; hotline_staff=z', 'hotline_staff')).toBe('y');
    expect(cookieValue('a=1', 'hotline_staff')).toBeUndefined();
    expect(cookieValue(undefined, 'hotline_staff')).toBeUndefined();
  });
});

describe('the cookie', () => {
  it('is HttpOnly, SameSite=Strict, for the whole site, as long-lived as the session, and Secure as configured', () => {
    expect(sessionCookie(TOKEN, 36_000, false)).toBe(`hotline_staff=${TOKEN}; HttpOnly; SameSite=Strict; Path=/; Max-Age=36000`);
    expect(sessionCookie(TOKEN, 1.9, true)).toBe(`hotline_staff=${TOKEN}; HttpOnly; SameSite=Strict; Path=/; Max-Age=1; Secure`);
    expect(clearedSessionCookie(true)).toBe('hotline_staff=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure');
    expect([secureCookie('on', 'http'), secureCookie('off', 'https'), secureCookie('auto', 'https'), secureCookie('auto', 'http')]).toEqual([true, false, true, false]);
  });
});

describe('a change from the gateway\'s own pages', () => {
  it('names the host the request was sent to in its Origin, else its Referer', () => {
    expect(fromOwnSite({ origin: 'http://gw.example:8080' }, 'gw.example:8080')).toBe(true);
    expect(fromOwnSite({ origin: 'https://GW.example' }, 'gw.example:443')).toBe(true);
    expect(fromOwnSite({ referer: 'https://gw.example/desk/?x=1' }, 'gw.example')).toBe(true);
  });

  it('is refused from another host or port, a null or odd Origin, or with neither header', () => {
    expect(fromOwnSite({ origin: 'https://evil.example' }, 'gw.example')).toBe(false);
    expect(fromOwnSite({ origin: 'http://gw.example:8081' }, 'gw.example:8080')).toBe(false);
    expect(fromOwnSite({ origin: 'https://gw.example.evil.example' }, 'gw.example')).toBe(false);
    // An Origin, when sent, is the answer: a matching Referer does not outvote it.
    expect(fromOwnSite({ origin: 'https://evil.example', referer: 'https://gw.example/desk/' }, 'gw.example')).toBe(false);
    expect(fromOwnSite({ origin: 'null' }, 'gw.example')).toBe(false);
    expect(fromOwnSite({ origin: 'file:///desk.html' }, 'gw.example')).toBe(false);
    expect(fromOwnSite({ referer: 'not a url' }, 'gw.example')).toBe(false);
    expect(fromOwnSite({}, 'gw.example')).toBe(false);
  });
});
