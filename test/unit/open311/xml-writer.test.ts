import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ListNode, renderDocument } from '../../../src/adapters/http/open311/open311-document.js';
import { XmlWriter, escapeXml } from '../../../src/adapters/http/open311/xml-writer.js';
import { fields, one, parseXml } from '../../integration/open311/minimal-xml.js';

const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Any code point (lone surrogates included), with markup characters often enough to matter. */
const anyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('&', '<', '>', '"', "'", '\r', ']]>', '&amp;'),
    fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
  ),
});

describe('XmlWriter', () => {
  it('escapes markup so that any text reads back unchanged, minus characters XML cannot carry', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const xml = new XmlWriter().start('request').leaf('description', text).end().toString();
        const { root } = parseXml(xml);
        expect(one(root, 'description').text).toBe(text.replace(NOT_XML_CHAR, ''));
      }),
    );
  });

  it('writes the declaration, nested elements, and empty values as empty elements', () => {
    const xml = new XmlWriter().start('errors').start('error').leaf('code', 404).leaf('description', 'a < b & "c"').leaf('empty', null).end().end().toString();
    expect(xml).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<errors>\n  <error>\n    <code>404</code>\n    <description>a &lt; b &amp; &quot;c&quot;</description>\n    <empty/>\n  </error>\n</errors>\n',
    );
  });

  it('refuses element names that are not XML names, and unbalanced documents', () => {
    expect(() => new XmlWriter().leaf('bad name', 'x')).toThrow(/not an XML element name/);
    expect(() => new XmlWriter().leaf('<x>', 'x')).toThrow(/not an XML element name/);
    expect(() => new XmlWriter().start('a').toString()).toThrow(/not closed/);
    expect(() => new XmlWriter().end()).toThrow(/without a matching start/);
  });

  it('escapeXml drops lone surrogates and control characters but keeps tabs, newlines and astral characters', () => {
    expect(escapeXml('a\u0000b\u0007c\uD800d\tе\n😀\uFFFE')).toBe('abcd\tе\n😀');
  });
});

describe('renderDocument', () => {
  const document = {
    root: 'service_requests',
    body: new ListNode('request', [{ service_request_id: '000000018', status: 'open', lat: 39.9, skipped: undefined, account_id: null }]),
  };

  it('renders a list as the root element with one item element each (XML)', () => {
    const { root } = parseXml(renderDocument(document, 'xml'));
    expect(root.name).toBe('service_requests');
    expect(fields(one(root, 'request'))).toEqual({ service_request_id: '000000018', status: 'open', lat: '39.9', account_id: '' });
  });

  it('renders the same list as a JSON array (Spark convention), leaving out undefined fields', () => {
    expect(JSON.parse(renderDocument(document, 'json'))).toEqual([{ service_request_id: '000000018', status: 'open', lat: 39.9, account_id: null }]);
  });
});
