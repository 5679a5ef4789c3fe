import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLuhnValid, luhnCheckDigit } from '../../../src/domain/intake/luhn.js';
import {
  TICKET_PATTERN,
  TicketError,
  isValidTicket,
  sequenceFromTicket,
  ticketFromSequence,
} from '../../../src/domain/intake/ticket.js';

const sequences = fc.oneof(fc.integer({ min: 1, max: 99_999_999 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }));

describe('luhn', () => {
  it.each([
    ['79927398713', true],
    ['79927398710', false],
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['0', false],
  ])('%s valid: %s', (digits, valid) => {
    expect(isLuhnValid(digits)).toBe(valid);
  });

  it('computes the check digit that makes a number valid', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
    fc.assert(fc.property(fc.stringMatching(/^[0-9]{1,25}$/), (d) => isLuhnValid(d + String(luhnCheckDigit(d)))));
  });
});

describe('ticketFromSequence', () => {
  it.each([
    [1, '000000018'],
    [12345, '000123455'],
    [99_999_999, '999999998'],
    [100_000_000, '1000000008'],
  ])('%d -> %s', (seq, ticket) => {
    expect(ticketFromSequence(seq)).toBe(ticket);
    expect(isValidTicket(ticket)).toBe(true);
  });

  it('refuses anything but a positive safe integer', () => {
    for (const seq of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, Number.POSITIVE_INFINITY]) {
      expect(() => ticketFromSequence(seq)).toThrow(TicketError);
    }
  });

  it('makes valid tickets of 9 to 17 digits that give back their sequence', () => {
    fc.assert(
      fc.property(sequences, (seq) => {
        const ticket = ticketFromSequence(seq);
        expect(ticket).toMatch(new RegExp(TICKET_PATTERN));
        expect(ticket.length).toBeGreaterThanOrEqual(9);
        expect(ticket.length).toBeLessThanOrEqual(17);
        expect(isValidTicket(ticket)).toBe(true);
        expect(sequenceFromTicket(ticket)).toBe(seq);
      }),
    );
  });

  it('gives distinct sequences distinct tickets', () => {
    fc.assert(fc.property(sequences, sequences, (a, b) => (a === b) === (ticketFromSequence(a) === ticketFromSequence(b))));
  });
});

describe('isValidTicket', () => {
  it.each(['', '12345678', '00000001x', ' 000000018', '000000018 ', '１２３４５６７８９', '0'.repeat(20) + '0', '000000017'])(
    'refuses %j',
    (s) => {
      expect(isValidTicket(s)).toBe(false);
    },
  );

  it('catches every single-digit substitution', () => {
    fc.assert(
      fc.property(sequences, fc.nat(), fc.integer({ min: 1, max: 9 }), (seq, at, delta) => {
        const ticket = ticketFromSequence(seq);
        const i = at % ticket.length;
        const digit = (Number(ticket[i]) + delta) % 10;
        const typo = ticket.slice(0, i) + String(digit) + ticket.slice(i + 1);
        expect(isValidTicket(typo)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('catches every adjacent transposition except 09 <-> 90 (the one Luhn cannot see)', () => {
    fc.assert(
      fc.property(sequences, fc.nat(), (seq, at) => {
        const ticket = ticketFromSequence(seq);
        const i = at % (ticket.length - 1);
        const [a, b] = [ticket[i], ticket[i + 1]];
        fc.pre(a !== b);
        const swapped = ticket.slice(0, i) + b + a + ticket.slice(i + 2);
        const blind = (a === '0' && b === '9') || (a === '9' && b === '0');
        expect(isValidTicket(swapped)).toBe(blind);
      }),
      { numRuns: 3000 },
    );
  });
});
