// The durable intake: every channel's `submit` ends here. A submission resolves only once it is durable — in the
// BullMQ queue (with its record in Redis), or fsynced to the local spool when Redis cannot take it — and exactly
// one job ever exists per dedup key. Reads come from Redis, plus the spool's memory for what waits there.

import { normaliseSubmission } from '../../domain/intake/normalise.js';
import { contactKeys, findRepeat } from '../../domain/intake/repeat.js';
import type { Rating, StatusEntry, Submission } from '../../domain/intake/submission.js';
import { isValidTicket, ticketFromSequence } from '../../domain/intake/ticket.js';
import { nextMonotonicUlid, ULID_RANDOM_BYTES } from '../../domain/intake/ulid.js';
import type { UlidState } from '../../domain/intake/ulid.js';
import type { Log } from '../app-ports.js';
import type { Clock } from '../ports.js';
import type { IdempotencyClaim, IntakeQueue, IntakeStore, RandomBytes, RecentSubmission, Spool, SpoolEntry, TicketSource } from './durable-intake-ports.js';
import { StoreUnavailableError } from './durable-intake-ports.js';
import type { Intake, IntakeQuery, IntakeRecord, SubmitOutcome, SubmitRequest } from './intake-ports.js';
import { IdempotencyConflictError, IntakeUnavailableError, SubmissionInvalidError } from './intake-ports.js';
import { matchesQuery, newestFirst, newestSubmissionFirst, OPEN_STATUSES, receivedEntry } from './intake-query.js';
import { QueuedWrite } from './queued-write.js';
import { SpoolForwarder } from './spool-forwarder.js';

/** Normalising needs a well-formed ticket; the real one is taken only once the draft is known to be valid. */
const VALIDATION_TICKET = ticketFromSequence(1);

/** How many of the contact's latest submissions the repeat check looks at. */
const REPEAT_LOOKBACK = 20;

export interface IntakeServiceDeps {
  readonly store: IntakeStore;
  readonly queue: IntakeQueue;
  readonly spool: Spool;
  readonly tickets: TicketSource;
  readonly clock: Clock;
  readonly randomBytes: RandomBytes;
  readonly log: Log;
}

export interface IntakeServiceOptions {
  /** What `IntakeUnavailableError` tells the channel when neither Redis nor the spool can take a submission. */
  readonly retryAfterSeconds: number;
  /** Wait before forwarding the spool again after Redis failed us. */
  readonly forwardRetryMs: number;
  /** A claim still pending after this long lost its submit and is queued by the forwarder (default 30 s). */
  readonly stalledClaimMs?: number;
  /** How often the forwarder looks for stalled claims (default 60 s). */
  readonly sweepMs?: number;
}

export class IntakeService implements Intake {
  private readonly store: IntakeStore;
  private readonly spool: Spool;
  private readonly tickets: TicketSource;
  private readonly clock: Clock;
  private readonly randomBytes: RandomBytes;
  private readonly log: Log;
  private readonly writer: QueuedWrite;
  /** Forwards the spool into Redis; `kick` it when Redis is back. */
  readonly forwarder: SpoolForwarder;
  private ulid: UlidState | null = null;
  private readonly spooledContactKeys = new WeakMap<Submission, readonly string[]>();

  constructor(
    deps: IntakeServiceDeps,
    private readonly options: IntakeServiceOptions,
  ) {
    this.store = deps.store;
    this.spool = deps.spool;
    this.tickets = deps.tickets;
    this.clock = deps.clock;
    this.randomBytes = deps.randomBytes;
    this.log = deps.log;
    this.writer = new QueuedWrite(deps.store, deps.queue, deps.log);
    this.forwarder = new SpoolForwarder(deps.spool, this.writer, deps.store, deps.clock, deps.log, {
      retryMs: options.forwardRetryMs,
      ...(options.stalledClaimMs !== undefined ? { stalledClaimMs: options.stalledClaimMs } : {}),
      ...(options.sweepMs !== undefined ? { sweepMs: options.sweepMs } : {}),
    });
  }

