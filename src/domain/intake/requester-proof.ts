// Who may rate a request on the web: whoever shows they made it, with the last four digits of the phone number or
// the e-mail address given with it (手机号后四位, as Chinese government sites ask). Ticket numbers are sequential and
// easy to guess, and the ratings count towards each agency's ranking, so knowing a ticket is not enough.
//
// Comparing secrets in constant time needs `node:crypto`, which the domain may not use: the caller passes the
// comparison in, and this module makes sure it always runs exactly once, whatever the contact holds.

import type { Contact, Status } from './submission.js';

export type ProofKind = 'phone' | 'email';

/** A proof as the citizen gave it, in the form it is compared in. */
export interface RequesterProof {
  readonly kind: ProofKind;
  /** Four ASCII digits, or an address folded to lower case. */
  readonly value: string;
}

/** Compares a given proof with the expected one; the caller makes it constant-time. */
export type SameSecret = (given: string, expected: string) => boolean;

export type RatingRefusal = 'already_rated' | 'not_rateable' | 'no_contact';

export const PHONE_PROOF_DIGITS = 4;

/** The regulations let citizens rate the handling once it is finished; once only. */
const RATEABLE: ReadonlySet<Status> = new Set<Status>(['resolved', 'closed']);
/** What people type between digits (`80-00`, `8 000`, `８０００` once NFKC made it ASCII). */
const PHONE_FORMATTING = /[\s\-().\u00B7]/g;
const FOUR_DIGITS = /^[0-9]{4}$/;
const NOT_DIGIT = /[^0-9]/g;

/**
 * Reads what the citizen typed: four digits (formatting ignored) are a phone proof, anything with an `@` an e-mail
 * proof; anything else is not a proof (`null`), and the citizen is told what to type rather than that it is wrong.
 */
export function readRequesterProof(text: string): RequesterProof | null {
  const folded = text.normalize('NFKC').trim();
  if (folded.includes('@')) return { kind: 'email', value: emailKey(folded) };
  const digits = folded.replace(PHONE_FORMATTING, '');
  return FOUR_DIGITS.test(digits) ? { kind: 'phone', value: digits } : null;
}

/**
 * What a proof of each kind must equal for this contact; a kind is missing when the contact cannot prove it (no
 * e-mail, no phone, or a phone number of fewer than four digits, like a short service number).
 */
export function expectedProofs(contact: Contact): { readonly phone?: string; readonly email?: string } {
  const digits = contact.phone?.normalize('NFKC').replace(NOT_DIGIT, '') ?? '';
  const email = contact.email === undefined ? '' : emailKey(contact.email);
  return {
    ...(digits.length >= PHONE_PROOF_DIGITS ? { phone: digits.slice(-PHONE_PROOF_DIGITS) } : {}),
    ...(email.includes('@') ? { email } : {}),
  };
}

/** Whether whoever made this request could prove it on the web at all. */
export function canProveRequester(contact: Contact): boolean {
  const expected = expectedProofs(contact);
  return expected.phone !== undefined || expected.email !== undefined;
}

/**
 * Whether the proof matches the contact. The comparison runs once whether or not the contact holds a value of the
 * proof's kind (against an empty decoy, which no proof equals), so how long this takes does not tell a stranger
 * whether the requester gave a phone number or an e-mail address.
 */
export function proofMatches(contact: Contact, proof: RequesterProof, sameSecret: SameSecret): boolean {
  const expected = expectedProofs(contact)[proof.kind];
  const same = sameSecret(proof.value, expected ?? '');
  return same && expected !== undefined;
}

/**
 * Why a web rating cannot be taken now, or `null` when it can (subject to the proof). A finished request whose
 * contact holds nothing to prove with (anonymous, WeChat only, a hidden caller id) can never be rated on the web.
 */
export function ratingRefusal(request: { readonly status: Status; readonly rated: boolean; readonly contact: Contact }): RatingRefusal | null {
  if (request.rated) return 'already_rated';
  if (!RATEABLE.has(request.status)) return 'not_rateable';
  return canProveRequester(request.contact) ? null : 'no_contact';
}

/** E-mail addresses are compared whole, ignoring case and surrounding spaces. */
function emailKey(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}
