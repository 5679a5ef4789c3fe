// Given the real intake and citizen profiles on the real Redis, when citizens write, call and message on several
// channels, then their contacts land in one profile per person, a conflicting identifier never merges two profiles,
// the history shows contacts and open cases in the channels' wording, and retention removes only finished profiles.

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreatedIntake } from '../../../src/adapters/intake/create-intake.js';
import { IdentityKeys } from '../../../src/adapters/identity/identity-keys.js';
import { RedisProfileStore } from '../../../src/adapters/identity/redis-profile-store.js';
import { newProfileId } from '../../../src/adapters/identity/create-profiles.js';
import { LinkingIntake } from '../../../src/app/identity/linking-intake.js';
import { ProfileLinker } from '../../../src/app/identity/profile-linker.js';
import { ProfileRetention } from '../../../src/app/identity/profile-retention.js';
import type { LinkOutcome, PlannedContact } from '../../../src/app/identity/profile-ports.js';
import type { ProfileLinkerOptions } from '../../../src/app/identity/profile-linker.js';
import type { Intake } from '../../../src/app/intake/intake-ports.js';
import { silentLog } from '../../../src/app/app-ports.js';
import { systemClock } from '../../../src/app/ports.js';
import type { Submission, SubmissionDraft } from '../../../src/domain/intake/submission.js';
import { recordingLog } from '../../support/logs.js';
import { IntakeFixture } from '../intake/intake-harness.js';

let fx: IntakeFixture;
let created: CreatedIntake;
let intake: Intake;
let n = 0;

beforeEach(async () => {
  fx = await IntakeFixture.create();
  created = await fx.open();
  intake = new LinkingIntake(created.intake, created.profiles.linker);
});
afterEach(async () => {
  await fx.cleanup();
});

async function submit(draft: SubmissionDraft): Promise<{ id: string; ticket: string }> {
  n += 1;
  const outcome = await intake.submit({ dedupKey: `test:${n}:${Math.random()}`, fingerprint: `fp${n}`, draft });
  return { id: outcome.submission.id, ticket: outcome.submission.ticket };
}

const history = (kind: 'phone' | 'wechat' | 'email', value: string) => created.profiles.history.history({ kind, value });

/** A submission as intake hands it to the linker (no record in Redis: the link leaves records it does not find). */
function submission(i: number, channel: Submission['channel'], contact: { phone?: string; email?: string; openid?: string }): Submission {
  return {
    schemaVersion: 1, id: `01JCONTACT${String(i).padStart(16, '0')}`, ticket: `9${String(i).padStart(8, '0')}`, channel, receivedAt: new Date().toISOString(),
    kind: 'consultation', category: 'other', text: 't', language: 'zh', attachments: [], refs: {}, hints: {}, priority: 5,
    contact: { anonymous: false, ...(contact.phone === undefined ? {} : { phone: contact.phone }), ...(contact.email === undefined ? {} : { email: contact.email }), ...(contact.openid === undefined ? {} : { wechatOpenId: contact.openid }) },
  };
}

