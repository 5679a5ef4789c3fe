// Ticket numbers that cannot be walked. Tickets still come from leased blocks of one shared counter (so that they
// are unique across replicas and can be issued while Redis is away), but the counter's value is passed through a
// keyed permutation of all 11-digit numbers before the Luhn check digit is added. Consecutive submissions thus get
// unrelated tickets, and at a million tickets a year only about one 11-digit number in 100,000 is a ticket at all.
//
// The permutation is a Feistel network over decimal halves (5 and 6 digits) with alternating split, the shape of
// NIST SP 800-38G's FF1: a bijection whatever the round function, so no two sequence numbers share a ticket. The
// round function is a keyed PRF the caller passes in (AES-128 on one block in the gateway, see `case-secret.ts`),
// because the domain does no I/O and imports no crypto.

import { luhnCheckDigit } from '../intake/luhn.js';

/** A keyed pseudo-random function: the same input gives the same non-negative safe integer (at least 2^40 values). */
export type Prf = (input: string) => number;

/** The same PRF over many inputs at once (`inputs.map(prf)`), for a key that is cheaper to apply in bulk. */
export type PrfMany = (inputs: readonly string[]) => number[];

/** Digits of the scrambled number; the ticket has one more (Luhn). Older tickets are 9-10 digits, so none collide. */
export const SCRAMBLED_DIGITS = 11;
const LEFT_DIGITS = 5;
const RIGHT_DIGITS = SCRAMBLED_DIGITS - LEFT_DIGITS;
const ROUNDS = 10;
export const SCRAMBLE_DOMAIN = 10 ** SCRAMBLED_DIGITS;

export class TicketCipherError extends Error {
  readonly code = 'TICKET_SEQUENCE_OUT_OF_RANGE';
  constructor(message: string) {
    super(message);
    this.name = 'TicketCipherError';
  }
}

/** The permuted value of `n` (0 <= n < 10^11). */
export function scramble(n: number, prf: Prf): number {
  checkInDomain(n);
  let a = Math.floor(n / 10 ** RIGHT_DIGITS);
  let b = n % 10 ** RIGHT_DIGITS;
  for (let round = 0; round < ROUNDS; round++) {
    const modulus = 10 ** (round % 2 === 0 ? LEFT_DIGITS : RIGHT_DIGITS);
    const c = (a + roundValue(prf, round, b)) % modulus;
    a = b;
    b = c;
  }
  return a * 10 ** RIGHT_DIGITS + b;
}

/** The inverse of `scramble`: what a support engineer needs to find a ticket's place in the sequence. */
export function unscramble(n: number, prf: Prf): number {
  checkInDomain(n);
  let a = Math.floor(n / 10 ** RIGHT_DIGITS);
  let b = n % 10 ** RIGHT_DIGITS;
  for (let round = ROUNDS - 1; round >= 0; round--) {
    const modulus = 10 ** (round % 2 === 0 ? LEFT_DIGITS : RIGHT_DIGITS);
    const c = b;
    b = a;
    a = (((c - roundValue(prf, round, b)) % modulus) + modulus) % modulus;
  }
  return a * 10 ** RIGHT_DIGITS + b;
}

/** The ticket of the `seq`-th submission: 11 scrambled digits and a Luhn check digit. */
export function scrambledTicket(seq: number, prf: Prf): string {
  checkTicketSequence(seq);
  return ticketOf(scramble(seq, prf));
}

function checkTicketSequence(seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 1 || seq >= SCRAMBLE_DOMAIN) {
    throw new TicketCipherError(`ticket sequence must be a whole number from 1 to ${SCRAMBLE_DOMAIN - 1}, got ${seq}`);
  }
}

/** A scrambled number as a ticket: its digits, zero-padded, and a Luhn check digit. */
function ticketOf(scrambled: number): string {
  const body = String(scrambled).padStart(SCRAMBLED_DIGITS, '0');
  return body + String(luhnCheckDigit(body));
}

/**
 * `seqs.map((seq) => scrambledTicket(seq, prf))`, with each Feistel round of all the numbers asked of `prfMany` in
 * one call: a block cipher's per-call cost then falls on a batch, not on each of the ten rounds of each ticket.
 */
export function scrambledTickets(seqs: readonly number[], prfMany: PrfMany): string[] {
  const a: number[] = [];
  const b: number[] = [];
  for (const seq of seqs) {
    checkTicketSequence(seq);
    a.push(Math.floor(seq / 10 ** RIGHT_DIGITS));
    b.push(seq % 10 ** RIGHT_DIGITS);
  }
  for (let round = 0; round < ROUNDS; round++) {
    const modulus = 10 ** (round % 2 === 0 ? LEFT_DIGITS : RIGHT_DIGITS);
    const values = prfMany(b.map((half) => roundInput(round, half)));
    if (values.length !== b.length) throw new TicketCipherError(`the PRF answered ${values.length} of ${b.length} inputs`);
    for (let i = 0; i < b.length; i++) {
      const c = ((a[i] as number) + (values[i] as number)) % modulus;
      a[i] = b[i] as number;
      b[i] = c;
    }
  }
  return a.map((left, i) => ticketOf(left * 10 ** RIGHT_DIGITS + (b[i] as number)));
}

function roundValue(prf: Prf, round: number, half: number): number {
  // The round number and the half's width are part of the input, so rounds are independent functions.
  return prf(roundInput(round, half));
}

function roundInput(round: number, half: number): string {
  return `${round}:${half}`;
}

function checkInDomain(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0 || n >= SCRAMBLE_DOMAIN) {
    throw new TicketCipherError(`value to permute must be a whole number from 0 to ${SCRAMBLE_DOMAIN - 1}, got ${n}`);
  }
}
