// Given a Redis Cluster of the test's own (3 masters, 3 replicas) and the real gateway configured with
// REDIS_CLUSTER_NODES, when citizens use every HTTP channel, WeChat and e-mail, leave a voice message and call an
// emergency line, and a supervisor flags a number, then each request is one job in the single intake queue on the
// cluster, a retried request gets its first ticket, every key the gateway wrote lives in the one slot of
// `{INTAKE_PREFIX}`, and a second gateway on the same cluster hands out tickets that never collide with the first's
// and honours the same idempotency keys.

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import { runIntakeTail } from '../../../src/adapters/intake/intake-tail-command.js';
import { wechatSignature } from '../../../src/adapters/wechat/wechat-crypto.js';
import { closeRedis } from '../../../src/adapters/redis/fail-fast-redis.js';
import { keySlot } from '../../../src/adapters/redis/key-slot.js';
import { connectRedis } from '../../../src/adapters/redis/redis-connection.js';
import type { RedisClient } from '../../../src/adapters/redis/redis-connection.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import type { Harness } from '../gateway/harness.js';
import { heard, startHarness } from '../gateway/harness.js';
import { freePort } from '../../support/net.js';
import { RedisClusterFixture } from '../../support/redis-cluster.js';

const PREFIX = `test-cluster-${randomUUID().slice(0, 8)}`;
const WECHAT_TOKEN = 'hotline12345';

let cluster: RedisClusterFixture;
let a: Harness;
let b: Harness;
let apiKey: string;
/** Holds the API keys file the gateways read. */
let keysDir: string;
let supervisorKey: string;
let gatewayEnv: (gatewayId: 'gateway-a' | 'gateway-b') => Record<string, string>;
let client: RedisClient;
let queue: Queue;

beforeAll(async () => {
  cluster = await RedisClusterFixture.start();
  keysDir = mkdtempSync(join(tmpdir(), 'cluster-gateway-'));
  const made = createApiKey({ name: 'integration test', scopes: ['submit', 'read', 'open311'], rateLimitPerMinute: 100_000 });
  const supervisor = createApiKey({ name: 'duty supervisor', scopes: ['supervise'], rateLimitPerMinute: 100 });
  apiKey = made.key;
  supervisorKey = supervisor.key;
  await writeApiKeysFile(join(keysDir, 'api-keys.json'), { keys: [made.entry, supervisor.entry] });
  const smtpPorts = { 'gateway-a': String(await freePort()), 'gateway-b': String(await freePort()) };
  const env = (gatewayId: 'gateway-a' | 'gateway-b'): Record<string, string> => ({
    ...cluster.env,
    INTAKE_PREFIX: PREFIX,
    API_KEYS_FILE: join(keysDir, 'api-keys.json'),
    FAIR_USE_KEY_PER_HOUR: '1000000',
    // Small blocks, so that the two gateways' tickets interleave and a collision would show.
    INTAKE_TICKET_BLOCK: '10',
    ACD_GATEWAY_ID: gatewayId,
    SMTP_ACCEPT: '12345@hotline.example',
    SMTP_PORT: smtpPorts[gatewayId],
    SMTP_HOST: '127.0.0.1',
    WECHAT_TOKEN,
    WECHAT_APPID: 'wx0123456789abcdef',
  });
  gatewayEnv = env;
  a = await startHarness(env('gateway-a'));
  client = connectRedis(a.gateway.config.redis, { enableOfflineQueue: true, maxRetriesPerRequest: 3, retryDelayMs: () => 100 });
  queue = new Queue('intake', { connection: client, prefix: `{${PREFIX}}` });
}, 60_000);

afterAll(async () => {
  await queue?.close();
  if (client !== undefined) await closeRedis(client);
  await b?.close();
  await a?.close();
  await cluster?.close();
  if (keysDir !== undefined) await rm(keysDir, { recursive: true, force: true });
});

