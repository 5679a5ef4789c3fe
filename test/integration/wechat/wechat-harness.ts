// The WeChat channel wired as the gateway will wire it: real intake on the real Redis (random prefix per test),
// the content-addressed attachment store in a temp directory, the channel's routes on a real HTTP server on
// loopback, and a stand-in for WeChat's API (access token and media download) on loopback too.

import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { fastify } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { ContentStore } from '../../../src/adapters/attachments/content-store.js';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import type { CreatedIntake } from '../../../src/adapters/intake/create-intake.js';
import { INTAKE_QUEUE_NAME, IntakeKeys } from '../../../src/adapters/intake/intake-keys.js';
import { createWechatChannel } from '../../../src/adapters/wechat/wechat-channel.js';
import type { WechatChannel, WechatChannelOptions } from '../../../src/adapters/wechat/wechat-channel.js';
import { WechatCipher, wechatSignature } from '../../../src/adapters/wechat/wechat-crypto.js';
import type { ProvenCaseAccess } from '../../../src/app/access/case-access.js';
import type { Intake, SubmitOutcome, SubmitRequest } from '../../../src/app/intake/intake-ports.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { parseWechatXml } from '../../../src/domain/wechat/wechat-xml.js';
import { testCaseAccess } from '../../support/case-access.js';
import { RecordingLog } from '../../support/logs.js';
import { dropIntake } from '../../support/intake.js';
import { REDIS_URL, singleRedis } from '../../support/redis.js';

export const TOKEN = 'hotlineToken12345';
export const APPID = 'wx1234567890abcdef';
export const APPSECRET = 'secret-0123456789abcdef';
export const ACCOUNT = 'gh_0123456789ab';
export const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const PREVIOUS_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';

/** A 1x1 PNG, a JPEG head, an AMR voice note and an MP4 head: what the attachment store's sniffing accepts. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0', 'latin1'), Buffer.alloc(200, 7)]);
export const AMR = Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), Buffer.alloc(320, 0x3c)]);
export const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom\0\0\x02\0isomiso2', 'latin1'), Buffer.alloc(500, 1)]);

// ---------------------------------------------------------------------------------------------------------------
// Intake, watched: the real service, with a way to await a given dedup key's submission

export class WatchedIntake implements Intake {
  private readonly waiters = new Map<string, ((outcome: SubmitOutcome) => void)[]>();
  readonly outcomes = new Map<string, SubmitOutcome>();

  constructor(private readonly inner: Intake) {}

  async submit(req: SubmitRequest): Promise<SubmitOutcome> {
    const outcome = await this.inner.submit(req);
    this.outcomes.set(req.dedupKey, outcome);
    for (const resolve of this.waiters.get(req.dedupKey) ?? []) resolve(outcome);
    this.waiters.delete(req.dedupKey);
    return outcome;
  }

  submitted(dedupKey: string): Promise<SubmitOutcome> {
    const done = this.outcomes.get(dedupKey);
    if (done !== undefined) return Promise.resolve(done);
    return new Promise((resolve) => this.waiters.set(dedupKey, [...(this.waiters.get(dedupKey) ?? []), resolve]));
  }

  get: Intake['get'] = (id) => this.inner.get(id);
  getByTicket: Intake['getByTicket'] = (ticket) => this.inner.getByTicket(ticket);
  find: Intake['find'] = (query) => this.inner.find(query);
  updateStatus: Intake['updateStatus'] = (id, entry) => this.inner.updateStatus(id, entry);
  rate: Intake['rate'] = (id, rating) => this.inner.rate(id, rating);
}

// ---------------------------------------------------------------------------------------------------------------
// WeChat's API, standing in on loopback

export type MediaBehaviour =
  | { readonly kind: 'file'; readonly bytes: Buffer; readonly contentType: string; readonly failuresFirst?: number }
  | { readonly kind: 'video-url'; readonly bytes: Buffer }
  | { readonly kind: 'errcode'; readonly errcode: number };

export class WechatApiStandIn {
  readonly media = new Map<string, MediaBehaviour>();
  readonly requests: { path: string; query: URLSearchParams }[] = [];
  private tokenSerial = 0;
  private validToken = '';
  private readonly failuresLeft = new Map<string, number>();
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.serve(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** WeChat expired the token early (another process fetched a new one). */
  expireToken(): void {
    this.validToken = '';
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server === null ? resolve() : this.server.close(() => resolve())));
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ path: url.pathname, query: url.searchParams });
    const json = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json; encoding=utf-8' }).end(JSON.stringify(body));
    };
    if (url.pathname === '/cgi-bin/token') {
      if (url.searchParams.get('appid') !== APPID || url.searchParams.get('secret') !== APPSECRET || url.searchParams.get('grant_type') !== 'client_credential') {
        json({ errcode: 40125, errmsg: 'invalid appsecret' });
        return;
      }
      this.validToken = `token-${++this.tokenSerial}`;
      json({ access_token: this.validToken, expires_in: 7200 });
      return;
    }
    if (url.pathname === '/cgi-bin/media/get') {
      if (url.searchParams.get('access_token') !== this.validToken || this.validToken === '') {
        json({ errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
        return;
      }
      const mediaId = url.searchParams.get('media_id') ?? '';
      const behaviour = this.media.get(mediaId);
      if (behaviour === undefined) return json({ errcode: 40007, errmsg: 'invalid media_id' });
      if (behaviour.kind === 'errcode') return json({ errcode: behaviour.errcode, errmsg: 'refused' });
      if (behaviour.kind === 'video-url') return json({ video_url: `${this.url}/cdn/${encodeURIComponent(mediaId)}` });
      const left = this.failuresLeft.get(mediaId) ?? behaviour.failuresFirst ?? 0;
      if (left > 0) {
        this.failuresLeft.set(mediaId, left - 1);
        res.writeHead(502).end('bad gateway');
        return;
      }
      this.failuresLeft.set(mediaId, 0);
      res.writeHead(200, { 'content-type': behaviour.contentType, 'content-disposition': `attachment; filename="${mediaId}.bin"` }).end(behaviour.bytes);
      return;
    }
    if (url.pathname.startsWith('/cdn/')) {
      const behaviour = this.media.get(decodeURIComponent(url.pathname.slice('/cdn/'.length)));
      if (behaviour?.kind !== 'video-url') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'video/mp4' }).end(behaviour.bytes);
      return;
    }
    res.writeHead(404).end();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The gateway side

