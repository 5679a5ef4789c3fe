// FairUse decisions without I/O: the in-memory limiter, flags from a list, a clock the test moves.

import { describe, expect, it } from 'vitest';
import { silentLog } from '../../../src/app/app-ports.js';
import { FairUse } from '../../../src/app/limits/fair-use.js';
import type { FairUsePolicy } from '../../../src/app/limits/fair-use.js';
import type { Flag } from '../../../src/app/limits/flag-ports.js';
import type { Limiter } from '../../../src/app/limits/limiter-ports.js';
import { MemoryLimiter } from '../../../src/app/limits/memory-limiter.js';

const POLICY: FairUsePolicy = { perHour: { ip: 2, apiKey: 100, openid: 3, email: 1 }, flaggedPerHour: 0 };
const NOW = Date.parse('2026-12-07T08:00:00Z');

function fairUse(options: { flags?: Flag[] | Error; limiter?: Limiter } = {}): FairUse {
  const flags = options.flags;
  return new FairUse({
    limiter: options.limiter ?? new MemoryLimiter({ now: () => NOW }),
    flags: { find: (identities) => (flags instanceof Error ? Promise.reject(flags) : Promise.resolve((flags ?? []).filter((f) => identities.some((i) => i.kind === f.identity.kind && i.value === f.identity.value)))) },
    policy: POLICY,
    log: silentLog,
    now: () => NOW,
  });
}

const attempt = (text: string, value = '198.51.100.7') => ({ channel: 'web' as const, text, submitters: [{ kind: 'ip' as const, value }] });

describe('FairUse', () => {
  it('admits up to the budget, then refuses naming the submitter, the budget and when to retry', async () => {
    const f = fairUse();
    expect(await f.admit(attempt('路灯坏了'))).toEqual({ admitted: true, emergency: null });
    expect((await f.admit(attempt('路灯坏了'))).admitted).toBe(true);
    expect(await f.admit(attempt('路灯坏了'))).toEqual({ admitted: false, refusal: { submitter: 'ip', flagged: false, limit: 2, retryAfterSeconds: 3600 } });
    expect((await f.admit(attempt('路灯坏了', '198.51.100.8'))).admitted).toBe(true);
  });

  it('admits an emergency whatever the counts and flags, without counting it', async () => {
    const flag: Flag = { identity: { kind: 'ip', value: '198.51.100.7' }, reason: 'r', by: 'b', at: '2026-12-07T07:00:00Z', expiresAt: '2026-12-07T09:00:00Z' };
    const f = fairUse({ flags: [flag] });
    expect((await f.admit(attempt('路灯坏了'))).admitted).toBe(false);
    expect(await f.admit(attempt('楼道着火了，有人被困'))).toEqual({ admitted: true, emergency: '119' });
    expect(await f.admit(attempt('有人晕倒了没有呼吸'))).toEqual({ admitted: true, emergency: '120' });
  });

  it("gives a flagged identity the flagged budget, and a retry time no later than the flag's end", async () => {
    const flag: Flag = { identity: { kind: 'email', value: 'a@example.cn' }, reason: 'r', by: 'b', at: '2026-12-07T07:00:00Z', expiresAt: '2026-12-07T08:10:00Z' };
    const f = fairUse({ flags: [flag] });
    const refused = await f.admit({ channel: 'email', text: '噪音', submitters: [{ kind: 'email', value: 'a@example.cn' }] });
    expect(refused).toEqual({ admitted: false, refusal: { submitter: 'email', flagged: true, limit: 0, retryAfterSeconds: 600 } });
  });

  it('names the submitter whose budget ran out when several are counted', async () => {
    const f = fairUse();
    const both = { channel: 'web' as const, text: '噪音', submitters: [{ kind: 'apiKey' as const, value: 'k1' }, { kind: 'email' as const, value: 'b@example.cn' }] };
    expect((await f.admit(both)).admitted).toBe(true);
    expect(await f.admit(both)).toMatchObject({ admitted: false, refusal: { submitter: 'email', limit: 1 } });
  });

  it('admits when the counters or the flags cannot be read: a limit is never why a request is lost', async () => {
    const broken: Limiter = { hit: () => Promise.reject(new Error('down')), peek: () => Promise.reject(new Error('down')), reset: () => Promise.resolve() };
    expect((await fairUse({ limiter: broken }).admit(attempt('路灯坏了'))).admitted).toBe(true);
    const f = fairUse({ flags: new Error('flags down') });
    expect((await f.admit(attempt('路灯坏了'))).admitted).toBe(true);
  });

  it('refuses budgets that are not whole numbers at construction', () => {
    const limiter = new MemoryLimiter();
    const flags = { find: () => Promise.resolve([]) };
    expect(() => new FairUse({ limiter, flags, log: silentLog, policy: { ...POLICY, perHour: { ...POLICY.perHour, openid: 0 } } })).toThrow(/per openid/);
    expect(() => new FairUse({ limiter, flags, log: silentLog, policy: { ...POLICY, flaggedPerHour: -1 } })).toThrow(/flagged/);
  });
});
