// Tickets come from leased blocks of a shared sequence, so that a citizen still gets a ticket while Redis is down
// (the submission goes to the spool) and no ticket is ever issued twice, not even after a restart: a block that was
// not used up when the gateway stopped is simply lost. Each sequence number goes through the keyed permutation of
// `ticket-cipher.ts`, so tickets cannot be walked; the keys are loaded with the first block.

import { scrambledTicket } from '../../domain/access/ticket-cipher.js';
import { lastSequenceOf, shardedSequence, shardOfTicket, SINGLE_SHARD } from '../../domain/access/ticket-shard.js';
import type { TicketShard } from '../../domain/access/ticket-shard.js';
import type { CaseKeys, CaseKeySource } from '../access/case-keys.js';
import type { Log } from '../app-ports.js';
import type { Clock } from '../ports.js';
import type { SequenceBlocks, TicketSource } from './durable-intake-ports.js';
import { IntakeUnavailableError } from './intake-ports.js';

interface Block {
  next: number;
  readonly last: number;
}

export interface TicketLeaseOptions {
  /** Numbers per reserved block; a new block is reserved in the background once fewer than half are left. */
  readonly blockSize: number;
  /** What `IntakeUnavailableError` tells the channel when no ticket can be had. */
  readonly retryAfterSeconds: number;
  /** After a failed background refill, wait this long before the next (default 1000 ms). */
  readonly refillBackoffMs?: number;
  /** This intake's shard among those sharing the case secret (default: the only one). */
  readonly shard?: TicketShard;
}

export class TicketLease implements TicketSource {
  private readonly blocks: Block[] = [];
  private reserving: Promise<void> | null = null;
  private refillNotBefore = 0;
  private keys: CaseKeys | null = null;
  private readonly shard: TicketShard;

  constructor(
    private readonly source: SequenceBlocks,
    private readonly keySource: CaseKeySource,
    private readonly options: TicketLeaseOptions,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {
    if (!Number.isSafeInteger(options.blockSize) || options.blockSize < 1) {
      throw new RangeError(`ticket block size must be a positive integer, got ${options.blockSize}`);
    }
    this.shard = options.shard ?? SINGLE_SHARD;
  }

  /** Numbers left in the lease. */
  get remaining(): number {
    return this.blocks.reduce((sum, block) => sum + (block.last - block.next + 1), 0);
  }

  /** Reserves the first block now, so that tickets can be issued even if Redis goes away right after start-up. */
  async prime(): Promise<void> {
    if (this.remaining === 0) await this.reserve();
  }

  async take(): Promise<string> {
    for (;;) {
      const seq = this.takeLeased();
      // A block is only leased together with the keys (see `reserveBlock`).
      if (seq !== null && this.keys !== null) {
        this.refillWhenLow();
        if (seq > lastSequenceOf(this.shard)) {
          throw new IntakeUnavailableError(`ticket numbers of shard ${this.shard.index}/${this.shard.count} are used up (the counter is at ${seq})`, this.options.retryAfterSeconds);
        }
        return scrambledTicket(shardedSequence(seq, this.shard), this.keys.ticketPrf);
      }
      try {
        await this.reserve();
      } catch (err) {
        throw new IntakeUnavailableError('no ticket numbers are leased and none can be reserved now', this.options.retryAfterSeconds, {
          cause: err,
        });
      }
    }
  }

  /**
   * The shard that issued `ticket` when it is another shard's, else `null` (this shard's, a ticket from before
   * shards, or the keys cannot be had now): for telling a misrouted lookup from an unknown ticket.
   */
  async otherShard(ticket: string): Promise<number | null> {
    if (this.shard.count === 1) return null;
    let keys: CaseKeys;
    try {
      keys = this.keys ?? (await this.keySource.load());
    } catch {
      return null;
    }
    const shard = shardOfTicket(ticket, keys.ticketPrf, this.shard.count);
    return shard === null || shard === this.shard.index ? null : shard;
  }

  private takeLeased(): number | null {
    for (;;) {
      const block = this.blocks[0];
      if (block === undefined) return null;
      if (block.next <= block.last) return block.next++;
      this.blocks.shift();
    }
  }

  private refillWhenLow(): void {
    if (this.reserving !== null || this.remaining * 2 >= this.options.blockSize) return;
    if (this.clock.now() < this.refillNotBefore) return;
    this.reserve().catch((err: unknown) => {
      // Not fatal: the lease still holds numbers. Wait a little before asking again, not on every ticket.
      this.refillNotBefore = this.clock.now() + (this.options.refillBackoffMs ?? 1000);
      this.log.warn({ err: errorMessage(err), remaining: this.remaining }, 'could not reserve the next block of ticket numbers');
    });
  }

  /** One reservation at a time: concurrent callers share it. */
  private reserve(): Promise<void> {
    this.reserving ??= this.reserveBlock().finally(() => {
      this.reserving = null;
    });
    return this.reserving;
  }

  private async reserveBlock(): Promise<void> {
    const size = this.options.blockSize;
    const [last, keys] = await Promise.all([this.source.reserve(size), this.keySource.load()]);
    this.keys = keys;
    if (!Number.isSafeInteger(last) || last < size) {
      throw new RangeError(`ticket sequence returned ${last} for a block of ${size}: the sequence is corrupt`);
    }
    this.blocks.push({ next: last - size + 1, last });
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
