// `hotline-gateway flag` against the real Redis (own prefix): a supervisor flags, lists, unflags and reads the audit
// log; bad requests are refused before anything is written; expired flags stop applying.

import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLimits } from '../../../src/adapters/limits/create-limits.js';
import type { Limits } from '../../../src/adapters/limits/create-limits.js';
import { runFlagCommand } from '../../../src/adapters/limits/flag-command.js';
import { silentLog } from '../../../src/app/app-ports.js';
import { GENEROUS_POLICY } from '../../support/guard.js';
import { deletePrefixKeys, REDIS_URL, singleRedis } from '../../support/redis.js';

const prefix = `test-flags-${randomUUID().slice(0, 8)}`;
const opened: Limits[] = [];

afterAll(async () => {
  await Promise.all(opened.map((l) => l.close()));
  await deletePrefixKeys(prefix);
});

async function flag(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  let openedHere = 0;
  const code = await runFlagCommand(argv, {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    open: async () => {
      openedHere += 1;
      const limits = await createLimits({ redis: singleRedis(REDIS_URL), prefix, log: silentLog, policy: GENEROUS_POLICY, auditRetentionMs: 86_400_000 });
      opened.push(limits);
      return { desk: limits.desk, close: () => Promise.resolve() };
    },
  });
  return { code, out, err: err + (openedHere > 1 ? 'opened twice' : '') };
}

describe('hotline-gateway flag', () => {
  it('flags, lists, unflags and logs each change with who, what, when, why and until when', async () => {
    const added = await flag('add', '--kind', 'phone', '--value', '+86 138-0013-8000', '--reason', 'calls every five minutes with nothing new', '--for', '7d', '--by', 'supervisor Wang');
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toMatch(/^flagged phone 13800138000 until \d{4}-\d\d-\d\dT/);
    expect((await flag('add', '--kind', 'ip', '--value', '::ffff:198.51.100.9', '--reason', 'form flood', '--for', '2h', '--by', 'supervisor Li')).code).toBe(0);

    const listed = await flag('list', '--json');
    const flags = listed.out.trim().split('\n').map((line) => JSON.parse(line) as { identity: { kind: string; value: string }; by: string; expiresAt: string });
    expect(flags.map((f) => f.identity)).toEqual([
      { kind: 'ip', value: '198.51.100.9' },
      { kind: 'phone', value: '13800138000' },
    ]);
    const week = Date.parse(flags[1]?.expiresAt ?? '') - Date.now();
    expect(week).toBeGreaterThan(6.9 * 86_400_000);
    expect(week).toBeLessThanOrEqual(7 * 86_400_000);
    expect((await flag('list')).out).toMatch(/KIND\s+VALUE\s+UNTIL\s+BY\s+REASON\n.*198\.51\.100\.9.*supervisor Li\s+form flood/);

    const removed = await flag('remove', '--kind', 'phone', '--value', '13800138000', '--reason', 'talked to the caller', '--by', 'supervisor Zhao');
    expect(removed).toMatchObject({ code: 0, out: 'unflagged phone 13800138000\n' });
    expect((await flag('list', '--json')).out).not.toContain('13800138000');

    const audit = (await flag('audit', '--json')).out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(audit).toEqual([
      expect.objectContaining({ action: 'unflag', identity: { kind: 'phone', value: '13800138000' }, by: 'supervisor Zhao', reason: 'talked to the caller' }),
      expect.objectContaining({ action: 'flag', identity: { kind: 'ip', value: '198.51.100.9' }, by: 'supervisor Li', reason: 'form flood', expiresAt: expect.any(String) }),
      expect.objectContaining({ action: 'flag', identity: { kind: 'phone', value: '13800138000' }, by: 'supervisor Wang', expiresAt: flags[1]?.expiresAt }),
    ]);
    for (const entry of audit) expect(Date.now() - Date.parse(String(entry['at']))).toBeLessThan(60_000);
    expect((await flag('audit', '--limit', '1')).out).toMatch(/^AT\s+ACTION.*\n\S+\s+unflag\s+phone\s+13800138000\s+-\s+supervisor Zhao\s+talked to the caller\n$/);
  });

  it('refuses a bad request before writing anything, naming the problem', async () => {
    const before = (await flag('audit', '--json')).out;
    const cases: [string[], RegExp][] = [
      [['add', '--kind', 'fax', '--value', '1', '--reason', 'x', '--for', '1d'], /kind must be one of phone, openid, email, ip/],
      [['add', '--kind', 'email', '--value', 'not-an-address', '--reason', 'x', '--for', '1d'], /value: not a plausible email address/],
      [['add', '--kind', 'openid', '--value', 'o-abc', '--for', '1d'], /add needs --reason/],
      [['add', '--kind', 'openid', '--value', 'o-abc', '--reason', 'x', '--for', 'forever'], /--for takes a duration/],
      [['add', '--kind', 'openid', '--value', 'o-abc', '--reason', 'x', '--for', '400d'], /for: a flag lasts from 1 minute to 366 days/],
      [['list', '--reason', 'x'], /--reason does not apply to list/],
      [['add', '--colour', 'red'], /Unknown option '--colour'/],
      [['frobnicate'], /unknown command "frobnicate"/],
    ];
    for (const [argv, problem] of cases) {
      const result = await flag(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err, argv.join(' ')).toMatch(problem);
    }
    expect((await flag('audit', '--json')).out).toBe(before);
    expect(await flag('--help')).toMatchObject({ code: 0, out: expect.stringContaining('flag add --kind KIND') });
  });

  it('stops applying a flag once it expires, and drops it when flags are listed', async () => {
    const limits = await createLimits({ redis: singleRedis(REDIS_URL), prefix, log: silentLog, policy: GENEROUS_POLICY, auditRetentionMs: 86_400_000 });
    opened.push(limits);
    const identity = { kind: 'openid' as const, value: 'o-expiring' };
    const at = new Date(Date.now() - 120_000).toISOString();
    await limits.flags.flag({ identity, reason: 'test', by: 'test', at, expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(await limits.flags.find([identity], Date.now())).toEqual([]);
    expect(await limits.flags.find([identity], Date.now() - 60_000)).toHaveLength(1);
    expect((await limits.flags.list(Date.now())).map((f) => f.identity.value)).not.toContain('o-expiring');
    expect(await limits.redis.hexists(limits.flags.flagsKey, 'openid:o-expiring')).toBe(0);
  });
});