describe('linking across channels', () => {
  it('a web form with a phone number, then a voice message from that caller ID: one profile, the number now confirmed', async () => {
    // Given a web form giving a phone number and an e-mail address
    const web = await submit({ channel: 'web', text: '小区门口路灯坏了三天了，晚上很黑', contact: { phone: '138 1234 5678', email: 'Zhang@Example.org' } });
    await created.profiles.linker.flush();
    expect((await history('phone', '13812345678'))?.link).toBe('inferred');
    // When the same person calls and leaves a voice message from that number
    const voice = await submit({ channel: 'voice', text: '语音留言：路灯的事还没人管', contact: { phone: '+8613812345678' }, kind: 'complaint' });
    await created.profiles.linker.flush();
    // Then both are in one profile, found by either identifier, and the call confirmed the number
    const byPhone = await history('phone', '13812345678');
    const byEmail = await history('email', 'zhang@example.org');
    expect(byPhone?.profile).toBe(byEmail?.profile);
    expect(byPhone?.link).toBe('confirmed');
    expect(byEmail?.link).toBe('inferred');
    expect(byPhone?.contacts.map((c) => [c.id, c.channel, c.ticket, c.status])).toEqual([
      [voice.id, 'voice', voice.ticket, 'received'],
      [web.id, 'web', web.ticket, 'received'],
    ]);
    expect(byPhone?.openCases.map((c) => [c.ticket, c.status, c.statusName.zh, c.statusText.en])).toEqual([
      [voice.ticket, 'received', '已接收', 'Your request has been received and is waiting to be accepted.'],
      [web.ticket, 'received', '已接收', 'Your request has been received and is waiting to be accepted.'],
    ]);
  });

  it('a call the IVR attaches (no message left) shows as a contact without a ticket', async () => {
    created.profiles.linker.attachCall({ callId: '1733563200.42', callerId: '010-6234 5678', atMs: Date.parse('2026-12-07T09:00:00Z') });
    await created.profiles.linker.flush();
    const found = await history('phone', '+86 10 62345678');
    expect(found?.contacts).toEqual([{ id: '1733563200.42', channel: 'voice', at: '2026-12-07T09:00:00.000Z' }]);
    expect(found?.openCases).toEqual([]);
    expect(found?.link).toBe('confirmed');
  });

  it('a closed case leaves the open cases but stays among the contacts', async () => {
    const first = await submit({ channel: 'email', text: '楼道里的灯坏了', contact: { email: 'li@example.cn' } });
    const second = await submit({ channel: 'email', text: '垃圾没人清运', contact: { email: 'li@example.cn' } });
    await created.profiles.linker.flush();
    await created.intake.updateStatus(first.id, { status: 'resolved', at: new Date().toISOString() });
    await created.intake.updateStatus(second.id, { status: 'in_progress', at: new Date().toISOString() });
    const found = await history('email', 'li@example.cn');
    expect(found?.openCases.map((c) => [c.ticket, c.status, c.statusName.zh])).toEqual([[second.ticket, 'in_progress', '办理中']]);
    expect(found?.contacts.map((c) => [c.ticket, c.status])).toEqual([
      [second.ticket, 'in_progress'],
      [first.ticket, 'resolved'],
    ]);
  });

  it('an anonymous submission attaches to nobody, and nobody is found for an unknown or blank identifier', async () => {
    await submit({ channel: 'web', text: '匿名反映：噪音扰民', contact: { anonymous: true } });
    await created.profiles.linker.flush();
    expect(await fx.redis.zcard(new IdentityKeys(fx.keys).byActivity)).toBe(0);
    expect(await history('phone', '13900000000')).toBeNull();
    expect(await history('email', '   ')).toBeNull();
  });

  it('key names never show a phone number, an openid or an e-mail address', async () => {
    await submit({ channel: 'wechat', text: '咨询社保', contact: { phone: '13812345678', wechatOpenId: 'oPENID-secret', email: 'who@example.org' } });
    await created.profiles.linker.flush();
    const keys = await fx.redis.keys(`{${fx.prefix}}:citizen:*`);
    expect(keys.length).toBeGreaterThan(3);
    for (const key of keys) expect(key).not.toMatch(/13812345678|oPENID|example\.org/);
  });
});

