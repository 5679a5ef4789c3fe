import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { relabelCharsets } from '../../../src/domain/email/mime-relabel.js';

const bin = (bytes: Uint8Array | string) => Buffer.from(bytes as Uint8Array).toString('latin1');
const gb = (hex: string) => Buffer.from(hex, 'hex').toString('latin1');
const TOUSU_GB = gb('cdb6cbdf'); // 投诉 in GB18030
const TOUSU_UTF8 = bin(Buffer.from('投诉'));

describe('relabelCharsets', () => {
  it('labels an unlabelled single-part message', () => {
    const raw = `Subject: x\r\n\r\n${TOUSU_GB}\r\n`;
    expect(relabelCharsets(raw)).toBe(`Subject: x\r\nContent-Type: text/plain; charset=x-utf8-or-gb18030\r\n\r\n${TOUSU_GB}\r\n`);
  });

  it('relabels utf-8 and us-ascii text parts, keeping other parameters', () => {
    expect(relabelCharsets('Content-Type: text/plain; charset="utf-8"; format=flowed\r\n\r\nbody')).toBe(
      'Content-Type: text/plain; charset=x-utf8-or-gb18030; format=flowed\r\n\r\nbody',
    );
    expect(relabelCharsets('Content-type: TEXT/HTML\n\nbody')).toBe('Content-type: TEXT/HTML; charset=x-utf8-or-gb18030\n\nbody');
  });

  it('leaves GB, Big5 and other real labels and non-text parts alone', () => {
    for (const raw of [
      'Content-Type: text/plain; charset=gb2312\r\n\r\nbody',
      'Content-Type: text/plain; charset=big5\r\n\r\nbody',
      'Content-Type: image/png\r\n\r\nbody',
      'Content-Type: application/pdf; name="a.pdf"\r\n\r\n%PDF',
    ]) {
      expect(relabelCharsets(raw)).toBe(raw);
    }
  });

  it('re-encodes raw 8-bit GB18030 header lines as UTF-8 and leaves UTF-8 ones alone', () => {
    const raw = `Subject: ${TOUSU_GB}\r\nFrom: ${TOUSU_UTF8} <a@b.cn>\r\nContent-Type: image/png\r\n\r\nx`;
    expect(relabelCharsets(raw)).toBe(`Subject: ${TOUSU_UTF8}\r\nFrom: ${TOUSU_UTF8} <a@b.cn>\r\nContent-Type: image/png\r\n\r\nx`);
  });

  it('relabels GB2312/GBK encoded words as GB18030', () => {
    const raw = 'Subject: =?GB2312?B?zbbL3w==?= =?gbk?q?=CD=B6?= =?utf-8?B?5oqV?=\r\nContent-Type: image/png\r\n\r\nx';
    expect(relabelCharsets(raw)).toBe('Subject: =?gb18030?B?zbbL3w==?= =?gb18030?q?=CD=B6?= =?utf-8?B?5oqV?=\r\nContent-Type: image/png\r\n\r\nx');
  });

  it('walks nested multiparts and rewrites only their text parts', () => {
    const raw = [
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      'preamble',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      '',
      'plain without headers',
      '--inner',
      'Content-Type: text/html; charset=us-ascii',
      '',
      '<p>html</p>',
      '--inner--',
      '--outer',
      'Content-Type: image/png',
      '',
      'PNG',
      '--outer--',
      'epilogue',
    ].join('\r\n');
    const out = relabelCharsets(raw);
    expect(out).toContain('--inner\r\nContent-Type: text/plain; charset=x-utf8-or-gb18030\r\n\r\nplain without headers');
    expect(out).toContain('Content-Type: text/html; charset=x-utf8-or-gb18030\r\n\r\n<p>html</p>');
    expect(out).toContain('Content-Type: image/png\r\n\r\nPNG');
    expect(out).toContain('preamble');
    expect(out).toContain('epilogue');
  });

  it('reads a multipart whose boundary never occurs as plain text, so its body is not lost', () => {
    const raw = 'Content-Type: multipart/mixed; boundary="declared"\r\n\r\n--other\r\n\r\ntext\r\n';
    expect(relabelCharsets(raw)).toBe('Content-Type: text/plain; charset=x-utf8-or-gb18030\r\n\r\n--other\r\n\r\ntext\r\n');
  });

  it('treats an unreadable Content-Type as text/plain', () => {
    expect(relabelCharsets('Content-Type: garbage\r\n\r\nhello')).toBe('Content-Type: text/plain; charset=x-utf8-or-gb18030\r\n\r\nhello');
  });

  it('does not take a longer boundary for the declared one', () => {
    const raw = 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: image/png\r\n\r\n--bb is not a delimiter\r\n--b--\r\n';
    expect(relabelCharsets(raw)).toBe(raw);
  });

  it('handles a digest, whose parts default to message/rfc822', () => {
    const raw = 'Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nFrom: a@b.c\r\n\r\nhi\r\n--d--\r\n';
    expect(relabelCharsets(raw)).toBe(raw);
  });

  it('never throws, and is idempotent', () => {
    const fragments = fc.constantFrom(
      'Content-Type: multipart/mixed; boundary=x\r\n',
      'Content-Type: text/plain\r\n',
      'Subject: ' + TOUSU_GB + '\r\n',
      '\r\n',
      '--x\r\n',
      '--x--\r\n',
      ' folded\r\n',
      'body ' + TOUSU_UTF8 + '\r\n',
      '=?gbk?B?zbY=?=',
      '\n',
    );
    const messages = fc.oneof(fc.array(fragments, { maxLength: 30 }).map((a) => a.join('')), fc.uint8Array({ maxLength: 300 }).map((b) => bin(b)));
    fc.assert(
      fc.property(messages, (raw) => {
        const once = relabelCharsets(raw);
        expect(relabelCharsets(once)).toBe(once);
        // Still a binary string: one byte per character.
        expect([...once].every((c) => c.charCodeAt(0) <= 0xff)).toBe(true);
      }),
    );
  });

  it('takes time linear in the size of a large message', () => {
    const part = '--b\r\nContent-Type: text/plain\r\n\r\n' + 'x'.repeat(1000) + '\r\n';
    const raw = 'Content-Type: multipart/mixed; boundary=b\r\n\r\n' + part.repeat(5000) + '--b--\r\n';
    const started = performance.now();
    const out = relabelCharsets(raw);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(out.split('charset=x-utf8-or-gb18030').length - 1).toBe(5000);
  });
});
