import { describe, expect, it } from 'vitest';
import { MAX_REPEAT_NOTE_LENGTH, repeatNotice, repeatProgress } from '../../../src/domain/intake/repeat-reply.js';
import type { RepeatProgress } from '../../../src/domain/intake/repeat-reply.js';

const RECEIVED = '2024-05-01T02:30:00.000Z';

describe('repeatProgress', () => {
  it('takes the current status, when the first request was received, and the latest note written for the citizen', () => {
    const progress = repeatProgress('000000125', {
      receivedAt: RECEIVED,
      history: [
        { status: 'received', at: RECEIVED },
        { status: 'accepted', at: '2024-05-01T03:00:00.000Z', note: '已转东城区城管委', agency: '东城区城管委' },
        { status: 'in_progress', at: '2024-05-02T01:00:00.000Z' },
      ],
    });
    // The note of an earlier step is still the latest thing the citizen was told; the agency is not for them.
    expect(progress).toEqual({ ticket: '000000125', status: 'in_progress', receivedAt: RECEIVED, note: '已转东城区城管委' });
  });

  it('has no note when none was written (blank ones count as none), and "received" for an empty history', () => {
    expect(repeatProgress('000000125', { receivedAt: RECEIVED, history: [] })).toEqual({ ticket: '000000125', status: 'received', receivedAt: RECEIVED });
    const blank = repeatProgress('000000125', { receivedAt: RECEIVED, history: [{ status: 'accepted', at: RECEIVED, note: ' \n ' }] });
    expect(blank).toEqual({ ticket: '000000125', status: 'accepted', receivedAt: RECEIVED });
  });

  it('puts a note on one line and shortens a long one', () => {
    const lines = repeatProgress('1', { receivedAt: RECEIVED, history: [{ status: 'accepted', at: RECEIVED, note: ' 第一行\r\n第二行 ' }] });
    expect(lines.note).toBe('第一行 第二行');
    const long = repeatProgress('1', { receivedAt: RECEIVED, history: [{ status: 'accepted', at: RECEIVED, note: '转'.repeat(1000) }] });
    expect([...(long.note ?? '')]).toHaveLength(MAX_REPEAT_NOTE_LENGTH + 1);
    expect(long.note?.endsWith('…')).toBe(true);
  });

  it('gives the ticket alone when the first request could not be read', () => {
    expect(repeatProgress('000000125', null)).toEqual({ ticket: '000000125' });
  });
});

describe('repeatNotice', () => {
  const full: RepeatProgress = { ticket: '000000125', status: 'in_progress', receivedAt: RECEIVED, note: '已派人处理。' };

  it('in Mandarin: the first ticket, when it was received (Beijing time), its status in words and the latest note', () => {
    expect(repeatNotice('zh', full)).toBe(
      '您此前已提出过相同的诉求，工单号 000000125（北京时间 2024-05-01 10:30 收到），目前状态：办理中（最新说明：已派人处理）。' +
        '本次提交已关联到该工单一并办理；如有新的情况，请补充说明。',
    );
  });

  it('in English', () => {
    expect(repeatNotice('en', { ...full, status: 'accepted', note: 'Sent to the district office.' })).toBe(
      'You made the same request before: ticket 000000125, received 2024-05-01 10:30 Beijing time; status: accepted (latest note: Sent to the district office). ' +
        'This submission has been linked to that ticket and is handled with it; if anything has changed, please tell us what is new.',
    );
  });

  it('leaves the note out when there is none, or nothing but punctuation', () => {
    const { note: _note, ...withoutNote } = full;
    expect(repeatNotice('zh', withoutNote)).toContain('目前状态：办理中。本次提交');
    expect(repeatNotice('en', withoutNote)).toContain('status: in progress. This submission');
    expect(repeatNotice('en', { ...full, note: '。' })).not.toContain('latest note');
  });

  it('names every status in both languages', () => {
    const words = { received: ['已接收', 'received'], accepted: ['已受理', 'accepted'], in_progress: ['办理中', 'in progress'], resolved: ['已办结', 'resolved'], closed: ['已关闭', 'closed'], rejected: ['不予受理', 'not accepted'] } as const;
    for (const [status, [zh, en]] of Object.entries(words)) {
      expect(repeatNotice('zh', { ticket: '1', status: status as keyof typeof words, receivedAt: RECEIVED })).toContain(`目前状态：${zh}。`);
      expect(repeatNotice('en', { ticket: '1', status: status as keyof typeof words, receivedAt: RECEIVED })).toContain(`status: ${en}.`);
    }
  });

  it('still names the first ticket when its progress could not be read', () => {
    expect(repeatNotice('zh', { ticket: '000000125' })).toBe('您此前已提出过相同的诉求，工单号 000000125（办理进度暂时无法查询）。本次提交已关联到该工单一并办理；如有新的情况，请补充说明。');
    expect(repeatNotice('en', { ticket: '000000125' })).toBe(
      'You made the same request before: ticket 000000125 (its progress cannot be looked up right now). ' +
        'This submission has been linked to that ticket and is handled with it; if anything has changed, please tell us what is new.',
    );
  });
});
