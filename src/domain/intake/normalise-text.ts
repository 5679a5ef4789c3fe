// Citizens' text arrives from keyboards, phones, e-mail clients and speech recognisers with every kind of invisible
// noise; normalising it once here means the queue, the duplicate check and the work-order system all compare and
// show the same characters.

/** Line and paragraph separators other than LF that some clients send (CR handled first, as CRLF or alone). */
const OTHER_LINE_BREAKS = /[\u0085\u2028\u2029]/g;

/**
 * Invisible characters that carry no content: zero-width space/non-joiner/joiner, word joiner, BOM, and the bidi
 * embedding/override/isolate controls (which can make text display differently from what it says).
 */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;

/** C0 controls except TAB and LF, DEL, and the C1 controls. */
const CONTROL = /(?![\t\n])\p{Cc}/gu;

/** An unpaired surrogate cannot be stored as UTF-8 (Redis, JSON files): it becomes U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Tabs and every Unicode space separator (NBSP, ideographic space U+3000, en/em spaces ...). */
const HORIZONTAL_SPACE = /[\t\p{Zs}]+/gu;

/**
 * Unicode NFC; CRLF, CR and other line separators become LF; control and zero-width characters are removed;
 * runs of spaces and tabs (any Unicode space) become one ASCII space; each line loses its trailing space;
 * three or more line breaks become two (one blank line); the whole text is trimmed. Idempotent.
 *
 * Removal happens before NFC because removing a character can bring a base letter and a combining mark together.
 */
export function normaliseText(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/\r\n?/g, '\n')
    .replace(OTHER_LINE_BREAKS, '\n')
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .normalize('NFC')
    .replace(HORIZONTAL_SPACE, ' ')
    .replace(/ +\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The same for one-line fields (names, addresses, file names): line breaks count as spaces too.
 */
export function normaliseLine(text: string): string {
  return normaliseText(text).replace(/\s+/g, ' ');
}