  async submit(request: SubmitRequest): Promise<SubmitOutcome> {
    checkRequest(request);
    const spooled = this.spool.byDedupKey(request.dedupKey);
    if (spooled !== undefined) return this.fromSpool(spooled, request.fingerprint, true);

    const nowMs = this.clock.now();
    const normalised = normaliseSubmission(request.draft, {
      id: this.nextId(nowMs),
      ticket: VALIDATION_TICKET,
      receivedAt: new Date(nowMs).toISOString(),
    });
    if (!normalised.ok) throw new SubmissionInvalidError(normalised.problems);

    // No separate look at the dedup key first: the claim answers with the earlier submission when the key is taken.
    // A retry thus reads the contact's history and takes a ticket number for nothing, which is rare and harmless
    // (numbers are never reused), and every first request saves a Redis round trip.
    const keys = contactKeys(normalised.submission.contact);
    let inRedis: Submission[] = [];
    let unavailable: StoreUnavailableError | null = null;
    try {
      inRedis = await this.openInRedis(keys);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      unavailable = err;
    }
    const previous = keys.length === 0 || this.spool.size === 0 ? inRedis : [...inRedis, ...this.spooledOf(keys)];
    const submission = withRepeat({ ...normalised.submission, ticket: await this.tickets.take() }, previous);
    const entry: SpoolEntry = { dedupKey: request.dedupKey, fingerprint: request.fingerprint, submission };
    // Redis failed the first command: spool now rather than wait for it (up to the command timeout) once more.
    if (unavailable !== null) return await this.toSpool(entry, unavailable);
    let existing: IdempotencyClaim | null;
    try {
      existing = await this.writer.claim(entry);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      return await this.toSpool(entry, err);
    }
    if (existing !== null) return await this.settleExisting(existing, request);
    try {
      await this.writer.finish(submission, request.dedupKey);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      // The claim holds this same submission, so the spooled copy cannot diverge from what Redis has.
      return await this.toSpool(entry, err);
    }
    this.logAccepted(submission, false, 'queued');
    return { submission, duplicate: false, durability: 'queued' };
  }

  /** Stops the forwarder and lets the claims queued so far be marked. */
  async close(): Promise<void> {
    await this.forwarder.stop();
    await this.writer.flushMarks();
  }

  async get(id: string): Promise<IntakeRecord | null> {
    const spooled = this.spool.byId(id);
    if (spooled !== undefined) return spooledRecord(spooled);
    return await this.read(() => this.store.get(id));
  }

  async getByTicket(ticket: string): Promise<IntakeRecord | null> {
    if (typeof ticket !== 'string' || !isValidTicket(ticket)) return null;
    const spooled = this.spool.byTicket(ticket);
    if (spooled !== undefined) return spooledRecord(spooled);
    const record = await this.read(async () => {
      const id = await this.store.idByTicket(ticket);
      return id === null ? null : await this.store.get(id);
    });
    if (record === null) await this.noteOtherShard(ticket);
    return record;
  }

  /** A lookup that reached the wrong shard answers like an unknown ticket, but operators see the routing fault. */
  private async noteOtherShard(ticket: string): Promise<void> {
    const shard = await this.tickets.otherShard?.(ticket);
    if (shard === undefined || shard === null) return;
    this.log.warn({ ticket, shard }, 'case lookup for a ticket of another intake shard: route it to that shard');
  }

  async find(query: IntakeQuery): Promise<IntakeRecord[]> {
    const fromRedis = await this.read(() => this.store.find(query));
    const ids = new Set(fromRedis.map((r) => r.submission.id));
    const fromSpool = this.spool
      .entries()
      .map(spooledRecord)
      .filter((r) => !ids.has(r.submission.id) && matchesQuery(r, query));
    if (fromSpool.length === 0) return fromRedis;
    return [...fromRedis, ...fromSpool].sort(newestFirst).slice(0, Math.max(0, query.limit));
  }

  async updateStatus(id: string, entry: StatusEntry): Promise<IntakeRecord | null> {
    return await this.updateRecord(id, () => this.store.appendStatus(id, entry));
  }

  async rate(id: string, rating: Rating): Promise<IntakeRecord | null> {
    return await this.updateRecord(id, () => this.store.setRating(id, rating));
  }

  /** A spooled submission has no Redis record to update yet: forward it first, then update. */
  private async updateRecord(id: string, update: () => Promise<IntakeRecord | null>): Promise<IntakeRecord | null> {
    return await this.read(async () => {
      const updated = await update();
      if (updated !== null) return updated;
      const spooled = this.spool.byId(id);
      if (spooled === undefined) return null;
      const result = await this.writer.write(spooled);
      this.spool.forwarded(spooled.dedupKey);
      return result.submission.id === id ? await update() : null;
    });
  }

  private async settleExisting(existing: IdempotencyClaim, request: SubmitRequest): Promise<SubmitOutcome> {
    try {
      const submission = await this.writer.settle(existing, request.fingerprint);
      this.logAccepted(submission, true, 'queued');
      return { submission, duplicate: true, durability: 'queued' };
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      const entry: SpoolEntry = { dedupKey: request.dedupKey, fingerprint: existing.fingerprint, submission: existing.submission };
      return await this.toSpool(entry, err, true);
    }
  }

  private async toSpool(entry: SpoolEntry, cause: StoreUnavailableError, duplicate = false): Promise<SubmitOutcome> {
    let stored: SpoolEntry;
    try {
      stored = await this.spool.append(entry);
    } catch (err) {
      this.log.error({ id: entry.submission.id, redis: cause.message, spool: errorMessage(err) }, 'intake unavailable: neither Redis nor the spool took the submission');
      throw new IntakeUnavailableError('intake cannot store submissions right now', this.options.retryAfterSeconds, { cause: err });
    }
    this.forwarder.schedule();
    if (stored.submission.id !== entry.submission.id) return this.fromSpool(stored, entry.fingerprint, true);
    this.log.warn({ id: stored.submission.id, ticket: stored.submission.ticket, err: cause.message }, 'Redis unavailable: submission spooled locally');
    this.logAccepted(stored.submission, duplicate, 'spooled');
    return { submission: stored.submission, duplicate, durability: 'spooled' };
  }

