// A deployment past one Redis slot runs several intake shards (a hotline or district each, with its own
// `INTAKE_PREFIX`, ticket counter and BullMQ queue). Their counters all start at 1, so under one case secret the
// same sequence number would give two cases the same ticket. Shard `i` of `n` therefore permutes `seq * n + i`:
// the shards' inputs never meet, the permutation is a bijection, so their tickets never collide, and the shard a
// ticket came from is read back by inverting the permutation (a citizen's ticket does not show their district).

import { SCRAMBLED_DIGITS, SCRAMBLE_DOMAIN, unscramble } from './ticket-cipher.js';
import type { Prf } from './ticket-cipher.js';

export interface TicketShard {
  /** This shard's number, 0 to `count - 1`. */
  readonly index: number;
  /** How many shards share the case secret. */
  readonly count: number;
}

/** Shards a deployment may have; each still has 10^11 / count tickets (10^8 at the most shards). */
export const MAX_TICKET_SHARDS = 1000;

export const SINGLE_SHARD: TicketShard = { index: 0, count: 1 };

const SHARD_FORM = /^(\d{1,4})\/(\d{1,4})$/;

/** `"i/n"` (shard i of n, i from 0), or an error message naming what is wrong. */
export function parseTicketShard(text: string): TicketShard | string {
  const match = SHARD_FORM.exec(text.trim());
  if (match === null) return 'expected INDEX/COUNT, e.g. 0/1 for one shard or 2/8 for the third of eight';
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_TICKET_SHARDS) return `the count must be 1 to ${MAX_TICKET_SHARDS}, got ${count}`;
  if (index >= count) return `the index counts from 0, so it must be below the count ${count}, got ${index}`;
  return { index, count };
}

/** What the permutation is given for the `seq`-th ticket of `shard`. */
export function shardedSequence(seq: number, shard: TicketShard): number {
  return seq * shard.count + shard.index;
}

/** The largest sequence number a shard can issue before its tickets would need more digits. */
export function lastSequenceOf(shard: TicketShard): number {
  return Math.floor((SCRAMBLE_DOMAIN - 1 - shard.index) / shard.count);
}

/**
 * The shard whose counter issued `ticket`, or `null` for a ticket this scheme did not make (the older 9-10 digit
 * tickets, which predate shards, or a wrong length). The caller has checked the Luhn digit.
 */
export function shardOfTicket(ticket: string, prf: Prf, count: number): number | null {
  if (ticket.length !== SCRAMBLED_DIGITS + 1) return null;
  return unscramble(Number(ticket.slice(0, -1)), prf) % count;
}
