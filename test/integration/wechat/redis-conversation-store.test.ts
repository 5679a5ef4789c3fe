// The WeChat conversation store against the real Redis: what concurrent messages ask within one event-loop turn
// goes out together (the enters as one script call, the reads and the writes each as one pipeline), and each still
// gets the answer it would get alone: same keys, values and TTLs, its own error when Redis fails it alone.

import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedisConversationStore } from '../../../src/adapters/wechat/redis-conversation-store.js';
import { RecordingLog } from '../../support/logs.js';
import { ownRedisPerTest } from '../../support/own-redis.js';
import { redisForFile } from '../../support/redis.js';

const redis = redisForFile('wechat-conversations');
const WINDOW_MS = 120_000;
const CLAIM_MS = 30_000;

let serial = 0;
const nextOpenId = (): string => `oConversationTest${String(++serial).padStart(10, '0')}`;
const hashed = (openId: string): string => createHash('sha256').update(openId, 'utf8').digest('hex').slice(0, 32);

function keysOf(prefix: string, openId: string): { window: string; location: string; rating: string } {
  return {
    window: `{${prefix}}:wechat:window:${hashed(openId)}`,
    location: `{${prefix}}:wechat:location:${hashed(openId)}`,
    rating: `{${prefix}}:wechat:rating:${hashed(openId)}`,
  };
}

const store = (): RedisConversationStore => new RedisConversationStore(redis.client(), `{${redis.prefix}}`);
const keys = (openId: string) => keysOf(redis.prefix, openId);

