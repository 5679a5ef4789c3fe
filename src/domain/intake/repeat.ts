// The same citizen often asks again about the same open matter ("why has nobody fixed it yet?"). A repeat is not
// a new work order: the reply gives the earlier ticket's progress, and the work-order system links the two.
// The rule is conservative: only the same contact, the same category, no new attachments, and text that adds
// nothing new (near-identical, or contained in the earlier text).

import type { Contact, Submission } from './submission.js';

/** Jaccard similarity at or above which two texts say the same. */
export const REPEAT_SIMILARITY = 0.8;

/**
 * The keys a contact is indexed by: `phone:<number>`, `email:<address>`, `wechat:<openId>`; none for an anonymous
 * contact. Mainland numbers lose the country code (+86, 0086) and landlines keep their trunk 0, so `+86 10 6234 5678`,
 * `010-62345678` and `(010) 62345678` are one key; other international numbers are `+<digits>`.
 */
export function contactKeys(contact: Contact): string[] {
  if (contact.anonymous) return [];
  const keys: string[] = [];
  if (contact.phone !== undefined) {
    const phone = phoneKey(contact.phone);
    if (phone !== '') keys.push(`phone:${phone}`);
  }
  if (contact.email !== undefined && contact.email !== '') keys.push(`email:${contact.email.trim().toLowerCase()}`);
  if (contact.wechatOpenId !== undefined && contact.wechatOpenId !== '') keys.push(`wechat:${contact.wechatOpenId}`);
  return keys;
}

export function phoneKey(phone: string): string {
  const plus = phone.trim().startsWith('+');
  let digits = phone.replace(/[^0-9]/g, '');
  if (digits === '') return '';
  let international = plus;
  if (!plus && digits.startsWith('00')) {
    digits = digits.slice(2);
    international = true;
  }
  if (!international) return digits;
  if (!digits.startsWith('86')) return `+${digits}`;
  const national = digits.slice(2);
  if (national === '') return '+86';
  // Mobile numbers are dialled without a trunk prefix; landlines with one (010 ...).
  if (/^1[3-9][0-9]{9}$/.test(national) || national.startsWith('0')) return national;
  return `0${national}`;
}

/**
 * The earliest of `previous` (the same contact's still-open submissions) that `candidate` repeats, or `null`.
 * Anonymous submissions never repeat (nobody to recognise).
 */
export function findRepeat(candidate: Submission, previous: readonly Submission[]): { id: string; ticket: string } | null {
  const keys = new Set(contactKeys(candidate.contact));
  if (keys.size === 0) return null;
  const tokens = textTokens(candidate.text);
  const compact = compactText(candidate.text);
  const matches = previous.filter((p) => {
    if (p.id === candidate.id) return false;
    if (!contactKeys(p.contact).some((k) => keys.has(k))) return false;
    if (p.category !== candidate.category) return false;
    const known = new Set(p.attachments.map((a) => a.sha256));
    if (candidate.attachments.some((a) => !known.has(a.sha256))) return false;
    return containedIn(compact, compactText(p.text)) || jaccard(tokens, textTokens(p.text)) >= REPEAT_SIMILARITY;
  });
  const earliest = matches.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id))[0];
  return earliest ? { id: earliest.id, ticket: earliest.ticket } : null;
}

/**
 * "Nothing new" by containment needs a real excerpt: a few characters (or none: `。`) are contained in almost
 * any text, and would let anyone who knows a phone number learn that its owner has an open request.
 */
function containedIn(excerpt: string, text: string): boolean {
  return excerpt.length >= MIN_EXCERPT && excerpt.length * 2 >= text.length && text.includes(excerpt);
}

/** Letters and digits, as in `compactText`, an excerpt needs to count as a repeat by containment. */
export const MIN_EXCERPT = 8;

/** Letters and digits only, NFKC, lower case: punctuation, spacing and width do not make a text new. */
function compactText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * The text as a set of tokens: Chinese (Han) runs as character bigrams (a lone character as itself), other
 * letter/digit runs as words. Mixed texts get both, so one rule covers zh, en and their mixture.
 */
export function textTokens(text: string): Set<string> {
  const tokens = new Set<string>();
  const normalised = text.normalize('NFKC').toLowerCase();
  for (const run of normalised.match(/\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu) ?? []) {
    if (!/\p{Script=Han}/u.test(run)) {
      tokens.add(run);
      continue;
    }
    const chars = [...run];
    if (chars.length === 1) tokens.add(run);
    for (let i = 0; i + 1 < chars.length; i++) tokens.add(`${chars[i]}${chars[i + 1]}`);
  }
  return tokens;
}

/** |A ∩ B| / |A ∪ B|; two empty sets are identical (1). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let common = 0;
  for (const t of a) if (b.has(t)) common++;
  return common / (a.size + b.size - common);
}
