// `POST /wechat` as WeChat's servers call it: plaintext pushes (signed query, XML body) and safe-mode pushes (the
// message AES-encrypted inside an `<Encrypt>` envelope, signed with msg_signature), through the gateway's HTTP
// stack with real intake. The bodies are the XML target's inputs; the envelope, the ciphertext, the signature and
// the query are damaged too. WeChat reads only the status, so no error text is checked; a 5xx would make WeChat
// retry a push that can never succeed.

import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { WechatCipher, aesKeyOf, pkcs7Pad, wechatSignature } from '../../../src/adapters/wechat/wechat-crypto.js';
import type { FuzzSession } from '../fuzz-target.js';
import { edgeCharacter, nastyString, percentEncode } from '../support/arbitraries.js';
import { fixtureFiles } from '../support/fixtures.js';
import { startFuzzGateway } from '../support/fuzz-gateway.js';
import type { WechatAccount } from '../support/fuzz-gateway.js';
import { injectAndJudge, readable } from '../support/http-oracle.js';
import type { HttpInput } from '../support/http-oracle.js';
import { wechatXmlInputs } from './wechat-xml.js';

type QueryDamage = 'none' | 'bad-signature' | 'stale' | 'no-timestamp' | 'encrypt-type' | 'nasty-nonce';

/** AES-256-CBC of arbitrary bytes with the account's key, as WeChat does but without its framing: a wrong inner layout. */
function rawCiphertext(account: WechatAccount, plain: Buffer): string {
  const key = aesKeyOf(account.encodingAesKey);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(pkcs7Pad(plain)), cipher.final()]).toString('base64');
}

/**
 * The MsgId made from the rest of the message: WeChat never sends two different messages under one MsgId (the
 * inbox logs that as an error, rightly), and the fuzzer, which holds the token, must not forge that either.
 */
