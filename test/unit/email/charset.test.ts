import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charsetChoice, decodeCharset, decodeUnlabelled } from '../../../src/domain/email/charset.js';

const gb18030 = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const utf8 = (s: string) => new TextEncoder().encode(s);

// 投诉 in GB2312/GBK/GB18030 (the same bytes in all three), 镕 (GBK only), 𠀀 U+20000 (GB18030 four-byte).
const TOUSU = gb18030('cdb6 cbdf');
const RONG = gb18030('e946');
const U20000 = gb18030('9532 8236');

describe('decodeCharset', () => {
  it.each(['gb2312', 'GB2312', '"gbk"', 'x-gbk', 'gb18030', 'cp936', 'euc-cn', 'gb2312*zh'])('decodes %s as GB18030', (label) => {
    expect(decodeCharset(Uint8Array.from([...TOUSU, ...RONG, ...U20000]), label)).toBe('投诉镕𠀀');
  });

  it.each([undefined, '', 'utf-8', 'UTF8', 'us-ascii', 'x-unknown', 'unknown-8bit', 'x-utf8-or-gb18030'])(
    'reads label %j as UTF-8 when the bytes are UTF-8, else as GB18030',
    (label) => {
      expect(decodeCharset(utf8('路灯坏了'), label)).toBe('路灯坏了');
      expect(decodeCharset(TOUSU, label)).toBe('投诉');
    },
  );

  it('uses the named decoder for other known labels', () => {
    expect(decodeCharset(Uint8Array.from(Buffer.from('a4a4a4e5', 'hex')), 'big5')).toBe('中文');
    expect(decodeCharset(Uint8Array.from([0x63, 0x61, 0x66, 0xe9]), 'iso-8859-1')).toBe('café');
  });

  it('falls back instead of failing for labels no decoder knows', () => {
    expect(decodeCharset(TOUSU, 'x-mac-chinesesimp')).toBe('投诉');
    expect(decodeCharset(utf8('ok'), 'utf-7')).toBe('ok');
    expect(decodeCharset(TOUSU, 'hz-gb-2312')).toBe('投诉');
  });

  it('never throws, and valid UTF-8 always decodes as itself without a label', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.option(fc.string({ maxLength: 20 })), (bytes, label) => {
      expect(typeof decodeCharset(bytes, label)).toBe('string');
    }));
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (s) => {
      expect(decodeUnlabelled(utf8(s))).toBe(s);
    }));
  });
});

describe('charsetChoice', () => {
  it('says which decoder a label gets', () => {
    expect(charsetChoice('GBK')).toEqual({ kind: 'decoder', label: 'gb18030' });
    expect(charsetChoice('Shift_JIS')).toEqual({ kind: 'decoder', label: 'shift_jis' });
    expect(charsetChoice(undefined)).toEqual({ kind: 'fallback' });
    expect(charsetChoice('US-ASCII')).toEqual({ kind: 'fallback' });
  });
});
