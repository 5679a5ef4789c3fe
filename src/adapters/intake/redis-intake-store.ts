// Intake's records in Redis: the idempotency claims, each submission's record and status history, the ticket
// index and the sorted-set indexes `find` and the repeat hint read. Writes that must hang together are single Lua
// scripts, so a crash or a lost connection never leaves a claim without its record or a status in two indexes.
// Every Redis failure surfaces as `StoreUnavailableError`: the service then spools or answers "try again".

import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from '../redis/redis-connection.js';
import type { IdempotencyClaim, IntakeStore, RecentSubmission } from '../../app/intake/durable-intake-ports.js';
import { StoreUnavailableError } from '../../app/intake/durable-intake-ports.js';
import { matchesQuery, newestFirst, newestSubmissionFirst, receivedEntry, receivedMs } from '../../app/intake/intake-query.js';
import type { IntakeQuery, IntakeRecord } from '../../app/intake/intake-ports.js';
import { contactKeys } from '../../domain/intake/repeat.js';
import { CHANNELS, STATUSES } from '../../domain/intake/submission.js';
import type { Rating, Status, StatusEntry, Submission } from '../../domain/intake/submission.js';
import { dedupHash } from './intake-keys.js';
import type { IntakeKeys } from './intake-keys.js';
import { LuaScript } from '../redis/lua-script.js';
import type { ScriptCall } from '../redis/lua-script.js';
import { pipelineBatch, pipelineOutcomes, TickBatch } from '../redis/tick-batch.js';
import type { Outcome } from '../redis/tick-batch.js';

// A claim is one string, taken with SET NX EX (check, write and expiry in one command): its head (`claimHead`: the
// fingerprint and the dedup key, each after its length) then the submission JSON.
// It is pending while its dedup key's hash is in the pending-claims index, and queued once it left it: the mark
// after the job is in the queue is then one ZREM for a whole batch, not a write to every claim. Claims written by
// earlier versions are hashes with a 'state' field; they are still read ('queued' there counts) until they expire.
// The claims of one event-loop turn go in one script call (group commit), each as it would alone.
// KEYS: per claim, its claim, record, ticket, pending claims, then the indexes the record is filed under.
// ARGV: per claim, its numbers of KEYS and of args (LuaScript.runEach), then the claim head, submission JSON, TTL s,
// id, receivedAt ms, the dedup key's hash, claimed-at ms. Answers per claim: false when it is now this submission's,
// else the earlier claim: {'s', state, claim string}, or {'h', state, fingerprint, submission JSON, dedup key} for a hash.
// A new record's history list stays empty: its 'received' entry is implicit (readers make it from the record), and
// the first status change writes it before its own (APPEND_STATUS), so a submission costs no history write.
const CLAIM_MANY = new LuaScript(`
local replies = {}
-- Index entries are gathered and written at the end, one ZADD per index for the whole batch: the shared indexes
-- (time, change, channel, status, pending claims) then cost a command per batch, not per claim.
local adds, order = {}, {}
local function add(key, score, member)
  local list = adds[key]
  if list == nil then
    list = {}
    adds[key] = list
    order[#order + 1] = key
  end
  list[#list + 1] = score
  list[#list + 1] = member
end
local k = 0
local a = 1
while a <= #ARGV do
  local n, na = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 1
  local claim, record, ticket, pending = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4]
  if redis.call('SET', claim, ARGV[a + 1] .. ARGV[a + 2], 'EX', ARGV[a + 3], 'NX') then
    add(pending, ARGV[a + 7], ARGV[a + 6])
    if redis.call('EXISTS', record) == 0 then
      redis.call('HSET', record, 'submission', ARGV[a + 2], 'status', 'received', 'receivedMs', ARGV[a + 5])
      redis.call('SET', ticket, ARGV[a + 4], 'NX')
      for i = k + 5, k + n do add(KEYS[i], ARGV[a + 5], ARGV[a + 4]) end
    end
    replies[#replies + 1] = false
  else
    local state = 'queued'
    if redis.call('ZSCORE', pending, ARGV[a + 6]) then state = 'pending' end
    if redis.call('TYPE', claim)['ok'] == 'hash' then
      local old = redis.call('HMGET', claim, 'fingerprint', 'state', 'submission', 'dedupKey')
      if old[2] == 'queued' then state = 'queued' end
      replies[#replies + 1] = {'h', state, old[1], old[3], old[4]}
    else
      replies[#replies + 1] = {'s', state, redis.call('GET', claim)}
    end
  end
  k = k + n
  a = a + 1 + na
end
for _, key in ipairs(order) do redis.call('ZADD', key, unpack(adds[key])) end
return replies
`);