describe('conflicting identifiers', () => {
  it('a WeChat message typing a number another profile holds starts its own profile, records the conflict, and merges nothing', async () => {
    // Given a caller's profile (confirmed number)
    const call = await submit({ channel: 'voice', text: '语音留言：噪音扰民', kind: 'complaint', contact: { phone: '13812345678' } });
    await created.profiles.linker.flush();
    const caller = await history('phone', '13812345678');
    // When someone on WeChat types that number into their message's contact
    const wechat = await submit({ channel: 'wechat', text: '咨询公积金提取', contact: { phone: '13812345678', wechatOpenId: 'oStranger' } });
    await created.profiles.linker.flush();
    // Then the WeChat user has a profile of their own, without the caller's cases, and the caller's is unchanged
    const stranger = await history('wechat', 'oStranger');
    expect(stranger?.profile).not.toBe(caller?.profile);
    expect(stranger?.openCases.map((c) => c.ticket)).toEqual([wechat.ticket]);
    const callerAfter = await history('phone', '13812345678');
    expect(callerAfter?.profile).toBe(caller?.profile);
    expect(callerAfter?.openCases.map((c) => c.ticket)).toEqual([call.ticket]);
    const keys = new IdentityKeys(fx.keys);
    const conflicts = (await fx.redis.lrange(keys.conflicts(stranger?.profile ?? ''), 0, -1)).map((c) => JSON.parse(c) as Record<string, string>);
    expect(conflicts).toEqual([{ kind: 'phone', strength: 'inferred', heldBy: caller?.profile, contact: wechat.id, at: expect.any(String) as string }]);
  });

  it('replicas linking the same identifiers at once: every identifier is held by exactly the profile that lists it', async () => {
    const keys = new IdentityKeys(fx.keys);
    const recorded = recordingLog();
    const replicas = [0, 1].map(() => new ProfileLinker(new RedisProfileStore(fx.redis, keys), systemClock, recorded.log, newProfileId, { batch: 7 }));
    const identifier = fc.constantFrom('13800000001', '13800000002', '13800000003', 'a@x.cn', 'b@x.cn', 'oA', 'oB');
    const contact = fc.record({ channel: fc.constantFrom('web' as const, 'voice' as const, 'wechat' as const, 'email' as const), phone: fc.option(identifier.filter((v) => v.startsWith('138')), { nil: undefined }), email: fc.option(identifier.filter((v) => v.includes('@')), { nil: undefined }), openid: fc.option(identifier.filter((v) => v.startsWith('o')), { nil: undefined }) });
    const contacts = fc.sample(contact, { seed: 1112, numRuns: 200 });
    contacts.forEach((c, i) => {
      replicas[i % 2]?.attachSubmission(submission(i, c.channel, c));
    });
    await Promise.all(replicas.map((r) => r.flush()));
    await Promise.all(replicas.map((r) => r.flush()));
    expect(replicas.map((r) => r.pendingCount)).toEqual([0, 0]);
    // Every contact was linked in the end (none given up after too many refusals).
    expect(recorded.lines.filter((l) => l.level === 'error')).toEqual([]);
    const idKeys = await fx.redis.keys(`${keys.identifierPrefix}*`);
    const profiles = await fx.redis.zrange(keys.byActivity, 0, -1);
    const listed = new Map<string, string[]>();
    for (const profile of profiles) {
      for (const field of await fx.redis.hkeys(keys.profile(profile))) {
        if (!field.startsWith('i:')) continue;
        listed.set(field.slice(2), [...(listed.get(field.slice(2)) ?? []), profile]);
      }
    }
    expect(idKeys.length).toBeGreaterThan(0);
    for (const idKey of idKeys) {
      const [holder] = ((await fx.redis.get(idKey)) ?? '').split(' ');
      expect(listed.get(idKey.slice(keys.identifierPrefix.length))).toEqual([holder]);
    }
    expect(listed.size).toBe(idKeys.length);
  });
});

