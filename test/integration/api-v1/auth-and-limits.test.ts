import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startApiV1 } from './api-v1-harness.js';
import type { Harness } from './api-v1-harness.js';

type Keys = 'submitter' | 'reader' | 'statusWriter' | 'open311Only' | 'revoked' | 'slow' | 'other';
let h: Harness<Keys>;

beforeAll(async () => {
  h = await startApiV1<Keys>(
    {
      submitter: { scopes: ['submit'] },
      reader: { scopes: ['read'] },
      statusWriter: { scopes: ['status:write'] },
      open311Only: { scopes: ['open311'] },
      revoked: { scopes: ['submit', 'read', 'status:write'], revoked: true },
      slow: { scopes: ['submit', 'read'], rate: 3 },
      other: { scopes: ['submit', 'read'], rate: 3 },
    },
    { unauthenticatedPerMinute: 5 },
  );
});
afterAll(async () => {
  await h?.close();
});

const ANY_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

function post(headers: Record<string, string>) {
  return fetch(`${h.url}/v1/submissions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ text: '路灯坏了' }) });
}

describe('API keys', () => {
  // Every request in this block that has no valid key counts against 127.0.0.1's budget of 5 per minute.
  it('answers 401 with WWW-Authenticate when the key is missing, wrong, malformed or revoked', async () => {
    const missing = await post({});
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="hotline-gateway"');
    expect(await missing.json()).toMatchObject({ code: 'API_KEY_MISSING' });

    const wrongSecret = h.keys.submitter.slice(0, -4) + (h.keys.submitter.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const attempts: Record<string, string>[] = [{ authorization: `Bearer ${wrongSecret}` }, { 'x-api-key': 'not-a-key' }, { authorization: `Bearer ${h.keys.revoked}` }];
    for (const headers of attempts) {
      const response = await post(headers);
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="hotline-gateway", error="invalid_token"');
      expect(await response.json()).toMatchObject({ code: 'API_KEY_INVALID' });
    }
    // The key never appears in the log, not even a rejected one.
    expect(h.logText()).not.toContain(wrongSecret.slice(-43));
  });

  it('limits requests without a valid key per client address, then still serves valid keys', async () => {
    // Four used above; the fifth is still answered, the sixth is throttled before the key is even judged.
    expect((await post({ 'x-api-key': 'guess-5' })).status).toBe(401);
    const throttled = await post({ 'x-api-key': 'guess-6' });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await throttled.json()).toMatchObject({ code: 'RATE_LIMITED', error: expect.stringMatching(/without a valid key/) });

    const valid = await post({ 'x-api-key': h.keys.submitter });
    expect(valid.status).toBe(201);
  });

  it('accepts the key as Bearer token or X-API-Key', async () => {
    expect((await post({ authorization: `Bearer ${h.keys.submitter}` })).status).toBe(201);
    expect((await post({ authorization: `bearer ${h.keys.submitter}` })).status).toBe(201);
    expect((await post({ 'x-api-key': h.keys.submitter })).status).toBe(201);
  });

  it('answers 403 naming the scope when the key lacks it', async () => {
    const cases: [string, RequestInit, string][] = [
      [`${h.url}/v1/submissions`, { method: 'POST', headers: json(h.keys.reader), body: JSON.stringify({ text: 'x' }) }, 'submit'],
      [`${h.url}/v1/submissions`, { method: 'POST', headers: json(h.keys.open311Only), body: JSON.stringify({ text: 'x' }) }, 'submit'],
      [`${h.url}/v1/submissions/${ANY_ID}`, { headers: json(h.keys.submitter) }, 'read'],
      [`${h.url}/v1/submissions/${ANY_ID}`, { headers: json(h.keys.statusWriter) }, 'read'],
      [`${h.url}/v1/submissions/${ANY_ID}/status`, { method: 'PUT', headers: json(h.keys.reader), body: JSON.stringify({ status: 'accepted' }) }, 'status:write'],
    ];
    for (const [url, init, scope] of cases) {
      const response = await fetch(url, init);
      expect(response.status, `${init.method ?? 'GET'} ${url}`).toBe(403);
      expect(await response.json()).toEqual({ error: `this API key lacks the "${scope}" scope`, code: 'SCOPE_MISSING', scope });
    }
  });

  it('checks the scope before the body: a malformed body from a key without the scope is 403, not 400', async () => {
    const response = await fetch(`${h.url}/v1/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.keys.reader}` },
      body: '{not json',
    });
    expect(response.status).toBe(403);
  });
});

describe('per-key rate limits', () => {
  it("throttles a key at its own limit with 429 and Retry-After, without touching another key's budget", async () => {
    for (let i = 1; i <= 3; i += 1) {
      const response = await fetch(`${h.url}/v1/submissions/${ANY_ID}`, { headers: json(h.keys.slow) });
      expect(response.status).toBe(404);
      expect(response.headers.get('x-ratelimit-limit')).toBe('3');
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(3 - i));
    }
    const throttled = await post({ authorization: `Bearer ${h.keys.slow}` });
    expect(throttled.status).toBe(429);
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await throttled.json()).toMatchObject({ code: 'RATE_LIMITED', error: expect.stringMatching(new RegExp(`at most 3 requests per minute for key ${h.entries.slow.id}`)) });

    const other = await post({ authorization: `Bearer ${h.keys.other}` });
    expect(other.status).toBe(201);
  });
});
