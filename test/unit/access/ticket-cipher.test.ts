// Given sequence numbers from the shared counter, when they become tickets, then every ticket is unique (the keyed
// permutation is a bijection), valid (Luhn), 12 digits, and consecutive numbers give unrelated tickets.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacCaseKeys } from '../../../src/adapters/intake/case-secret.js';
import { SCRAMBLE_DOMAIN, scramble, scrambledTicket, scrambledTickets, TicketCipherError, unscramble } from '../../../src/domain/access/ticket-cipher.js';
import type { Prf } from '../../../src/domain/access/ticket-cipher.js';
import { isValidTicket } from '../../../src/domain/intake/ticket.js';

const { ticketPrf, ticketPrfMany } = hmacCaseKeys('a test secret of at least thirty-two characters');

describe('scramble', () => {
  it('is undone by unscramble for any value of the domain, under any key', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SCRAMBLE_DOMAIN - 1 }), fc.string({ minLength: 32, maxLength: 40 }), (n, secret) => {
        const prf = hmacCaseKeys(secret).ticketPrf;
        const m = scramble(n, prf);
        expect(m).toBeGreaterThanOrEqual(0);
        expect(m).toBeLessThan(SCRAMBLE_DOMAIN);
        expect(unscramble(m, prf)).toBe(n);
      }),
      { numRuns: 300 },
    );
  });

  it('is a bijection whatever the round function: no two numbers share a value even with a constant PRF', () => {
    const constant: Prf = () => 7;
    const seen = new Set<number>();
    for (let n = 0; n < 20_000; n++) seen.add(scramble(n, constant));
    expect(seen.size).toBe(20_000);
  });

  it('refuses values outside the domain', () => {
    for (const n of [-1, SCRAMBLE_DOMAIN, 1.5, Number.NaN]) expect(() => scramble(n, ticketPrf)).toThrow(TicketCipherError);
  });
});

describe('scrambledTicket', () => {
  it('gives 12-digit valid tickets, all different, for the first 50,000 sequence numbers', () => {
    const tickets = new Set<string>();
    for (let seq = 1; seq <= 50_000; seq++) tickets.add(scrambledTicket(seq, ticketPrf));
    expect(tickets.size).toBe(50_000);
    expect([...tickets].filter((t) => !/^[0-9]{12}$/.test(t))).toEqual([]);
    for (const ticket of [...tickets].slice(0, 1000)) expect(isValidTicket(ticket)).toBe(true);
  });

  it('gives consecutive numbers unrelated tickets: no common prefix beyond chance', () => {
    let sharedFirstFour = 0;
    for (let seq = 1; seq <= 5000; seq++) {
      if (scrambledTicket(seq, ticketPrf).slice(0, 4) === scrambledTicket(seq + 1, ticketPrf).slice(0, 4)) sharedFirstFour++;
    }
    // By chance one pair in 10,000 shares its first four digits.
    expect(sharedFirstFour).toBeLessThan(5);
  });

  it('refuses a sequence number outside 1 .. 10^11 - 1', () => {
    for (const seq of [0, -3, SCRAMBLE_DOMAIN, 2.5]) expect(() => scrambledTicket(seq, ticketPrf)).toThrow(TicketCipherError);
  });
});

describe('scrambledTickets', () => {
  it('gives the tickets scrambledTicket gives, one by one, for any batch of sequence numbers under any key', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: SCRAMBLE_DOMAIN - 1 }), { maxLength: 40 }), fc.string({ minLength: 32, maxLength: 40 }), (seqs, secret) => {
        const keys = hmacCaseKeys(secret);
        if (keys.ticketPrfMany === undefined) throw new Error('hmacCaseKeys gives no ticketPrfMany');
        expect(scrambledTickets(seqs, keys.ticketPrfMany)).toEqual(seqs.map((seq) => scrambledTicket(seq, keys.ticketPrf)));
      }),
      { numRuns: 50 },
    );
  });

  it('refuses the batch when one sequence number is outside 1 .. 10^11 - 1', () => {
    if (ticketPrfMany === undefined) throw new Error('hmacCaseKeys gives no ticketPrfMany');
    for (const seq of [0, -3, SCRAMBLE_DOMAIN, 2.5]) expect(() => scrambledTickets([5, seq], ticketPrfMany)).toThrow(TicketCipherError);
  });
});

describe('the case key PRF in bulk', () => {
  it('answers each input as the one-at-a-time PRF does, short inputs and inputs of a block or more alike', () => {
    if (ticketPrfMany === undefined) throw new Error('hmacCaseKeys gives no ticketPrfMany');
    const inputs = ['', '0:1', '9:999999', '12', '12\0', 'exactly sixteen!', 'a longer input than one AES block', '维修:12'];
    expect(ticketPrfMany(inputs)).toEqual(inputs.map(ticketPrf));
    expect(ticketPrfMany([])).toEqual([]);
  });
});
