// Which request a Message-ID belongs to, in Redis next to intake's keys (`{prefix}:email:thread:<sha256>`): the
// Message-IDs of received mail and of our acknowledgements, each pointing at the thread's first submission, so a
// reply's In-Reply-To or References finds the request it continues. Keys are hashed (ids can be long and carry
// addresses) and expire, since a thread a year old is a new matter.
// Every filed mail remembers its Message-ID, so the SETs of mails filed in the same turn go out as one pipeline
// (tick-batch.ts) rather than a transaction each; no SET depends on another, so none needs MULTI.

import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/redis-connection.js';
import type { ThreadIndex, ThreadRoot } from '../../app/email/email-ports.js';
import { IntakeKeys } from '../intake/intake-keys.js';
import { pipelineBatch } from '../redis/tick-batch.js';
import type { TickBatch } from '../redis/tick-batch.js';

export const DEFAULT_THREAD_TTL_SECONDS = 400 * 86_400;

interface Remembered {
  readonly key: string;
  readonly value: string;
}

export class RedisThreadIndex implements ThreadIndex {
  private readonly keyPrefix: string;
  private readonly sets: TickBatch<Remembered, unknown>;

  constructor(
    private readonly client: RedisClient,
    prefix: string,
    private readonly ttlSeconds: number = DEFAULT_THREAD_TTL_SECONDS,
  ) {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) throw new RangeError(`thread TTL must be a positive number of seconds, got ${ttlSeconds}`);
    this.keyPrefix = `${new IntakeKeys(prefix).bullPrefix}:email:thread:`;
    // NX: a Message-ID belongs to the thread it was first seen in; a later mail cannot move it elsewhere.
    this.sets = pipelineBatch(this.client, (pipeline, { key, value }: { key: string; value: string }) => pipeline.set(key, value, 'EX', this.ttlSeconds, 'NX'));
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
    await Promise.all(messageIds.map((id) => this.sets.run({ key: this.key(id), value })));
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
