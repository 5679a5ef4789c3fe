// Supervisors' flags in Redis, shared by every replica: one hash `{prefix}:flags` (field `<kind>:<value>`, value
// the flag as JSON with its expiry) and the audit log, the stream `{prefix}:flags:audit`. A flag and its audit
// entry are written in one MULTI. The stream is trimmed only of entries older than the retention (`MINID ~`, which
// never removes a newer entry), so the log keeps at least `auditRetentionMs` of history. Expired flags stop
// applying at once (every read checks the expiry) and are removed from the hash when flags are listed.

import type { RedisClient } from '../redis/redis-connection.js';
import type { Flag, FlagAuditEntry, FlagStore } from '../../app/limits/flag-ports.js';
import { isIdentityKind } from '../../domain/limits/identity.js';
import type { Identity } from '../../domain/limits/identity.js';
import { IntakeKeys } from '../intake/intake-keys.js';

export interface RedisFlagStoreOptions {
  /** Intake's key prefix (`INTAKE_PREFIX`). */
  readonly prefix: string;
  /** Audit entries younger than this are never trimmed (`FLAG_AUDIT_RETENTION`). */
  readonly auditRetentionMs: number;
}

export class RedisFlagStore implements FlagStore {
  readonly flagsKey: string;
  readonly auditKey: string;
  private readonly retentionMs: number;

  constructor(
    private readonly client: RedisClient,
    options: RedisFlagStoreOptions,
  ) {
    const tag = new IntakeKeys(options.prefix).bullPrefix;
    this.flagsKey = `${tag}:flags`;
    this.auditKey = `${tag}:flags:audit`;
    this.retentionMs = options.auditRetentionMs;
    if (!Number.isSafeInteger(this.retentionMs) || this.retentionMs < 1) throw new RangeError(`flag audit retention must be a positive number of ms, got ${this.retentionMs}`);
  }

  async flag(flag: Flag): Promise<void> {
    const results = await this.client
      .multi()
      .hset(this.flagsKey, flagFieldOf(flag.identity), JSON.stringify(flag))
      .xadd(this.auditKey, 'MINID', '~', this.minId(), '*', ...auditFields('flag', flag.identity, flag.reason, flag.by, flag.at, flag.expiresAt))
      .exec();
    failed(results);
  }

  async unflag(identity: Identity, by: string, reason: string, at: string): Promise<Flag | null> {
    const field = flagFieldOf(identity);
    const results = await this.client
      .multi()
      .hget(this.flagsKey, field)
      .hdel(this.flagsKey, field)
      .xadd(this.auditKey, 'MINID', '~', this.minId(), '*', ...auditFields('unflag', identity, reason, by, at))
      .exec();
    failed(results);
    const removed = results?.[0]?.[1];
    return typeof removed === 'string' ? parseFlag(removed) : null;
  }

  async find(identities: readonly Identity[], nowMs: number): Promise<Flag[]> {
    if (identities.length === 0) return [];
    const values = await this.client.hmget(this.flagsKey, ...identities.map(flagFieldOf));
    return values.flatMap((value) => {
      const flag = value === null ? null : parseFlag(value);
      return flag !== null && Date.parse(flag.expiresAt) > nowMs ? [flag] : [];
    });
  }

  async list(nowMs: number): Promise<Flag[]> {
    const all = await this.client.hgetall(this.flagsKey);
    const current: Flag[] = [];
    const expired: string[] = [];
    for (const [field, value] of Object.entries(all)) {
      const flag = parseFlag(value);
      if (flag === null || Date.parse(flag.expiresAt) <= nowMs) expired.push(field);
      else current.push(flag);
    }
    // The audit log already says when each expired: nothing is lost by dropping them here.
    if (expired.length > 0) await this.client.hdel(this.flagsKey, ...expired);
    return current.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }

  async audit(count: number): Promise<FlagAuditEntry[]> {
    const entries = await this.client.xrevrange(this.auditKey, '+', '-', 'COUNT', count);
    return entries.flatMap(([id, fields]) => {
      const entry = auditEntryOf(id, fields);
      return entry === null ? [] : [entry];
    });
  }

  private minId(): string {
    return `${Math.max(0, Date.now() - this.retentionMs)}-0`;
  }
}

/** An identity's field in the flags hash (the one-script call check reads it too). */
export function flagFieldOf(identity: Identity): string {
  return `${identity.kind}:${identity.value}`;
}

function auditFields(action: 'flag' | 'unflag', identity: Identity, reason: string, by: string, at: string, expiresAt?: string): string[] {
  return ['action', action, 'kind', identity.kind, 'value', identity.value, 'reason', reason, 'by', by, 'at', at, ...(expiresAt === undefined ? [] : ['expiresAt', expiresAt])];
}

function auditEntryOf(id: string, fields: readonly string[]): FlagAuditEntry | null {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
  const action = map.get('action');
  const kind = map.get('kind') ?? '';
  if ((action !== 'flag' && action !== 'unflag') || !isIdentityKind(kind)) return null;
  const expiresAt = map.get('expiresAt');
  return {
    id,
    action,
    identity: { kind, value: map.get('value') ?? '' },
    reason: map.get('reason') ?? '',
    by: map.get('by') ?? '',
    at: map.get('at') ?? '',
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

/** A stored flag, or `null` when it is not one (what every reader of the hash applies, the one-script call check too). */
export function parseFlag(json: string): Flag | null {
  try {
    const value = JSON.parse(json) as Partial<Flag>;
    const identity = value.identity;
    if (identity === undefined || !isIdentityKind(identity.kind) || typeof value.expiresAt !== 'string') return null;
    return { identity, reason: value.reason ?? '', by: value.by ?? '', at: value.at ?? '', expiresAt: value.expiresAt };
  } catch {
    return null;
  }
}

function failed(results: [Error | null, unknown][] | null): void {
  if (results === null) throw new Error('flag transaction was aborted');
  for (const [err] of results) if (err !== null) throw err;
}