// KEYS: record, history, change index, then one status index per ARGV[5..] status name.
// ARGV: id, history entry JSON, status, now ms, status names.
const APPEND_STATUS = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local ms = redis.call('HGET', KEYS[1], 'receivedMs')
-- The implicit 'received' entry of a record claimed without one becomes explicit before the first change.
if redis.call('LLEN', KEYS[2]) == 0 then
  local at = cjson.decode(redis.call('HGET', KEYS[1], 'submission'))['receivedAt']
  redis.call('RPUSH', KEYS[2], cjson.encode({status = 'received', at = at}))
end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[1], 'status', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
for i = 4, #KEYS do
  if ARGV[i + 1] == ARGV[3] then redis.call('ZADD', KEYS[i], ms, ARGV[1]) else redis.call('ZREM', KEYS[i], ARGV[1]) end
end
return 1
`);

// A citizen rates a case once: the first rating stays (the caller sees it in the returned record and can tell
// whether it was theirs), so two ratings racing each other cannot overwrite one another.
// KEYS: record, change index. ARGV: rating JSON, id, now ms.
const SET_RATING = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HSETNX', KEYS[1], 'rating', ARGV[1]) == 1 then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2]) end
return 1
`);

// Deletes one record unless it changed after the cutoff meanwhile (another replica's sweep, or a status update
// between reading the record and this script). The ticket key goes only while it still names this record.
// KEYS: change index, record, history, its follow-ups, ticket, then the indexes it is filed under.
// ARGV: id, cutoff ms, '1' when KEYS[5] is the ticket ('0': the record was gone, its ticket unknown).
const PURGE = new LuaScript(`
local changed = redis.call('ZSCORE', KEYS[1], ARGV[1])
if changed and tonumber(changed) >= tonumber(ARGV[2]) then return 0 end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
if ARGV[3] == '1' and redis.call('GET', KEYS[5]) == ARGV[1] then redis.call('DEL', KEYS[5]) end
for i = 6, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
`);

interface Scored {
  readonly id: string;
  readonly score: number;
}

export interface RedisIntakeStoreOptions {
  /** How long a dedup key is remembered; must outlive the job's removal from the queue. */
  readonly idempotencyTtlSeconds: number;
  /** Index entries read per round trip by `find`. */
  readonly pageSize?: number;
  /** Claim times, for finding stalled claims (default `Date.now`). */
  readonly now?: () => number;
}

interface IndexHead {
  readonly key: string;
  readonly limit: number;
}

