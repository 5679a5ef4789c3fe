import { describe, expect, it } from 'vitest';
import { stripQuotedReply } from '../../../src/domain/email/quoted-reply.js';

describe('stripQuotedReply', () => {
  it.each([
    ['Gmail (English)', 'More details here.\n\nOn Mon, May 6, 2024 at 10:00 AM 12345 <12345@hotline.example> wrote:\n> quoted'],
    ['Gmail (Chinese)', 'More details here.\n\n在 2024年5月6日周一 10:00，北京12345 <12345@hotline.example> 写道：\n> 已收到'],
    ['Outlook separator', 'More details here.\n\n-----Original Message-----\nFrom: 12345\nSent: Monday\n'],
    ['Foxmail / QQ', 'More details here.\n\n------------------ 原始邮件 ------------------\n发件人: "12345"\n'],
    ['Outlook header block', 'More details here.\n\n发件人: 北京12345 <12345@hotline.example>\n发送时间: 2024年5月6日 10:00\n主题: Re: 路灯'],
    ['NetEase', 'More details here.\n\n张三 于 2024-05-06 10:00:00 写道：\n> 已收到'],
    ['underscore rule', 'More details here.\n________________________________\nFrom: 12345'],
  ])('%s', (_name, text) => {
    expect(stripQuotedReply(text)).toBe('More details here.');
  });

  it('drops interleaved quoted lines but keeps the new ones', () => {
    expect(stripQuotedReply('> 请问具体位置？\n在3号楼门口\n> 何时发现？\n昨天晚上')).toBe('在3号楼门口\n昨天晚上');
  });

  it('keeps a text with nothing but quotes whole, and leaves plain text alone', () => {
    expect(stripQuotedReply('> only quoted')).toBe('> only quoted');
    expect(stripQuotedReply('发件人说的没错，from 那天起就没修。\n第二行')).toBe('发件人说的没错，from 那天起就没修。\n第二行');
  });
});
