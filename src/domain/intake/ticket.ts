// Ticket numbers are what a citizen writes down and later keys in on the phone keypad (IVR case-status menu) or
// reads out to an agent: digits only, at least 9 of them, the last a Luhn check digit so that a mistyped digit
// is caught before any lookup. Luhn catches every single-digit substitution and every adjacent transposition
// except 09 <-> 90.

import { isLuhnValid, luhnCheckDigit } from './luhn.js';

/** For JSON Schemas and route constraints: the form of a ticket (the check digit is checked by `isValidTicket`). */
export const TICKET_PATTERN = '^[0-9]{9,20}$';
const TICKET_REGEXP = new RegExp(TICKET_PATTERN);

/** Digits before the check digit; shorter sequences are zero-padded so tickets have a steady length for years. */
const MIN_SEQUENCE_DIGITS = 8;

export class TicketError extends Error {
  readonly code = 'TICKET_BAD_SEQUENCE';
  constructor(message: string) {
    super(message);
    this.name = 'TicketError';
  }
}

/** The ticket for the `seq`-th submission (a positive safe integer, e.g. from Redis INCR). */
export function ticketFromSequence(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new TicketError(`ticket sequence must be a positive safe integer, got ${seq}`);
  }
  const body = String(seq).padStart(MIN_SEQUENCE_DIGITS, '0');
  return body + String(luhnCheckDigit(body));
}

export function isValidTicket(s: string): boolean {
  return TICKET_REGEXP.test(s) && isLuhnValid(s);
}

/** The sequence a valid ticket was made from, or `null` when `s` is not a valid ticket. */
export function sequenceFromTicket(s: string): number | null {
  if (!isValidTicket(s)) return null;
  const seq = Number(s.slice(0, -1));
  return Number.isSafeInteger(seq) && seq >= 1 ? seq : null;
}
