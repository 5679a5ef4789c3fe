// Which request a Message-ID belongs to, in Redis next to intake's keys (`{prefix}:email:thread:<sha256>`): the
// Message-IDs of received mail and of our acknowledgements, each pointing at the thread's first submission, so a
// reply's In-Reply-To or References finds the request it continues. Keys are hashed (ids can be long and carry
// addresses) and expire, since a thread a year old is a new matter.

import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ThreadIndex, ThreadRoot } from '../../app/email/email-ports.js';
import { IntakeKeys } from '../intake/intake-keys.js';

export const DEFAULT_THREAD_TTL_SECONDS = 400 * 86_400;

export class RedisThreadIndex implements ThreadIndex {
  private readonly keyPrefix: string;

  constructor(
    private readonly client: Redis,
    prefix: string,
    private readonly ttlSeconds: number = DEFAULT_THREAD_TTL_SECONDS,
  ) {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) throw new RangeError(`thread TTL must be a positive number of seconds, got ${ttlSeconds}`);
    this.keyPrefix = `${new IntakeKeys(prefix).bullPrefix}:email:thread:`;
  }

  async find(messageIds: readonly string[]): Promise<ThreadRoot | null> {
    if (messageIds.length === 0) return null;
    const values = await this.client.mget(...messageIds.map((id) => this.key(id)));
    for (const value of values) {
      const root = value === null ? null : parseRoot(value);
      if (root !== null) return root;
    }
    return null;
  }

  async remember(messageIds: readonly string[], root: ThreadRoot): Promise<void> {
    if (messageIds.length === 0) return;
    const value = JSON.stringify({ id: root.id, ticket: root.ticket });
    const batch = this.client.multi();
    // NX: a Message-ID belongs to the thread it was first seen in; a later mail cannot move it elsewhere.
    for (const id of messageIds) batch.set(this.key(id), value, 'EX', this.ttlSeconds, 'NX');
    const results = await batch.exec();
    const failed = results?.find(([err]) => err !== null);
    if (results === null || failed !== undefined) throw failed?.[0] ?? new Error('thread index transaction was aborted');
  }

  key(messageId: string): string {
    return this.keyPrefix + createHash('sha256').update(messageId, 'utf8').digest('hex');
  }
}

function parseRoot(value: string): ThreadRoot | null {
  try {
    const parsed = JSON.parse(value) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { id, ticket } = parsed as { id?: unknown; ticket?: unknown };
    return typeof id === 'string' && typeof ticket === 'string' ? { id, ticket } : null;
  } catch {
    return null;
  }
}
