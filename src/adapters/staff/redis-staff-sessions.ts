// Staff sessions in Redis: `{prefix}:staff:session:<sha256 of token>` holds the session and expires with it, and
// `{prefix}:staff:user:<id>` lists the hashes of a user's sessions, to end them all at once. Only token hashes are
// stored, so a copy of Redis opens no session.

import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/redis-connection.js';
import type { StaffSessions } from '../../app/staff/staff-ports.js';
import { isStaffRole } from '../../domain/staff/staff.js';
import type { StaffSession } from '../../domain/staff/staff.js';
import { StaffStoreError } from './redis-staff-accounts.js';

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

export class RedisStaffSessions implements StaffSessions {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async create(token: string, session: StaffSession): Promise<void> {
    const hash = tokenHash(token);
    const userKey = this.userKey(session.userId);
    await this.redis
      .multi()
      .set(this.sessionKey(hash), JSON.stringify(session), 'PXAT', session.expiresAt)
      .sadd(userKey, hash)
      // The index lives as long as the user's longest session (NX for a new index, GT to extend one).
      .pexpireat(userKey, session.expiresAt, 'NX')
      .pexpireat(userKey, session.expiresAt, 'GT')
      .exec();
  }

  async find(token: string, now: number): Promise<StaffSession | null> {
    const raw = await this.redis.get(this.sessionKey(tokenHash(token)));
    if (raw === null) return null;
    const session = parseSession(raw);
    // Redis expires the key within a millisecond or so; the clock decides at the boundary.
    return session.expiresAt > now ? session : null;
  }

  async revoke(token: string): Promise<boolean> {
    const hash = tokenHash(token);
    const raw = await this.redis.get(this.sessionKey(hash));
    if (raw === null) return false;
    const session = parseSession(raw);
    await this.redis.multi().del(this.sessionKey(hash)).srem(this.userKey(session.userId), hash).exec();
    return true;
  }

  async revokeUser(userId: string): Promise<number> {
    const hashes = await this.redis.smembers(this.userKey(userId));
    if (hashes.length === 0) return 0;
    const results = await this.redis
      .multi()
      .del(...hashes.map((h) => this.sessionKey(h)))
      .del(this.userKey(userId))
      .exec();
    return Number(results?.[0]?.[1] ?? 0);
  }

  private sessionKey(hash: string): string {
    return `{${this.prefix}}:staff:session:${hash}`;
  }

  private userKey(userId: string): string {
    return `{${this.prefix}}:staff:user:${userId}`;
  }
}

function parseSession(raw: string): StaffSession {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new StaffStoreError('a staff session is not JSON');
  }
  const s = value as Partial<Record<keyof StaffSession, unknown>>;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof s.id !== 'string' ||
    typeof s.userId !== 'string' ||
    !isStaffRole(s.role) ||
    typeof s.name !== 'string' ||
    typeof s.createdAt !== 'number' ||
    typeof s.expiresAt !== 'number'
  ) {
    throw new StaffStoreError('a staff session lacks a field or has one of the wrong type');
  }
  return value as StaffSession;
}
