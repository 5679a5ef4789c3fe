import { describe, expect, it } from 'vitest';
import { acknowledgementDecision } from '../../../src/domain/email/ack-policy.js';
import type { AckPolicyInput } from '../../../src/domain/email/ack-policy.js';
import type { ParsedMail } from '../../../src/domain/email/parsed-mail.js';

function mail(over: Partial<ParsedMail> = {}): ParsedMail {
  return { inReplyTo: [], references: [], subject: 's', headers: new Map(), text: 't', attachments: [], from: { address: 'citizen@example.cn' }, ...over };
}

function decide(over: Partial<AckPolicyInput> = {}) {
  return acknowledgementDecision({
    mail: mail(),
    envelope: { mailFrom: 'envelope@example.cn', rcptTo: ['12345@hotline.example'] },
    autoReply: null,
    duplicate: false,
    isOwnAddress: (a) => a.endsWith('@hotline.example'),
    ...over,
  });
}

describe('acknowledgementDecision', () => {
  it('answers Reply-To, else From, else the envelope sender', () => {
    expect(decide({ mail: mail({ replyTo: { address: 'reply@example.cn' } }) })).toEqual({ send: true, to: 'reply@example.cn' });
    expect(decide()).toEqual({ send: true, to: 'citizen@example.cn' });
    const { from: _from, ...noFrom } = mail();
    expect(decide({ mail: noFrom })).toEqual({ send: true, to: 'envelope@example.cn' });
    expect(decide({ mail: mail({ from: { address: 'not an address' } }) })).toEqual({ send: true, to: 'envelope@example.cn' });
  });

  it.each<[string, Partial<AckPolicyInput>, string]>([
    ['a duplicate', { duplicate: true }, 'duplicate'],
    ['an auto-reply', { autoReply: 'auto-submitted' }, 'auto-reply'],
    ['a mail asking not to be auto-answered', { mail: mail({ headers: new Map([['x-auto-response-suppress', ['All']]]) }) }, 'suppressed'],
    ['our own address', { mail: mail({ from: { address: '12345@hotline.example' } }) }, 'own-address'],
    ['a no-reply address', { mail: mail({ from: { address: 'noreply@example.cn' } }) }, 'no-reply-address'],
    ['a do-not-reply address', { mail: mail({ replyTo: { address: 'do-not-reply@example.cn' } }) }, 'no-reply-address'],
    ['MAILER-DAEMON', { mail: mail({ from: { address: 'MAILER-DAEMON@example.cn' } }) }, 'no-reply-address'],
  ])('does not answer %s', (_name, over, reason) => {
    expect(decide(over)).toEqual({ send: false, reason });
  });

  it('has nobody to answer without any address', () => {
    const { from: _from, ...noFrom } = mail();
    expect(decide({ mail: noFrom, envelope: { mailFrom: '', rcptTo: [] } })).toEqual({ send: false, reason: 'no-address' });
  });
});
