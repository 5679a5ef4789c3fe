// What the durable intake service needs from the outside: the Redis side (records, indexes, idempotency claims),
// the queue, the local spool for when Redis is gone, and a source of ticket sequence numbers. The adapters in
// `src/adapters/intake/` implement these; the unit tests use in-memory versions.

import type { Rating, Status, StatusEntry, Submission } from '../../domain/intake/submission.js';
import type { IntakeQuery, IntakeRecord } from './intake-ports.js';

/** What a dedup key was first used for. */
export interface IdempotencyClaim {
  readonly dedupKey: string;
  readonly fingerprint: string;
  readonly submission: Submission;
  /** `pending` until the job is known to be in the queue; a `pending` claim is finished by whoever sees it next. */
  readonly state: 'pending' | 'queued';
}

/**
 * The store could not answer in time (Redis down, command timeout, connection not ready). The service falls back
 * to the spool for writes and answers "try again" for reads; any other error is a bug and propagates.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'INTAKE_STORE_UNAVAILABLE';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** A submission with its current status, as the repeat check reads it. */
export interface RecentSubmission {
  readonly submission: Submission;
  readonly status: Status;
}

export interface IntakeStore {
  /**
   * Atomically: when the dedup key is new, stores the `pending` claim together with the submission's record
   * (history `[received]`), its ticket and its indexes, and returns `null`. When the key is taken, writes nothing
   * and returns the existing claim.
   */
  claim(claim: IdempotencyClaim): Promise<IdempotencyClaim | null>;
  /** These claims' jobs are in the queue: later retries need not enqueue again, the stalled-claim sweep skips them. */
  markQueued(dedupKeys: readonly string[]): Promise<void>;
  /**
   * Claims still `pending` that were made before `claimedBeforeMs`, oldest first: their submit died between
   * claiming and queueing (a gateway crash) and nobody retried. Someone has to finish them.
   */
  stalledClaims(claimedBeforeMs: number, limit: number): Promise<IdempotencyClaim[]>;
  /** Makes `ticket` find submission `id` too (a spooled copy lost the race to an earlier one with the same key). */
  aliasTicket(ticket: string, id: string): Promise<void>;
  get(id: string): Promise<IntakeRecord | null>;
  idByTicket(ticket: string): Promise<string | null>;
  /** Newest first, at most `query.limit`. */
  find(query: IntakeQuery): Promise<IntakeRecord[]>;
  /** The newest submissions filed under any of these contact keys (see `contactKeys`), newest first. */
  recentByContact(keys: readonly string[], limit: number): Promise<RecentSubmission[]>;
  appendStatus(id: string, entry: StatusEntry): Promise<IntakeRecord | null>;
  setRating(id: string, rating: Rating): Promise<IntakeRecord | null>;
  /**
   * Deletes up to `limit` records (with history, ticket and index entries) whose last change (receipt, status,
   * rating) came before `changedBeforeMs`, oldest first. `examined` below `limit` means none older remain.
   */
  purgeStale(changedBeforeMs: number, limit: number): Promise<{ readonly examined: number; readonly purged: number }>;
}

export interface IntakeQueue {
  /**
   * Puts the submission into the queue as the job for `dedupKey`. Idempotent: adding the same key again never
   * makes a second job, also after the first was completed and removed (for as long as the claim lives).
   */
  enqueue(submission: Submission, dedupKey: string): Promise<void>;
}

/** One submission waiting in the local spool for Redis to come back. */
export interface SpoolEntry {
  readonly dedupKey: string;
  readonly fingerprint: string;
  readonly submission: Submission;
}

/** Entries of the segments closed by `Spool.seal`, and how to discard those segments once they are forwarded. */
export interface SealedSpool {
  /** Oldest first; only the entries not yet forwarded. */
  readonly entries: readonly SpoolEntry[];
  /** Deletes the sealed segments. Only call once every entry was forwarded: what is deleted is gone. */
  discard(): Promise<void>;
}

export interface Spool {
  /**
   * Appends the entry and resolves once it is on disk (fsynced). When an entry with the same dedup key is already
   * spooled (or being spooled), nothing is written and that earlier entry is returned instead: compare ids to tell.
   * Rejects when the disk refuses (full, read-only, permissions).
   */
  append(entry: SpoolEntry): Promise<SpoolEntry>;
  byDedupKey(dedupKey: string): SpoolEntry | undefined;
  byId(id: string): SpoolEntry | undefined;
  byTicket(ticket: string): SpoolEntry | undefined;
  /** Entries not yet forwarded, oldest first. */
  entries(): readonly SpoolEntry[];
  /** How many entries are not yet forwarded (the usual answer, 0, without copying `entries`). */
  readonly size: number;
  /** Later appends go to a new segment; returns what the earlier segments hold. */
  seal(): Promise<SealedSpool>;
  /** The entry is in Redis now: stop serving it from memory (its line stays on disk until `discard`). */
  forwarded(dedupKey: string): void;
}

/** Reserves blocks of ticket sequence numbers that no one else (and no later restart) will ever get. */
export interface SequenceBlocks {
  /** Reserves `size` numbers and returns the last of them: the block is `last - size + 1 .. last`. */
  reserve(size: number): Promise<number>;
}

export interface TicketSource {
  /** The next ticket; throws `IntakeUnavailableError` when none is leased and no block can be reserved. */
  take(): Promise<string>;
  /** The intake shard that issued `ticket` when it is not this one (see `ticket-shard.ts`), else `null`. */
  otherShard?(ticket: string): Promise<number | null>;
}

export type RandomBytes = (size: number) => Uint8Array;
