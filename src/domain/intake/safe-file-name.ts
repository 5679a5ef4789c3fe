// A citizen's file name is only ever shown (work-order UI, download headers): the bytes are stored under their
// sha256. Still, a name like `..\..\boot.ini`, `C:evil`, `photo\u202Egpj.exe` or `.htaccess` must not survive,
// because some consumer will one day put it in a path or a Content-Disposition header.

const MAX_LENGTH = 200;
/** An extension longer than this is treated as part of the name when shortening. */
const MAX_EXTENSION_LENGTH = 16;

/** Controls (C0, DEL, C1), zero-width and bidi controls: the last can disguise `exe` as `jpg`. */
const INVISIBLE_OR_CONTROL = /[\p{Cc}\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/gu;
/** Characters Windows refuses in file names (the separators are handled first). */
const RESERVED = /[<>:"|?*]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The base name only (no directories, drive letter, `..`, leading dots, control or invisible characters, Windows
 * reserved characters as `_`), NFC, whitespace collapsed, at most 200 characters with the extension kept;
 * `undefined` when nothing usable is left.
 */
export function safeFileName(name: string | undefined): string | undefined {
  if (typeof name !== 'string') return undefined;
  const cleaned = name.replace(LONE_SURROGATE, '\uFFFD').replace(INVISIBLE_OR_CONTROL, '').normalize('NFC');
  const parts = cleaned.split(/[/\\]/);
  let base = parts[parts.length - 1] ?? '';
  base = base
    .replace(/^[A-Za-z]:/, '')
    .replace(RESERVED, '_')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/^[.\s]+/u, '')
    // Windows drops trailing dots and spaces, so `a.exe.` would open as `a.exe`.
    .replace(/[.\s]+$/u, '');
  if (base === '') return undefined;
  return shorten(base);
}

function shorten(base: string): string {
  const chars = [...base];
  if (chars.length <= MAX_LENGTH) return base;
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 ? [...base.slice(dot)] : [];
  if (extension.length === 0 || extension.length > MAX_EXTENSION_LENGTH) {
    return chars.slice(0, MAX_LENGTH).join('').replace(/[.\s]+$/u, '');
  }
  const stem = chars.slice(0, chars.length - extension.length);
  return stem.slice(0, MAX_LENGTH - extension.length).join('').replace(/[.\s]+$/u, '') + extension.join('');
}