describe('what a linker knows of the owners', () => {
  /** A store that keeps what each link call was asked and answered. */
  class WatchedStore extends RedisProfileStore {
    readonly calls: { planned: readonly PlannedContact[]; outcomes: LinkOutcome[] }[] = [];
    override async apply(planned: readonly PlannedContact[], nowMs: number): Promise<LinkOutcome[]> {
      const outcomes = await super.apply(planned, nowMs);
      this.calls.push({ planned, outcomes });
      return outcomes;
    }
  }
  const linker = (options: ProfileLinkerOptions = {}): { linker: ProfileLinker; store: WatchedStore } => {
    const store = new WatchedStore(fx.redis, new IdentityKeys(fx.keys));
    return { linker: new ProfileLinker(store, systemClock, silentLog, newProfileId, options), store };
  };
  const confirmed = (profile: string | undefined) => ({ profile, strength: 'confirmed' });

  it('an owner another process changed meanwhile: the plan is refused with the current owners, and planned again on them', async () => {
    // Given linker A that linked a call from 13500000001 (so it knows the number's profile)
    const a = linker();
    a.linker.attachCall({ callId: 'call-a', callerId: '13500000001', atMs: Date.now() });
    await a.linker.flush();
    const first = (await history('phone', '13500000001'))?.profile;
    expect(first).toEqual(expect.any(String));
    // When another process's retention deletes that profile and its linker B links a call from the number again
    const keys = new IdentityKeys(fx.keys);
    await fx.redis.zadd(keys.byActivity, Date.now() - 86_400_000, first ?? '');
    expect(await created.profiles.store.purgeInactive(Date.now() - 3_600_000, 10, false)).toEqual({ examined: 1, purged: 1 });
    const b = linker();
    b.linker.attachCall({ callId: 'call-b', callerId: '13500000001', atMs: Date.now() });
    await b.linker.flush();
    const second = (await history('phone', '13500000001'))?.profile;
    expect(second).not.toBe(first);
    // And A, still knowing the deleted profile, links a form with that number and an e-mail address
    a.linker.attachSubmission(submission(1, 'web', { phone: '13500000001', email: 'stale@example.cn' }));
    await a.linker.flush();
    // Then its plan on the stale owner was refused with the current one, and the plan made on that was linked
    const [, refusal, replan] = a.store.calls;
    expect(a.store.calls).toHaveLength(3);
    expect(refusal?.planned[0]?.expected.get('phone:13500000001')).toEqual(confirmed(first));
    expect(refusal?.outcomes).toEqual([{ linked: false, owners: new Map([['phone:13500000001', confirmed(second)]]) }]);
    expect(replan?.planned[0]?.expected.get('phone:13500000001')).toEqual(confirmed(second));
    expect(replan?.outcomes).toEqual([{ linked: true }]);
    // So the form joined the number's current profile, and the deleted one was not brought back
    const byEmail = await history('email', 'stale@example.cn');
    expect(byEmail?.profile).toBe(second);
    expect(byEmail?.contacts.map((c) => c.id).sort()).toEqual([submission(1, 'web', {}).id, 'call-b']);
    expect(await fx.redis.exists(keys.profile(first ?? ''))).toBe(0);
  });

  it('a cold linker (a new process) joins the profiles already in Redis', async () => {
    const warm = linker();
    warm.linker.attachSubmission(submission(2, 'web', { phone: '13500000002', email: 'cold@example.cn' }));
    await warm.linker.flush();
    const profile = (await history('email', 'cold@example.cn'))?.profile;
    expect(profile).toEqual(expect.any(String));

    const cold = linker();
    cold.linker.attachCall({ callId: 'call-cold', callerId: '13500000002', atMs: Date.now() });
    await cold.linker.flush();
    // Planned as a new profile (nothing known, nothing read), refused, then joined to the one that holds the number
    expect(cold.store.calls.map((c) => c.outcomes.map((o) => o.linked))).toEqual([[false], [true]]);
    const byPhone = await history('phone', '13500000002');
    expect(byPhone?.profile).toBe(profile);
    expect(byPhone?.link).toBe('confirmed');
    expect(byPhone?.contacts.map((c) => c.id).sort()).toEqual([submission(2, 'web', {}).id, 'call-cold']);
    expect(await fx.redis.zcard(new IdentityKeys(fx.keys).byActivity)).toBe(1);
  });

  it('with room for one owner, an evicted identifier is planned as nobody\'s and still joins its profile', async () => {
    const small = linker({ ownerCacheSize: 1 });
    for (const [i, phone] of ['13500000003', '13500000004', '13500000005'].entries()) small.linker.attachCall({ callId: `call-${i}`, callerId: phone, atMs: Date.now() + i });
    await small.linker.flush();
    const profiles = await Promise.all(['13500000003', '13500000004', '13500000005'].map(async (p) => (await history('phone', p))?.profile));
    expect(new Set(profiles).size).toBe(3);
    // The last number is the one known; the first was evicted.
    small.linker.attachCall({ callId: 'call-again-5', callerId: '13500000005', atMs: Date.now() + 10 });
    small.linker.attachCall({ callId: 'call-again-3', callerId: '13500000003', atMs: Date.now() + 11 });
    await small.linker.flush();
    expect(small.store.calls.slice(1).map((c) => c.outcomes.map((o) => o.linked))).toEqual([[true, false], [true]]);
    expect((await history('phone', '13500000003'))?.contacts.map((c) => c.id)).toEqual(['call-again-3', 'call-0']);
    expect((await history('phone', '13500000005'))?.contacts.map((c) => c.id)).toEqual(['call-again-5', 'call-2']);
    expect(await fx.redis.zcard(new IdentityKeys(fx.keys).byActivity)).toBe(3);
  });
});

