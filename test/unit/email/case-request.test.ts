import { describe, expect, it } from 'vitest';
import { caseRequestOf } from '../../../src/domain/email/case-request.js';
import { buildCaseReply } from '../../../src/domain/email/case-reply.js';
import { luhnCheckDigit } from '../../../src/domain/intake/luhn.js';
import { STATUS_WORDING } from '../../../src/domain/intake/status-names.js';

const body = '48392017465';
const TICKET = body + String(luhnCheckDigit(body));
const QUOTED = '\n\n在 2024年5月6日 09:30，北京12345市民服务热线 写道：\n> 您好！\n> 北京12345市民服务热线已收到您的来信\n';

describe('caseRequestOf', () => {
  it('reads a new mail whose subject or only line is a status command', () => {
    expect(caseRequestOf({ subject: `status ${TICKET} 482913`, text: '' })).toEqual({ kind: 'status', ticket: TICKET, proof: { kind: 'pin', value: '482913' } });
    expect(caseRequestOf({ subject: '', text: `查询 ${TICKET}\n` })).toEqual({ kind: 'status', ticket: TICKET, proof: null });
    expect(caseRequestOf({ subject: `查询 ${TICKET}`, text: '--\n张三\n北京市东城区' })).toEqual({ kind: 'status', ticket: TICKET, proof: null });
    expect(caseRequestOf({ subject: `status ${TICKET}`, text: 'Sent from my iPhone' })).toEqual({ kind: 'status', ticket: TICKET, proof: null });
  });

  it('reads a reply to an acknowledgement that only says "查询" or rates', () => {
    const subject = `Re: 路灯坏了 [12345-${TICKET}]`;
    expect(caseRequestOf({ subject, text: `查询${QUOTED}` })).toEqual({ kind: 'status', ticket: null, proof: null });
    expect(caseRequestOf({ subject, text: `评价 5${QUOTED}` })).toEqual({ kind: 'rate', ticket: null, proof: null, score: 5 });
    expect(caseRequestOf({ subject, text: `rate 482913 4${QUOTED}` })).toEqual({ kind: 'rate', ticket: null, proof: { kind: 'pin', value: '482913' }, score: 4 });
    expect(caseRequestOf({ subject: `Re: status ${TICKET}`, text: 'rate 2' })).toEqual({ kind: 'rate', ticket: null, proof: null, score: 2 });
  });

  it('says so when a status or rating word is followed by something it cannot read', () => {
    expect(caseRequestOf({ subject: 'status 12345', text: '' })).toEqual({ kind: 'malformed', asked: 'status' });
    expect(caseRequestOf({ subject: 'Re: x', text: '评价 10' })).toEqual({ kind: 'malformed', asked: 'rate' });
  });

  it('files whatever carries more than the command, or does not start with a status or rating word', () => {
    const subject = `Re: 路灯坏了 [12345-${TICKET}]`;
    expect(caseRequestOf({ subject, text: `查询\n路灯还是不亮，请尽快处理${QUOTED}` })).toBeNull();
    expect(caseRequestOf({ subject: '路灯坏了', text: '查询' })).toBeNull();
    expect(caseRequestOf({ subject: '路灯还没修', text: `工单号：${TICKET}\n还是坏的` })).toBeNull();
    expect(caseRequestOf({ subject: `工单号：${TICKET}`, text: '' })).toBeNull();
    expect(caseRequestOf({ subject: '我想查询一下公积金政策', text: '请问怎么办理？' })).toBeNull();
    expect(caseRequestOf({ subject: `status ${TICKET}`, text: '路灯还是不亮' })).toBeNull();
    expect(caseRequestOf({ subject: '', text: '' })).toBeNull();
  });
});

describe('buildCaseReply', () => {
  it('says the status in both languages with the shared wording, threads by the tag, and invites a rating when it can be taken', () => {
    const reply = buildCaseReply(`Re: 路灯坏了 [12345-${TICKET}]`, TICKET, { kind: 'status', ticket: TICKET, status: 'resolved', at: '2024-05-06T02:00:00.000Z', note: '已修复', rateable: true });
    expect(reply.subject).toBe(`Re: 路灯坏了 [12345-${TICKET}]`);
    expect(reply.text).toContain(`工单 ${TICKET}：已办结（更新于北京时间 2024-05-06 10:00）。\n${STATUS_WORDING.resolved.zh.sentence}\n说明：已修复`);
    expect(reply.text).toContain(`Ticket ${TICKET}: resolved (updated 2024-05-06 10:00 Beijing time).\n${STATUS_WORDING.resolved.en.sentence}`);
    expect(reply.text).toContain('正文只写“评价 1”（非常不满意）至“评价 5”（非常满意）');
    expect(reply.text).toContain('with only "rate 1" (very dissatisfied) to "rate 5"');
  });

  it('asks for the PIN without a word on whether the ticket exists, and gives no tag when no ticket is known', () => {
    const needed = buildCaseReply(`status ${TICKET}`, TICKET, { kind: 'proof_needed', ticket: TICKET, asked: 'status' });
    expect(needed.subject).toBe(`Re: status ${TICKET} [12345-${TICKET}]`);
    expect(needed.text).toContain(`请写“查询 ${TICKET} 查询码”`);
    expect(needed.text).not.toMatch(/未找到|not found|no request/i);
    expect(buildCaseReply('status', null, { kind: 'usage', asked: 'status' }).subject).toBe('Re: status');
    expect(buildCaseReply('x', TICKET, { kind: 'locked', retryAfterSeconds: 86_000 }).text).toContain('请约24小时后再试');
  });
});