export class RedisIntakeStore implements IntakeStore {
  private readonly pageSize: number;
  /** Every submission claims and looks up its contact: concurrent ones share a pipeline for each. */
  private readonly claimInBatch: TickBatch<ScriptCall, unknown>;
  private readonly newestInBatch: TickBatch<IndexHead, unknown>;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: IntakeKeys,
    private readonly options: RedisIntakeStoreOptions,
  ) {
    if (!Number.isSafeInteger(options.idempotencyTtlSeconds) || options.idempotencyTtlSeconds < 1) {
      throw new RangeError(`idempotency TTL must be a positive number of seconds, got ${options.idempotencyTtlSeconds}`);
    }
    this.pageSize = options.pageSize ?? 200;
    this.claimInBatch = new TickBatch(async (calls) =>
      (await CLAIM_MANY.runEach(this.client, calls, 'intake claim')).map((value): Outcome<unknown> => ({ ok: true, value })),
    );
    this.newestInBatch = pipelineBatch(this.client, (pipeline, { key, limit }: IndexHead) => pipeline.zrevrangebyscore(key, '+inf', '-inf', 'WITHSCORES', 'LIMIT', 0, limit));
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async claim(claim: IdempotencyClaim): Promise<IdempotencyClaim | null> {
    const s = claim.submission;
    const ms = receivedMs(s);
    const indexes = [this.keys.byTime, this.keys.byChange, this.keys.byChannel(s.channel), this.keys.byStatus('received')];
    if (s.refs.open311ServiceCode !== undefined) indexes.push(this.keys.byServiceCode(s.refs.open311ServiceCode));
    for (const key of contactKeys(s.contact)) indexes.push(this.keys.byContact(key));
    // Filed like an index, so the first request lists its follow-ups in arrival order.
    if (s.refs.followUpOf !== undefined) indexes.push(this.keys.followUps(s.refs.followUpOf));
    const hash = dedupHash(claim.dedupKey);
    const reply = await this.redis(() =>
      this.claimInBatch.run({
        keys: [
          this.keys.idempotencyByHash(hash),
          this.keys.record(s.id),
          this.keys.ticket(s.ticket),
          this.keys.pendingClaims,
          ...indexes,
        ],
        args: [
          claimHead(claim.fingerprint, claim.dedupKey),
          JSON.stringify(s),
          this.options.idempotencyTtlSeconds,
          s.id,
          ms,
          hash,
          this.now(),
        ],
      }),
    );
    if (reply === null) return null;
    const [kind, state, ...fields] = reply as (string | null)[];
    const existing = kind === 's' ? parseClaimString(fields[0] ?? null, state ?? null) : kind === 'h' ? parseClaim(claim.dedupKey, [fields[0] ?? null, state ?? null, fields[1] ?? null]) : null;
    if (existing === null) throw new Error('intake claim script returned an unreadable claim');
    return existing;
  }

  async markQueued(dedupKeys: readonly string[]): Promise<void> {
    if (dedupKeys.length === 0) return;
    await this.redis(() => this.client.zrem(this.keys.pendingClaims, ...dedupKeys.map(dedupHash)));
  }

  async stalledClaims(claimedBeforeMs: number, limit: number): Promise<IdempotencyClaim[]> {
    const hashes = await this.redis(() => this.client.zrangebyscore(this.keys.pendingClaims, '-inf', claimedBeforeMs, 'LIMIT', 0, limit));
    const claims: IdempotencyClaim[] = [];
    for (const hash of hashes) {
      const claim = await this.redis(() => this.readClaim(this.keys.idempotencyByHash(hash)));
      if (claim === null || claim.state === 'queued') {
        // Expired, or queued by a path that crashed before tidying up: nothing left to finish.
        await this.redis(() => this.client.zrem(this.keys.pendingClaims, hash));
        continue;
      }
      claims.push(claim);
    }
    return claims;
  }

  /** A claim as stored: a string, or a hash left by an earlier version; `null` when gone. Listed claims are pending. */
  private async readClaim(key: string): Promise<IdempotencyClaim | null> {
    try {
      return parseClaimString(await this.client.get(key), 'pending');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('WRONGTYPE')) throw err;
    }
    const fields = await this.client.hmget(key, 'fingerprint', 'state', 'submission', 'dedupKey');
    const dedupKey = fields[3];
    return typeof dedupKey === 'string' ? parseClaim(dedupKey, fields) : null;
  }

  async aliasTicket(ticket: string, id: string): Promise<void> {
    await this.redis(() => this.client.set(this.keys.ticket(ticket), id, 'NX'));
  }

  async get(id: string): Promise<IntakeRecord | null> {
    return (await this.loadMany([id]))[0] ?? null;
  }

  async idByTicket(ticket: string): Promise<string | null> {
    return await this.redis(() => this.client.get(this.keys.ticket(ticket)));
  }

  async find(query: IntakeQuery): Promise<IntakeRecord[]> {
    if (query.limit <= 0) return [];
    if (query.ids !== undefined) {
      const records = await this.loadMany([...new Set(query.ids)]);
      return records.filter((r) => matchesQuery(r, query)).sort(newestFirst).slice(0, query.limit);
    }
    const min = query.fromMs ?? '-inf';
    const max = query.toMs ?? '+inf';
    // Drive the scan by the narrowest index at hand; the rest of the query is checked on each record.
    const driving =
      query.open311ServiceCode !== undefined
        ? [this.keys.byServiceCode(query.open311ServiceCode)]
        : query.status !== undefined
          ? [...new Set(query.status)].map((status) => this.keys.byStatus(status))
          : query.channel !== undefined
            ? [this.keys.byChannel(query.channel)]
            : [this.keys.byTime];
    const merged = new MergedIndex(driving.map((key) => new IndexCursor(this, key, min, max, this.pageSize)));
    const found: IntakeRecord[] = [];
    const seen = new Set<string>();
    for (;;) {
      const ids: string[] = [];
      while (ids.length < this.pageSize) {
        const next = await merged.next();
        if (next === null) break;
        if (seen.has(next.id)) continue;
        seen.add(next.id);
        ids.push(next.id);
      }
      if (ids.length === 0) return found;
      for (const record of await this.loadMany(ids)) {
        if (!matchesQuery(record, query)) continue;
        found.push(record);
        if (found.length >= query.limit) return found;
      }
    }
  }

  async recentByContact(keys: readonly string[], limit: number): Promise<RecentSubmission[]> {
    if (keys.length === 0 || limit <= 0) return [];
    // Batched with other submissions' lookups; the records follow only for a contact seen before.
    const lists = await this.redis(() =>
      Promise.all(keys.map(async (key) => scored((await this.newestInBatch.run({ key: this.keys.byContact(key), limit })) as string[]))),
    );
    const ids = [...new Map(lists.flat().sort(byScoreThenIdDesc).map((e) => [e.id, e])).keys()].slice(0, limit);
    if (ids.length === 0) return [];
    const replies = await this.pipelined(ids.length, (pipeline) => {
      for (const id of ids) pipeline.hmget(this.keys.record(id), 'submission', 'status');
    });
    const recent: RecentSubmission[] = [];
    for (const fields of replies) {
      const [submission, status] = fields as (string | null)[];
      if (typeof submission !== 'string') continue;
      recent.push({ submission: JSON.parse(submission) as Submission, status: isStatus(status) ? status : 'received' });
    }
    return recent.sort((a, b) => newestSubmissionFirst(a.submission, b.submission));
  }

  async appendStatus(id: string, entry: StatusEntry): Promise<IntakeRecord | null> {
    const updated = await this.redis(() =>
      APPEND_STATUS.run(
        this.client,
        [this.keys.record(id), this.keys.history(id), this.keys.byChange, ...STATUSES.map((status) => this.keys.byStatus(status))],
        [id, JSON.stringify(entry), entry.status, this.now(), ...STATUSES],
      ),
    );
    return updated === 1 ? await this.get(id) : null;
  }

  async setRating(id: string, rating: Rating): Promise<IntakeRecord | null> {
    const updated = await this.redis(() => SET_RATING.run(this.client, [this.keys.record(id), this.keys.byChange], [JSON.stringify(rating), id, this.now()]));
    return updated === 1 ? await this.get(id) : null;
  }

  async purgeStale(changedBeforeMs: number, limit: number): Promise<{ examined: number; purged: number }> {
    if (limit <= 0) return { examined: 0, purged: 0 };
    // Exclusive of the cutoff, as the script's own check is.
    const ids = await this.redis(() => this.client.zrangebyscore(this.keys.byChange, '-inf', `(${changedBeforeMs}`, 'LIMIT', 0, limit));
    if (ids.length === 0) return { examined: 0, purged: 0 };
    const replies = await this.pipelined(ids.length, (pipeline) => {
      for (const id of ids) pipeline.hget(this.keys.record(id), 'submission');
    });
    const calls = ids.map((id, i) => {
      const reply = replies[i];
      const submission = typeof reply === 'string' ? (JSON.parse(reply) as Submission) : null;
      return { keys: this.purgeKeys(id, submission), args: [id, changedBeforeMs, submission === null ? '0' : '1'] };
    });
    const outcomes = await this.redis(() => PURGE.runMany(this.client, calls));
    let purged = 0;
    for (const outcome of outcomes) {
      if (!outcome.ok) throw new StoreUnavailableError(`Redis: ${outcome.error.message}`, { cause: outcome.error });
      if (outcome.value === 1) purged += 1;
    }
    return { examined: ids.length, purged };
  }

  /** What `PURGE` deletes for a record; without the record (gone already), every index it could be in but its contacts'. */
  private purgeKeys(id: string, s: Submission | null): string[] {
    const keys = [this.keys.byChange, this.keys.record(id), this.keys.history(id), this.keys.followUps(id)];
    // Without the record its ticket is unknown: the slot repeats the record's key, and ARGV tells the script.
    keys.push(s === null ? this.keys.record(id) : this.keys.ticket(s.ticket));
    keys.push(this.keys.byTime, ...STATUSES.map((status) => this.keys.byStatus(status)));
    if (s === null) {
      keys.push(...CHANNELS.map((channel) => this.keys.byChannel(channel)));
      return keys;
    }
    keys.push(this.keys.byChannel(s.channel));
    if (s.refs.open311ServiceCode !== undefined) keys.push(this.keys.byServiceCode(s.refs.open311ServiceCode));
    for (const key of contactKeys(s.contact)) keys.push(this.keys.byContact(key));
    if (s.refs.followUpOf !== undefined) keys.push(this.keys.followUps(s.refs.followUpOf));
    return keys;
  }

  /** Index entries, highest score first, from `offset`. */
  async rangeByScore(key: string, max: number | string, min: number | string, offset: number, count: number): Promise<Scored[]> {
    return scored(await this.redis(() => this.client.zrevrangebyscore(key, max, min, 'WITHSCORES', 'LIMIT', offset, count)));
  }

  /** The records that exist, in the order asked for. */
  private async loadMany(ids: readonly string[]): Promise<IntakeRecord[]> {
    if (ids.length === 0) return [];
    const replies = await this.pipelined(3 * ids.length, (pipeline) => {
      for (const id of ids) {
        pipeline.hmget(this.keys.record(id), 'submission', 'rating');
        pipeline.lrange(this.keys.history(id), 0, -1);
        pipeline.zrange(this.keys.followUps(id), 0, -1);
      }
    });
    const records: IntakeRecord[] = [];
    for (let i = 0; i < ids.length; i++) {
      const [fields, history, followUps] = replies.slice(3 * i, 3 * i + 3);
      const [submission, rating] = fields as (string | null)[];
      if (submission === null || submission === undefined) continue;
      records.push(toRecord(submission, rating ?? null, history as string[], followUps as string[]));
    }
    return records;
  }

  /** The replies to the commands `add` puts in one pipeline, in order; any failed or missing one is `StoreUnavailableError`. */
  private async pipelined(expected: number, add: (pipeline: ChainableCommander) => void): Promise<unknown[]> {
    const outcomes = await this.redis(async () => {
      const pipeline = this.client.pipeline();
      add(pipeline);
      return pipelineOutcomes(await pipeline.exec(), expected);
    });
    return outcomes.map((outcome) => {
      if (!outcome.ok) throw new StoreUnavailableError(`Redis: ${outcome.error.message}`, { cause: outcome.error });
      return outcome.value;
    });
  }

  private async redis<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      throw new StoreUnavailableError(`Redis: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}

function toRecord(submissionJson: string, ratingJson: string | null, historyJson: readonly string[], followUps: readonly string[]): IntakeRecord {
  const submission = JSON.parse(submissionJson) as Submission;
  const history = historyJson.map((entry) => JSON.parse(entry) as StatusEntry);
  const record: IntakeRecord = {
    submission,
    history: history.length > 0 ? history : [receivedEntry(submission)],
    ...(followUps.length > 0 ? { followUps } : {}),
  };
  return ratingJson === null ? record : { ...record, rating: JSON.parse(ratingJson) as Rating };
}

/** A `WITHSCORES` reply: member, score, member, score... */
function scored(flat: readonly string[]): Scored[] {
  const out: Scored[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i] ?? '', score: Number(flat[i + 1]) });
  return out;
}

/** The start of a claim string: fingerprint and dedup key, each after its length, so neither needs escaping. */
function claimHead(fingerprint: string, dedupKey: string): string {
  return `${fingerprint.length}:${fingerprint}${dedupKey.length}:${dedupKey}`;
}

/** A claim string (`claimHead`, then the submission JSON); `null` when absent or unreadable. */
function parseClaimString(value: string | null, state: string | null): IdempotencyClaim | null {
  if (value === null) return null;
  const fingerprint = lengthPrefixed(value, 0);
  if (fingerprint === null) return null;
  const dedupKey = lengthPrefixed(value, fingerprint.end);
  if (dedupKey === null) return null;
  return {
    dedupKey: dedupKey.text,
    fingerprint: fingerprint.text,
    submission: JSON.parse(value.slice(dedupKey.end)) as Submission,
    state: state === 'queued' ? 'queued' : 'pending',
  };
}

function lengthPrefixed(value: string, from: number): { text: string; end: number } | null {
  const colon = value.indexOf(':', from);
  if (colon < 0) return null;
  const length = Number(value.slice(from, colon));
  if (!Number.isSafeInteger(length) || length < 0 || colon + 1 + length > value.length) return null;
  return { text: value.slice(colon + 1, colon + 1 + length), end: colon + 1 + length };
}

function parseClaim(dedupKey: string, fields: readonly (string | null)[]): IdempotencyClaim | null {
  const [fingerprint, state, submission] = fields;
  if (typeof fingerprint !== 'string' || typeof submission !== 'string') return null;
  return {
    dedupKey,
    fingerprint,
    submission: JSON.parse(submission) as Submission,
    state: state === 'queued' ? 'queued' : 'pending',
  };
}

function isStatus(value: string | null | undefined): value is Status {
  return (STATUSES as readonly (string | null | undefined)[]).includes(value);
}

function byScoreThenIdDesc(a: Scored, b: Scored): number {
  return b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Pages through one sorted-set index, highest score first. */
class IndexCursor {
  private buffer: Scored[] = [];
  private offset = 0;
  private exhausted = false;

  constructor(
    private readonly store: RedisIntakeStore,
    private readonly key: string,
    private readonly min: number | string,
    private readonly max: number | string,
    private readonly pageSize: number,
  ) {}

  async peek(): Promise<Scored | null> {
    if (this.buffer.length === 0 && !this.exhausted) {
      const page = await this.store.rangeByScore(this.key, this.max, this.min, this.offset, this.pageSize);
      this.offset += page.length;
      if (page.length < this.pageSize) this.exhausted = true;
      this.buffer = page;
    }
    return this.buffer[0] ?? null;
  }

  take(): void {
    this.buffer.shift();
  }
}

/** Several indexes read as one, newest first (status queries naming more than one status). */
class MergedIndex {
  constructor(private readonly cursors: readonly IndexCursor[]) {}

  async next(): Promise<Scored | null> {
    const heads = await Promise.all(this.cursors.map((cursor) => cursor.peek()));
    let best = -1;
    heads.forEach((head, i) => {
      const current = heads[best];
      if (head !== null && (current === undefined || current === null || byScoreThenIdDesc(head, current) < 0)) best = i;
    });
    const head = heads[best];
    if (head === undefined || head === null) return null;
    this.cursors[best]?.take();
    return head;
  }
}
