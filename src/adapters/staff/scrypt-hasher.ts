// Staff passwords hashed with scrypt (node:crypto): a random salt per password, and the cost parameters written into
// the stored string (`scrypt$N$r$p$salt$hash`), so they can be raised later without invalidating older hashes.

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from '../../app/staff/staff-ports.js';

export interface ScryptCost {
  /** CPU/memory cost, a power of two. 2^15 with r=8 takes 32 MiB and tens of milliseconds per check. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const STORED = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{43})$/;
/** Bounds on what a stored hash may ask for, so a corrupt or planted entry cannot make a check take the machine. */
const MAX_N = 2 ** 20;
const MAX_RP = 32;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err === null ? resolve(key) : reject(err)));
  });
}

export class ScryptHasher implements PasswordHasher {
  private readonly dummySalt = randomBytes(SALT_BYTES);

  constructor(private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST) {
    if (!Number.isInteger(Math.log2(cost.N)) || cost.N < 2 || cost.N > MAX_N) throw new RangeError(`scrypt N must be a power of two up to ${MAX_N}`);
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, this.cost);
    const { N, r, p } = this.cost;
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const match = STORED.exec(stored);
    if (match === null) return false;
    const cost = { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
    if (!Number.isInteger(Math.log2(cost.N)) || cost.N < 2 || cost.N > MAX_N || cost.r < 1 || cost.r > MAX_RP || cost.p < 1 || cost.p > MAX_RP) return false;
    const expected = Buffer.from(match[5] as string, 'base64url');
    const key = await derive(password, Buffer.from(match[4] as string, 'base64url'), cost);
    return key.length === expected.length && timingSafeEqual(key, expected);
  }

  async spend(password: string): Promise<void> {
    await derive(password, this.dummySalt, this.cost);
  }
}
