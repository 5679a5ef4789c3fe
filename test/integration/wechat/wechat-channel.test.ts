// The WeChat channel end to end: WeChat's pushes over real HTTP, the real intake on the real Redis, the real
// attachment store, and a loopback stand-in for WeChat's media API.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fastify } from 'fastify';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import { createWechatChannel } from '../../../src/adapters/wechat/wechat-channel.js';
import { wechatSignature } from '../../../src/adapters/wechat/wechat-crypto.js';
import { isValidTicket } from '../../../src/domain/intake/ticket.js';
import { testCaseAccess } from '../../support/case-access.js';
import {
  AMR,
  APPID,
  JPEG,
  messageXml,
  MP4,
  nextMsgId,
  PNG,
  PREVIOUS_KEY,
  push,
  ticketIn,
  TOKEN,
  WechatFixture,
} from './wechat-harness.js';
import type { Gateway } from './wechat-harness.js';
import { singleRedis } from '../../support/redis.js';

let fixture: WechatFixture;
let gateway: Gateway;

beforeEach(async () => {
  fixture = await WechatFixture.create();
  gateway = await fixture.gateway();
});

afterEach(async () => {
  await fixture.cleanup();
});

const text = (content: string, msgId = nextMsgId(), from?: string): string => messageXml({ MsgType: 'text', Content: content, MsgId: msgId }, from);

describe('a text message in each mode', () => {
  it.each(['plaintext', 'compatible', 'safe'] as const)('%s: replies with a valid ticket and puts one job in the intake queue, also when WeChat retries', async (mode) => {
    const msgId = nextMsgId();
    const xml = text('东城区和平里小区门口的路灯坏了一周了', msgId);
    const first = await push(gateway, xml, { mode });
    expect(first.status).toBe(200);
    const ticket = ticketIn(first.content);
    expect(isValidTicket(ticket)).toBe(true);
    if (mode !== 'plaintext') expect(first.body).toContain('<Encrypt>');

    const retry = await push(gateway, xml, { mode });
    expect(ticketIn(retry.content)).toBe(ticket);

    const jobs = await fixture.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      channel: 'wechat',
      ticket,
      text: '东城区和平里小区门口的路灯坏了一周了',
      contact: { anonymous: false, wechatOpenId: 'oCitizenOpenId00000000000001' },
      refs: { wechatMsgId: msgId, wechatOpenId: 'oCitizenOpenId00000000000001' },
    });
  });

  it('keeps dedup across gateway instances and restarts', async () => {
    const xml = text('楼上装修噪音太大了，晚上十点还在施工');
    const other = await fixture.gateway();
    const [a, b] = await Promise.all([push(gateway, xml), push(other, xml)]);
    expect(ticketIn(a.content)).toBe(ticketIn(b.content));
    await gateway.close();
    const restarted = await fixture.gateway();
    expect(ticketIn((await push(restarted, xml, { mode: 'safe' })).content)).toBe(ticketIn(a.content));
    expect(await fixture.jobs()).toHaveLength(1);
  });

  it('accepts a message encrypted with the previous EncodingAESKey and answers under that key', async () => {
    const reply = await push(gateway, text('rotated key message about a broken bus stop sign'), { mode: 'safe', encodingAesKey: PREVIOUS_KEY });
    expect(reply.status).toBe(200);
    expect(isValidTicket(ticketIn(reply.content))).toBe(true);
    expect(await fixture.jobs()).toHaveLength(1);
  });
});

