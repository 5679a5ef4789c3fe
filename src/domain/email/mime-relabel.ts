// mailparser decodes a text part by its charset label and reads a missing or `utf-8` label as lenient UTF-8, so
// an unlabelled GB18030 body (or one mislabelled as UTF-8) comes out as replacement marks and the bytes are gone.
// This pass runs on the raw message before parsing and only rewrites header blocks, never bodies:
// - text parts without a charset, or labelled UTF-8/US-ASCII, are labelled `FALLBACK_CHARSET`, which the parser's
//   decoder hook reads as strict UTF-8 falling back to GB18030 (so valid UTF-8 is unaffected);
// - header lines with raw 8-bit bytes that are not UTF-8 (GB18030 subjects and names from old clients) are
//   re-encoded as UTF-8, which the parser reads;
// - encoded words labelled GB2312/GBK are relabelled GB18030 (a superset), because the header decoder would
//   otherwise turn GB18030-only characters into garbage.
// The raw message itself is stored unchanged; only the parser's copy is rewritten.

import { hasEightBit, utf8BinaryString } from './binary-string.js';
import { FALLBACK_CHARSET, isGbLabel, isUtf8OrUnlabelled } from './charset.js';

/** Deeper nesting than this is not inspected (the parser still sees it, unrewritten). */
const MAX_DEPTH = 32;

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

interface HeaderField {
  /** Lower-case name, `''` for a line without a colon. */
  readonly name: string;
  readonly start: number;
  /** Before the field's final line break. */
  readonly end: number;
}

interface HeaderBlock {
  readonly fields: readonly HeaderField[];
  /** Where the blank line separating the header from the body starts (`end` when there is none). */
  readonly headerEnd: number;
  /** Where the body starts (`end` when there is none). */
  readonly bodyStart: number;
  readonly eol: string;
}

/**
 * The message (a binary string: one byte per character) with its header blocks rewritten as described above.
 * Returns the input itself when nothing needed rewriting. Never throws.
 */
export function relabelCharsets(raw: string): string {
  const edits: Edit[] = [];
  visitEntity(raw, 0, raw.length, 'text/plain', 0, edits);
  if (edits.length === 0) return raw;
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let position = 0;
  for (const edit of edits) {
    out += raw.slice(position, edit.start) + edit.text;
    position = edit.end;
  }
  return out + raw.slice(position);
}

function visitEntity(raw: string, start: number, end: number, defaultType: string, depth: number, edits: Edit[]): void {
  const block = readHeaderBlock(raw, start, end);
  let contentType: HeaderField | undefined;
  for (const field of block.fields) {
    if (field.name === 'content-type' && contentType === undefined) {
      contentType = field;
      continue;
    }
    const repaired = repairHeader(raw.slice(field.start, field.end));
    if (repaired !== null) edits.push({ start: field.start, end: field.end, text: repaired });
  }

  const value = contentType === undefined ? '' : unfold(fieldValue(raw.slice(contentType.start, contentType.end)));
  const declared = value.split(';')[0]?.trim().toLowerCase() ?? '';
  // RFC 2045: a missing or unreadable Content-Type is the default (text/plain, or message/rfc822 in a digest).
  const type = declared.includes('/') ? declared : defaultType;

  const boundary = type.startsWith('multipart/') ? parameter(value, 'boundary') : undefined;
  const hasParts = boundary !== undefined && boundary !== '' && findDelimiter(raw, `--${boundary}`, block.bodyStart, block.bodyStart, end) !== -1;
  if (type.startsWith('multipart/') && contentType !== undefined && !hasParts && block.bodyStart < end) {
    // A multipart whose boundary never occurs (missing, or the parts use another one) has no parts to the parser,
    // which would drop the whole body; read as the plain text it then is, the citizen's words survive.
    const repaired = repairHeader(raw.slice(contentType.start, contentType.end)) ?? raw.slice(contentType.start, contentType.end);
    const name = repaired.slice(0, repaired.indexOf(':'));
    edits.push({ start: contentType.start, end: contentType.end, text: `${name}: text/plain; charset=${FALLBACK_CHARSET}` });
    return;
  }

  if (type.startsWith('multipart/')) {
    if (contentType !== undefined) {
      const repaired = repairHeader(raw.slice(contentType.start, contentType.end));
      if (repaired !== null) edits.push({ start: contentType.start, end: contentType.end, text: repaired });
    }
    if (boundary !== undefined && boundary !== '' && depth < MAX_DEPTH) {
      const childDefault = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
      visitParts(raw, block.bodyStart, end, boundary, childDefault, depth, edits);
    }
    return;
  }

  const hasBody = block.bodyStart < end;
  if (!type.startsWith('text/') || !hasBody) {
    if (contentType !== undefined) {
      const repaired = repairHeader(raw.slice(contentType.start, contentType.end));
      if (repaired !== null) edits.push({ start: contentType.start, end: contentType.end, text: repaired });
    }
    return;
  }

  if (contentType === undefined) {
    edits.push({ start: block.headerEnd, end: block.headerEnd, text: `Content-Type: ${type}; charset=${FALLBACK_CHARSET}${block.eol}` });
    return;
  }
  const original = raw.slice(contentType.start, contentType.end);
  const repaired = repairHeader(original) ?? original;
  const charset = parameter(value, 'charset');
  if (charset !== undefined && !isUtf8OrUnlabelled(charset)) {
    if (repaired !== original) edits.push({ start: contentType.start, end: contentType.end, text: repaired });
    return;
  }
  const name = repaired.slice(0, repaired.indexOf(':'));
  // An unreadable type is rewritten as what it means (the default), or the parser would file the text as a file.
  const relabelled = declared.includes('/') ? withCharset(unfold(fieldValue(repaired)), FALLBACK_CHARSET) : `${type}; charset=${FALLBACK_CHARSET}`;
  edits.push({ start: contentType.start, end: contentType.end, text: `${name}: ${relabelled}` });
}

