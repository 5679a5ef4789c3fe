// WeChat's signature and AES layer against the published vectors (../shared/wechat-vectors.md), and properties.
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aesKeyOf,
  pkcs7Pad,
  pkcs7Unpad,
  signatureMatches,
  WechatCipher,
  WechatCryptoError,
  wechatSignature,
} from '../../../src/adapters/wechat/wechat-crypto.js';

const VECTOR_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const VECTOR_APPID = 'wxb11529c136998cb6';
const WECOM = {
  token: 'QDG6eK',
  key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  corpId: 'wx5823bf96d3bd56c7',
  timestamp: '1409659589',
  nonce: '263014780',
  echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  plaintext: '1616140317555161061',
};
const OTHER_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';

describe('published vectors', () => {
  it('1. Official Account URL verification signature', () => {
    expect(wechatSignature(['AAAAA', '1714037059', '486452656'])).toBe('899cf89e464efb63f54ddac96b0a0a235f53aa78');
    expect(signatureMatches('899cf89e464efb63f54ddac96b0a0a235f53aa78', ['486452656', 'AAAAA', '1714037059'])).toBe(true);
  });

  it('2. encryption with a fixed random prefix, and back', () => {
    const cipher = new WechatCipher({ encodingAesKey: VECTOR_KEY, receiveId: VECTOR_APPID });
    const encrypted = cipher.encrypt('我是中文abcd123', 'current', Buffer.from('aaaabbbbccccdddd'));
    expect(encrypted).toBe('jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==');
    expect(cipher.decrypt(encrypted)).toEqual({ message: '我是中文abcd123', key: 'current' });
  });

  it('3. WeCom callback URL verification: msg_signature and encrypted echostr', () => {
    expect(wechatSignature([WECOM.token, WECOM.timestamp, WECOM.nonce, WECOM.echostr])).toBe(WECOM.msgSignature);
    const cipher = new WechatCipher({ encodingAesKey: WECOM.key, receiveId: WECOM.corpId });
    expect(cipher.decrypt(WECOM.echostr).message).toBe(WECOM.plaintext);
  });
});

describe('signatureMatches', () => {
  it('refuses a missing, short or wrong signature, and accepts upper case hex', () => {
    const parts = ['AAAAA', '1714037059', '486452656'];
    expect(signatureMatches(undefined, parts)).toBe(false);
    expect(signatureMatches('', parts)).toBe(false);
    expect(signatureMatches('899cf89e', parts)).toBe(false);
    expect(signatureMatches('999cf89e464efb63f54ddac96b0a0a235f53aa78', parts)).toBe(false);
    expect(signatureMatches('899CF89E464EFB63F54DDAC96B0A0A235F53AA78', parts)).toBe(true);
  });
});

