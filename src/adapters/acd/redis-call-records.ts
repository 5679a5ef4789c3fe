// Call records in Redis, one hash per call under the hotline's hash tag (`{prefix}:acd:record:<callId>`): each fact
// is its own field, so the gateway holding the call and the one where the agent wraps up never overwrite each
// other's facts. A record outlives its call by `ttlMs`, long enough for the slowest wrap-up and survey.

import type { RedisClient } from '../redis/redis-connection.js';
import type { CallRecord, CallRecordUpdate, CallRecords } from '../../app/acd/call-records.js';
import { hashTag } from '../intake/intake-keys.js';

export interface RedisCallRecordsOptions {
  readonly redis: RedisClient;
  /** The hash tag's text, as intake's prefix (`hotline`). */
  readonly prefix: string;
  readonly ttlMs: number;
}

export class RedisCallRecords implements CallRecords {
  constructor(private readonly options: RedisCallRecordsOptions) {}

  private key(callId: string): string {
    return `${hashTag(this.options.prefix)}:acd:record:${callId}`;
  }

  async open(record: CallRecord): Promise<void> {
    const key = this.key(record.callId);
    const pipeline = this.options.redis.pipeline();
    // HSETNX field by field: a record taken back after a restart keeps what was already known.
    for (const [field, value] of Object.entries(record)) {
      if (value !== undefined) pipeline.hsetnx(key, field, JSON.stringify(value));
    }
    pipeline.pexpire(key, this.options.ttlMs);
    await pipeline.exec().then(failOnError);
  }

  async update(callId: string, fields: CallRecordUpdate): Promise<void> {
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    const key = this.key(callId);
    await this.options.redis
      .pipeline()
      .hset(key, Object.fromEntries(entries.map(([field, value]) => [field, JSON.stringify(value)])))
      .pexpire(key, this.options.ttlMs)
      .exec()
      .then(failOnError);
  }

  async get(callId: string): Promise<CallRecord | null> {
    const raw = await this.options.redis.hgetall(this.key(callId));
    if (Object.keys(raw).length === 0) return null;
    const parsed: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(raw)) {
      try {
        parsed[field] = JSON.parse(value) as unknown;
      } catch {
        throw new Error(`call record ${callId}: field "${field}" is not JSON`);
      }
    }
    if (parsed['callId'] !== callId) return null;
    return parsed as unknown as CallRecord;
  }
}

function failOnError(results: Array<[Error | null, unknown]> | null): void {
  const failed = results?.find(([err]) => err !== null);
  if (failed?.[0]) throw failed[0];
}
