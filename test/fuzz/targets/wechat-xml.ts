// WeChat's XML parser and message reader (`src/domain/wechat`), pure: every input either parses or is refused with
// WechatXmlError / WechatMessageError; nothing else may be thrown, and nothing may run away on a hostile document.

import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { WechatMessageError, encryptedEnvelopeFromXml, hasPlaintextMessage, wechatMessageFromXml } from '../../../src/domain/wechat/wechat-message.js';
import { WechatXmlError, parseWechatXml } from '../../../src/domain/wechat/wechat-xml.js';
import { FuzzViolation } from '../fuzz-target.js';
import type { FuzzSession } from '../fuzz-target.js';
import { nastyString, textMutations } from '../support/arbitraries.js';
import { fixtureFiles } from '../support/fixtures.js';

/** What breaks XML parsers: markup openers, DTDs, entities and character references out of range. */
export const XML_SNIPPETS: readonly string[] = [
  '<', '>', '&', '</', '/>', ']]>', '<![CDATA[', '<!--', '-->', '<!DOCTYPE xml [<!ENTITY a "aaaa">]>', '<!ENTITY b SYSTEM "file:///etc/passwd">',
  '&a;', '&#0;', '&#x0;', '&#x10FFFF;', '&#x110000;', '&#xD800;', '&#99999999999;', '&#x;', '&#;', '&lt', '&amp;amp;', '&#65;', '<?xml version="1.0"?>',
  '<?php ?>', '<xml>', '</xml>', '<a>', '</a>', '<a/>', '<MsgType>text</MsgType>', '<Content><![CDATA[x]]></Content>', '<a><b><c><d><e><f><g>', '</g></f></e></d></c></b></a>',
  ' x="1"', "='", '\u0000', '\ufeff', '\ud800',
];

/** A flat document in WeChat's shape built from generated field names and values. */
function generatedDocument(): Arbitrary<string> {
  const name = fc.oneof(fc.constantFrom('ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Content', 'MsgId', 'Event', 'MediaId', 'Location_X', 'Label', '__proto__'), fc.stringMatching(/^[A-Za-z_][\w.:-]{0,20}$/));
  const value = fc.oneof(
    nastyString(30).map((v) => `<![CDATA[${v}]]>`),
    nastyString(30).map((v) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;')),
    fc.integer().map(String),
  );
  const field = fc.tuple(name, value).map(([n, v]) => `<${n}>${v}</${n}>`);
  const nested = fc.tuple(name, fc.array(field, { maxLength: 4 })).map(([n, inner]) => `<${n}>${inner.join('')}</${n}>`);
  return fc.array(fc.oneof({ weight: 4, arbitrary: field }, { weight: 1, arbitrary: nested }), { maxLength: 12 }).map((fields) => `<xml>${fields.join('\n')}</xml>`);
}

export function wechatXmlInputs(): Arbitrary<string> {
  const good = fixtureFiles('wechat/good', '.xml').map((bytes) => bytes.toString('utf8'));
  const bad = fixtureFiles('wechat/bad', '.xml').map((bytes) => bytes.toString('utf8'));
  const fixture = fc.constantFrom(...good, ...bad);
  return fc.oneof(
    { weight: 1, arbitrary: fixture },
    { weight: 6, arbitrary: fixture.chain((doc) => textMutations(doc, XML_SNIPPETS)) },
    { weight: 2, arbitrary: generatedDocument() },
    { weight: 1, arbitrary: generatedDocument().chain((doc) => textMutations(doc, XML_SNIPPETS)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.integer({ min: 7, max: 5000 }).map((depth) => `<xml>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</xml>`) },
  );
}

export async function start(): Promise<FuzzSession<string>> {
  return {
    arbitrary: wechatXmlInputs(),
    check: async (input) => {
      try {
        const xml = parseWechatXml(input);
        if (hasPlaintextMessage(xml)) wechatMessageFromXml(xml);
        else encryptedEnvelopeFromXml(xml);
      } catch (err) {
        if (err instanceof WechatXmlError || err instanceof WechatMessageError) return;
        throw new FuzzViolation(`the WeChat XML reader threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      }
    },
    close: async () => undefined,
  };
}