describe('media', () => {
  it('fetches a picture from WeChat and attaches it to the request as a follow-up', async () => {
    fixture.api.media.set('media-pic-1', { kind: 'file', bytes: PNG, contentType: 'image/png' });
    const msgId = nextMsgId();
    const reply = await push(gateway, messageXml({ MsgType: 'image', PicUrl: 'http://mmbiz.qpic.cn/pic/1', MediaId: 'media-pic-1', MsgId: msgId }));
    const ticket = ticketIn(reply.content);

    const attached = await fixture.intake.submitted(`wechat-media:${msgId}`);
    const jobs = await fixture.jobs();
    const [message, media] = jobs;
    expect(jobs).toHaveLength(2);
    expect(message).toMatchObject({ ticket, text: '[图片]', refs: { mediaUrls: ['http://mmbiz.qpic.cn/pic/1'] }, attachments: [] });
    expect(media).toMatchObject({ id: attached.submission.id, refs: { followUpOf: message?.id, wechatMsgId: msgId }, attachments: [{ mimeType: 'image/png', size: PNG.length, mediaKind: 'image' }] });
    const sha256 = media?.attachments[0]?.sha256 ?? '';
    expect(Buffer.from((await fixture.attachments.read(sha256)) ?? []).equals(PNG)).toBe(true);
    expect(fixture.api.requests.find((r) => r.path === '/cgi-bin/media/get')?.query.get('media_id')).toBe('media-pic-1');
  });

  it('merges a text and two pictures sent within the window into one request with one ticket', async () => {
    fixture.api.media.set('pic-a', { kind: 'file', bytes: PNG, contentType: 'image/png' });
    fixture.api.media.set('pic-b', { kind: 'file', bytes: JPEG, contentType: 'image/jpeg' });
    const first = await push(gateway, text('人行道上的井盖丢了，很危险'));
    const ids = [nextMsgId(), nextMsgId()];
    const pictures = await Promise.all(
      ids.map((msgId, i) => push(gateway, messageXml({ MsgType: 'image', PicUrl: `http://mmbiz.qpic.cn/${i}`, MediaId: i === 0 ? 'pic-a' : 'pic-b', MsgId: msgId }), { mode: 'safe' })),
    );
    const ticket = ticketIn(first.content);
    expect(pictures.map((p) => ticketIn(p.content))).toEqual([ticket, ticket]);
    expect(pictures[0]?.content).toBe(`已补充到您的工单 ${ticket}。`);

    await Promise.all(ids.map((id) => fixture.intake.submitted(`wechat-media:${id}`)));
    const jobs = await fixture.jobs();
    const root = jobs.find((j) => j.ticket === ticket);
    expect(jobs).toHaveLength(5);
    expect(jobs.filter((j) => j !== root).every((j) => j.refs.followUpOf === root?.id)).toBe(true);
    expect(jobs.flatMap((j) => j.attachments.map((a) => a.mimeType)).sort()).toEqual(['image/jpeg', 'image/png']);
    // WeChat's token was fetched once and shared by both downloads.
    expect(fixture.api.count('/cgi-bin/token')).toBe(1);
  });

  it('takes a voice message\'s recognition as its text and attaches the recording', async () => {
    fixture.api.media.set('voice-1', { kind: 'file', bytes: AMR, contentType: 'audio/amr' });
    const msgId = nextMsgId();
    const reply = await push(gateway, messageXml({ MsgType: 'voice', MediaId: 'voice-1', Format: 'amr', Recognition: '小区垃圾三天没人清运了', MsgId: msgId }), { mode: 'compatible' });
    expect(isValidTicket(ticketIn(reply.content))).toBe(true);
    await fixture.intake.submitted(`wechat-media:${msgId}`);
    const [message, media] = await fixture.jobs();
    expect(message).toMatchObject({ text: '小区垃圾三天没人清运了', category: 'urban-management' });
    expect(media?.attachments).toEqual([expect.objectContaining({ mimeType: 'audio/amr', mediaKind: 'audio' })]);
  });

  it('downloads a video through the video_url WeChat answers with, and its thumbnail', async () => {
    fixture.api.media.set('video-1', { kind: 'video-url', bytes: MP4 });
    fixture.api.media.set('thumb-1', { kind: 'file', bytes: JPEG, contentType: 'image/jpeg' });
    const msgId = nextMsgId();
    await push(gateway, messageXml({ MsgType: 'video', MediaId: 'video-1', ThumbMediaId: 'thumb-1', MsgId: msgId }));
    const attached = await fixture.intake.submitted(`wechat-media:${msgId}`);
    expect(attached.submission.attachments.map((a) => a.mimeType)).toEqual(['video/mp4', 'image/jpeg']);
    expect(attached.submission.text).toBe('');
  });

  it('refreshes a token WeChat no longer accepts, and retries a failed download', async () => {
    fixture.api.media.set('pic-flaky', { kind: 'file', bytes: PNG, contentType: 'image/png', failuresFirst: 2 });
    const first = nextMsgId();
    await push(gateway, messageXml({ MsgType: 'image', PicUrl: 'http://x/1', MediaId: 'pic-flaky', MsgId: first }));
    await fixture.intake.submitted(`wechat-media:${first}`);
    expect(fixture.api.count('/cgi-bin/media/get')).toBe(3);

    fixture.api.expireToken();
    fixture.api.media.set('pic-2', { kind: 'file', bytes: JPEG, contentType: 'image/jpeg' });
    const second = nextMsgId();
    await push(gateway, messageXml({ MsgType: 'image', PicUrl: 'http://x/2', MediaId: 'pic-2', MsgId: second }));
    const attached = await fixture.intake.submitted(`wechat-media:${second}`);
    expect(attached.submission.attachments).toHaveLength(1);
    expect(fixture.api.count('/cgi-bin/token')).toBe(2);
  });

  it('gives up on media WeChat no longer has, or that is past the 3 days, with an error in the log', async () => {
    const unknown = nextMsgId();
    await push(gateway, messageXml({ MsgType: 'image', PicUrl: 'http://x/gone', MediaId: 'never-existed', MsgId: unknown }));
    const gaveUp = await fixture.recorded.waitFor((line) => line.level === 'error' && line.fields['msgId'] === unknown);
    expect(gaveUp.msg).toContain('no file of the wechat message could be fetched');

    const old = nextMsgId();
    fixture.api.media.set('old-pic', { kind: 'file', bytes: PNG, contentType: 'image/png' });
    const fourDaysAgo = Math.floor(Date.now() / 1000) - 4 * 86_400;
    const xml = messageXml({ MsgType: 'image', PicUrl: 'http://x/old', MediaId: 'old-pic', MsgId: old }).replace(/<CreateTime>\d+<\/CreateTime>/, `<CreateTime>${fourDaysAgo}</CreateTime>`);
    expect((await push(gateway, xml)).status).toBe(200);
    const expired = await fixture.recorded.waitFor((line) => line.level === 'error' && line.fields['msgId'] === old);
    expect(expired.msg).toContain('expired');
    expect(fixture.api.requests.some((r) => r.query.get('media_id') === 'old-pic')).toBe(false);
    // Both messages are in intake; only their files are missing.
    expect((await fixture.jobs()).map((j) => j.text)).toEqual(['[图片]', '[图片]']);
  });

  it('keeps pending downloads across a restart: a new gateway\'s worker finishes them', async () => {
    await gateway.close();
    const answering = await fixture.gateway({ mediaWorker: false });
    fixture.api.media.set('pic-later', { kind: 'file', bytes: PNG, contentType: 'image/png' });
    const msgId = nextMsgId();
    await push(answering, messageXml({ MsgType: 'image', PicUrl: 'http://x/later', MediaId: 'pic-later', MsgId: msgId }));
    expect(fixture.api.count('/cgi-bin/media/get')).toBe(0);
    await answering.close();
    await fixture.gateway();
    const attached = await fixture.intake.submitted(`wechat-media:${msgId}`);
    expect(attached.submission.attachments).toHaveLength(1);
  });
});

