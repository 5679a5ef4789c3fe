// Who may read a case, and rate it. The regulations give citizens the right to know how their request stands and to
// rate its handling, and protect their personal information: so a ticket number alone opens nothing. A case opens to
// whoever shows one of:
// - the PIN given with the ticket at submission (six digits, spoken and shown with it);
// - the last four digits of the phone number, or the e-mail address, given with the request (手机号后四位);
// - an identity the channel itself confirms: the same caller ID, the same WeChat openid, or the same e-mail sender
//   (an answer by mail goes to that address, so a forged From gains nothing).
// The PIN is not stored anywhere: it is a keyed PRF of the ticket, so it survives the spool, replicas and restarts.
//
// Comparing secrets in constant time needs `node:crypto`, which the domain may not use: the caller passes the
// comparison in, and every check runs it exactly once whatever the contact holds, so timing tells a stranger nothing.

import { contactKeys, phoneKey } from '../intake/repeat.js';
import type { Contact, Submission } from '../intake/submission.js';
import type { Prf } from './ticket-cipher.js';

export const PIN_DIGITS = 6;
export const PHONE_PROOF_DIGITS = 4;

/** What the citizen typed (a PIN, the contact's last digits or address), or what the channel vouches for. */
export type CaseProof =
  | { readonly kind: 'pin'; readonly value: string }
  | { readonly kind: 'phone'; readonly value: string }
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'caller'; readonly value: string }
  | { readonly kind: 'openid'; readonly value: string }
  | { readonly kind: 'sender'; readonly value: string };

export type ProofKind = CaseProof['kind'];

/** Proofs the citizen types, and a stranger might guess: wrong ones count against the ticket and the source. */
export const TYPED_PROOFS: ReadonlySet<ProofKind> = new Set<ProofKind>(['pin', 'phone', 'email']);

/** Compares a given proof with the expected one; the caller makes it constant-time. */
export type SameSecret = (given: string, expected: string) => boolean;

const PHONE_FORMATTING = /[\s\-().\u00B7]/g;
const NOT_DIGIT = /[^0-9]/g;

/** The PIN of a ticket: six digits from a keyed PRF (the key never leaves the gateway). */
export function casePin(ticket: string, prf: Prf): string {
  return String(prf(`pin:${ticket}`) % 10 ** PIN_DIGITS).padStart(PIN_DIGITS, '0');
}

/**
 * Reads what the citizen typed into the one proof field: six digits are a PIN, four digits (formatting ignored)
 * the phone's last digits, anything with an `@` an e-mail address; anything else is not a proof (`null`), and the
 * citizen is told what to type rather than that it is wrong.
 */
export function readTypedProof(text: string): CaseProof | null {
  const folded = text.normalize('NFKC').trim();
  if (folded.includes('@')) return { kind: 'email', value: emailKey(folded) };
  const digits = folded.replace(PHONE_FORMATTING, '');
  if (!/^[0-9]+$/.test(digits)) return null;
  if (digits.length === PIN_DIGITS) return { kind: 'pin', value: digits };
  if (digits.length === PHONE_PROOF_DIGITS) return { kind: 'phone', value: digits };
  return null;
}

/** Whether whoever made this request can prove it with something they typed besides the PIN. */
export function hasContactProof(contact: Contact): boolean {
  return expectedContactProof(contact, 'phone') !== undefined || expectedContactProof(contact, 'email') !== undefined;
}

/**
 * Whether `proof` opens `submission`. The comparison runs once whatever the contact holds (against an empty decoy,
 * which no proof equals), so how long this takes does not say whether the requester gave a phone or an address.
 */
export function proofOpens(submission: Submission, proof: CaseProof, pin: (ticket: string) => string, same: SameSecret): boolean {
  const expected = expectedValue(submission, proof, pin);
  const given = proof.kind === 'caller' ? phoneKey(proof.value) : proof.kind === 'sender' || proof.kind === 'email' ? emailKey(proof.value) : proof.value;
  const matches = same(given, expected ?? '');
  return matches && expected !== undefined && expected !== '';
}

function expectedValue(submission: Submission, proof: CaseProof, pin: (ticket: string) => string): string | undefined {
  const { contact } = submission;
  switch (proof.kind) {
    case 'pin':
      return pin(submission.ticket);
    case 'phone':
    case 'email':
      return expectedContactProof(contact, proof.kind);
    case 'caller': {
      // The caller's number in the form the contact index keeps, so +86 138..., 0086... and 138... agree.
      const phone = contactKeys(contact).find((k) => k.startsWith('phone:'));
      return phone?.slice('phone:'.length);
    }
    case 'openid':
      return contact.wechatOpenId ?? submission.refs.wechatOpenId;
    case 'sender':
      return contact.email === undefined ? undefined : emailKey(contact.email);
  }
}

function expectedContactProof(contact: Contact, kind: 'phone' | 'email'): string | undefined {
  if (kind === 'email') {
    const email = contact.email === undefined ? '' : emailKey(contact.email);
    return email.includes('@') ? email : undefined;
  }
  const digits = contact.phone?.normalize('NFKC').replace(NOT_DIGIT, '') ?? '';
  return digits.length >= PHONE_PROOF_DIGITS ? digits.slice(-PHONE_PROOF_DIGITS) : undefined;
}

/** E-mail addresses are compared whole, ignoring case and surrounding spaces. */
function emailKey(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}
