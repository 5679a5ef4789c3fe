import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cdata, encryptedReplyXml, textReplyXml, xmlChars } from '../../../src/domain/wechat/reply.js';
import { beijingTime, proofLockedText, receivedText, repeatText, statusText, welcomeText } from '../../../src/domain/wechat/reply-texts.js';
import { STATUS_WORDING } from '../../../src/domain/intake/status-names.js';
import { parseWechatXml } from '../../../src/domain/wechat/wechat-xml.js';

/** Any code points, lone surrogates and control characters included (fast-check's 'binary' unit starts slowly). */
const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)), maxLength: 300 });

describe('textReplyXml', () => {
  it('is the passive text reply WeChat documents', () => {
    expect(textReplyXml({ toUserName: 'oUser', fromUserName: 'gh_acct', createTime: 1714037059, content: '您好' })).toBe(
      '<xml><ToUserName><![CDATA[oUser]]></ToUserName><FromUserName><![CDATA[gh_acct]]></FromUserName>' +
        '<CreateTime>1714037059</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[您好]]></Content></xml>',
    );
  });

  it('splits "]]>" across two CDATA sections so text cannot close the section or inject elements', () => {
    expect(cdata('a]]>b')).toBe('<![CDATA[a]]]]><![CDATA[>b]]>');
    const hostile = ']]></Content><MsgType>news</MsgType><Content><![CDATA[';
    const parsed = parseWechatXml(textReplyXml({ toUserName: 'o', fromUserName: 'g', createTime: 1, content: hostile }));
    expect(parsed.fields['Content']).toBe(hostile);
    expect(parsed.fields['MsgType']).toBe('text');
  });

  it('round-trips any text, minus the characters XML cannot carry', () => {
    fc.assert(
      fc.property(anyText, fc.string({ unit: 'grapheme', maxLength: 100 }), (binary, graphemes) => {
        for (const content of [binary, graphemes, `${graphemes}]]>${binary}]]]]>`]) {
          const parsed = parseWechatXml(textReplyXml({ toUserName: 'oUser', fromUserName: 'gh_acct', createTime: 1, content }));
          expect(parsed.fields['Content']).toBe(xmlChars(content));
        }
      }),
    );
  });

  it('xmlChars drops control characters and lone surrogates but keeps emoji, tab and newlines', () => {
    expect(xmlChars('a\u0000b\u0008c\td\ne\rf\u000Bg\uFFFEh😀i\uD83Dj\uDE00k')).toBe('abc\td\ne\rfgh😀ijk');
  });
});

describe('encryptedReplyXml', () => {
  it('wraps the ciphertext with its signature, timestamp and nonce', () => {
    const xml = parseWechatXml(encryptedReplyXml({ encrypt: 'QUJD', msgSignature: 'abc', timestamp: '1409659589', nonce: '263014780' }));
    expect(xml.fields).toEqual({ Encrypt: 'QUJD', MsgSignature: 'abc', TimeStamp: '1409659589', Nonce: '263014780' });
  });
});

describe('reply texts', () => {
  it('gives the ticket in the citizen\'s language, with the emergency line first when there is one', () => {
    expect(receivedText('zh', '000000125', '048213')).toContain('工单号：000000125，查询码：048213（请妥善保存');
    expect(receivedText('en', '000000125', '048213')).toContain('Ticket number: 000000125 (PIN 048213: keep it');
    expect(receivedText('zh', '000000125', null)).toContain('工单号：000000125\n');
    expect(receivedText('zh', '000000125', '048213', '119').startsWith('如有人身或财产危险，请立即拨打火警电话 119')).toBe(true);
    expect(receivedText('en', '000000125', '048213', '120').startsWith('If anyone is in danger, call an ambulance on 120 now.')).toBe(true);
  });

  it('states a status with Beijing time and a shortened note', () => {
    const text = statusText('zh', { ticket: '000000125', status: 'in_progress', at: '2024-05-01T02:30:00.000Z', note: '转'.repeat(400) });
    expect(text).toContain('工单 000000125：办理中（更新于北京时间 2024-05-01 10:30）。您的诉求正在办理中。');
    expect([...text].length).toBeLessThan(400);
    expect(beijingTime('2024-12-31T16:00:00Z')).toBe('2025-01-01 00:00');
  });

  it('answers a repeat with the first request\'s progress and then this message\'s own ticket, in either language', () => {
    const first = { ticket: '000000125', status: 'accepted' as const, receivedAt: '2024-05-01T02:30:00.000Z', note: '已转东城区城管委' };
    expect(repeatText('zh', '000000133', null, first)).toBe(
      '您此前已提出过相同的诉求，工单号 000000125（北京时间 2024-05-01 10:30 收到），目前状态：已受理（最新说明：已转东城区城管委）。' +
        '本次提交已关联到该工单一并办理；如有新的情况，请补充说明。\n本次消息的工单号：000000133。发送“查询 000000125”可查看原工单的办理进度。',
    );
    const en = repeatText('en', '000000133', null, { ticket: '000000125' }, '120');
    expect(en.startsWith('If anyone is in danger, call an ambulance on 120 now.\nYou made the same request before: ticket 000000125 (its progress cannot be looked up right now).')).toBe(true);
    expect(en.endsWith('This message\'s ticket number is 000000133. Send "status 000000125" to see the progress of the first.')).toBe(true);
  });

  it('says every status with the one wording table, and invites or acknowledges a rating', () => {
    for (const status of ['received', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected'] as const) {
      for (const language of ['zh', 'en'] as const) {
        expect(statusText(language, { ticket: '000000125', status, at: '2024-05-01T02:30:00.000Z' })).toContain(STATUS_WORDING[status][language].sentence);
      }
    }
    const invited = statusText('en', { ticket: '000000125', status: 'resolved', at: '2024-05-01T02:30:00.000Z', rateWithinMinutes: 30 });
    expect(invited.split('\n').at(-1)).toBe('How was it handled? Within 30 minutes, reply "rate 1" (very dissatisfied) to "rate 5" (very satisfied).');
    const rated = statusText('zh', { ticket: '000000125', status: 'closed', at: '2024-05-01T02:30:00.000Z', rated: 4 });
    expect(rated.split('\n').at(-1)).toBe('您已对办理结果评价：4分（满分5分）。');
  });

  it('tells how long a lock lasts in minutes or hours', () => {
    expect(proofLockedText('zh', 90)).toBe('验证失败次数过多，请约2分钟后再试，或拨打12345。');
    expect(proofLockedText('en', 86_400)).toBe('Too many wrong attempts. Please try again in about 24 hours, or call 12345.');
  });

  it('welcomes in both languages', () => {
    expect(welcomeText()).toMatch(/欢迎关注[\s\S]*Welcome/);
    expect(Buffer.byteLength(welcomeText(), 'utf8')).toBeLessThan(2048);
  });
});