describe('WechatCipher', () => {
  it('refuses a message for another AppID', () => {
    const sender = new WechatCipher({ encodingAesKey: VECTOR_KEY, receiveId: 'wxSOMEONEELSE00000' });
    const receiver = new WechatCipher({ encodingAesKey: VECTOR_KEY, receiveId: VECTOR_APPID });
    expect(() => receiver.decrypt(sender.encrypt('hi'))).toThrow(expect.objectContaining({ problem: 'wrong_receiver' }));
  });

  it('falls back to the previous key and reports which key worked', () => {
    const old = new WechatCipher({ encodingAesKey: OTHER_KEY, receiveId: VECTOR_APPID });
    const rotated = new WechatCipher({ encodingAesKey: VECTOR_KEY, previousEncodingAesKey: OTHER_KEY, receiveId: VECTOR_APPID });
    const fromOld = old.encrypt('<xml>old key</xml>');
    expect(rotated.decrypt(fromOld)).toEqual({ message: '<xml>old key</xml>', key: 'previous' });
    // The reply goes back under the key that worked, which the sender (still on the old key) can read.
    expect(old.decrypt(rotated.encrypt('reply', 'previous')).message).toBe('reply');
    const withoutPrevious = new WechatCipher({ encodingAesKey: VECTOR_KEY, receiveId: VECTOR_APPID });
    expect(() => withoutPrevious.decrypt(fromOld)).toThrow(WechatCryptoError);
  });

  it('accepts the 32-byte padding Node would refuse (pad values above 16)', () => {
    // random(16) + length(4) + 'x' + appid(18) = 39 bytes: 25 bytes of padding, each 0x19.
    const cipher = new WechatCipher({ encodingAesKey: VECTOR_KEY, receiveId: VECTOR_APPID });
    const encrypted = Buffer.from(cipher.encrypt('x'), 'base64');
    expect(encrypted.length).toBe(64);
    expect(cipher.decrypt(encrypted.toString('base64')).message).toBe('x');
  });

  it('refuses ciphertext that is not base64, not whole blocks, badly padded or too short', () => {
    const cipher = new WechatCipher({ encodingAesKey: VECTOR_KEY, receiveId: VECTOR_APPID });
    expect(() => cipher.decrypt('not base64!')).toThrow(expect.objectContaining({ problem: 'bad_ciphertext' }));
    expect(() => cipher.decrypt(Buffer.alloc(17).toString('base64'))).toThrow(expect.objectContaining({ problem: 'bad_ciphertext' }));
    const key = aesKeyOf(VECTOR_KEY);
    const raw = (plain: Buffer): string => {
      const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
      c.setAutoPadding(false);
      return Buffer.concat([c.update(plain), c.final()]).toString('base64');
    };
    const badPad = Buffer.alloc(32, 7);
    badPad[31] = 33;
    expect(() => cipher.decrypt(raw(badPad))).toThrow(expect.objectContaining({ problem: 'bad_padding' }));
    const unevenPad = Buffer.alloc(32, 4);
    unevenPad[29] = 5;
    expect(() => cipher.decrypt(raw(unevenPad))).toThrow(expect.objectContaining({ problem: 'bad_padding' }));
    const short = Buffer.alloc(32, 16);
    expect(() => cipher.decrypt(raw(short))).toThrow(expect.objectContaining({ problem: 'bad_plaintext' }));
    const lying = Buffer.concat([Buffer.alloc(16), Buffer.from([0, 0, 1, 0]), Buffer.alloc(12, 12)]);
    expect(() => cipher.decrypt(raw(lying))).toThrow(expect.objectContaining({ problem: 'bad_plaintext' }));
  });

  it('refuses a malformed EncodingAESKey and an empty AppID', () => {
    expect(() => new WechatCipher({ encodingAesKey: 'short', receiveId: VECTOR_APPID })).toThrow(expect.objectContaining({ problem: 'bad_key' }));
    expect(() => new WechatCipher({ encodingAesKey: `${VECTOR_KEY.slice(0, 42)}=`, receiveId: VECTOR_APPID })).toThrow(WechatCryptoError);
    expect(() => new WechatCipher({ encodingAesKey: VECTOR_KEY, receiveId: '' })).toThrow(WechatCryptoError);
  });
});

describe('properties', () => {
  const cipher = new WechatCipher({ encodingAesKey: VECTOR_KEY, previousEncodingAesKey: OTHER_KEY, receiveId: VECTOR_APPID });

  it('decrypt(encrypt(m)) === m for any message, Chinese and emoji included', () => {
    const message = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: fc.constantFrom('中', '文', '路', '灯', 'a', '1', '😀', '\n'), maxLength: 100 }));
    fc.assert(
      fc.property(message, fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.constantFrom('current' as const, 'previous' as const), (m, random, key) => {
        const encrypted = cipher.encrypt(m, key, random);
        expect(Buffer.from(encrypted, 'base64').length % 32).toBe(0);
        expect(cipher.decrypt(encrypted)).toEqual({ message: m, key });
      }),
    );
  });

  it('pads every length to a multiple of 32 with 1..32 bytes, and unpads back', () => {
    for (let length = 0; length <= 96; length++) {
      const data = new Uint8Array(length).fill(0xab);
      const padded = pkcs7Pad(data);
      const n = padded.length - length;
      expect(padded.length % 32).toBe(0);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(32);
      expect(n).toBe(32 - (length % 32));
      expect(padded.subarray(length).every((b) => b === n)).toBe(true);
      expect(Buffer.from(pkcs7Unpad(padded)).equals(Buffer.from(data))).toBe(true);
    }
  });

  it('decrypt never throws anything but WechatCryptoError on arbitrary base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          cipher.decrypt(Buffer.from(bytes).toString('base64'));
        } catch (err) {
          if (!(err instanceof WechatCryptoError)) throw err;
        }
      }),
    );
  });
});