describe('RedisConversationStore, concurrent messages in one turn', () => {
  it('answers each enter as it would alone: claimed, claimed again, busy, open (extended), with its own location', async () => {
    const conversations = store();
    const client = redis.client();
    const [fresh, retried, busy, open, unreadable] = [nextOpenId(), nextOpenId(), nextOpenId(), nextOpenId(), nextOpenId()];
    await client.set(keys(retried).window, 'Cwechat:2', 'PX', CLAIM_MS);
    await client.set(keys(busy).window, 'Cwechat:elsewhere', 'PX', CLAIM_MS);
    await client.set(keys(open).window, `O${JSON.stringify({ id: 'req-4', ticket: '400004' })}`, 'PX', 5_000);
    await client.set(keys(unreadable).window, 'O{not json', 'PX', 5_000);
    await client.set(keys(fresh).location, JSON.stringify({ lat: 39.9, lon: 116.4 }), 'PX', 60_000);
    await client.set(keys(open).location, JSON.stringify({ lat: 31.2, lon: 121.5 }), 'PX', 60_000);

    const entered = await Promise.all([
      conversations.enter(fresh, 'wechat:1', WINDOW_MS, true),
      conversations.enter(retried, 'wechat:2', WINDOW_MS, true),
      conversations.enter(busy, 'wechat:3', WINDOW_MS, true),
      conversations.enter(open, 'wechat:4', WINDOW_MS, false),
      conversations.enter(unreadable, 'wechat:5', WINDOW_MS, true),
    ]);
    expect(entered).toEqual([
      { entry: { kind: 'claimed' }, reportedLocation: { lat: 39.9, lon: 116.4 } },
      { entry: { kind: 'claimed' }, reportedLocation: null },
      { entry: { kind: 'busy' }, reportedLocation: null },
      // Not asked for: not read, though it is there.
      { entry: { kind: 'open', request: { id: 'req-4', ticket: '400004' } }, reportedLocation: null },
      { entry: { kind: 'claimed' }, reportedLocation: null },
    ]);
    expect(await client.get(keys(fresh).window)).toBe('Cwechat:1');
    expect(await client.pttl(keys(fresh).window)).toBeGreaterThan(CLAIM_MS - 5_000);
    expect(await client.pttl(keys(fresh).window)).toBeLessThanOrEqual(CLAIM_MS);
    expect(await client.get(keys(busy).window)).toBe('Cwechat:elsewhere');
    expect(await client.pttl(keys(open).window)).toBeGreaterThan(WINDOW_MS - 5_000);
    expect(await client.get(keys(unreadable).window)).toBe('Cwechat:5');
    expect(await client.pttl(keys(unreadable).window)).toBeLessThanOrEqual(CLAIM_MS);
  });

  it('writes each open, location and rating of one turn with its own value and TTL, and reads each back on its own', async () => {
    const conversations = store();
    const client = redis.client();
    const [a, b, c, d] = [nextOpenId(), nextOpenId(), nextOpenId(), nextOpenId()];
    await client.set(keys(c).window, 'Cwechat:c', 'PX', CLAIM_MS);
    await Promise.all([
      conversations.open(a, { id: 'req-a', ticket: '100001' }, WINDOW_MS),
      conversations.open(b, { id: 'req-b', ticket: '100002' }, 60_000),
      conversations.open(c, { id: 'req-c', ticket: '100003' }, 0),
      conversations.rememberLocation(d, { lat: 1.5, lon: 2.5 }, 600_000),
      conversations.rememberRating(d, { ticket: '100004', proof: null }, 1_800_000),
    ]);
    expect(await client.get(keys(a).window)).toBe(`O${JSON.stringify({ id: 'req-a', ticket: '100001' })}`);
    expect(await client.pttl(keys(a).window)).toBeGreaterThan(WINDOW_MS - 5_000);
    expect(await client.pttl(keys(b).window)).toBeLessThanOrEqual(60_000);
    expect(await client.pttl(keys(b).window)).toBeGreaterThan(55_000);
    expect(await client.exists(keys(c).window)).toBe(0);
    expect(await client.pttl(keys(d).location)).toBeGreaterThan(595_000);
    expect(await client.pttl(keys(d).rating)).toBeGreaterThan(1_795_000);

    expect(
      await Promise.all([conversations.reportedLocation(d), conversations.reportedLocation(a), conversations.pendingRating(d), conversations.pendingRating(a)]),
    ).toEqual([{ lat: 1.5, lon: 2.5 }, null, { ticket: '100004', proof: null }, null]);
    expect(await Promise.all([conversations.enter(a, 'wechat:a2', WINDOW_MS, true), conversations.enter(d, 'wechat:d', WINDOW_MS, true)])).toEqual([
      { entry: { kind: 'open', request: { id: 'req-a', ticket: '100001' } }, reportedLocation: null },
      { entry: { kind: 'claimed' }, reportedLocation: { lat: 1.5, lon: 2.5 } },
    ]);

    await Promise.all([conversations.forgetRating(d), conversations.abandon(d, 'wechat:d'), conversations.forget(a)]);
    expect(await client.exists(keys(d).rating, keys(d).window, keys(a).window)).toBe(0);
    expect(await client.exists(keys(d).location)).toBe(1);
  });

  it('fails only the enter whose key Redis refuses, having written nothing for it; the others of its turn are answered', async () => {
    const conversations = store();
    const client = redis.client();
    const [badWindow, badLocation, fine] = [nextOpenId(), nextOpenId(), nextOpenId()];
    await client.hset(keys(badWindow).window, 'not', 'a string');
    await client.hset(keys(badLocation).location, 'not', 'a string');
    const settled = await Promise.allSettled([
      conversations.enter(badWindow, 'wechat:bw', WINDOW_MS, true),
      conversations.enter(badLocation, 'wechat:bl', WINDOW_MS, true),
      conversations.enter(fine, 'wechat:f', WINDOW_MS, true),
      conversations.reportedLocation(badLocation),
      conversations.reportedLocation(fine),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    for (const s of settled) if (s.status === 'rejected') expect(String(s.reason)).toMatch(/WRONGTYPE/);
    expect(settled[2]).toEqual({ status: 'fulfilled', value: { entry: { kind: 'claimed' }, reportedLocation: null } });
    expect(await client.type(keys(badWindow).window)).toBe('hash');
    expect(await client.exists(keys(badLocation).window)).toBe(0);
    expect(await client.get(keys(fine).window)).toBe('Cwechat:f');
  });

  it('reads the location alone when there is no window to enter', async () => {
    const conversations = store();
    const openId = nextOpenId();
    await conversations.rememberLocation(openId, { lat: 3, lon: 4 }, 60_000);
    expect(await conversations.enter(openId, 'wechat:x', 0, true)).toEqual({ entry: { kind: 'claimed' }, reportedLocation: { lat: 3, lon: 4 } });
    expect(await conversations.enter(openId, 'wechat:x', 0, false)).toEqual({ entry: { kind: 'claimed' }, reportedLocation: null });
    expect(await redis.client().exists(keys(openId).window)).toBe(0);
  });
});

describe('RedisConversationStore on a Redis of its own', () => {
  const ownRedis = ownRedisPerTest();
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('sends the enters of one turn as one script call, and its reads and its writes each as one pipeline', async () => {
    const own = await ownRedis.start('wechat-conversations', new RecordingLog().log);
    const { client } = own;
    const conversations = new RedisConversationStore(client, '{own}');
    // The first enter loads the script into this fresh Redis.
    await conversations.enter(nextOpenId(), 'wechat:load', WINDOW_MS, true);
    const openIds = Array.from({ length: 8 }, nextOpenId);
    const pipelines = vi.spyOn(client, 'pipeline');
    await client.config('RESETSTAT');

    const entered = await Promise.all(openIds.map((openId, i) => conversations.enter(openId, `wechat:${i}`, WINDOW_MS, i % 2 === 0)));
    expect(entered.map((e) => e.entry.kind)).toEqual(openIds.map(() => 'claimed'));
    // Per enter: its location when asked (4 of 8) and its window read, its claim written.
    expect(await own.commandCalls()).toEqual({ evalsha: 1, get: 12, set: 8, 'config|resetstat': 1 });
    expect(pipelines).not.toHaveBeenCalled();

    await client.config('RESETSTAT');
    await Promise.all(openIds.map((openId, i) => conversations.open(openId, { id: `req-${i}`, ticket: String(200_000 + i) }, WINDOW_MS)));
    expect(await own.commandCalls()).toEqual({ set: 8, 'config|resetstat': 1 });
    expect(pipelines).toHaveBeenCalledTimes(1);

    await client.config('RESETSTAT');
    const read = await Promise.all([...openIds.map((openId) => conversations.reportedLocation(openId)), conversations.pendingRating(openIds[0] ?? '')]);
    expect(read).toEqual([...openIds.map(() => null), null]);
    expect(await own.commandCalls()).toEqual({ get: 9, 'config|resetstat': 1 });
    expect(pipelines).toHaveBeenCalledTimes(2);

    const windows = await Promise.all(openIds.map((openId) => client.get(`{own}:wechat:window:${hashed(openId)}`)));
    expect(windows).toEqual(openIds.map((_, i) => `O${JSON.stringify({ id: `req-${i}`, ticket: String(200_000 + i) })}`));
  });
});
