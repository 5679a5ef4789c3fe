// The secret behind ticket numbers and PINs, and the keyed functions made from it. With `CASE_SECRET` unset the
// first gateway to start creates one in Redis (SET NX: replicas racing at start all end up with the winner's) and
// every replica reads the same; the operator may set `CASE_SECRET` instead, so the secret lives with the others.

import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/redis-connection.js';
import type { CaseKeys, CaseKeySource } from '../../app/access/case-keys.js';
import { StoreUnavailableError } from '../../app/intake/durable-intake-ports.js';
import type { Prf, PrfMany } from '../../domain/access/ticket-cipher.js';

const SECRET_BYTES = 32;

/** Keys from a secret: one key per purpose (derived with HMAC-SHA-256), so a PIN says nothing of the permutation. */
export function hmacCaseKeys(secret: string | Buffer): CaseKeys {
  const ticket = blockPrf(secret, 'ticket');
  return { ticketPrf: ticket.one, ticketPrfMany: ticket.many, pinPrf: blockPrf(secret, 'pin').one };
}

const BLOCK = 16;

/**
 * AES-128 on one block, as FF1 uses it: a ticket takes ten rounds, and a reused ECB cipher does a block in about a
 * microsecond where a fresh HMAC per round took ten times that on the intake's hot path. Inputs longer than a block
 * (PINs of the older, longer tickets) go through HMAC-SHA-256 under the same derived key.
 */
function blockPrf(secret: string | Buffer, purpose: string): { readonly one: Prf; readonly many: PrfMany } {
  const key = createHmac('sha256', secret).update(`hotline-gateway case key: ${purpose}`).digest();
  const cipher = createCipheriv('aes-128-ecb', key.subarray(0, BLOCK), null).setAutoPadding(false);
  const block = Buffer.alloc(BLOCK);
  const long = (input: string): number => createHmac('sha256', key).update(input, 'utf8').digest().readUIntBE(0, 6);
  // 48 bits: exact in a double, and its bias modulo 10^6 is below 10^-8.
  const one: Prf = (input) => {
    const length = Buffer.byteLength(input, 'utf8');
    if (length >= BLOCK) return long(input);
    fillBlock(block, 0, input, length);
    return cipher.update(block).readUIntBE(0, 6);
  };
  // ECB enciphers each block on its own, so n inputs in one buffer give the n answers of `one`, for one call.
  const many: PrfMany = (inputs) => {
    const blocks = Buffer.alloc(BLOCK * inputs.length);
    const lengths = inputs.map((input) => Buffer.byteLength(input, 'utf8'));
    inputs.forEach((input, i) => {
      const length = lengths[i] as number;
      if (length < BLOCK) fillBlock(blocks, i * BLOCK, input, length);
    });
    const out = inputs.length === 0 ? blocks : cipher.update(blocks);
    return inputs.map((input, i) => ((lengths[i] as number) >= BLOCK ? long(input) : out.readUIntBE(i * BLOCK, 6)));
  };
  return { one, many };
}

/** The input's bytes, zero padding, and its length in the last byte: the length keeps "12" and "12\0" apart. */
function fillBlock(target: Buffer, offset: number, input: string, length: number): void {
  target.fill(0, offset, offset + BLOCK);
  target.write(input, offset, 'utf8');
  target[offset + BLOCK - 1] = length;
}

/** `CASE_SECRET` from the configuration. */
export class ConfiguredCaseSecret implements CaseKeySource {
  private readonly keys: CaseKeys;

  constructor(secret: string) {
    this.keys = hmacCaseKeys(secret);
  }

  load(): Promise<CaseKeys> {
    return Promise.resolve(this.keys);
  }
}

/** The secret kept in Redis under `key`, created by whoever asks first. */
export class RedisCaseSecret implements CaseKeySource {
  constructor(
    private readonly client: RedisClient,
    private readonly key: string,
  ) {}

  async load(): Promise<CaseKeys> {
    try {
      await this.client.set(this.key, randomBytes(SECRET_BYTES).toString('hex'), 'NX');
      const secret = await this.client.get(this.key);
      if (secret === null) throw new Error(`${this.key} vanished right after it was set`);
      return hmacCaseKeys(secret);
    } catch (err) {
      throw new StoreUnavailableError(`Redis: cannot load the case secret: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}
