// The strict WeChat XML parser: every good fixture parses into a message of the kind its name starts with; every
// bad fixture fails with the problem (or the message field) its name starts with:
//   good/<kind>__<description>.xml
//   bad/<WechatXmlProblem>__<description>.xml   or   bad/field-<Field>__<description>.xml
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xmlChars } from '../../../src/domain/wechat/reply.js';
import { wechatMessageFromXml, WechatMessageError } from '../../../src/domain/wechat/wechat-message.js';
import { MAX_WECHAT_XML_BYTES, parseWechatXml, utf8Length, WechatXmlError } from '../../../src/domain/wechat/wechat-xml.js';

const root = join(import.meta.dirname, '../../fixtures/wechat');
const fixtures = (folder: string): string[] =>
  readdirSync(join(root, folder))
    .filter((name) => name.endsWith('.xml'))
    .sort();
const read = (folder: string, name: string): string => readFileSync(join(root, folder, name), 'utf8');

/** Any code points, lone surrogates and control characters included (fast-check's 'binary' unit starts slowly). */
const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)), maxLength: 300 });

describe('good WeChat XML fixtures', () => {
  const files = fixtures('good');
  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(15));

  it.each(files)('%s parses into the message its name announces', (name) => {
    const expectedKind = name.split('__')[0];
    const message = wechatMessageFromXml(parseWechatXml(read('good', name)));
    expect(message.kind).toBe(expectedKind);
  });
});

describe('bad WeChat XML fixtures', () => {
  const files = fixtures('bad');
  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(25));

  it.each(files)('%s is refused with the expected error', (name) => {
    const expected = name.split('__')[0] ?? '';
    const run = (): unknown => wechatMessageFromXml(parseWechatXml(read('bad', name)));
    let error: unknown;
    try {
      run();
    } catch (err) {
      error = err;
    }
    if (expected.startsWith('field-')) {
      expect(error).toBeInstanceOf(WechatMessageError);
      expect((error as WechatMessageError).field).toBe(expected.slice('field-'.length));
    } else {
      expect(error).toBeInstanceOf(WechatXmlError);
      expect((error as WechatXmlError).problem).toBe(expected);
      expect((error as WechatXmlError).code).toBe('WECHAT_XML_INVALID');
    }
  });
});

