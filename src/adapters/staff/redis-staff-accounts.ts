// Staff accounts in Redis: one hash, `{prefix}:staff:accounts` (the prefix is the hash tag of all the gateway's keys), of accounts by id, so every replica sees an account
// the moment it is created, changed or disabled. An entry that does not read as an account is an error naming it.

import type { RedisClient } from '../redis/redis-connection.js';
import type { StaffAccounts } from '../../app/staff/staff-ports.js';
import { isStaffRole } from '../../domain/staff/staff.js';
import type { StaffAccount } from '../../domain/staff/staff.js';

export class StaffStoreError extends Error {
  readonly code = 'STAFF_STORE_CORRUPT';
  constructor(message: string) {
    super(message);
    this.name = 'StaffStoreError';
  }
}

export class RedisStaffAccounts implements StaffAccounts {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.key = `{${prefix}}:staff:accounts`;
  }

  async find(id: string): Promise<StaffAccount | null> {
    const raw = await this.redis.hget(this.key, id);
    return raw === null ? null : parseAccount(raw, id, this.key);
  }

  async list(): Promise<StaffAccount[]> {
    const all = await this.redis.hgetall(this.key);
    return Object.entries(all)
      .map(([id, raw]) => parseAccount(raw, id, this.key))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async save(account: StaffAccount): Promise<void> {
    await this.redis.hset(this.key, account.id, JSON.stringify(account));
  }

  async remove(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.key, id)) === 1;
  }
}

function parseAccount(raw: string, id: string, key: string): StaffAccount {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new StaffStoreError(`staff account ${id} in ${key} is not JSON`);
  }
  const a = value as Partial<Record<keyof StaffAccount, unknown>>;
  const nullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';
  if (
    typeof value !== 'object' ||
    value === null ||
    a.id !== id ||
    typeof a.name !== 'string' ||
    !isStaffRole(a.role) ||
    typeof a.passwordHash !== 'string' ||
    typeof a.disabled !== 'boolean' ||
    !nullableString(a.endpoint) ||
    !nullableString(a.skills) ||
    typeof a.updatedAt !== 'number'
  ) {
    throw new StaffStoreError(`staff account ${id} in ${key} lacks a field or has one of the wrong type`);
  }
  return value as StaffAccount;
}
