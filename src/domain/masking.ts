// Phone numbers are personal data: logs show only enough of a caller's number to tell calls apart.

const MASK = '*';

/**
 * Masks the digits of a phone number, keeping its length and any non-digit characters (`+`, `-`, spaces, and
 * words such as `anonymous`). Numbers of 11 or more digits keep the first 3 and last 4 (`138****5678`); 7 to 10
 * digits keep only the last 2 (a local landline, which half a number would identify); shorter numbers are fully
 * masked. A `*` counts as an already-masked digit, so masking twice gives the same text.
 */
export function maskPhone(phone: string | null | undefined): string {
  if (phone === null || phone === undefined || phone === '') return '';
  // Every call's logger masks its caller: count the maskable characters, then copy once, with no arrays.
  // Digits and `*` are single UTF-16 units, so walking units keeps every other character (emoji too) as it is.
  let n = 0;
  for (let i = 0; i < phone.length; i += 1) if (isMaskable(phone.charCodeAt(i))) n += 1;
  const head = n >= 11 ? 3 : 0;
  const tail = n >= 11 ? 4 : n >= 7 ? 2 : 0;
  let out = '';
  let k = 0;
  for (let i = 0; i < phone.length; i += 1) {
    const code = phone.charCodeAt(i);
    if (!isMaskable(code)) {
      out += phone[i];
      continue;
    }
    out += k >= head && k < n - tail ? MASK : phone[i];
    k += 1;
  }
  return out;
}

const ZERO = 48;
const NINE = 57;
const STAR = 42;

function isMaskable(code: number): boolean {
  return (code >= ZERO && code <= NINE) || code === STAR;
}

/**
 * Masks a WeChat openid (28 characters, stable per person and account: as identifying as a phone number). Keeps the
 * first 4 characters (the account's common prefix) and the last 2, enough to tell two citizens apart in one log.
 */
export function maskOpenId(openId: string | null | undefined): string {
  if (openId === null || openId === undefined || openId === '') return '';
  const chars = [...openId];
  if (chars.length <= 8) return MASK.repeat(chars.length);
  return `${chars.slice(0, 4).join('')}${MASK.repeat(chars.length - 6)}${chars.slice(-2).join('')}`;
}
