// The secret behind ticket numbers and PINs, and the keyed functions made from it. With `CASE_SECRET` unset the
// first gateway to start creates one in Redis (SET NX: replicas racing at start all end up with the winner's) and
// every replica reads the same; the operator may set `CASE_SECRET` instead, so the secret lives with the others.

import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CaseKeys, CaseKeySource } from '../../app/access/case-keys.js';
import { StoreUnavailableError } from '../../app/intake/durable-intake-ports.js';
import type { Prf } from '../../domain/access/ticket-cipher.js';

const SECRET_BYTES = 32;

/** Keys from a secret: one HMAC-SHA-256 per purpose, so a PIN says nothing about the ticket permutation. */
export function hmacCaseKeys(secret: string | Buffer): CaseKeys {
  return { ticketPrf: hmacPrf(secret, 'ticket'), pinPrf: hmacPrf(secret, 'pin') };
}

function hmacPrf(secret: string | Buffer, purpose: string): Prf {
  const key = createHmac('sha256', secret).update(`hotline-gateway case key: ${purpose}`).digest();
  // 48 bits: exact in a double, and its bias modulo 10^6 is below 10^-8.
  return (input) => createHmac('sha256', key).update(input, 'utf8').digest().readUIntBE(0, 6);
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
    private readonly client: Redis,
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
