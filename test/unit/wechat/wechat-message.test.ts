import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encryptedEnvelopeFromXml,
  eventDedupKey,
  hasPlaintextMessage,
  messageDedupKey,
  wechatMessageFromXml,
  WechatMessageError,
} from '../../../src/domain/wechat/wechat-message.js';
import type { ContentMessage, EventMessage } from '../../../src/domain/wechat/wechat-message.js';
import { parseWechatXml } from '../../../src/domain/wechat/wechat-xml.js';

const good = (name: string) => wechatMessageFromXml(parseWechatXml(readFileSync(join(import.meta.dirname, '../../fixtures/wechat/good', name), 'utf8')));
const envelope = { toUserName: 'gh_0123456789ab', fromUserName: 'oFixtureOpenId000000000001', createTime: 1714037059 };

describe('wechatMessageFromXml', () => {
  it('reads every message type WeChat documents', () => {
    expect(good('text__chinese.xml')).toEqual({ ...envelope, kind: 'text', msgId: '24567890123456789', content: '小区门口的路灯坏了一周了，晚上很黑' });
    expect(good('image__picture.xml')).toEqual({
      ...envelope,
      kind: 'image',
      msgId: '24567890123456792',
      picUrl: 'http://mmbiz.qpic.cn/mmbiz_jpg/fixture/0',
      mediaId: 'media_id_image_0001',
    });
    expect(good('voice__without-recognition.xml')).toEqual({ ...envelope, kind: 'voice', msgId: '24567890123456793', mediaId: 'media_id_voice_0001', format: 'amr' });
    expect(good('voice__with-recognition.xml')).toMatchObject({ kind: 'voice', recognition: '楼上装修噪音太大了' });
    expect(good('video__with-thumb.xml')).toEqual({
      ...envelope,
      kind: 'video',
      msgId: '24567890123456795',
      mediaId: 'media_id_video_0001',
      thumbMediaId: 'media_id_thumb_0001',
    });
    expect(good('shortvideo__with-thumb.xml')).toMatchObject({ kind: 'shortvideo', mediaId: 'media_id_video_0002' });
    expect(good('location__place.xml')).toEqual({
      ...envelope,
      kind: 'location',
      msgId: '24567890123456797',
      lat: 39.915,
      lon: 116.404,
      scale: 15,
      label: '北京市东城区东长安街',
    });
    expect(good('link__article.xml')).toEqual({
      ...envelope,
      kind: 'link',
      msgId: '24567890123456798',
      title: '占道经营',
      description: '路口早市占用人行道',
      url: 'https://example.com/article/1',
    });
  });

  it('reads the events', () => {
    expect(good('subscribe__plain.xml')).toEqual({ ...envelope, kind: 'subscribe' });
    expect(good('subscribe__qr-scene.xml')).toEqual({ ...envelope, kind: 'subscribe', eventKey: 'qrscene_123123' });
    expect(good('unsubscribe__plain.xml')).toEqual({ ...envelope, kind: 'unsubscribe' });
    expect(good('click__menu.xml')).toEqual({ ...envelope, kind: 'click', eventKey: 'HELP' });
    expect(good('click__wecom-lowercase.xml')).toMatchObject({ kind: 'click', eventKey: 'EVENTKEY' });
    expect(good('location-event__report.xml')).toEqual({ ...envelope, kind: 'location-event', lat: 39.9042, lon: 116.4074, precision: 65 });
  });

  it('turns types it does not handle into `unknown`, not errors', () => {
    expect(good('unknown__view-event.xml')).toEqual({ ...envelope, kind: 'unknown', msgType: 'event', event: 'VIEW' });
    expect(good('unknown__miniprogram.xml')).toEqual({ ...envelope, kind: 'unknown', msgType: 'miniprogrampage', msgId: '24567890123456799' });
  });

  it('names the field at fault', () => {
    const xml = parseWechatXml('<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType></xml>');
    expect(() => wechatMessageFromXml(xml)).toThrow(new WechatMessageError('Event', 'is missing'));
    const noType = parseWechatXml('<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime></xml>');
    expect(() => wechatMessageFromXml(noType)).toThrow(expect.objectContaining({ field: 'MsgType', code: 'WECHAT_MESSAGE_INVALID' }));
  });
});

describe('encryptedEnvelopeFromXml', () => {
  it('reads the Official Account and the WeCom envelope', () => {
    const oa = parseWechatXml('<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>');
    expect(encryptedEnvelopeFromXml(oa)).toEqual({ encrypt: 'abc+/=', toUserName: 'gh_1' });
    const wecom = parseWechatXml('<xml><ToUserName>wx1</ToUserName><AgentID>1000002</AgentID><Encrypt>QUJD</Encrypt></xml>');
    expect(encryptedEnvelopeFromXml(wecom)).toEqual({ encrypt: 'QUJD', toUserName: 'wx1', agentId: '1000002' });
    expect(hasPlaintextMessage(wecom)).toBe(false);
  });

  it('refuses a missing or non-base64 Encrypt', () => {
    expect(() => encryptedEnvelopeFromXml(parseWechatXml('<xml><ToUserName>x</ToUserName></xml>'))).toThrow(
      expect.objectContaining({ field: 'Encrypt' }),
    );
    expect(() => encryptedEnvelopeFromXml(parseWechatXml('<xml><Encrypt>not base64!</Encrypt></xml>'))).toThrow(
      expect.objectContaining({ field: 'Encrypt' }),
    );
  });
});

describe('dedup keys', () => {
  it('uses MsgId for messages and sender + time + event for events', () => {
    expect(messageDedupKey(good('text__chinese.xml') as ContentMessage)).toBe('wechat:24567890123456789');
    expect(eventDedupKey(good('location-event__report.xml') as EventMessage)).toBe('wechat-event:oFixtureOpenId000000000001:1714037059:LOCATION');
    expect(eventDedupKey(good('click__menu.xml') as EventMessage)).toBe('wechat-event:oFixtureOpenId000000000001:1714037059:CLICK');
  });
});