async function jobs(): Promise<Submission[]> {
  return (await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed'])).map((job) => job.data as Submission);
}

async function queued(id: string): Promise<Submission> {
  const found = (await jobs()).filter((s) => s.id === id);
  expect(found).toHaveLength(1);
  return found[0] as Submission;
}

function v1(gateway: Harness, idempotencyKey: string, text: string): Promise<Response> {
  return fetch(`${gateway.gateway.httpUrl}/v1/submissions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify({ text, contact: { email: 'resident@example.com' } }),
  });
}

describe('the gateway on a Redis Cluster', () => {
  it('takes /v1 submissions into the one intake queue, and answers a retry with the first ticket', async () => {
    const first = await v1(a, 'cluster-v1-1', 'The chemical plant by the river pollutes the air, the smell is terrible');
    expect(first.status).toBe(201);
    const body = (await first.json()) as { id: string; ticket: string; durability: string };
    expect(body.durability).toBe('queued');
    expect(await queued(body.id)).toMatchObject({ channel: 'web', category: 'environment', ticket: body.ticket });

    const retried = await v1(a, 'cluster-v1-1', 'The chemical plant by the river pollutes the air, the smell is terrible');
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as { ticket: string }).ticket).toBe(body.ticket);
    const status = await fetch(`${a.gateway.httpUrl}/v1/submissions/${body.id}`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ submission: { id: body.id, ticket: body.ticket }, history: [{ status: 'received' }] });
  });

  it('shows new submissions to `intake tail`, reading the queue on the cluster', async () => {
    const tailed: Submission[] = [];
    let stop = (): void => undefined;
    const until = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let done: Promise<number> = Promise.resolve(0);
    await new Promise<void>((ready) => {
      done = runIntakeTail({ redis: a.gateway.config.redis, prefix: PREFIX, json: true, out: (line) => tailed.push(JSON.parse(line) as Submission), until, onReady: ready });
    });
    try {
      const response = await v1(a, 'cluster-tail-1', 'The playground swings near the library are broken');
      const { ticket } = (await response.json()) as { ticket: string };
      await a.sim.waitFor(`intake tail prints ticket ${ticket}`, () => tailed.some((s) => s.ticket === ticket), 5000);
    } finally {
      stop();
      expect(await done).toBe(0);
    }
  });

  it('takes the citizen web form', async () => {
    const response = await fetch(`${a.gateway.httpUrl}/form/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idempotencyKey: randomUUID(), text: '小区门口的路灯坏了一个星期', phone: '13800138000' }),
    });
    expect(response.status).toBe(201);
    const { ticket } = (await response.json()) as { ticket: string };
    const record = await a.gateway.intake.intake.getByTicket(ticket);
    expect(await queued(record?.submission.id ?? '')).toMatchObject({ channel: 'web', ticket });
  });

  it('takes Open311 service requests', async () => {
    const form = new URLSearchParams({ api_key: apiKey, service_code: 'transportation', lat: '39.9', long: '116.4', description: '公交站牌被撞倒了' });
    const response = await fetch(`${a.gateway.httpUrl}/open311/v2/requests.json`, { method: 'POST', body: form });
    expect([200, 201]).toContain(response.status);
    const [created] = (await response.json()) as Array<{ service_request_id: string }>;
    const record = await a.gateway.intake.intake.getByTicket(created?.service_request_id ?? '');
    expect(await queued(record?.submission.id ?? '')).toMatchObject({ channel: 'open311', category: 'transportation' });
  });

  it('takes a WeChat message, and keeps the conversation window on the cluster', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = '1234567';
    const signature = wechatSignature([WECHAT_TOKEN, timestamp, nonce]);
    const xml =
      '<xml><ToUserName><![CDATA[gh_12345]]></ToUserName><FromUserName><![CDATA[oCitizen001]]></FromUserName>' +
      `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[楼上漏水，物业不管]]></Content>` +
      '<MsgId>7000000000000000001</MsgId></xml>';
    const response = await fetch(`${a.gateway.httpUrl}/wechat?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&openid=oCitizen001`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    });
    expect(response.status).toBe(200);
    const content = /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(await response.text())?.[1] ?? '';
    const ticket = /([0-9]{9,20})/.exec(content)?.[1] ?? '';
    const record = await a.gateway.intake.intake.getByTicket(ticket);
    expect(await queued(record?.submission.id ?? '')).toMatchObject({ channel: 'wechat', contact: { wechatOpenId: 'oCitizen001' } });
  });

  it('takes an e-mail, and answers the SMTP client with its ticket', async () => {
    const transport = createTransport({ host: '127.0.0.1', port: a.gateway.smtpPort ?? 0, secure: false, ignoreTLS: true });
    const sent = await transport.sendMail({
      from: 'citizen@example.com',
      to: '12345@hotline.example',
      subject: '投诉：夜间施工噪音',
      text: '每天晚上十一点以后还在施工，严重影响休息。',
      messageId: '<cluster-1@example.com>',
    });
    transport.close();
    const ticket = /\[12345-([0-9]+)\]/.exec(sent.response)?.[1] ?? '';
    const record = await a.gateway.intake.intake.getByTicket(ticket);
    expect(await queued(record?.submission.id ?? '')).toMatchObject({ channel: 'email', refs: { emailMessageId: 'cluster-1@example.com' } });
  });

  it("keeps a supervisor's flag on the cluster", async () => {
    const response = await fetch(`${a.gateway.httpUrl}/v1/flags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'phone', value: '13700000000', reason: 'floods the hotline', forSeconds: 3600 }),
    });
    expect(response.status).toBe(201);
    const listed = (await (await fetch(`${a.gateway.httpUrl}/v1/flags`, { headers: { authorization: `Bearer ${supervisorKey}` } })).json()) as { flags: { identity: unknown }[] };
    expect(listed.flags).toContainEqual(expect.objectContaining({ identity: { kind: 'phone', value: '13700000000' } }));
  });

  it('files a voice message left in the IVR, and reads its ticket back to the caller', async () => {
    const channelId = await a.call('13912345678');
    await a.sim.sendDigits(channelId, '5');
    await a.sim.waitForAriEvent('recording started', (e) => e.event['type'] === 'RecordingStarted');
    await a.sim.sendDigits(channelId, '#');
    await a.sim.waitForPlayback(channelId, 'sound:hotline/private-choice');
    await a.sim.sendDigits(channelId, '2');
    await a.sim.waitForHangup(channelId);
    const ticket = (heard(a.sim, channelId).find((m) => m.startsWith('zh:digits:')) ?? '').slice('zh:digits:'.length);
    const record = await a.gateway.intake.intake.getByTicket(ticket);
    expect(await queued(record?.submission.id ?? '')).toMatchObject({ channel: 'voice', kind: 'suggestion', refs: { callId: channelId } });
    expect(record?.submission.attachments).toHaveLength(1);
  });

  it('forwards an emergency call to its dedicated line', async () => {
    const channelId = await a.call('13911112222');
    await a.sim.sendDigits(channelId, '11');
    const bridge = await a.sim.waitForBridgeWith(channelId);
    const peer = a.sim.channel(bridge.channelIds.find((id) => id !== channelId) ?? '');
    expect(peer?.dialstring).toBe('110@psap-police');
    a.sim.hangup(channelId);
  });

  it('keeps every key of the gateway in the one slot of {INTAKE_PREFIX}', async () => {
    const slot = await cluster.slotOf(`{${PREFIX}}`);
    const master = await cluster.masterOf(slot);
    // Replicas hold copies: the masters say where each key lives. (The gateway keeps writing meanwhile, so the keys
    // are checked one by one rather than counted against the slot.)
    for (const node of cluster.live()) {
      if (!(await cluster.cli(node, 'role')).startsWith('master')) continue;
      const keys = (await cluster.cli(node, '--scan', '--pattern', `*${PREFIX}*`)).split('\n').filter((k) => k !== '');
      if (node !== master) {
        expect(keys).toEqual([]);
        continue;
      }
      // The queue, records, indexes, tickets, limits, flags, profiles, WeChat's window, e-mail's thread index and the
      // call queue's keys: dozens by now, every one tagged.
      expect(keys.length).toBeGreaterThan(20);
      for (const key of keys) {
        expect(key.startsWith(`{${PREFIX}}:`), key).toBe(true);
        expect(keySlot(key), key).toBe(slot);
      }
      for (const family of [':intake:', ':sub:', ':idx:', ':ticket-seq', ':limit:', ':flags', ':citizen:', ':wechat:', ':email:thread:', ':acd:']) {
        expect(keys.some((key) => key.includes(family)), family).toBe(true);
      }
    }
  });
});

describe('two gateways on one cluster', () => {
  // Started only now: ari-client keeps one set of credentials per process, so the calls above ran with one gateway.
  beforeAll(async () => {
    b = await startHarness(gatewayEnv('gateway-b'));
  });

  it('hand out tickets that never collide, and honour one idempotency key across both', async () => {
    const sent = await Promise.all(
      Array.from({ length: 60 }, (_, i) => v1(i % 2 === 0 ? a : b, `both-${i}`, `Pothole number ${i} on Chang'an Avenue is getting deeper`)),
    );
    expect(sent.map((r) => r.status)).toEqual(sent.map(() => 201));
    const tickets = await Promise.all(sent.map(async (r) => ((await r.json()) as { ticket: string }).ticket));
    expect(new Set(tickets).size).toBe(tickets.length);

    const onA = await v1(a, 'both-shared', 'The traffic light at the school crossing stays red for ten minutes');
    const onB = await v1(b, 'both-shared', 'The traffic light at the school crossing stays red for ten minutes');
    expect([onA.status, onB.status]).toEqual([201, 200]);
    const [first, again] = (await Promise.all([onA.json(), onB.json()])) as [{ id: string; ticket: string }, { id: string; ticket: string }];
    expect(again).toMatchObject({ id: first.id, ticket: first.ticket });
    expect((await jobs()).filter((s) => s.id === first.id)).toHaveLength(1);
    // The status a citizen reads on either gateway is the same record.
    const onOther = await a.gateway.intake.intake.getByTicket(first.ticket);
    expect(onOther?.submission.id).toBe(first.id);
  });
});
