// Redis goes away while citizens keep writing: the channel still answers with tickets (intake spools), holds the
// media download in memory, and when Redis is back the spool is forwarded and the picture is fetched and attached.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { fastify } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ContentStore } from '../../../src/adapters/attachments/content-store.js';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import type { CreatedIntake } from '../../../src/adapters/intake/create-intake.js';
import { INTAKE_QUEUE_NAME } from '../../../src/adapters/intake/intake-keys.js';
import { createWechatChannel } from '../../../src/adapters/wechat/wechat-channel.js';
import type { WechatChannel } from '../../../src/adapters/wechat/wechat-channel.js';
import { isValidTicket } from '../../../src/domain/intake/ticket.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { RecordingLog } from '../../support/logs.js';
import { freePort } from '../../support/net.js';
import { testCaseAccess } from '../../support/case-access.js';
import { RedisServer } from '../intake/redis-server.js';
import { APPID, APPSECRET, KEY, messageXml, nextMsgId, PNG, push, ticketIn, TOKEN, WatchedIntake, WechatApiStandIn } from './wechat-harness.js';
import { singleRedis } from '../../support/redis.js';

let dir: string;
let redis: RedisServer;
let created: CreatedIntake;
let channel: WechatChannel;
let app: FastifyInstance;
const api = new WechatApiStandIn();
const recorded = new RecordingLog();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wechat-outage-'));
  redis = new RedisServer(await freePort(), dir);
  await redis.start();
  await api.start();
});

afterEach(async () => {
  await app.close();
  await channel.close();
  await created.close();
  await api.close();
  await redis.kill();
  await rm(dir, { recursive: true, force: true });
});

it('answers with tickets while Redis is down and attaches the pictures once it is back', async () => {
  created = await createIntake({ redis: singleRedis(redis.url), prefix: 'outage', dataDir: join(dir, 'data'), log: recorded.log, forwardRetryMs: 100 });
  const intake = new WatchedIntake(created.intake);
  channel = await createWechatChannel({
    token: TOKEN,
    appId: APPID,
    encodingAesKey: KEY,
    appSecret: APPSECRET,
    apiBase: api.url,
    redis: singleRedis(redis.url),
    prefix: 'outage',
    intake,
    access: testCaseAccess(intake, { keys: created.caseKeys }),
    attachments: new ContentStore({ dir: join(dir, 'attachments'), maxBytes: 1_000_000 }),
    log: recorded.log,
    mediaRetry: { baseDelayMs: 50, maxDelayMs: 200 },
  });
  app = fastify();
  await app.register(channel.routes);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const gateway = { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, channel, app, close: async () => undefined };
  api.media.set('pic-during-outage', { kind: 'file', bytes: PNG, contentType: 'image/png' });

  await redis.kill();
  const msgId = nextMsgId();
  const reply = await push(gateway, messageXml({ MsgType: 'image', PicUrl: 'http://mmbiz.qpic.cn/o', MediaId: 'pic-during-outage', MsgId: msgId }), { mode: 'safe' });
  expect(reply.status).toBe(200);
  const ticket = ticketIn(reply.content);
  expect(isValidTicket(ticket)).toBe(true);
  expect(intake.outcomes.get(`wechat:${msgId}`)?.durability).toBe('spooled');
  await recorded.waitFor((line) => line.msg.includes('download held in memory'));

  await redis.start();
  const attached = await intake.submitted(`wechat-media:${msgId}`);
  expect(attached.submission.attachments).toEqual([expect.objectContaining({ mimeType: 'image/png' })]);

  const queue = new Queue(INTAKE_QUEUE_NAME, { connection: { url: redis.url }, prefix: created.queuePrefix });
  try {
    const jobs = (await queue.getJobs(['waiting', 'prioritized', 'active', 'completed', 'delayed'], 0, -1)).map((j) => j.data as Submission);
    const message = jobs.find((j) => j.refs.wechatMsgId === msgId && j.attachments.length === 0);
    expect(message?.ticket).toBe(ticket);
    expect(jobs.find((j) => j.id === attached.submission.id)?.refs.followUpOf).toBe(message?.id);
  } finally {
    await queue.close();
  }
});
