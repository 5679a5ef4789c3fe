// Given two gateway replicas (the composition root started twice, each with its own simulator, DATA_DIR and SMTP
// port) sharing one Redis prefix, with small fair-use budgets: the budgets hold across both replicas, each channel
// says "try later" in its own protocol, supervisors' flags (set on one replica through /v1/flags) apply on the
// other and are audited, and an emergency goes through on every channel with every limit used up at once.

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import { wechatSignature } from '../../../src/adapters/wechat/wechat-crypto.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { freePort } from '../../support/net.js';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';
import { singleUrl } from '../../support/redis.js';

const WECHAT_TOKEN = 'hotline12345';
const PREFIX = `test-fair-${randomUUID().slice(0, 8)}`;
const EMERGENCY_ZH = '楼道着火了，有人被困';
const EMERGENCY_EN = 'There is a fire in my building, people are trapped';

let a: Harness;
let b: Harness;
let integratorKey: string;
let supervisorKey: string;
let submitOnlyKey: string;
let queue: Queue;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fair-use-'));
  const integrator = createApiKey({ name: 'integrator', scopes: ['submit', 'open311'], rateLimitPerMinute: 5 });
  const supervisor = createApiKey({ name: 'duty supervisor', scopes: ['supervise'], rateLimitPerMinute: 100 });
  const submitOnly = createApiKey({ name: 'submitter', scopes: ['submit'], rateLimitPerMinute: 100 });
  submitOnlyKey = submitOnly.key;
  integratorKey = integrator.key;
  supervisorKey = supervisor.key;
  const keysFile = join(dataDir, 'api-keys.json');
  await writeApiKeysFile(keysFile, { keys: [integrator.entry, supervisor.entry, submitOnly.entry] });
  const env = async (): Promise<Record<string, string>> => ({
    INTAKE_PREFIX: PREFIX,
    API_KEYS_FILE: keysFile,
    HTTP_TRUST_PROXY: 'true',
    FORM_RATE_LIMIT: '6',
    FAIR_USE_IP_PER_HOUR: '5',
    FAIR_USE_KEY_PER_HOUR: '3',
    FAIR_USE_OPENID_PER_HOUR: '2',
    FAIR_USE_EMAIL_PER_HOUR: '2',
    FAIR_USE_FLAGGED_PER_HOUR: '0',
    SMTP_ACCEPT: '12345@hotline.example',
    SMTP_PORT: String(await freePort()),
    SMTP_HOST: '127.0.0.1',
    WECHAT_TOKEN,
    WECHAT_APPID: 'wx0123456789abcdef',
    WECHAT_MERGE_WINDOW: '0',
  });
  a = await startHarness(await env());
  b = await startHarness(await env());
  queue = new Queue('intake', { connection: { url: singleUrl(a.gateway.config.redis) }, prefix: `{${PREFIX}}` });
}, 60_000);

afterAll(async () => {
  await queue?.close();
  await b?.close();
  await a?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Each channel as a client speaks it

function form(replica: Harness, ip: string, text: string, idempotencyKey: string = randomUUID()): Promise<Response> {
  return fetch(`${replica.gateway.httpUrl}/form/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ idempotencyKey, text }),
  });
}

function v1(replica: Harness, text: string): Promise<Response> {
  return fetch(`${replica.gateway.httpUrl}/v1/submissions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${integratorKey}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ text }),
  });
}

function open311(replica: Harness, text: string): Promise<Response> {
  const body = new URLSearchParams({ api_key: integratorKey, service_code: 'other', address_string: '朝阳区建国路1号', description: text });
  return fetch(`${replica.gateway.httpUrl}/open311/v2/requests.json`, { method: 'POST', body });
}