describe('other message types and events', () => {
  it('keeps a location message\'s place, and a link\'s URL as linked media', async () => {
    await push(gateway, messageXml({ MsgType: 'location', Location_X: '39.915', Location_Y: '116.404', Scale: 15, Label: '北京市东城区东长安街', MsgId: nextMsgId() }));
    await push(gateway, messageXml({ MsgType: 'link', Title: '占道经营', Description: '早市占用人行道', Url: 'https://example.com/a', MsgId: nextMsgId() }, 'oAnotherCitizen0000000000001'));
    const jobs = await fixture.jobs();
    expect(jobs.find((j) => j.location !== undefined)?.location).toEqual({ lat: 39.915, lon: 116.404, address: '北京市东城区东长安街' });
    expect(jobs.find((j) => j.refs.mediaUrls !== undefined)?.refs.mediaUrls).toEqual(['https://example.com/a']);
  });

  it('welcomes a new follower, answers success to unsubscribe, to types it does not handle and to photo menu events, and queues nothing', async () => {
    const welcome = await push(gateway, messageXml({ MsgType: 'event', Event: 'subscribe' }), { mode: 'safe' });
    expect(welcome.content).toMatch(/^欢迎关注！Welcome!/);
    expect((await push(gateway, messageXml({ MsgType: 'event', Event: 'unsubscribe' }))).body).toBe('success');
    expect((await push(gateway, messageXml({ MsgType: 'miniprogrampage', Title: 'x', MsgId: nextMsgId() }))).body).toBe('success');
    expect((await push(gateway, messageXml({ MsgType: 'event', Event: 'VIEW', EventKey: 'https://example.com' }))).body).toBe('success');
    // The photo menu button's event nests the picture list five levels deep; the pictures follow as image messages.
    const pictures = '<SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum><![CDATA[5a75aaca]]></PicMd5Sum></item><item><PicMd5Sum><![CDATA[1b5f7c23]]></PicMd5Sum></item></PicList></SendPicsInfo></xml>';
    const photoEvent = messageXml({ MsgType: 'event', Event: 'pic_photo_or_album', EventKey: 'photo' }).replace(/<\/xml>$/, pictures);
    const photo = await push(gateway, photoEvent, { mode: 'safe' });
    expect([photo.status, photo.body]).toEqual([200, 'success']);
    expect(await fixture.jobs()).toEqual([]);
    expect(fixture.recorded.lines.some((l) => l.msg.includes('not handled') && l.fields['type'] === 'miniprogrampage')).toBe(true);
  });

  it('uses a reported location (LOCATION event) for the citizen\'s next request', async () => {
    const reported = await push(gateway, messageXml({ MsgType: 'event', Event: 'LOCATION', Latitude: '39.9042', Longitude: '116.4074', Precision: '30.0' }));
    expect(reported.body).toBe('success');
    await push(gateway, text('这里的路灯不亮'));
    expect((await fixture.jobs())[0]?.location).toEqual({ lat: 39.9042, lon: 116.4074 });
  });

  it('answers a status question with the request\'s status', async () => {
    const ticket = ticketIn((await push(gateway, text('小区门口的路灯坏了'))).content);
    const record = await fixture.intake.getByTicket(ticket);
    await fixture.intake.updateStatus(record?.submission.id ?? '', { status: 'accepted', at: new Date().toISOString(), note: '已转东城区城管委' });
    const status = await push(gateway, text(`查询 ${ticket}`), { mode: 'safe' });
    expect(status.content).toMatch(new RegExp(`^工单 ${ticket}：已受理（更新于北京时间 .+）。您的诉求已受理，正在转交承办单位。\\n说明：已转东城区城管委$`));
    expect(await fixture.jobs()).toHaveLength(1);
  });
});

