// Given several intake shards (each with its own counter starting at 1) under one case secret, when each issues
// tickets, then no two shards ever issue the same ticket, the shard of any ticket is read back from it, and
// INTAKE_SHARD's text is refused with a message naming the fault.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacCaseKeys } from '../../../src/adapters/intake/case-secret.js';
import { SCRAMBLE_DOMAIN, scrambledTicket } from '../../../src/domain/access/ticket-cipher.js';
import { lastSequenceOf, MAX_TICKET_SHARDS, parseTicketShard, shardedSequence, shardOfTicket, SINGLE_SHARD } from '../../../src/domain/access/ticket-shard.js';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';

const { ticketPrf } = hmacCaseKeys('a test secret of at least thirty-two characters');

describe('parseTicketShard', () => {
  it('reads INDEX/COUNT', () => {
    expect(parseTicketShard('0/1')).toEqual(SINGLE_SHARD);
    expect(parseTicketShard(' 7/8 ')).toEqual({ index: 7, count: 8 });
    expect(parseTicketShard(`0/${MAX_TICKET_SHARDS}`)).toEqual({ index: 0, count: MAX_TICKET_SHARDS });
  });

  it('names what is wrong', () => {
    expect(parseTicketShard('3')).toMatch(/expected INDEX\/COUNT/);
    expect(parseTicketShard('-1/4')).toMatch(/expected INDEX\/COUNT/);
    expect(parseTicketShard('1/0')).toBe('the count must be 1 to 1000, got 0');
    expect(parseTicketShard('4/4')).toBe('the index counts from 0, so it must be below the count 4, got 4');
  });
});

describe('sharded tickets', () => {
  it('leave a single shard\'s tickets as they were before shards', () => {
    for (const seq of [1, 2, 999, 123_456]) expect(shardedSequence(seq, SINGLE_SHARD)).toBe(seq);
    expect(lastSequenceOf(SINGLE_SHARD)).toBe(SCRAMBLE_DOMAIN - 1);
  });

  it('never give two shards the same ticket: eight shards, each counting from 1', () => {
    const count = 8;
    const seen = new Map<string, number>();
    for (let index = 0; index < count; index++) {
      for (let seq = 1; seq <= 2000; seq++) {
        const ticket = scrambledTicket(shardedSequence(seq, { index, count }), ticketPrf);
        expect(seen.get(ticket)).toBeUndefined();
        seen.set(ticket, index);
      }
    }
    expect(seen.size).toBe(count * 2000);
  });

  it('read the issuing shard back from any ticket, and nothing from a ticket made before shards', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_TICKET_SHARDS }).chain((count) => fc.tuple(fc.constant(count), fc.nat({ max: count - 1 }))), fc.integer({ min: 1, max: 10_000_000 }), ([count, index], seq) => {
        const ticket = scrambledTicket(shardedSequence(seq, { index, count }), ticketPrf);
        expect(shardOfTicket(ticket, ticketPrf, count)).toBe(index);
      }),
      { numRuns: 300 },
    );
    expect(shardOfTicket(ticketFromSequence(42), ticketPrf, 8)).toBeNull();
  });

  it('stop before a shard\'s tickets would outgrow their digits', () => {
    const shard = { index: 999, count: 1000 };
    const last = lastSequenceOf(shard);
    expect(shardedSequence(last, shard)).toBeLessThan(SCRAMBLE_DOMAIN);
    expect(shardedSequence(last + 1, shard)).toBeGreaterThanOrEqual(SCRAMBLE_DOMAIN);
  });
});
