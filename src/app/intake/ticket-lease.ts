// Tickets come from leased blocks of a shared sequence, so that a citizen still gets a ticket while Redis is down
// (the submission goes to the spool) and no ticket is ever issued twice, not even after a restart: a block that was
// not used up when the gateway stopped is simply lost. Each sequence number goes through the keyed permutation of
// `ticket-cipher.ts`, so tickets cannot be walked; the keys are loaded with the first block.

import { scrambledTickets } from '../../domain/access/ticket-cipher.js';
import type { PrfMany } from '../../domain/access/ticket-cipher.js';
import { lastSequenceOf, shardedSequence, shardOfTicket, SINGLE_SHARD } from '../../domain/access/ticket-shard.js';
import type { TicketShard } from '../../domain/access/ticket-shard.js';
import type { CaseKeys, CaseKeySource } from '../access/case-keys.js';
import type { Log } from '../app-ports.js';
import type { Clock } from '../ports.js';
import type { SequenceBlocks, TicketSource } from './durable-intake-ports.js';
import { IntakeUnavailableError } from './intake-ports.js';

/**
 * Tickets made ahead from the lease at most: the permutation's ten rounds are then enciphered for all of them in ten
 * calls instead of ten calls each. Made tickets are the lease's next numbers, in order; a stop loses them with the
 * rest of the block, as before.
 */
const TICKETS_AHEAD = 32;

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
  /** Tickets of the lease's next numbers, already permuted, in order. */
  private ready: string[] = [];
  private readyNext = 0;
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
    return this.ready.length - this.readyNext + this.blocks.reduce((sum, block) => sum + (block.last - block.next + 1), 0);
  }

  /** Reserves the first block now, so that tickets can be issued even if Redis goes away right after start-up. */
  async prime(): Promise<void> {
    if (this.remaining === 0) await this.reserve();
  }

  async take(): Promise<string> {
    for (;;) {
      const ticket = this.takeReady();
      if (ticket !== null) {
        this.refillWhenLow();
        return ticket;
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

  /** The next made ticket, making the next few from the lease first when none is left; `null` when nothing is leased. */
  private takeReady(): string | null {
    if (this.readyNext < this.ready.length) return this.ready[this.readyNext++] as string;
    // A block is only leased together with the keys (see `reserveBlock`).
    const keys = this.keys;
    if (keys === null) return null;
    const last = lastSequenceOf(this.shard);
    const seqs: number[] = [];
    for (;;) {
      const block = this.blocks[0];
      if (block === undefined || seqs.length >= TICKETS_AHEAD) break;
      if (block.next > block.last) {
        this.blocks.shift();
        continue;
      }
      if (block.next > last) {
        if (seqs.length > 0) break;
        throw new IntakeUnavailableError(`ticket numbers of shard ${this.shard.index}/${this.shard.count} are used up (the counter is at ${block.next})`, this.options.retryAfterSeconds);
      }
      seqs.push(shardedSequence(block.next++, this.shard));
    }
    if (seqs.length === 0) return null;
    const prfMany: PrfMany = keys.ticketPrfMany ?? ((inputs) => inputs.map(keys.ticketPrf));
    this.ready = scrambledTickets(seqs, prfMany);
    this.readyNext = 1;
    return this.ready[0] as string;
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
