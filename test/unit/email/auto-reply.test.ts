import { describe, expect, it } from 'vitest';
import { detectAutoReply, isSystemAddress, suppressesAutoResponse } from '../../../src/domain/email/auto-reply.js';
import type { AutoReplyInput } from '../../../src/domain/email/auto-reply.js';

const headers = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([k, v]) => [k, [v]]));

function input(over: Partial<AutoReplyInput> = {}): AutoReplyInput {
  return { headers: new Map(), envelopeSender: 'citizen@example.cn', fromAddress: 'citizen@example.cn', subject: '路灯坏了', ...over };
}

describe('detectAutoReply', () => {
  it('finds nothing in an ordinary mail', () => {
    expect(detectAutoReply(input())).toBeNull();
    expect(detectAutoReply(input({ headers: headers({ 'auto-submitted': 'no' }) }))).toBeNull();
    expect(detectAutoReply(input({ headers: headers({ precedence: 'first-class' }) }))).toBeNull();
  });

  it.each<[string, Partial<AutoReplyInput>, string]>([
    ['null sender', { envelopeSender: '' }, 'null-sender'],
    ['MAILER-DAEMON envelope', { envelopeSender: 'MAILER-DAEMON@mx.example.cn' }, 'system-sender'],
    ['postmaster From', { fromAddress: 'postmaster@example.cn' }, 'system-sender'],
    ['delivery status report', { headers: headers({ 'content-type': 'multipart/report; report-type=delivery-status; boundary=x' }) }, 'delivery-report'],
    ['read receipt', { headers: headers({ 'content-type': 'multipart/report; report-type=disposition-notification' }) }, 'delivery-report'],
    ['Auto-Submitted: auto-replied', { headers: headers({ 'auto-submitted': 'auto-replied' }) }, 'auto-submitted'],
    ['Auto-Submitted with parameters', { headers: headers({ 'auto-submitted': 'Auto-Generated; owner-email="x@y"' }) }, 'auto-submitted'],
    ['X-Autoreply', { headers: headers({ 'x-autoreply': 'yes' }) }, 'autoreply-header'],
    ['X-Autorespond', { headers: headers({ 'x-autorespond': 'Out of office' }) }, 'autoreply-header'],
    ['X-FC-MachineGenerated', { headers: headers({ 'x-fc-machinegenerated': 'true' }) }, 'autoreply-header'],
    ['Precedence: bulk', { headers: headers({ precedence: 'bulk' }) }, 'precedence'],
    ['Precedence: junk', { headers: headers({ precedence: 'Junk' }) }, 'precedence'],
    ['Precedence: list', { headers: headers({ precedence: 'list' }) }, 'precedence'],
    ['List-Id', { headers: headers({ 'list-id': '<news.example.cn>' }) }, 'mailing-list'],
    ['List-Unsubscribe', { headers: headers({ 'list-unsubscribe': '<mailto:u@example.cn>' }) }, 'mailing-list'],
    ['自动回复 subject', { subject: '自动回复：您的邮件已收到' }, 'auto-reply-subject'],
    ['Automatic reply subject', { subject: 'Automatic reply: 路灯坏了' }, 'auto-reply-subject'],
    ['Out of Office subject', { subject: 'Out of Office: back on Monday' }, 'auto-reply-subject'],
    ['Undeliverable subject', { subject: 'Undeliverable: Re: x' }, 'auto-reply-subject'],
    ['系统退信 subject', { subject: '系统退信' }, 'auto-reply-subject'],
  ])('%s', (_name, over, reason) => {
    expect(detectAutoReply(input(over))).toBe(reason);
  });

  it('does not take a citizen subject that merely starts like one for an auto-reply', () => {
    expect(detectAutoReply(input({ subject: '退信问题投诉' }))).toBeNull();
    expect(detectAutoReply(input({ subject: '自动回复系统太差了' }))).toBeNull();
    expect(detectAutoReply(input({ subject: 'Outage of office building lights' }))).toBeNull();
  });
});

describe('suppressesAutoResponse', () => {
  it('honours X-Auto-Response-Suppress values that cover auto-replies', () => {
    expect(suppressesAutoResponse(headers({ 'x-auto-response-suppress': 'All' }))).toBe(true);
    expect(suppressesAutoResponse(headers({ 'x-auto-response-suppress': 'DR, OOF, AutoReply' }))).toBe(true);
    expect(suppressesAutoResponse(headers({ 'x-auto-response-suppress': 'DR, RN' }))).toBe(false);
    expect(suppressesAutoResponse(new Map())).toBe(false);
  });
});

describe('isSystemAddress', () => {
  it('knows the system mailboxes', () => {
    expect(isSystemAddress('MAILER-DAEMON@x.cn')).toBe(true);
    expect(isSystemAddress('postmaster')).toBe(true);
    expect(isSystemAddress('post.master@x.cn')).toBe(false);
  });
});
