// WeChat's message signature and encryption ("安全模式", and every WeCom callback).
// Signature: lowercase hex SHA-1 of the sorted values joined without separator.
// Encryption: AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, plaintext =
// random(16) || uint32be(length) || message || receiveId (the AppID or CorpID), padded PKCS#7-style to a multiple
// of 32 bytes. Pad values go up to 32, which Node's built-in PKCS#7 (block size 16) rejects, hence the padding by
// hand. When the account's EncodingAESKey was just changed, WeChat may still use the previous one for a while, so
// that one is tried when the current key fails, and the reply is encrypted with whichever key worked.

import { createCipheriv, createDecipheriv, createHash, randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';

export const WECHAT_BLOCK_SIZE = 32;
const RANDOM_PREFIX_BYTES = 16;
const LENGTH_BYTES = 4;

export type WechatCryptoProblem = 'bad_key' | 'bad_ciphertext' | 'bad_padding' | 'bad_plaintext' | 'wrong_receiver';

export class WechatCryptoError extends Error {
  readonly code = 'WECHAT_CRYPTO_FAILED';
  constructor(
    readonly problem: WechatCryptoProblem,
    message: string,
  ) {
    super(message);
    this.name = 'WechatCryptoError';
  }
}

/** WeChat's signature over `parts` (token, timestamp, nonce and, for `msg_signature`, the ciphertext). */
export function wechatSignature(parts: readonly string[]): string {
  // Plain code-unit order, as WeChat's own samples sort: every part is ASCII, so that is byte order.
  const joined = [...parts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join('');
  return createHash('sha1').update(joined, 'utf8').digest('hex');
}

/** Compares in constant time, so the response time does not tell how much of a forged signature was right. */
export function signatureMatches(given: string | undefined, parts: readonly string[]): boolean {
  if (given === undefined) return false;
  const expected = Buffer.from(wechatSignature(parts), 'utf8');
  const actual = Buffer.from(given.toLowerCase(), 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** PKCS#7 with WeChat's 32-byte block: always 1 to 32 bytes of padding, each holding the padding's length. */
export function pkcs7Pad(data: Uint8Array, blockSize: number = WECHAT_BLOCK_SIZE): Uint8Array {
  const n = blockSize - (data.length % blockSize);
  const out = new Uint8Array(data.length + n);
  out.set(data);
  out.fill(n, data.length);
  return out;
}

export function pkcs7Unpad(data: Uint8Array, blockSize: number = WECHAT_BLOCK_SIZE): Uint8Array {
  const n = data[data.length - 1];
  if (n === undefined || n < 1 || n > blockSize || n > data.length) {
    throw new WechatCryptoError('bad_padding', 'padding length is out of range');
  }
  for (let i = data.length - n; i < data.length; i++) {
    if (data[i] !== n) throw new WechatCryptoError('bad_padding', 'padding bytes differ');
  }
  return data.subarray(0, data.length - n);
}

/** The 32-byte AES key from a 43-character EncodingAESKey. */
export function aesKeyOf(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) {
    throw new WechatCryptoError('bad_key', 'an EncodingAESKey is 43 letters and digits');
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WechatCryptoError('bad_key', 'the EncodingAESKey does not decode to 32 bytes');
  return key;
}

export type KeyGeneration = 'current' | 'previous';

export interface Decrypted {
  readonly message: string;
  /** The key that worked: the reply must be encrypted with the same one. */
  readonly key: KeyGeneration;
}

export interface WechatCipherOptions {
  readonly encodingAesKey: string;
  readonly previousEncodingAesKey?: string;
  /** The AppID (Official Account) or CorpID (WeCom) that every message must end with. */
  readonly receiveId: string;
  readonly randomBytes?: (size: number) => Uint8Array;
}

export class WechatCipher {
  private readonly keys: ReadonlyMap<KeyGeneration, Buffer>;
  private readonly receiveId: Buffer;
  private readonly randomBytes: (size: number) => Uint8Array;

  constructor(options: WechatCipherOptions) {
    const keys = new Map<KeyGeneration, Buffer>([['current', aesKeyOf(options.encodingAesKey)]]);
    if (options.previousEncodingAesKey !== undefined && options.previousEncodingAesKey !== '') {
      keys.set('previous', aesKeyOf(options.previousEncodingAesKey));
    }
    this.keys = keys;
    if (options.receiveId === '') throw new WechatCryptoError('bad_key', 'the AppID / CorpID must not be empty');
    this.receiveId = Buffer.from(options.receiveId, 'utf8');
    this.randomBytes = options.randomBytes ?? ((size) => nodeRandomBytes(size));
  }

  /** Base64 ciphertext of `message`; `random` (16 bytes) only for reproducing published vectors. */
  encrypt(message: string, key: KeyGeneration = 'current', random?: Uint8Array): string {
    const aesKey = this.key(key);
    const prefix = random ?? this.randomBytes(RANDOM_PREFIX_BYTES);
    if (prefix.length !== RANDOM_PREFIX_BYTES) throw new RangeError(`the random prefix must be ${RANDOM_PREFIX_BYTES} bytes`);
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(LENGTH_BYTES);
    length.writeUInt32BE(body.length);
    const plain = pkcs7Pad(Buffer.concat([prefix, length, body, this.receiveId]));
    const cipher = createCipheriv('aes-256-cbc', aesKey, aesKey.subarray(0, 16));
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  /** The message inside `encrypted`, trying the current key first, then the previous one. */
  decrypt(encrypted: string): Decrypted {
    let firstError: unknown;
    for (const [generation, key] of this.keys) {
      try {
        return { message: this.decryptWith(encrypted, key), key: generation };
      } catch (err) {
        if (!(err instanceof WechatCryptoError)) throw err;
        firstError ??= err;
      }
    }
    throw firstError;
  }

  private decryptWith(encrypted: string, key: Buffer): string {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) throw new WechatCryptoError('bad_ciphertext', 'ciphertext is not base64');
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) {
      throw new WechatCryptoError('bad_ciphertext', 'ciphertext is not a whole number of AES blocks');
    }
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    const plain = pkcs7Unpad(Buffer.concat([decipher.update(data), decipher.final()]));
    if (plain.length < RANDOM_PREFIX_BYTES + LENGTH_BYTES) throw new WechatCryptoError('bad_plaintext', 'plaintext is too short');
    const view = Buffer.from(plain.buffer, plain.byteOffset, plain.length);
    const length = view.readUInt32BE(RANDOM_PREFIX_BYTES);
    const start = RANDOM_PREFIX_BYTES + LENGTH_BYTES;
    if (length > view.length - start) throw new WechatCryptoError('bad_plaintext', 'message length exceeds the plaintext');
    const receiver = view.subarray(start + length);
    if (!receiver.equals(this.receiveId)) throw new WechatCryptoError('wrong_receiver', 'the message is for another AppID / CorpID');
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(view.subarray(start, start + length));
    } catch {
      throw new WechatCryptoError('bad_plaintext', 'message is not UTF-8');
    }
  }

  private key(generation: KeyGeneration): Buffer {
    const key = this.keys.get(generation);
    if (key === undefined) throw new WechatCryptoError('bad_key', `no ${generation} EncodingAESKey is configured`);
    return key;
  }
}