describe('the sweep', () => {
  it('attaches submissions in Redis that no profile took (a crash between acknowledgement and link)', async () => {
    // Given submissions accepted by an intake that did not link them
    const lost = await created.intake.submit({ dedupKey: 'lost:1', fingerprint: 'f', draft: { channel: 'web', text: '公交站牌损坏', contact: { phone: '13700000007' } } });
    await created.intake.submit({ dedupKey: 'lost:2', fingerprint: 'f', draft: { channel: 'web', text: '匿名', contact: { anonymous: true } } });
    expect(await history('phone', '13700000007')).toBeNull();
    // When a linker whose sweep looks back over them runs its sweep
    const linker = new ProfileLinker(new RedisProfileStore(fx.redis, new IdentityKeys(fx.keys)), systemClock, silentLog, newProfileId, { settleMs: -60_000 });
    await linker.sweep();
    // Then the submission is in its profile, and its record names the profile, so the next sweep leaves it
    const found = await history('phone', '13700000007');
    expect(found?.openCases.map((c) => c.ticket)).toEqual([lost.submission.ticket]);
    expect(await fx.redis.hget(fx.keys.record(lost.submission.id), 'profile')).toBe(found?.profile);
  });
});

describe('retention', () => {
  it('deletes profiles inactive since the cutoff whose cases are closed or gone; keeps one with an open case; the dry run deletes nothing', async () => {
    const closed = await submit({ channel: 'web', text: '已处理的问题', contact: { phone: '13600000001' } });
    await submit({ channel: 'web', text: '还在办理的问题', contact: { phone: '13600000002' } });
    created.profiles.linker.attachCall({ callId: 'call-1', callerId: '13600000003', atMs: Date.now() });
    await created.profiles.linker.flush();
    await created.intake.updateStatus(closed.id, { status: 'closed', at: new Date().toISOString() });
    const retention = new ProfileRetention(created.profiles.store, { batch: 2 });
    const keys = new IdentityKeys(fx.keys);
    // A day without contact for every profile; the records themselves changed just now.
    for (const profile of await fx.redis.zrange(keys.byActivity, 0, -1)) await fx.redis.zadd(keys.byActivity, Date.now() - 86_400_000, profile);
    const cutoff = Date.now() - 3_600_000;

    expect(await retention.count(Date.now() - 2 * 86_400_000)).toEqual({ examined: 0, wouldDelete: 0 });
    expect(await retention.count(cutoff)).toEqual({ examined: 3, wouldDelete: 2 });
    expect(await fx.redis.zcard(keys.byActivity)).toBe(3);

    expect(await retention.purge(cutoff)).toBe(2);
    expect(await history('phone', '13600000001')).toBeNull();
    expect(await history('phone', '13600000003')).toBeNull();
    expect((await history('phone', '13600000002'))?.openCases).toHaveLength(1);
    // Nothing of the deleted profiles is left: only the kept profile's keys remain.
    const kept = (await history('phone', '13600000002'))?.profile ?? '';
    const left = await fx.redis.keys(`{${fx.prefix}}:citizen:*`);
    expect(left.filter((k) => !k.includes(kept) && k !== keys.byActivity && !k.startsWith(keys.identifierPrefix))).toEqual([]);
    expect(left.filter((k) => k.startsWith(keys.identifierPrefix))).toHaveLength(1);
  });
});
