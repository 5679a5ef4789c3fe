// Given the whole gateway with every channel switched on (web form, /v1 with an integrator key, Open311,
// WeChat, email) and `intake tail` watching, when a citizen uses each channel once, then each request is one
// job in the single `intake` queue, in the canonical shape, and `intake tail` printed each of them.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import { runIntakeTail } from '../../../src/adapters/intake/intake-tail-command.js';
import { wechatSignature } from '../../../src/adapters/wechat/wechat-crypto.js';
import { validateSubmission } from '../../../src/domain/intake/validate-submission.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { freePort } from '../../support/net.js';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';
import { singleUrl } from '../../support/redis.js';

const WECHAT_TOKEN = 'hotline12345';

let h: Harness;
let apiKey: string;
let queue: Queue;
const tailed: Submission[] = [];
let stopTail: () => void;
let tailDone: Promise<number>;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'omnichannel-'));
  const made = createApiKey({ name: 'integration test', scopes: ['submit', 'read', 'open311'], rateLimitPerMinute: 600 });
  apiKey = made.key;
  await writeApiKeysFile(join(dataDir, 'api-keys.json'), { keys: [made.entry] });
  h = await startHarness({
    DATA_DIR: dataDir,
    API_KEYS_FILE: join(dataDir, 'api-keys.json'),
    SMTP_ACCEPT: '12345@hotline.example',
    SMTP_PORT: String(await freePort()),
    SMTP_HOST: '127.0.0.1',
    WECHAT_TOKEN,
    WECHAT_APPID: 'wx0123456789abcdef',
    WECHAT_MERGE_WINDOW: '0',
  });
  const config = h.gateway.config;
  queue = new Queue('intake', { connection: { url: singleUrl(config.redis) }, prefix: `{${config.intake.prefix}}` });
  const until = new Promise<void>((resolve) => {
    stopTail = resolve;
  });
  await new Promise<void>((ready) => {
    tailDone = runIntakeTail({
      redis: config.redis,
      prefix: config.intake.prefix,
      json: true,
      out: (line) => tailed.push(JSON.parse(line) as Submission),
      until,
      onReady: ready,
    });
  });
});

afterAll(async () => {
  stopTail();
  await tailDone;
  await queue.close();
  await h.close();
});

async function job(id: string): Promise<Submission> {
  const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed']);
  const found = jobs.filter((j) => (j.data as Submission).id === id);
  expect(found).toHaveLength(1);
  const data = found[0]?.data as Submission;
  expect(validateSubmission(data)).toEqual([]);
  return data;
}

async function tailSaw(ticket: string): Promise<void> {
  await h.sim.waitFor(`intake tail prints ticket ${ticket}`, () => tailed.some((s) => s.ticket === ticket), 5000);
}

describe('one intake queue for every channel', () => {
  it('the citizen web form', async () => {
    const response = await fetch(`${h.gateway.httpUrl}/form/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idempotencyKey: '6f1c2b0e-1d2c-4c1e-9a55-1f0f0f0f0f01', text: '小区门口的路灯坏了一个星期', phone: '13800138000' }),
    });
    expect(response.status).toBe(201);
    const { ticket } = (await response.json()) as { ticket: string };
    const record = await h.gateway.intake.intake.getByTicket(ticket);
    expect(await job(record?.submission.id ?? '')).toMatchObject({ channel: 'web', ticket });
    await tailSaw(ticket);
  });

  it('the integrator API', async () => {
    const response = await fetch(`${h.gateway.httpUrl}/v1/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': 'omni-1' },
      body: JSON.stringify({ text: 'The chemical plant by the river pollutes the air, the smell is terrible', contact: { email: 'resident@example.com' } }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; ticket: string };
    expect(await job(body.id)).toMatchObject({ channel: 'web', category: 'environment', language: 'en' });
    await tailSaw(body.ticket);
  });

  it('Open311', async () => {
    const form = new URLSearchParams({ api_key: apiKey, service_code: 'transportation', lat: '39.9', long: '116.4', description: '公交站牌被撞倒了' });
    const response = await fetch(`${h.gateway.httpUrl}/open311/v2/requests.json`, { method: 'POST', body: form });
    // GeoReport v2 answers a created request with the array of one (some servers say 201, the spec's examples 200).
    expect([200, 201]).toContain(response.status);
    const [created] = (await response.json()) as Array<{ service_request_id: string }>;
    const record = await h.gateway.intake.intake.getByTicket(created?.service_request_id ?? '');
    expect(await job(record?.submission.id ?? '')).toMatchObject({ channel: 'open311', category: 'transportation', location: { lat: 39.9, lon: 116.4 } });
    await tailSaw(created?.service_request_id ?? '');
  });

  it('WeChat', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = '1234567';
    const signature = wechatSignature([WECHAT_TOKEN, timestamp, nonce]);
    const xml =
      '<xml><ToUserName><![CDATA[gh_12345]]></ToUserName><FromUserName><![CDATA[oCitizen001]]></FromUserName>' +
      `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[楼上漏水，物业不管]]></Content>` +
      '<MsgId>7000000000000000001</MsgId></xml>';
    const response = await fetch(`${h.gateway.httpUrl}/wechat?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&openid=oCitizen001`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    });
    expect(response.status).toBe(200);
    const reply = await response.text();
    const content = /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(reply)?.[1] ?? '';
    const ticket = /([0-9]{9,20})/.exec(content)?.[1] ?? '';
    expect(ticket).not.toBe('');
    const record = await h.gateway.intake.intake.getByTicket(ticket);
    expect(await job(record?.submission.id ?? '')).toMatchObject({ channel: 'wechat', contact: { wechatOpenId: 'oCitizen001' } });
    await tailSaw(ticket);

    // The PIN given with the ticket opens the case from another account; the ticket alone does not.
    const pin = /查询码：([0-9]{6})/.exec(content)?.[1] ?? '';
    const ask = async (words: string): Promise<string> => {
      const question =
        '<xml><ToUserName><![CDATA[gh_12345]]></ToUserName><FromUserName><![CDATA[oSomeoneElse002]]></FromUserName>' +
        `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${words}]]></Content>` +
        `<MsgId>70000000000000000${words.length}</MsgId></xml>`;
      const answer = await fetch(`${h.gateway.httpUrl}/wechat?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&openid=oSomeoneElse002`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: question,
      });
      return /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(await answer.text())?.[1] ?? '';
    };
    expect(await ask(`查询 ${ticket}`)).toContain('需要验证');
    expect(await ask(`查询 ${ticket} ${pin}`)).toContain(`工单 ${ticket}：已接收`);
  });

  it('email', async () => {
    const transport = createTransport({ host: '127.0.0.1', port: h.gateway.smtpPort ?? 0, secure: false, ignoreTLS: true });
    const sent = await transport.sendMail({
      from: 'citizen@example.com',
      to: '12345@hotline.example',
      subject: '投诉：夜间施工噪音',
      text: '每天晚上十一点以后还在施工，严重影响休息。',
      messageId: '<omni-1@example.com>',
    });
    transport.close();
    const ticket = /\[12345-([0-9]+)\]/.exec(sent.response)?.[1] ?? '';
    expect(ticket).not.toBe('');
    const record = await h.gateway.intake.intake.getByTicket(ticket);
    expect(await job(record?.submission.id ?? '')).toMatchObject({ channel: 'email', kind: 'complaint', refs: { emailMessageId: 'omni-1@example.com' } });
    await tailSaw(ticket);
  });
});