describe('parseWechatXml', () => {
  it('returns fields and one level of children', () => {
    const xml = parseWechatXml(read('good', 'unknown__scancode-with-children.xml'));
    expect(xml.root).toBe('xml');
    expect(xml.fields['Event']).toBe('scancode_push');
    expect(xml.children['ScanCodeInfo']).toEqual({ ScanType: 'qrcode', ScanResult: '1' });
    expect(xml.fields['ScanCodeInfo']).toBeUndefined();
  });

  it('joins CDATA sections, so a "]]>" split across two comes back whole', () => {
    const xml = parseWechatXml(read('good', 'text__cdata-split-and-specials.xml'));
    expect(xml.fields['Content']).toBe('a]]>b & <c> "quoted"');
  });

  it('decodes the predefined entities and character references', () => {
    const xml = parseWechatXml(read('good', 'text__entities-no-cdata.xml'));
    expect(xml.fields['Content']).toBe(`1 < 2 && 中文 "ok" 'x'`);
  });

  it('keeps a field named __proto__ as a field, without touching any prototype', () => {
    const xml = parseWechatXml('<xml><__proto__>x</__proto__><constructor>y</constructor></xml>');
    expect(Object.hasOwn(xml.fields, '__proto__')).toBe(true);
    expect(xml.fields['__proto__']).toBe('x');
    expect(xml.fields['constructor']).toBe('y');
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect(xml.fields['toString']).toBeUndefined();
  });

  it('accepts a byte-order mark, a declaration, comments and self-closing fields', () => {
    const xml = parseWechatXml('\uFEFF<?xml version="1.0"?><!-- c --><xml><Empty/><A attr="1 &amp; 2">v</A></xml><!-- after -->');
    expect(xml.fields).toEqual({ Empty: '', A: 'v' });
  });

  it('refuses a document over 64 KB before reading it', () => {
    const big = `<xml><Content>${'a'.repeat(MAX_WECHAT_XML_BYTES)}</Content></xml>`;
    expect(() => parseWechatXml(big)).toThrow(expect.objectContaining({ problem: 'too_large', offset: 0 }));
  });

  it('counts the limit in UTF-8 bytes: 22,000 Chinese characters are over 64 KB', () => {
    const chinese = `<xml><Content>${'中'.repeat(22_000)}</Content></xml>`;
    expect(chinese.length).toBeLessThan(MAX_WECHAT_XML_BYTES);
    expect(() => parseWechatXml(chinese)).toThrow(expect.objectContaining({ problem: 'too_large' }));
  });

  it('stops a deeply nested document as the seventh level opens, without reading further', () => {
    const depth = 5_000;
    const deep = '<a>'.repeat(depth) + '</a>'.repeat(depth);
    expect(() => parseWechatXml(deep)).toThrow(expect.objectContaining({ problem: 'too_deep', offset: 18 }));
  });

  it("keeps a field's children, and checks but drops the photo events' picture list below them", () => {
    const xml = parseWechatXml(read('good', 'unknown__photo-menu-pictures.xml'));
    expect(xml.fields['Event']).toBe('pic_photo_or_album');
    expect({ ...xml.children['SendPicsInfo'] }).toEqual({ Count: '2' });
    expect(() => parseWechatXml('<xml><A><B><C><D>x</D>y</C></B></A></xml>')).toThrow(expect.objectContaining({ problem: 'mixed_content' }));
    expect(() => parseWechatXml('<xml><A><B><C><D>x</C></D></B></A></xml>')).toThrow(expect.objectContaining({ problem: 'malformed' }));
  });

  it('stays linear on a document made of ampersands', () => {
    const amps = `<xml><C>${'&'.repeat(60_000)}</C></xml>`;
    expect(() => parseWechatXml(amps)).toThrow(WechatXmlError);
  });

  it('never puts the document content into its error messages', () => {
    try {
      parseWechatXml('<xml><Content>secret-phone-13812345678 & more</Content></xml>');
      expect.unreachable();
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('13812345678');
    }
  });

  it('utf8Length agrees with Buffer.byteLength for well-formed strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => utf8Length(s) === Buffer.byteLength(s, 'utf8')));
  });
});

describe('parseWechatXml properties', () => {
  const xmlish = fc
    .array(
      fc.constantFrom('<', '>', '</', '/>', '<xml>', '</xml>', '<A>', '</A>', '<![CDATA[', ']]>', '&', '&amp;', '&#x41;', '&lt;', ';', '<!--', '-->', '<?xml ?>', '<!DOCTYPE', '"', "'", '=', ' ', 'a', '中', '\n', '<!ENTITY', '&#0;', '&#xD800;'),
      { maxLength: 60 },
    )
    .map((parts) => parts.join(''));

  it('never throws anything but WechatXmlError, on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, xmlish), (input) => {
        try {
          parseWechatXml(input);
        } catch (err) {
          if (!(err instanceof WechatXmlError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('reads back any field value written as escaped text or as CDATA', () => {
    // Values XML can carry: no control characters except tab/LF/CR, no lone surrogates, no U+FFFE/U+FFFF.
    const value = fc.string({ unit: 'grapheme', maxLength: 200 }).map(xmlChars);
    fc.assert(
      fc.property(value, fc.boolean(), (text, asCdata) => {
        const encoded = asCdata
          ? `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`
          : text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
        expect(parseWechatXml(`<xml><Content>${encoded}</Content></xml>`).fields['Content']).toBe(text);
      }),
    );
  });
});
