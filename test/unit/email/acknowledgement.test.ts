import { describe, expect, it } from 'vitest';
import { acknowledgementSubject, buildAcknowledgement } from '../../../src/domain/email/acknowledgement.js';

describe('acknowledgementSubject', () => {
  it.each([
    ['路灯坏了', 'Re: 路灯坏了 [12345-000042424]'],
    ['Re: 路灯坏了', 'Re: 路灯坏了 [12345-000042424]'],
    ['回复：RE: Aw: 路灯坏了 [12345-000042424]', 'Re: 路灯坏了 [12345-000042424]'],
    ['Fwd: 路灯坏了', 'Re: Fwd: 路灯坏了 [12345-000042424]'],
    ['', 'Re: [12345-000042424]'],
    ['two\r\nlines', 'Re: two lines [12345-000042424]'],
  ])('%j', (subject, expected) => {
    expect(acknowledgementSubject(subject, '000042424')).toBe(expected);
  });

  it('shortens a very long subject', () => {
    expect([...acknowledgementSubject('长'.repeat(500), '000042424')].length).toBeLessThan(180);
  });
});

describe('buildAcknowledgement', () => {
  it('gives the ticket in Chinese and English', () => {
    const ack = buildAcknowledgement({ subject: '路灯坏了', ticket: '000042424', followUp: false, dropped: [] });
    expect(ack.subject).toBe('Re: 路灯坏了 [12345-000042424]');
    expect(ack.text).toContain('工单号：000042424');
    expect(ack.text).toContain('Your ticket number is 000042424');
    expect(ack.text).toContain('[12345-000042424]');
    expect(ack.text).not.toContain('附件');
    expect(ack.text).not.toContain('danger');
  });

  it('says a follow-up was added to its request', () => {
    const ack = buildAcknowledgement({ subject: 'Re: 路灯坏了 [12345-000042424]', ticket: '000042424', followUp: true, dropped: [] });
    expect(ack.text).toContain('已并入工单 000042424');
    expect(ack.text).toContain('added your message to ticket 000042424');
  });

  it('names the attachments it could not take, and why', () => {
    const ack = buildAcknowledgement({
      subject: 's',
      ticket: '000042424',
      followUp: false,
      dropped: [{ name: '说明.doc', reason: 'type_not_allowed' }, { reason: 'too_large' }, { name: 'x.png', reason: 'too_many' }],
    });
    expect(ack.text).toContain('- 说明.doc：文件类型不支持');
    expect(ack.text).toContain('- （未命名）：文件过大');
    expect(ack.text).toContain('- 说明.doc: file type not accepted');
    expect(ack.text).toContain('- x.png: too many attachments');
  });

  it('lists at most 20 files', () => {
    const dropped = Array.from({ length: 25 }, (_, i) => ({ name: `f${i}.exe`, reason: 'type_not_allowed' as const }));
    const ack = buildAcknowledgement({ subject: 's', ticket: '000042424', followUp: false, dropped });
    expect(ack.text).toContain('f19.exe');
    expect(ack.text).not.toContain('f20.exe');
    expect(ack.text).toContain('另有 5 个附件');
    expect(ack.text).toContain('and 5 more');
  });

  it.each([
    ['119', '119（火警）', '119 (fire)'],
    ['110', '110（报警）', '110 (police)'],
    ['120', '120（急救）', '120 (ambulance)'],
    ['122', '122（交通事故）', '122 (traffic accidents)'],
  ] as const)('tells the citizen to call %s now when the mail reads like an emergency', (line, zh, en) => {
    const ack = buildAcknowledgement({ subject: 's', ticket: '000042424', followUp: false, dropped: [], emergency: line });
    expect(ack.text).toContain(`请立即拨打 ${zh}`);
    expect(ack.text).toContain(`call ${en} now`);
  });

  it('answers a repeat with the first request\'s ticket and progress, in both languages, after its own ticket', () => {
    const repeatOf = { ticket: '000000125', status: 'in_progress' as const, receivedAt: '2024-05-01T02:30:00.000Z', note: '已派人处理' };
    const ack = buildAcknowledgement({ subject: '路灯坏了', ticket: '000042424', followUp: false, dropped: [], repeatOf });
    const [zh = '', en = ''] = ack.text.split('----');
    expect(zh).toContain('工单号：000042424。\n\n您此前已提出过相同的诉求，工单号 000000125（北京时间 2024-05-01 10:30 收到），目前状态：办理中（最新说明：已派人处理）。');
    expect(en).toContain('Your ticket number is 000042424.\n\nYou made the same request before: ticket 000000125, received 2024-05-01 10:30 Beijing time; status: in progress (latest note: 已派人处理).');
    expect(ack.subject).toBe('Re: 路灯坏了 [12345-000042424]');

    const unread = buildAcknowledgement({ subject: 's', ticket: '000042424', followUp: false, dropped: [], repeatOf: { ticket: '000000125' } });
    expect(unread.text).toContain('工单号 000000125（办理进度暂时无法查询）');
    expect(unread.text).toContain('ticket 000000125 (its progress cannot be looked up right now)');
  });

  it('says nothing of a repeat in a follow-up\'s acknowledgement', () => {
    const ack = buildAcknowledgement({ subject: 's', ticket: '000042424', followUp: true, dropped: [], repeatOf: { ticket: '000000125' } });
    expect(ack.text).not.toContain('000000125');
  });
});