describe('repeated requests', () => {
  it('answers the same request sent again with the first ticket and its progress', async () => {
    // No merge window, so the second message is a request of its own rather than a follow-up of the first.
    const unmerged = await fixture.gateway({ mergeWindowMs: 0 });
    const words = '朝阳区望京西园三区的路灯坏了一个星期了';
    const first = ticketIn((await push(unmerged, text(words))).content);

    const second = await push(unmerged, text(words), { mode: 'safe' });
    expect(second.content).toMatch(new RegExp(`^您此前已提出过相同的诉求，工单号 ${first}（北京时间 [0-9: -]+ 收到），目前状态：已接收。`));
    const jobs = await fixture.jobs();
    expect(jobs).toHaveLength(2);
    expect(jobs[1]?.hints.repeatOf).toEqual({ id: jobs[0]?.id, ticket: first });
    expect(second.content).toContain(`本次消息的工单号：${jobs[1]?.ticket}，查询码：${await fixture.access.pinOf(jobs[1]?.ticket ?? '')}（`);
    expect(second.content).toContain(`发送“查询 ${first}”`);

    const record = await fixture.intake.getByTicket(first);
    await fixture.intake.updateStatus(record?.submission.id ?? '', { status: 'in_progress', at: new Date().toISOString(), note: '已派维修人员' });
    const third = await push(unmerged, text(`${words}。`));
    expect(third.content).toContain(`工单号 ${first}`);
    expect(third.content).toContain('目前状态：办理中（最新说明：已派维修人员）');
    expect(JSON.stringify(fixture.recorded.lines)).not.toContain('oCitizenOpenId');
  });
});

