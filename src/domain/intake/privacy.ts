// Personal data that restricts who may read a submission: resident ID numbers, bank card numbers and health
// details. Only the kinds found are reported, never the values (they must not reach logs or hints).

import type { PreparedText } from './keyword-matcher.js';
import { isLuhnValid } from './luhn.js';

export const PRIVACY_KINDS = ['id-number', 'bank-card', 'health'] as const;
export type PrivacyKind = (typeof PRIVACY_KINDS)[number];

/** 18-character resident ID (GB 11643), optionally written 6-8-4 with spaces. */
const ID_NUMBER = /(?<![0-9])([1-9][0-9]{5}) ?((?:19|20)[0-9]{2}[01][0-9][0-3][0-9]) ?([0-9]{3}[0-9xX])(?![0-9])/g;
/** 16 to 19 digits from the issuers' ranges (3 to 6), contiguous or in groups of four. */
const BANK_CARD = /(?<![0-9])(?:[3-6][0-9]{15,18}|[3-6][0-9]{3}([ -])[0-9]{4}\1[0-9]{4}\1[0-9]{4}(?:\1?[0-9]{1,3})?)(?![0-9])/g;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** Whether `id` (18 characters, last may be `X`) carries a valid ISO 7064 MOD 11-2 check character and birth date. */
export function isResidentIdNumber(id: string): boolean {
  if (!/^[1-9][0-9]{16}[0-9Xx]$/.test(id)) return false;
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK.charAt(sum % 11) === id.charAt(17).toUpperCase();
}

/**
 * `mentionsHealth`: whether the text has one of `HEALTH_TERMS` (keywords.ts), which classification looks for in the
 * same pass as all its other terms.
 */
export function findPrivacyKinds(text: PreparedText, mentionsHealth: boolean): PrivacyKind[] {
  const found = new Set<PrivacyKind>();
  const idRanges: [number, number][] = [];
  for (const m of text.exact.matchAll(ID_NUMBER)) {
    if (isResidentIdNumber(`${m[1]}${m[2]}${m[3]}`)) {
      found.add('id-number');
      idRanges.push([m.index, m.index + m[0].length]);
    }
  }
  for (const m of text.exact.matchAll(BANK_CARD)) {
    // An ID number's 18 digits pass Luhn one time in ten: it was already counted as what it is.
    if (idRanges.some(([s, e]) => s <= m.index && m.index + m[0].length <= e)) continue;
    if (isLuhnValid(m[0].replace(/[ -]/g, ''))) found.add('bank-card');
  }
  if (mentionsHealth) found.add('health');
  return PRIVACY_KINDS.filter((k) => found.has(k));
}
