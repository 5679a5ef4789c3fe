// Given a lease of ticket numbers over a shared sequence, when tickets are taken while the sequence answers or
// not, then numbers are handed out in order (as the keyed permutation of the sequence), refilled ahead of need,
// never twice, and refused only when none is left or the keys cannot be had.

import { describe, expect, it } from 'vitest';
import { silentLog } from '../../../src/app/app-ports.js';
import type { SequenceBlocks } from '../../../src/app/intake/durable-intake-ports.js';
import { StoreUnavailableError } from '../../../src/app/intake/durable-intake-ports.js';
import { IntakeUnavailableError } from '../../../src/app/intake/intake-ports.js';
import { TicketLease } from '../../../src/app/intake/ticket-lease.js';
import type { Clock } from '../../../src/app/ports.js';
import type { CaseKeySource } from '../../../src/app/access/case-keys.js';
import { hmacCaseKeys } from '../../../src/adapters/intake/case-secret.js';
import { unscramble } from '../../../src/domain/access/ticket-cipher.js';

const KEYS = hmacCaseKeys('a test secret of at least thirty-two characters');

class Keys implements CaseKeySource {
  down = false;
  loads = 0;
  load() {
    this.loads++;
    return this.down ? Promise.reject(new StoreUnavailableError('Redis: connection refused')) : Promise.resolve(KEYS);
  }
}

/** The sequence number a ticket was made from: the permutation undone, check digit dropped. */
function sequenceFromTicket(ticket: string): number {
  expect(ticket).toMatch(/^[0-9]{12}$/);
  return unscramble(Number(ticket.slice(0, -1)), KEYS.ticketPrf);
}

class Sequence implements SequenceBlocks {
  value = 0;
  down = false;
  calls = 0;
  async reserve(size: number): Promise<number> {
    this.calls++;
    if (this.down) throw new StoreUnavailableError('Redis: connection refused');
    this.value += size;
    return this.value;
  }
}

function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return { now: () => now, setTimer: () => ({ cancel: () => undefined }), advance: (ms) => (now += ms) };
}

async function take(lease: TicketLease, count: number): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < count; i++) seqs.push(sequenceFromTicket(await lease.take()));
  return seqs;
}

describe('TicketLease', () => {
  it('hands out the reserved block in order and reserves the next one once half is used', async () => {
    const sequence = new Sequence();
    const lease = new TicketLease(sequence, new Keys(), { blockSize: 10, retryAfterSeconds: 5 }, manualClock(), silentLog);
    expect(await take(lease, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(sequence.calls).toBe(1);
    expect(await take(lease, 1)).toEqual([6]);
    // Fewer than half left after the sixth: the next block was reserved in the background.
    await Promise.resolve();
    expect(sequence.calls).toBe(2);
    expect(await take(lease, 9)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('skips numbers another holder reserved, and never gives a number twice', async () => {
    const sequence = new Sequence();
    const a = new TicketLease(sequence, new Keys(), { blockSize: 4, retryAfterSeconds: 5 }, manualClock(), silentLog);
    const b = new TicketLease(sequence, new Keys(), { blockSize: 4, retryAfterSeconds: 5 }, manualClock(), silentLog);
    const seen = [...(await take(a, 3)), ...(await take(b, 3)), ...(await take(a, 5)), ...(await take(b, 5))];
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('shares one reservation between concurrent takers', async () => {
    const sequence = new Sequence();
    const lease = new TicketLease(sequence, new Keys(), { blockSize: 100, retryAfterSeconds: 5 }, manualClock(), silentLog);
    const tickets = await Promise.all(Array.from({ length: 30 }, () => lease.take()));
    expect(new Set(tickets).size).toBe(30);
    expect(sequence.calls).toBe(1);
  });

  it('keeps issuing leased numbers while the sequence is down, then refuses with retry-after', async () => {
    const sequence = new Sequence();
    const clock = manualClock();
    const lease = new TicketLease(sequence, new Keys(), { blockSize: 4, retryAfterSeconds: 7, refillBackoffMs: 1000 }, clock, silentLog);
    await lease.prime();
    sequence.down = true;
    expect(await take(lease, 4)).toEqual([1, 2, 3, 4]);
    // One background attempt when the lease ran low, then quiet until the backoff passed.
    expect(sequence.calls).toBe(2);
    const refused = lease.take();
    await expect(refused).rejects.toBeInstanceOf(IntakeUnavailableError);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 7 });

    sequence.down = false;
    clock.advance(1000);
    expect(await take(lease, 1)).toEqual([5]);
  });

  it('issues no ticket until the keys can be loaded with a block, then permuted ones', async () => {
    const sequence = new Sequence();
    const keys = new Keys();
    keys.down = true;
    const lease = new TicketLease(sequence, keys, { blockSize: 10, retryAfterSeconds: 3 }, manualClock(), silentLog);
    await expect(lease.take()).rejects.toMatchObject({ retryAfterSeconds: 3 });
    keys.down = false;
    const tickets = [await lease.take(), await lease.take(), await lease.take()];
    expect(tickets.map(sequenceFromTicket)).toEqual([11, 12, 13]);
    // Consecutive numbers, unrelated tickets: no shared leading digits to walk from one to the next.
    expect(new Set(tickets.map((t) => t.slice(0, 6))).size).toBe(3);
  });

  it('rejects a block size that is not a positive integer', () => {
    expect(() => new TicketLease(new Sequence(), new Keys(), { blockSize: 0, retryAfterSeconds: 5 }, manualClock(), silentLog)).toThrow(RangeError);
  });
});
