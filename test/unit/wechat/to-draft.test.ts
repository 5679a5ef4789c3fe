import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mediaToFetch, messageToDraft } from '../../../src/domain/wechat/to-draft.js';
import { wechatMessageFromXml } from '../../../src/domain/wechat/wechat-message.js';
import type { ContentMessage } from '../../../src/domain/wechat/wechat-message.js';
import { parseWechatXml } from '../../../src/domain/wechat/wechat-xml.js';

const fixture = (name: string): ContentMessage =>
  wechatMessageFromXml(parseWechatXml(readFileSync(join(import.meta.dirname, '../../fixtures/wechat/good', name), 'utf8'))) as ContentMessage;
const openId = 'oFixtureOpenId000000000001';

describe('messageToDraft', () => {
  it('makes a text message a wechat draft with the openid as contact and the MsgId as reference', () => {
    expect(messageToDraft(fixture('text__chinese.xml'))).toEqual({
      channel: 'wechat',
      text: '小区门口的路灯坏了一周了，晚上很黑',
      contact: { wechatOpenId: openId },
      refs: { wechatMsgId: '24567890123456789', wechatOpenId: openId },
    });
  });

  it('links a follow-up to its request and uses a reported location when the message has none', () => {
    const draft = messageToDraft(fixture('text__chinese.xml'), { followUpOf: '01HXYZ', reportedLocation: { lat: 39.9, lon: 116.4 } });
    expect(draft.refs?.followUpOf).toBe('01HXYZ');
    expect(draft.location).toEqual({ lat: 39.9, lon: 116.4 });
  });

  it('stands in for media with WeChat\'s own notation, and keeps the picture link', () => {
    expect(messageToDraft(fixture('image__picture.xml'))).toMatchObject({
      text: '[图片]',
      refs: { mediaUrls: ['http://mmbiz.qpic.cn/mmbiz_jpg/fixture/0'] },
    });
    expect(messageToDraft(fixture('voice__without-recognition.xml')).text).toBe('[语音]');
    expect(messageToDraft(fixture('voice__with-recognition.xml')).text).toBe('楼上装修噪音太大了');
    expect(messageToDraft(fixture('video__with-thumb.xml')).text).toBe('[视频]');
    expect(messageToDraft(fixture('shortvideo__with-thumb.xml')).text).toBe('[小视频]');
  });

  it('gives a location message its place, which wins over a reported one', () => {
    expect(messageToDraft(fixture('location__place.xml'), { reportedLocation: { lat: 1, lon: 1 } })).toMatchObject({
      text: '[位置] 北京市东城区东长安街',
      location: { lat: 39.915, lon: 116.404, address: '北京市东城区东长安街' },
    });
  });

  it('keeps a link message\'s title, description and URL, and the URL as linked media', () => {
    expect(messageToDraft(fixture('link__article.xml'))).toMatchObject({
      text: '[链接]\n占道经营\n路口早市占用人行道\nhttps://example.com/article/1',
      refs: { mediaUrls: ['https://example.com/article/1'] },
    });
    const hostile = { ...fixture('link__article.xml'), url: 'javascript:alert(1)' } as ContentMessage;
    expect(messageToDraft(hostile).refs?.mediaUrls).toBeUndefined();
  });
});

describe('mediaToFetch', () => {
  it('lists the MediaIds to download, with video thumbnails', () => {
    expect(mediaToFetch(fixture('image__picture.xml'))).toEqual([{ mediaId: 'media_id_image_0001', role: 'image' }]);
    expect(mediaToFetch(fixture('voice__with-recognition.xml'))).toEqual([{ mediaId: 'media_id_voice_0002', role: 'voice' }]);
    expect(mediaToFetch(fixture('video__with-thumb.xml'))).toEqual([
      { mediaId: 'media_id_video_0001', role: 'video' },
      { mediaId: 'media_id_thumb_0001', role: 'thumbnail' },
    ]);
    expect(mediaToFetch(fixture('text__chinese.xml'))).toEqual([]);
    expect(mediaToFetch(fixture('location__place.xml'))).toEqual([]);
  });
});
