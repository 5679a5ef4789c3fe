// Given two intake shards (INTAKE_SHARD 0/2 and 1/2) with their own prefixes, counters and queues on the real
// Redis and one CASE_SECRET, when both take submissions, then their tickets never collide although both counters
// run from 1, each finds its own cases, and a lookup of the other shard's ticket answers "unknown" like any
// unknown ticket while the log names the shard that holds it.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hmacCaseKeys } from '../../../src/adapters/intake/case-secret.js';
import { scrambledTicket, unscramble } from '../../../src/domain/access/ticket-cipher.js';
import { shardedSequence } from '../../../src/domain/access/ticket-shard.js';
import { isValidTicket } from '../../../src/domain/intake/ticket.js';
import { IntakeFixture, request } from './intake-harness.js';

const CASE_SECRET = 'one secret for every shard of this hotline, 32+ chars';

let east: IntakeFixture;
let west: IntakeFixture;

beforeEach(async () => {
  [east, west] = await Promise.all([IntakeFixture.create(), IntakeFixture.create()]);
});

afterEach(async () => {
  await Promise.all([east.cleanup(), west.cleanup()]);
});

describe('intake shards under one case secret', () => {
  it('issue disjoint tickets from counters that both start at 1, and each finds only its own cases', async () => {
    const [a, b] = await Promise.all([
      east.open({ caseSecret: CASE_SECRET, ticketShard: { index: 0, count: 2 }, ticketBlock: 10 }),
      west.open({ caseSecret: CASE_SECRET, ticketShard: { index: 1, count: 2 }, ticketBlock: 10 }),
    ]);
    const eastTickets: string[] = [];
    const westTickets: string[] = [];
    for (let n = 1; n <= 25; n++) {
      eastTickets.push((await a.intake.submit(request(n))).submission.ticket);
      westTickets.push((await b.intake.submit(request(n))).submission.ticket);
    }
    expect(new Set([...eastTickets, ...westTickets]).size).toBe(50);
    for (const ticket of [...eastTickets, ...westTickets]) expect(isValidTicket(ticket)).toBe(true);

    // Both counters really did run from 1: the permutation's inputs are seq * 2 + shard.
    const { ticketPrf } = hmacCaseKeys(CASE_SECRET);
    const inputs = (tickets: string[]): number[] => tickets.map((t) => unscramble(Number(t.slice(0, -1)), ticketPrf)).sort((x, y) => x - y);
    expect(inputs(eastTickets).slice(0, 3)).toEqual([2, 4, 6]);
    expect(inputs(westTickets).slice(0, 3)).toEqual([3, 5, 7]);

    expect((await a.intake.getByTicket(eastTickets[3] as string))?.submission.ticket).toBe(eastTickets[3]);
    expect((await b.intake.getByTicket(westTickets[3] as string))?.submission.ticket).toBe(westTickets[3]);
  });

  it('answers a lookup of the other shard\'s ticket as unknown, and logs which shard holds it', async () => {
    const [a, b] = await Promise.all([
      east.open({ caseSecret: CASE_SECRET, ticketShard: { index: 0, count: 2 } }),
      west.open({ caseSecret: CASE_SECRET, ticketShard: { index: 1, count: 2 } }),
    ]);
    const westTicket = (await b.intake.submit(request(1))).submission.ticket;
    expect(await a.intake.getByTicket(westTicket)).toBeNull();
    const line = east.recorded.lines.find((l) => l.msg.includes('ticket of another intake shard'));
    expect(line?.level).toBe('warn');
    expect(line?.fields).toMatchObject({ ticket: westTicket, shard: 1 });

    // A ticket of its own shard that is simply unknown says nothing of shards.
    const before = east.recorded.lines.length;
    const unknownOwn = scrambledTicket(shardedSequence(999_999, { index: 0, count: 2 }), hmacCaseKeys(CASE_SECRET).ticketPrf);
    expect(await a.intake.getByTicket(unknownOwn)).toBeNull();
    expect(east.recorded.lines.slice(before).filter((l) => l.msg.includes('another intake shard'))).toEqual([]);
  });
});