function ownMsgId(xml: string): string {
  const digest = createHash('sha256').update(xml.replace(/<MsgId>[^<]*<\/MsgId>/g, '')).digest('hex');
  return xml.replace(/(<MsgId>(?:<!\[CDATA\[)?)\d+/g, (_match, open: string) => `${open}${BigInt(`0x${digest.slice(0, 14)}`).toString()}`);
}

function inputs(account: WechatAccount): Arbitrary<HttpInput> {
  const cipher = new WechatCipher({ encodingAesKey: account.encodingAesKey, receiveId: account.appId });
  const good = fixtureFiles('wechat/good', '.xml').map((bytes) => bytes.toString('utf8'));
  const body = fc
    .oneof({ weight: 1, arbitrary: fc.constantFrom(...good).map((xml) => ({ xml, valid: true })) }, { weight: 3, arbitrary: wechatXmlInputs().map((xml) => ({ xml, valid: false })) })
    .map((b) => ({ xml: ownMsgId(b.xml), valid: b.valid }));
  const damage = fc.oneof({ weight: 8, arbitrary: fc.constant<QueryDamage>('none') }, { weight: 1, arbitrary: fc.constantFrom<QueryDamage>('bad-signature', 'stale', 'no-timestamp', 'encrypt-type', 'nasty-nonce') });

  const query = (damaged: QueryDamage, nasty: string, encrypt?: string): string => {
    const timestamp = damaged === 'stale' ? '1000000000' : String(Math.floor(Date.now() / 1000));
    const nonce = damaged === 'nasty-nonce' ? nasty : String(Math.floor(Math.random() * 1e9));
    const signed = [account.token, timestamp, nonce];
    const params: [string, string][] = [];
    if (damaged !== 'no-timestamp') params.push(['timestamp', timestamp]);
    params.push(['nonce', nonce]);
    const signature = damaged === 'bad-signature' ? wechatSignature(['x', ...signed]) : wechatSignature(signed);
    params.push(['signature', signature]);
    if (encrypt !== undefined) {
      params.push(['encrypt_type', damaged === 'encrypt-type' ? nasty : 'aes']);
      params.push(['msg_signature', damaged === 'bad-signature' ? signature : wechatSignature([...signed, encrypt])]);
    } else if (damaged === 'encrypt-type') {
      params.push(['encrypt_type', nasty]);
    }
    return params.map(([k, v]) => `${k}=${percentEncode(v)}`).join('&');
  };

  const plaintext: Arbitrary<HttpInput> = fc.record({ body, damage, nasty: nastyString(20) }).map(
    (r): HttpInput => ({
      method: 'POST',
      url: `/wechat?${query(r.damage, r.nasty)}`,
      headers: { 'content-type': 'text/xml' },
      payload: Buffer.from(r.body.xml, 'utf8'),
      valid: r.body.valid && r.damage === 'none',
    }),
  );

  const ciphertext = fc.oneof(
    { weight: 6, arbitrary: body.map((b) => ({ encrypt: cipher.encrypt(b.xml), valid: b.valid })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((bytes) => ({ encrypt: rawCiphertext(account, Buffer.from(bytes)), valid: false })) },
    { weight: 1, arbitrary: body.map((b) => ({ encrypt: new WechatCipher({ encodingAesKey: account.encodingAesKey, receiveId: 'wxsomeoneelse0000' }).encrypt(b.xml), valid: false })) },
    { weight: 1, arbitrary: fc.oneof(fc.base64String({ maxLength: 200 }), fc.constantFrom('', '====', 'AAAA', randomBytes(33).toString('base64'))).map((encrypt) => ({ encrypt, valid: false })) },
  );
  const envelope = fc.constantFrom('safe', 'safe', 'safe', 'cdata-broken', 'extra-field', 'edge');
  const encrypted: Arbitrary<HttpInput> = fc.record({ ciphertext, damage, nasty: nastyString(20), envelope, edge: edgeCharacter() }).map((r): HttpInput => {
    const { encrypt } = r.ciphertext;
    const wrapped =
      r.envelope === 'cdata-broken'
        ? `<xml><ToUserName><![CDATA[gh_fuzz]]></ToUserName><Encrypt><![CDATA[${encrypt}]]</Encrypt></xml>`
        : r.envelope === 'extra-field'
          ? `<xml><ToUserName><![CDATA[gh_fuzz]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><Encrypt>x</Encrypt></xml>`
          : r.envelope === 'edge'
            ? `<xml><ToUserName><![CDATA[gh_fuzz${r.edge}]]></ToUserName><Encrypt><![CDATA[${encrypt}${r.edge}]]></Encrypt></xml>`
            : `<xml><ToUserName><![CDATA[gh_fuzz]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    return {
      method: 'POST',
      url: `/wechat?${query(r.damage, r.nasty, encrypt)}`,
      headers: { 'content-type': 'text/xml' },
      payload: Buffer.from(wrapped, 'utf8'),
      valid: r.ciphertext.valid && r.damage === 'none' && r.envelope === 'safe',
    };
  });

  // URL verification: WeChat's GET with `echostr` (echoed back), WeCom's with an encrypted one (decrypted).
  const verification: Arbitrary<HttpInput> = fc
    .record({ damage, nasty: nastyString(20), echostr: fc.oneof(fc.stringMatching(/^[\x21-\x7e]{1,40}$/), nastyString(60)), wecom: fc.boolean(), encrypted: fc.boolean() })
    .map((r): HttpInput => {
      const echostr = r.wecom && r.encrypted ? cipher.encrypt(r.echostr) : r.echostr;
      const timestamp = r.damage === 'stale' ? '1000000000' : String(Math.floor(Date.now() / 1000));
      const nonce = r.damage === 'nasty-nonce' ? r.nasty : '12345';
      const signed = r.damage === 'bad-signature' ? ['x', account.token, timestamp, nonce] : [account.token, timestamp, nonce];
      const params: [string, string][] = [
        ...(r.damage === 'no-timestamp' ? [] : [['timestamp', timestamp] as [string, string]]),
        ['nonce', nonce],
        ['echostr', echostr],
        r.wecom ? ['msg_signature', wechatSignature([...signed, echostr])] : ['signature', wechatSignature(signed)],
      ];
      return { method: 'GET', url: `/wechat?${params.map(([k, v]) => `${k}=${percentEncode(v)}`).join('&')}`, headers: {}, valid: false };
    });

  return fc.oneof({ weight: 4, arbitrary: plaintext }, { weight: 4, arbitrary: encrypted }, { weight: 1, arbitrary: verification }).map(readable);
}

export async function start(): Promise<FuzzSession<HttpInput>> {
  const gateway = await startFuzzGateway();
  return {
    arbitrary: inputs(gateway.wechat),
    check: async (input) => {
      await injectAndJudge(gateway.app, gateway.errors, input, 'status-only');
    },
    close: () => gateway.close(),
  };
}