function visitParts(
  raw: string,
  bodyStart: number,
  end: number,
  boundary: string,
  childDefault: string,
  depth: number,
  edits: Edit[],
): void {
  const delimiter = `--${boundary}`;
  let partStart = -1;
  let from = bodyStart;
  for (;;) {
    const at = findDelimiter(raw, delimiter, from, bodyStart, end);
    if (at === -1) break;
    if (partStart >= 0) visitEntity(raw, partStart, partEnd(raw, at, partStart), childDefault, depth + 1, edits);
    const after = at + delimiter.length;
    if (raw.startsWith('--', after)) return;
    const lineEnd = raw.indexOf('\n', after);
    if (lineEnd === -1 || lineEnd >= end) return;
    partStart = lineEnd + 1;
    from = partStart;
  }
  // A part whose closing delimiter never came (truncated or broken mail) still runs to the end.
  if (partStart >= 0) visitEntity(raw, partStart, end, childDefault, depth + 1, edits);
}

/** The next delimiter line at or after `from`: at a line start and followed by `--`, white space or the line end. */
function findDelimiter(raw: string, delimiter: string, from: number, bodyStart: number, end: number): number {
  let i = from;
  for (;;) {
    const at = raw.indexOf(delimiter, i);
    if (at === -1 || at + delimiter.length > end) return -1;
    const atLineStart = at === bodyStart || raw.charCodeAt(at - 1) === 0x0a;
    const next = raw.charAt(at + delimiter.length);
    if (atLineStart && (next === '' || next === '-' || next === '\r' || next === '\n' || next === ' ' || next === '\t')) return at;
    i = at + 1;
  }
}

/** A part ends before the line break that precedes the next delimiter (that line break belongs to the delimiter). */
function partEnd(raw: string, delimiterAt: number, partStart: number): number {
  let e = delimiterAt;
  if (e > partStart && raw.charCodeAt(e - 1) === 0x0a) e--;
  if (e > partStart && raw.charCodeAt(e - 1) === 0x0d) e--;
  return e;
}

function readHeaderBlock(raw: string, start: number, end: number): HeaderBlock {
  const fields: { name: string; start: number; end: number }[] = [];
  let eol = '\r\n';
  let position = start;
  let first = true;
  while (position < end) {
    const newline = raw.indexOf('\n', position);
    const lineEnd = newline === -1 || newline >= end ? end : newline;
    const contentEnd = lineEnd > position && raw.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
    if (first) {
      eol = contentEnd === lineEnd ? '\n' : '\r\n';
      first = false;
    }
    if (contentEnd === position && lineEnd < end) {
      return { fields, headerEnd: position, bodyStart: lineEnd + 1, eol };
    }
    const startChar = raw.charAt(position);
    const last = fields[fields.length - 1];
    if ((startChar === ' ' || startChar === '\t') && last !== undefined) {
      last.end = contentEnd;
    } else {
      const colon = raw.indexOf(':', position);
      const name = colon !== -1 && colon < contentEnd ? raw.slice(position, colon).trim().toLowerCase() : '';
      fields.push({ name, start: position, end: contentEnd });
    }
    position = lineEnd + 1;
  }
  return { fields, headerEnd: end, bodyStart: end, eol };
}

/**
 * The field rewritten so the parser reads it right, or `null` when it already does: raw 8-bit bytes that are not
 * UTF-8 are taken as GB18030 and re-encoded as UTF-8, and GB2312/GBK encoded words are relabelled GB18030.
 */
function repairHeader(field: string): string | null {
  let text = field;
  if (hasEightBit(text) && !isUtf8(text)) {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    text = utf8BinaryString(new TextDecoder('gb18030').decode(bytes));
  }
  text = text.replace(/=\?([^?*\s]+)(\*[^?\s]*)?\?([bBqQ])\?/g, (word: string, charset: string, language: string | undefined, encoding: string) =>
    isGbLabel(charset) ? `=?gb18030${language ?? ''}?${encoding}?` : word,
  );
  return text === field ? null : text;
}

function isUtf8(binary: string): boolean {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function fieldValue(field: string): string {
  const colon = field.indexOf(':');
  return colon === -1 ? '' : field.slice(colon + 1);
}

function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '').trim();
}

function parameter(value: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i').exec(value);
  if (!match) return undefined;
  return match[1] ?? match[2] ?? '';
}

function withCharset(value: string, charset: string): string {
  const pattern = /;\s*charset\s*=\s*(?:"[^"]*"|[^;\s]*)/i;
  return pattern.test(value) ? value.replace(pattern, `; charset=${charset}`) : `${value}; charset=${charset}`;
}