describe('bad input', () => {
  const post = (query: string, body: string) =>
    request(`${gateway.url}/wechat?${query}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } }).then(async (r) => ({ status: r.statusCode, body: await r.body.text() }));

  it('answers 401 with no body to a bad signature or a replayed request, and logs no personal data', async () => {
    const xml = text('我的电话是13812345678，请联系我');
    expect(await push(gateway, xml, { token: 'wrong-token' })).toMatchObject({ status: 401, body: '' });
    expect(await push(gateway, xml, { mode: 'safe', token: 'wrong-token' })).toMatchObject({ status: 401, body: '' });
    expect(await push(gateway, xml, { timestampS: Math.floor(Date.now() / 1000) - 600 })).toMatchObject({ status: 401, body: '' });
    expect(await push(gateway, xml, { mode: 'safe', receiveId: 'wxSomeOtherAppId00' })).toMatchObject({ status: 401, body: '' });
    expect(await fixture.jobs()).toEqual([]);
    const logged = JSON.stringify(fixture.recorded.lines);
    expect(logged).not.toContain('13812345678');
    expect(logged).not.toContain('oCitizenOpenId');
  });

  it('answers 400 to XXE and billion-laughs payloads, signed or encrypted, and queues nothing', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>`;
    const laughs = await readFile(join(import.meta.dirname, '../../fixtures/wechat/bad/doctype__billion-laughs.xml'), 'utf8');
    for (const payload of [xxe, laughs]) {
      expect((await push(gateway, payload)).status).toBe(400);
      expect((await push(gateway, payload, { mode: 'safe' })).status).toBe(400);
    }
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = wechatSignature([TOKEN, timestamp, '1']);
    expect(await post(`timestamp=${timestamp}&nonce=1&signature=${signature}`, `<xml>${'<a>'.repeat(50)}</xml>`)).toEqual({ status: 400, body: '' });
    expect(await post(`timestamp=${timestamp}&nonce=1&signature=${signature}`, `<xml><Content>${'x'.repeat(70_000)}</Content></xml>`)).toEqual({ status: 413, body: '' });
    expect(await fixture.jobs()).toEqual([]);
  });
});

describe('WeCom', () => {
  it('answers the published echostr verification vector', async () => {
    const wecom = await fixture.gateway({
      token: 'QDG6eK',
      encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
      previousEncodingAesKey: '',
      appId: 'wx5823bf96d3bd56c7',
      appSecret: '',
      mode: 'wecom',
      now: () => 1_409_659_589_000,
    });
    const echostr = encodeURIComponent('P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==');
    const response = await request(`${wecom.url}/wechat?msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=${echostr}`);
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe('1616140317555161061');
  });

  it('takes an encrypted WeCom callback with the CorpID and answers encrypted', async () => {
    const wecom = await fixture.gateway({ mode: 'wecom', appSecret: '' });
    const reply = await push(wecom, text('this is a test from a WeCom member about a broken street light', nextMsgId(), 'ZhangSan'), { mode: 'wecom', receiveId: APPID });
    expect(reply.status).toBe(200);
    expect(isValidTicket(ticketIn(reply.content))).toBe(true);
    expect((await fixture.jobs())[0]?.contact.wechatOpenId).toBe('ZhangSan');
    expect((await push(wecom, text('plaintext is refused'))).status).toBe(401);
  });

  it('answers the Official Account URL verification', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await request(`${gateway.url}/wechat?signature=${wechatSignature([TOKEN, timestamp, '42'])}&timestamp=${timestamp}&nonce=42&echostr=9876543210`);
    expect(await response.body.text()).toBe('9876543210');
  });
});

describe('intake unavailable', () => {
  it('answers 503 with Retry-After and no body, so that WeChat retries', async () => {
    // A port nothing listens on: Redis is down from the start, so intake has no ticket numbers to give.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const deadUrl = `redis://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const dataDir = await mkdtemp(join(tmpdir(), 'wechat-down-'));
    const intake = await createIntake({ redis: singleRedis(deadUrl), prefix: fixture.prefix, dataDir, log: fixture.recorded.log, connectWaitMs: 100, retryAfterSeconds: 9 });
    const channel = await createWechatChannel({ token: TOKEN, appId: APPID, redis: singleRedis(deadUrl), prefix: fixture.prefix, intake: intake.intake, access: testCaseAccess(intake.intake, { keys: intake.caseKeys }), attachments: fixture.attachments, log: fixture.recorded.log, connectWaitMs: 100 });
    const app = fastify();
    await app.register(channel.routes);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const down = { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, channel, app, close: async () => undefined };
    try {
      const response = await push(down, text('路灯坏了'));
      expect(response).toMatchObject({ status: 503, body: '', retryAfter: '9' });
      expect(fixture.recorded.lines.some((l) => l.msg.includes('intake unavailable (WeChat will retry)'))).toBe(true);
    } finally {
      await app.close();
      await channel.close();
      await intake.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