  private fromSpool(entry: SpoolEntry, fingerprint: string, duplicate: boolean): SubmitOutcome {
    if (entry.fingerprint !== fingerprint) throw new IdempotencyConflictError(entry.dedupKey, entry.submission.id);
    this.logAccepted(entry.submission, duplicate, 'spooled');
    return { submission: entry.submission, duplicate, durability: 'spooled' };
  }

  /**
   * The open requests filed under any of these contact keys (`contactKeys`), newest first, from Redis and the
   * spool: a repeat caller on the phone hears the newest one's progress. `IntakeUnavailableError` when Redis is away.
   */
  async openByContact(keys: readonly string[]): Promise<RecentSubmission[]> {
    const inRedis = await this.read(() => this.openRecentInRedis(keys));
    const ids = new Set(inRedis.map((r) => r.submission.id));
    const spooled: RecentSubmission[] =
      keys.length === 0 || this.spool.size === 0 ? [] : this.spooledOf(keys).filter((s) => !ids.has(s.id)).map((submission) => ({ submission, status: 'received' }));
    return [...inRedis, ...spooled].sort((a, b) => newestSubmissionFirst(a.submission, b.submission));
  }

  /** The contact's open submissions in Redis, for the repeat hint; throws `StoreUnavailableError`. */
  private async openInRedis(keys: readonly string[]): Promise<Submission[]> {
    return (await this.openRecentInRedis(keys)).map((r) => r.submission);
  }

  private async openRecentInRedis(keys: readonly string[]): Promise<RecentSubmission[]> {
    if (keys.length === 0) return [];
    const recent = await this.store.recentByContact(keys, REPEAT_LOOKBACK);
    return recent.filter((r) => OPEN_STATUSES.includes(r.status));
  }

  private spooledOf(keys: readonly string[]): Submission[] {
    const wanted = new Set(keys);
    return this.spool
      .entries()
      .map((e) => e.submission)
      .filter((s) => this.contactKeysOf(s).some((k) => wanted.has(k)));
  }

  /** Spooled submissions are checked again for every new one while Redis is down: work their keys out once. */
  private contactKeysOf(submission: Submission): readonly string[] {
    let keys = this.spooledContactKeys.get(submission);
    if (keys === undefined) {
      keys = contactKeys(submission.contact);
      this.spooledContactKeys.set(submission, keys);
    }
    return keys;
  }

  private async read<T>(load: () => Promise<T>): Promise<T> {
    try {
      return await load();
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      throw new IntakeUnavailableError('intake records cannot be read right now', this.options.retryAfterSeconds, { cause: err });
    }
  }

  private nextId(nowMs: number): string {
    const { id, state } = nextMonotonicUlid(this.ulid, nowMs, this.randomBytes(ULID_RANDOM_BYTES));
    this.ulid = state;
    return id;
  }

  /** Debug only: each channel writes the one info line per accepted submission, with what only it knows. */
  private logAccepted(submission: Submission, duplicate: boolean, durability: SubmitOutcome['durability']): void {
    this.log.debug(
      {
        id: submission.id,
        ticket: submission.ticket,
        channel: submission.channel,
        kind: submission.kind,
        priority: submission.priority,
        duplicate,
        durability,
        ...(submission.hints.repeatOf !== undefined ? { repeatOf: submission.hints.repeatOf.id } : {}),
      },
      duplicate ? 'submission retried: answered with the first one' : 'submission accepted',
    );
  }
}

function withRepeat(submission: Submission, previous: readonly Submission[]): Submission {
  if (previous.length === 0) return submission;
  const repeat = findRepeat(submission, previous);
  return repeat === null ? submission : { ...submission, hints: { ...submission.hints, repeatOf: repeat } };
}

function spooledRecord(entry: SpoolEntry): IntakeRecord {
  return { submission: entry.submission, history: [receivedEntry(entry.submission)] };
}

/** The dedup key and fingerprint come from channel code, not citizens; still, a blank one would merge unrelated requests. */
function checkRequest(request: SubmitRequest): void {
  const problems: { field: string; message: string }[] = [];
  if (typeof request.dedupKey !== 'string' || request.dedupKey.trim() === '') problems.push({ field: 'dedupKey', message: 'required: a non-empty string' });
  if (typeof request.fingerprint !== 'string' || request.fingerprint === '') problems.push({ field: 'fingerprint', message: 'required: a non-empty string' });
  if (problems.length > 0) throw new SubmissionInvalidError(problems);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
