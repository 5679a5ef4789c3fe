// Staff log in with scrypt-hashed passwords kept in Redis; a session is a random token whose hash names a Redis key
// that expires with it. Given accounts, when staff log in right or wrong, then sessions open, end and expire as the
// desktop and the agents' API rely on.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLimiter } from '../../../src/adapters/limits/redis-limiter.js';
import { RedisStaffAccounts, RedisStaffSessions, ScryptHasher } from '../../../src/adapters/staff/index.js';
import { StaffAccountError, StaffAuth } from '../../../src/app/staff/staff-auth.js';
import type { Clock } from '../../../src/app/ports.js';
import { RecordingLog } from '../../support/logs.js';
import { redisForFile, REDIS_URL } from '../../support/redis.js';

const redis = redisForFile('staff-auth');
const HOUR = 3_600_000;

function clockAt(start: number): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    setTimer: () => ({ cancel: () => undefined }),
    advance(ms) {
      now += ms;
    },
  };
}

describe('staff accounts and sessions', () => {
  let client: Redis;
  let auth: StaffAuth;
  let accounts: RedisStaffAccounts;
  const clock = clockAt(Date.now());
  const log = new RecordingLog();

  beforeAll(async () => {
    client = new Redis(REDIS_URL);
    accounts = new RedisStaffAccounts(client, redis.prefix);
    auth = new StaffAuth({
      accounts,
      sessions: new RedisStaffSessions(client, redis.prefix),
      // Cheaper than production's 2^15, the same code: these tests hash and check dozens of passwords.
      hasher: new ScryptHasher({ N: 2 ** 10, r: 8, p: 1 }),
      limiter: new RedisLimiter(client, { prefix: redis.prefix, log: log.log }),
      clock,
      log: log.log,
      settings: { sessionTtlMs: 10 * HOUR, failuresPerId: 3, failuresPerClient: 20, failureWindowMs: 15 * 60_000 },
    });
    await auth.saveAccount({ id: '1001', name: '王芳', role: 'agent', password: 'correct horse battery', endpoint: 'PJSIP/1001', skills: 'consultation:5' });
    await auth.saveAccount({ id: 'sup-1', name: 'Li Wei', role: 'supervisor', password: 'supervise the floor' });
  });

  afterAll(() => client.disconnect());

  it('opens a session for the right password, and it stands for that person and role until it ends', async () => {
    const login = await auth.login('1001', 'correct horse battery', '10.0.0.1');
    expect(login).toMatchObject({ ok: true, session: { userId: '1001', role: 'agent', name: '王芳' } });
    if (!login.ok) return;
    expect(login.token).toMatch(/^hs1_[A-Za-z0-9_-]{43}$/);
    expect(await auth.session(login.token)).toEqual(login.session);
    expect(await auth.logout(login.token)).toBe(true);
    expect(await auth.session(login.token)).toBeNull();
    expect(await auth.logout(login.token)).toBe(false);
  });

  it('keeps neither passwords nor tokens in Redis', async () => {
    const login = await auth.login('sup-1', 'supervise the floor', '10.0.0.1');
    if (!login.ok) throw new Error('login failed');
    const keys = await client.keys(`{${redis.prefix}}:staff:*`);
    const values = await Promise.all(keys.map(async (k) => ((await client.type(k)) === 'hash' ? JSON.stringify(await client.hgetall(k)) : (await client.type(k)) === 'set' ? JSON.stringify(await client.smembers(k)) : ((await client.get(k)) ?? ''))));
    const stored = keys.join('\n') + values.join('\n');
    expect(stored).not.toContain('supervise the floor');
    expect(stored).not.toContain(login.token);
    expect(stored).not.toContain(login.token.slice(4));
    expect((await accounts.find('sup-1'))?.passwordHash).toMatch(/^scrypt\$1024\$8\$1\$/);
  });

  it('refuses a wrong password and an unknown id alike, and ends a session at its expiry', async () => {
    expect(await auth.login('1001', 'wrong horse battery', '10.0.0.2')).toEqual({ ok: false, code: 'invalid_credentials' });
    expect(await auth.login('nobody', 'correct horse battery', '10.0.0.2')).toEqual({ ok: false, code: 'invalid_credentials' });
    expect(await auth.login('../etc', 'correct horse battery', '10.0.0.2')).toEqual({ ok: false, code: 'invalid_credentials' });
    const login = await auth.login('1001', 'correct horse battery', '10.0.0.2');
    if (!login.ok) throw new Error('login failed');
    expect(login.session.expiresAt - login.session.createdAt).toBe(10 * HOUR);
    clock.advance(10 * HOUR - 1);
    expect(await auth.session(login.token)).not.toBeNull();
    clock.advance(1);
    expect(await auth.session(login.token)).toBeNull();
    expect(await auth.session('hs1_tooshort')).toBeNull();
    expect(await auth.session(undefined)).toBeNull();
  });

  it('throttles guessing at one id, even with the right password, until the window passes', async () => {
    await auth.saveAccount({ id: '1002', name: 'Zhang Min', role: 'agent', password: 'another long secret' });
    for (let i = 0; i < 3; i += 1) expect(await auth.login('1002', `guess ${i} of many`, `10.0.1.${i}`)).toMatchObject({ ok: false, code: 'invalid_credentials' });
    const throttled = await auth.login('1002', 'another long secret', '10.0.1.9');
    expect(throttled).toMatchObject({ ok: false, code: 'throttled' });
    expect(throttled.ok === false && throttled.code === 'throttled' && throttled.retryAfterSeconds).toBeGreaterThan(0);
    // Another agent is not affected.
    expect(await auth.login('1001', 'correct horse battery', '10.0.1.9')).toMatchObject({ ok: true });
  });

  it('ends every session of an account whose password changes or that is disabled, and refuses its logins', async () => {
    await auth.saveAccount({ id: '1003', name: 'Chen Jie', role: 'agent', password: 'first password here' });
    const a = await auth.login('1003', 'first password here', '10.0.2.1');
    const b = await auth.login('1003', 'first password here', '10.0.2.2');
    if (!a.ok || !b.ok) throw new Error('login failed');
    await auth.saveAccount({ id: '1003', name: 'Chen Jie', role: 'agent', password: 'second password here' });
    expect(await auth.session(a.token)).toBeNull();
    expect(await auth.session(b.token)).toBeNull();
    const c = await auth.login('1003', 'second password here', '10.0.2.3');
    if (!c.ok) throw new Error('login failed');
    await auth.setDisabled('1003', true);
    expect(await auth.session(c.token)).toBeNull();
    expect(await auth.login('1003', 'second password here', '10.0.2.4')).toMatchObject({ ok: false, code: 'invalid_credentials' });
  });

  it('refuses an account it could not use, naming the field', async () => {
    const bad = [
      [{ id: 'a b', name: 'X', role: 'agent', password: 'long enough secret' }, 'id'],
      [{ id: '1009', name: ' ', role: 'agent', password: 'long enough secret' }, 'name'],
      [{ id: '1009', name: 'X', role: 'boss', password: 'long enough secret' }, 'role'],
      [{ id: '1009', name: 'X', role: 'agent', password: 'short' }, 'password'],
      [{ id: '1009', name: 'X', role: 'agent', password: '1009' }, 'password'],
    ] as const;
    for (const [input, field] of bad) {
      await expect(auth.saveAccount(input as Parameters<StaffAuth['saveAccount']>[0])).rejects.toSatisfy((e: unknown) => e instanceof StaffAccountError && e.field === field);
    }
    expect(await accounts.find('1009')).toBeNull();
  });
});

describe('scrypt at production cost', () => {
  it('checks a password hashed with the default cost, and nothing else', async () => {
    const hasher = new ScryptHasher();
    const stored = await hasher.hash('密码也可以是中文的句子');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await hasher.verify('密码也可以是中文的句子', stored)).toBe(true);
    expect(await hasher.verify('密码也可以是中文的句子 ', stored)).toBe(false);
    expect(await hasher.verify('x', 'scrypt$1048576000$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(43))).toBe(false);
    expect(await hasher.verify('x', 'plain-text')).toBe(false);
  });
});