export type Mode = 'plaintext' | 'compatible' | 'safe' | 'wecom';

export interface Gateway {
  readonly url: string;
  readonly channel: WechatChannel;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

export class WechatFixture {
  readonly prefix = `w${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  readonly keys = new IntakeKeys(this.prefix);
  readonly redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  readonly recorded = new RecordingLog();
  readonly api = new WechatApiStandIn();
  dataDir = '';
  created!: CreatedIntake;
  intake!: WatchedIntake;
  /** Built as main.ts builds it, from the intake's own case keys; shared by the fixture's gateways. */
  access!: ProvenCaseAccess;
  attachments!: ContentStore;
  private readonly gateways: Gateway[] = [];
  private readonly queues: Queue[] = [];

  static async create(): Promise<WechatFixture> {
    const fixture = new WechatFixture();
    fixture.dataDir = await mkdtemp(join(tmpdir(), 'wechat-test-'));
    await fixture.api.start();
    fixture.created = await createIntake({ redis: singleRedis(REDIS_URL), prefix: fixture.prefix, dataDir: fixture.dataDir, log: fixture.recorded.log });
    fixture.intake = new WatchedIntake(fixture.created.intake);
    fixture.access = testCaseAccess(fixture.intake, { keys: fixture.created.caseKeys, log: fixture.recorded.log });
    fixture.attachments = new ContentStore({ dir: join(fixture.dataDir, 'attachments'), maxBytes: 1_000_000 });
    return fixture;
  }

  /** A gateway instance: the channel's routes on their own HTTP server (several may share the fixture's Redis). */
  async gateway(options: Partial<WechatChannelOptions> = {}): Promise<Gateway> {
    const channel = await createWechatChannel({
      token: TOKEN,
      appId: APPID,
      encodingAesKey: KEY,
      previousEncodingAesKey: PREVIOUS_KEY,
      appSecret: APPSECRET,
      apiBase: this.api.url,
      redis: singleRedis(REDIS_URL),
      prefix: this.prefix,
      intake: this.intake,
      access: this.access,
      attachments: this.attachments,
      log: this.recorded.log,
      mediaRetry: { baseDelayMs: 50, maxDelayMs: 200 },
      ...options,
    });
    const app = fastify();
    await app.register(channel.routes);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const gateway: Gateway = {
      url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
      channel,
      app,
      async close() {
        await app.close();
        await channel.close();
      },
    };
    this.gateways.push(gateway);
    return gateway;
  }

  /** Every job in the `intake` queue, whatever its state. */
  async jobs(): Promise<Submission[]> {
    const queue = new Queue(INTAKE_QUEUE_NAME, { connection: this.redis, prefix: this.keys.bullPrefix });
    this.queues.push(queue);
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed'], 0, -1);
    return jobs.map((job) => job.data as Submission).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.gateways.splice(0).map((g) => g.close()));
    await this.created.close();
    await Promise.all(this.queues.splice(0).map((q) => q.close()));
    await this.api.close();
    this.redis.disconnect();
    await dropIntake(this.prefix, this.dataDir);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What WeChat's servers send, in each mode

let msgSerial = Date.now() * 1000;
export const nextMsgId = (): string => String(++msgSerial);

export function messageXml(fields: Record<string, string | number>, from = 'oCitizenOpenId00000000000001', to = ACCOUNT): string {
  const body = Object.entries(fields)
    .map(([name, value]) => (typeof value === 'number' ? `<${name}>${value}</${name}>` : `<${name}><![CDATA[${value}]]></${name}>`))
    .join('');
  return `<xml><ToUserName><![CDATA[${to}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime>${body}</xml>`;
}

export interface Push {
  readonly status: number;
  readonly body: string;
  /** The reply's text content, decrypted when the push was encrypted; `success` or '' otherwise. */
  readonly content: string;
  readonly retryAfter?: string;
}

export interface PushOptions {
  readonly mode?: Mode;
  /** Encrypt with this key instead of the current one. */
  readonly encodingAesKey?: string;
  readonly receiveId?: string;
  readonly token?: string;
  readonly timestampS?: number;
}

export async function push(gateway: Gateway, plainXml: string, options: PushOptions = {}): Promise<Push> {
  const mode = options.mode ?? 'plaintext';
  const token = options.token ?? TOKEN;
  const timestamp = String(options.timestampS ?? Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const query = new URLSearchParams({ timestamp, nonce });
  let body = plainXml;
  const cipher = new WechatCipher({ encodingAesKey: options.encodingAesKey ?? KEY, receiveId: options.receiveId ?? APPID });
  if (mode === 'plaintext') {
    query.set('signature', wechatSignature([token, timestamp, nonce]));
    query.set('openid', 'oCitizenOpenId00000000000001');
  } else {
    const encrypt = cipher.encrypt(plainXml);
    query.set('msg_signature', wechatSignature([token, timestamp, nonce, encrypt]));
    if (mode !== 'wecom') {
      query.set('signature', wechatSignature([token, timestamp, nonce]));
      query.set('encrypt_type', 'aes');
    }
    body =
      mode === 'compatible'
        ? plainXml.replace('</xml>', `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`)
        : mode === 'wecom'
          ? `<xml><ToUserName><![CDATA[${options.receiveId ?? APPID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`
          : `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  }
  const response = await request(`${gateway.url}/wechat?${query.toString()}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
  const text = await response.body.text();
  const retryAfter = response.headers['retry-after'];
  return {
    status: response.statusCode,
    body: text,
    content: replyContent(text, mode === 'plaintext' ? null : cipher, token),
    ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
  };
}

function replyContent(body: string, cipher: WechatCipher | null, token: string): string {
  if (!body.startsWith('<xml>')) return body;
  const outer = parseWechatXml(body).fields;
  if (cipher === null || outer['Encrypt'] === undefined) return outer['Content'] ?? '';
  const expected = wechatSignature([token, outer['TimeStamp'] ?? '', outer['Nonce'] ?? '', outer['Encrypt']]);
  if (outer['MsgSignature'] !== expected) throw new Error('the reply carries a wrong MsgSignature');
  return parseWechatXml(cipher.decrypt(outer['Encrypt']).message).fields['Content'] ?? '';
}

/** The ticket number a reply text gives. */
export function ticketIn(content: string): string {
  const match = /(?:工单号：|Ticket number: |工单 )(\d{9,20})/.exec(content);
  if (match?.[1] === undefined) throw new Error(`no ticket in reply: ${content}`);
  return match[1];
}
