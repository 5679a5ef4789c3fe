// /v1/sessions on its own (fastify's inject, staff kept in memory): the cookie's Secure follows STAFF_COOKIE_SECURE
// and, with `auto`, the scheme the browser used as a trusted proxy reports it; and when the session store does not
// answer, staff are told to retry (503 with Retry-After) instead of being told their session or password is wrong.

import { fastify } from 'fastify';
import { describe, expect, it } from 'vitest';
import { FileApiKeys } from '../../../src/adapters/api-keys/index.js';
import { apiV1Routes } from '../../../src/adapters/http/api-v1/index.js';
import { ScryptHasher } from '../../../src/adapters/staff/scrypt-hasher.js';
import type { CaseAccess } from '../../../src/app/access/case-access-ports.js';
import { silentLog } from '../../../src/app/app-ports.js';
import type { AttachmentStore, Intake } from '../../../src/app/intake/intake-ports.js';
import { MemoryLimiter } from '../../../src/app/limits/memory-limiter.js';
import { systemClock } from '../../../src/app/ports.js';
import { StaffAuth } from '../../../src/app/staff/staff-auth.js';
import type { StaffAccounts, StaffSessions } from '../../../src/app/staff/staff-ports.js';
import type { StaffAccount, StaffSession } from '../../../src/domain/staff/staff.js';
import { memoryGuard } from '../../support/guard.js';

class MemoryAccounts implements StaffAccounts {
  readonly byId = new Map<string, StaffAccount>();
  find = async (id: string): Promise<StaffAccount | null> => this.byId.get(id) ?? null;
  list = async (): Promise<StaffAccount[]> => [...this.byId.values()];
  save = async (account: StaffAccount): Promise<void> => void this.byId.set(account.id, account);
  remove = async (id: string): Promise<boolean> => this.byId.delete(id);
}

class MemorySessions implements StaffSessions {
  readonly byToken = new Map<string, StaffSession>();
  down = false;
  create = async (token: string, session: StaffSession): Promise<void> => void this.byToken.set(token, session);
  find = async (token: string, now: number): Promise<StaffSession | null> => {
    if (this.down) throw new Error('connection is closed');
    const session = this.byToken.get(token);
    return session !== undefined && session.expiresAt > now ? session : null;
  };
  revoke = async (token: string): Promise<boolean> => this.byToken.delete(token);
  revokeUser = async (): Promise<number> => 0;
}

const unused = <T>(): T => ({}) as T;
const PASSWORD = 'li wei watches the floor';

async function gateway(cookieSecure: 'on' | 'off' | 'auto') {
  const accounts = new MemoryAccounts();
  const sessions = new MemorySessions();
  const auth = new StaffAuth({
    accounts,
    sessions,
    hasher: new ScryptHasher({ N: 2 ** 10, r: 8, p: 1 }),
    limiter: new MemoryLimiter(),
    clock: systemClock,
    log: silentLog,
    settings: { sessionTtlMs: 3_600_000, failuresPerId: 5, failuresPerClient: 30, failureWindowMs: 900_000 },
  });
  await auth.saveAccount({ id: 'sup-1', name: 'Li Wei', role: 'supervisor', password: PASSWORD });
  // As behind the hotline's reverse proxy (HTTP_TRUST_PROXY=true): the scheme is the one it reports.
  const app = fastify({ trustProxy: true });
  await app.register(
    apiV1Routes({
      intake: unused<Intake>(),
      access: unused<CaseAccess>(),
      attachments: unused<AttachmentStore>(),
      guard: memoryGuard(new FileApiKeys([])),
      staff: { auth, cookieSecure },
      limits: { bodyBytes: 1024, fileBytes: 1024, files: 1 },
      log: silentLog,
    }),
  );
  const login = (proto: 'http' | 'https') =>
    app.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': 'application/json', 'x-forwarded-proto': proto }, payload: { user: 'sup-1', password: PASSWORD } });
  return { app, accounts, sessions, login };
}

describe('the session cookie\'s Secure', () => {
  it.each([
    ['auto', 'https', true],
    ['auto', 'http', false],
    ['on', 'http', true],
    ['off', 'https', false],
  ] as const)('STAFF_COOKIE_SECURE=%s over %s: Secure is %s', async (policy, proto, secure) => {
    const { app, login } = await gateway(policy);
    const response = await login(proto);
    await app.close();
    expect(response.statusCode).toBe(201);
    expect(String(response.headers['set-cookie']).endsWith('; Secure')).toBe(secure);
  });
});

describe('when the session store does not answer', () => {
  it('asks staff to retry (503 SESSIONS_UNAVAILABLE with Retry-After) rather than calling their session or password wrong', async () => {
    const { app, accounts, sessions, login } = await gateway('auto');
    const token = (JSON.parse((await login('https')).body) as { token: string }).token;
    sessions.down = true;
    const current = await app.inject({ method: 'GET', url: '/v1/sessions/current', headers: { authorization: `Bearer ${token}` } });
    expect(current.statusCode).toBe(503);
    expect(current.headers['retry-after']).toBe('5');
    expect(JSON.parse(current.body)).toMatchObject({ code: 'SESSIONS_UNAVAILABLE' });

    accounts.find = () => Promise.reject(new Error('connection is closed'));
    const refused = await login('https');
    await app.close();
    expect(refused.statusCode).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'SESSIONS_UNAVAILABLE' });
    expect(refused.headers['set-cookie']).toBeUndefined();
  });
});