let msgId = 8_000_000_000_000_000_000n;
async function wechat(replica: Harness, openId: string, text: string): Promise<{ status: number; content: string }> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const xml =
    `<xml><ToUserName><![CDATA[gh_12345]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName>` +
    `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content>` +
    `<MsgId>${String((msgId += 1n))}</MsgId></xml>`;
  const response = await fetch(`${replica.gateway.httpUrl}/wechat?signature=${wechatSignature([WECHAT_TOKEN, timestamp, nonce])}&timestamp=${timestamp}&nonce=${nonce}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: xml,
  });
  const reply = await response.text();
  return { status: response.status, content: /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(reply)?.[1] ?? reply };
}

/** The SMTP answer to one mail: `250 ...` or the refusal's code and text. */
async function mail(replica: Harness, from: string, subject: string, text: string): Promise<string> {
  const transport = createTransport({ host: '127.0.0.1', port: replica.gateway.smtpPort ?? 0, secure: false, ignoreTLS: true });
  try {
    const sent = await transport.sendMail({ from, to: '12345@hotline.example', subject, text, messageId: `<${randomUUID()}@example.com>` });
    return sent.response;
  } catch (err) {
    return (err as { response?: string }).response ?? String(err);
  } finally {
    transport.close();
  }
}

function supervise(replica: Harness, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${replica.gateway.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${supervisorKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function flag(kind: string, value: string): Promise<void> {
  const response = await supervise(a, 'POST', '/v1/flags', { kind, value, reason: 'floods the hotline', forSeconds: 3600 });
  expect(response.status).toBe(201);
}

async function jobByTicket(ticket: string): Promise<Submission> {
  const record = await a.gateway.intake.intake.getByTicket(ticket);
  const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed']);
  const found = jobs.map((j) => j.data as Submission).filter((s) => s.id === record?.submission.id);
  expect(found, `job of ticket ${ticket}`).toHaveLength(1);
  return found[0] as Submission;
}

const ticketOf = (text: string): string => /([0-9]{9,20})/.exec(text)?.[1] ?? '';

// ---------------------------------------------------------------------------------------------------------------

describe('fair use shared by two replicas', () => {
  it('holds 5 web form submissions an hour per address across both: 3 on A and 3 on B, the sixth is refused', async () => {
    const ip = '198.51.100.1';
    const answers: Response[] = [];
    for (const replica of [a, a, a, b, b, b]) answers.push(await form(replica, ip, `小区路灯坏了 ${answers.length}`));
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 429]);
    const refused = answers[5] as Response;
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await refused.json()).toEqual({ code: 'too_many_submissions', error: expect.stringMatching(/^too many requests from this address: at most 5 an hour; try again in 60 minutes/) });
    // Another address has its own budget.
    expect((await form(b, '198.51.100.2', '小区路灯坏了')).status).toBe(201);
  });

  it('gives a resend of an accepted form request its ticket back at the hourly limit, without counting it', async () => {
    const ip = '198.51.100.3';
    const pageKeys = Array.from({ length: 5 }, () => randomUUID());
    const tickets: string[] = [];
    for (const [i, key] of pageKeys.entries()) {
      const response = await form(i % 2 === 0 ? a : b, ip, `垃圾没人清 ${i}`, key);
      expect(response.status).toBe(201);
      tickets.push(((await response.json()) as { ticket: string }).ticket);
    }
    const resent = await form(b, ip, '垃圾没人清 0', pageKeys[0]);
    expect(resent.status).toBe(200);
    expect(await resent.json()).toMatchObject({ ticket: tickets[0] });
  });

  it("counts an integrator key's submissions on /v1 and Open311 together, answering each in its own format", async () => {
    expect((await v1(a, '路灯坏了 1')).status).toBe(201);
    expect((await v1(b, '路灯坏了 2')).status).toBe(201);
    expect((await open311(a, '路灯坏了 3')).status).toBe(200);
    const refusedV1 = await v1(b, '路灯坏了 4');
    expect(refusedV1.status).toBe(429);
    expect(Number(refusedV1.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(await refusedV1.json()).toEqual({ code: 'TOO_MANY_SUBMISSIONS', error: expect.stringMatching(/^too many submissions from this API key: at most 3 an hour/) });
    const refused311 = await open311(a, '路灯坏了 5');
    expect(refused311.status).toBe(429);
    expect(await refused311.json()).toEqual([{ code: 429, description: expect.stringMatching(/^too many service requests from this api_key: at most 3 an hour; try again in 60 minutes/) }]);
    // The key's own rate (5 a minute) is used up too now, on both replicas.
    const throttled = await v1(a, '路灯坏了 6');
    expect(throttled.status).toBe(429);
    expect(await throttled.json()).toMatchObject({ code: 'RATE_LIMITED', error: expect.stringMatching(/at most 5 requests per minute for key/) });
  });

  it('answers a WeChat user over the limit with a polite "try later" in their language, and 200 so WeChat does not retry', async () => {
    const openId = 'oFairUseCitizen0001';
    expect(ticketOf((await wechat(a, openId, '楼上漏水，物业不管')).content)).not.toBe('');
    expect(ticketOf((await wechat(b, openId, '楼上又漏水了')).content)).not.toBe('');
    const zh = await wechat(a, openId, '还是漏水');
    expect(zh.status).toBe(200);
    expect(zh.content).toMatch(/^您近期发送的诉求较多，本条消息未登记，请 (59|60) 分钟后再发送，或拨打12345。紧急情况请直接拨打110、119、120或122。$/);
    const en = await wechat(b, openId, 'The water is still leaking from upstairs');
    expect(en.status).toBe(200);
    expect(en.content).toMatch(/^You have sent many requests recently, so this message was not registered\. Please send it again in (59|60) minutes/);
  });

  it('refuses a sender over the limit with SMTP 451 4.7.1, keeping what was accepted', async () => {
    const sender = 'busy.sender@example.com';
    const first = await mail(a, sender, '投诉：夜间施工噪音', '每天晚上十一点以后还在施工。');
    const second = await mail(b, sender, '投诉：夜间施工噪音（续）', '今天又是。');
    expect(first).toMatch(/^250 /);
    expect(second).toMatch(/^250 /);
    const third = await mail(a, sender, '投诉：夜间施工噪音（三）', '还在施工。');
    expect(third).toMatch(/^451 4\.7\.1 Too many messages from this sender: please try again in (59|60) minutes/);
    // The two accepted mails are queued all the same.
    for (const answer of [first, second]) expect((await jobByTicket(/\[12345-([0-9]+)\]/.exec(answer)?.[1] ?? '')).channel).toBe('email');
  });
});

describe('supervisors flags', () => {
  it('flags an address on one replica, the other holds it back, and every change is in the audit log', async () => {
    const ip = '203.0.113.50';
    await flag('ip', ip);
    const held = await form(b, ip, '物业乱收费');
    expect(held.status).toBe(429);
    expect(await held.json()).toMatchObject({ code: 'too_many_submissions' });
    // The flag lasts an hour: the refusal says so.
    expect(Number(held.headers.get('retry-after'))).toBeLessThanOrEqual(3600);

    const listed = (await (await supervise(b, 'GET', '/v1/flags')).json()) as { flags: { identity: unknown; by: string }[] };
    expect(listed.flags).toContainEqual(expect.objectContaining({ identity: { kind: 'ip', value: ip }, by: expect.stringMatching(/^key:\S+ \(duty supervisor\)$/) }));

    const removed = await supervise(b, 'DELETE', `/v1/flags/ip/${ip}?reason=${encodeURIComponent('agreed with the caller')}`);
    expect(removed.status).toBe(200);
    expect(await removed.json()).toMatchObject({ removed: { identity: { kind: 'ip', value: ip }, reason: 'floods the hotline' } });
    expect((await form(a, ip, '物业乱收费')).status).toBe(201);

    const audit = (await (await supervise(a, 'GET', '/v1/flags/audit?limit=2')).json()) as { entries: Record<string, unknown>[] };
    expect(audit.entries).toEqual([
      expect.objectContaining({ action: 'unflag', identity: { kind: 'ip', value: ip }, reason: 'agreed with the caller', by: expect.stringMatching(/duty supervisor/), at: expect.any(String) }),
      expect.objectContaining({ action: 'flag', identity: { kind: 'ip', value: ip }, reason: 'floods the hotline', expiresAt: expect.any(String) }),
    ]);
  });

  it('refuses /v1/flags without the supervise scope and bad flag requests with the field named', async () => {
    const noScope = await fetch(`${a.gateway.httpUrl}/v1/flags`, { headers: { authorization: `Bearer ${submitOnlyKey}` } });
    expect(noScope.status).toBe(403);
    const bad = await supervise(a, 'POST', '/v1/flags', { kind: 'email', value: 'nobody', reason: 'x', forSeconds: 3600 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', problems: [{ field: 'value', message: 'not a plausible email address' }] });
  });
});

describe('never silencing', () => {
  it('lets an emergency through on every channel with every limit used up at once', async () => {
    const ip = '198.51.100.99';
    const openId = 'oFairUseEmergency001';
    const sender = 'emergency.sender@example.com';
    // Every budget used up: the address's hour and minute on the form, the key's hour and minute (above),
    // the openid's and the sender's hour, and every identity flagged with a budget of 0.
    for (let i = 0; i < 5; i += 1) expect((await form(i % 2 === 0 ? a : b, ip, `噪音扰民 ${i}`)).status).toBe(201);
    expect((await form(a, ip, '噪音扰民 5')).status).toBe(429);
    for (let i = 0; i < 2; i += 1) expect(ticketOf((await wechat(i === 0 ? a : b, openId, `噪音扰民 ${i}`)).content)).not.toBe('');
    for (let i = 0; i < 2; i += 1) expect(await mail(i === 0 ? a : b, sender, `噪音扰民 ${i}`, '晚上施工。')).toMatch(/^250 /);
    await flag('ip', ip);
    await flag('openid', openId);
    await flag('email', sender);

    // Each non-emergency is refused at this moment, on both replicas...
    const formRefused = await form(b, ip, '噪音扰民 6');
    expect(formRefused.status).toBe(429);
    expect(await formRefused.json()).toMatchObject({ code: 'rate_limited' });
    expect((await v1(b, '噪音扰民')).status).toBe(429);
    expect((await open311(a, '噪音扰民')).status).toBe(429);
    expect((await wechat(b, openId, '噪音扰民')).content).toMatch(/^您近期发送的诉求较多/);
    expect(await mail(a, sender, '噪音扰民', '晚上施工。')).toMatch(/^451 4\.7\.1 /);

    // ...and an emergency gets through on each, with its emergency answer.
    const web = await form(a, ip, EMERGENCY_ZH);
    expect(web.status).toBe(201);
    const webBody = (await web.json()) as { ticket: string; emergency?: { line: string } };
    expect(webBody.emergency).toMatchObject({ line: '119' });
    expect((await jobByTicket(webBody.ticket)).hints.emergency).toMatchObject({ line: '119' });

    const api = await v1(b, EMERGENCY_EN);
    expect(api.status).toBe(201);
    const apiBody = (await api.json()) as { ticket: string; message?: string };
    expect(apiBody.message).toMatch(/119/);
    expect((await jobByTicket(apiBody.ticket)).hints.emergency).toMatchObject({ line: '119' });

    const geo = await open311(a, EMERGENCY_ZH);
    expect(geo.status).toBe(200);
    const [created] = (await geo.json()) as { service_request_id: string }[];
    expect((await jobByTicket(created?.service_request_id ?? '')).hints.emergency).toMatchObject({ line: '119' });

    const chat = await wechat(b, openId, EMERGENCY_ZH);
    expect(chat.status).toBe(200);
    expect(chat.content).toMatch(/119/);
    expect((await jobByTicket(ticketOf(chat.content))).hints.emergency).toMatchObject({ line: '119' });

    const email = await mail(a, sender, '紧急', EMERGENCY_ZH);
    expect(email).toMatch(/^250 /);
    expect((await jobByTicket(/\[12345-([0-9]+)\]/.exec(email)?.[1] ?? '')).hints.emergency).toMatchObject({ line: '119' });

    // Operators see both on /metrics.
    const metrics = await (await fetch(`${a.gateway.httpUrl}/metrics`)).text();
    for (const series of ['channel="web",decision="refused"', 'channel="web",decision="emergency"', 'channel="email",decision="emergency"', 'channel="open311",decision="emergency"']) {
      expect(Number(new RegExp(`^hotline_fair_use_total\\{${series}\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0), series).toBeGreaterThanOrEqual(1);
    }
  });
});
