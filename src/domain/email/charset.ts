// Chinese mail arrives as GB2312, GBK or GB18030 (each a subset of the next), is often labelled as the smaller
// set while using characters of the larger, and older clients send 8-bit text with no label at all. A wrong guess
// turns a citizen's complaint into mojibake, so the rules are: GB labels decode as GB18030; UTF-8, US-ASCII and
// missing labels decode as strict UTF-8 and, when the bytes are not valid UTF-8, as GB18030 (the common case for
// unlabelled mail in mainland China); labels no decoder knows get the same fallback instead of being ignored.

/** The label `relabelCharsets` puts on text parts whose bytes may be UTF-8 or unlabelled GB18030. */
export const FALLBACK_CHARSET = 'x-utf8-or-gb18030';

const GB_LABELS = new Set([
  'gb2312',
  'gb_2312',
  'gb_2312-80',
  'gbk',
  'x-gbk',
  'gb18030',
  'cp936',
  'ms936',
  'windows-936',
  'euc-cn',
  'x-euc-cn',
  'csgb2312',
  'csiso58gb231280',
  'iso-ir-58',
  'chinese',
]);

/** Labels that promise UTF-8 (ASCII is a subset) or promise nothing: both get the fallback. */
const UTF8_OR_UNKNOWN_LABELS = new Set([
  '',
  'utf-8',
  'utf8',
  'unicode-1-1-utf-8',
  'us-ascii',
  'ascii',
  'ansi_x3.4-1968',
  'x-unknown',
  'unknown',
  'unknown-8bit',
  'x-user-defined',
  'default',
  FALLBACK_CHARSET,
]);

/** How bytes under this label are decoded: with the UTF-8-or-GB18030 fallback, or with the named decoder. */
export type CharsetChoice = { readonly kind: 'fallback' } | { readonly kind: 'decoder'; readonly label: string };

export function charsetChoice(label: string | undefined | null): CharsetChoice {
  const normalised = normaliseLabel(label);
  if (UTF8_OR_UNKNOWN_LABELS.has(normalised)) return { kind: 'fallback' };
  if (GB_LABELS.has(normalised)) return { kind: 'decoder', label: 'gb18030' };
  return { kind: 'decoder', label: normalised };
}

/** True for the labels whose bytes should go through the fallback (UTF-8, ASCII, missing, unknown). */
export function isUtf8OrUnlabelled(label: string | undefined | null): boolean {
  return UTF8_OR_UNKNOWN_LABELS.has(normaliseLabel(label));
}

export function isGbLabel(label: string | undefined | null): boolean {
  return GB_LABELS.has(normaliseLabel(label));
}

/** Decodes `bytes` as the label says, by the rules above. Never throws. */
export function decodeCharset(bytes: Uint8Array, label?: string | null): string {
  const choice = charsetChoice(label);
  if (choice.kind === 'fallback') return decodeUnlabelled(bytes);
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(choice.label);
  } catch {
    // An unknown or unsupported label (`x-mac-chinesesimp`, UTF-7 ...): guess rather than show replacement marks.
    return decodeUnlabelled(bytes);
  }
  return decoder.decode(bytes);
}

/** Strict UTF-8 when the bytes are valid UTF-8, GB18030 otherwise. Never throws. */
export function decodeUnlabelled(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** `"GB2312"`, ` gbk `, `'utf-8'` → the lower-case bare label; RFC 2231 language suffixes (`gb2312*zh`) dropped. */
function normaliseLabel(label: string | undefined | null): string {
  if (typeof label !== 'string') return '';
  return label
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/\*.*$/, '')
    .trim()
    .toLowerCase();
}
