// mailparser, wrapped: the raw message is first relabelled (`relabelCharsets`) so unlabelled and mislabelled
// Chinese text reaches our decoder hook instead of mailparser's lenient UTF-8, every charset conversion goes
// through `decodeCharset` (GB labels as GB18030, unknown labels by the fallback), HTML is reduced to text by our
// own scanner rather than mailparser's converter, and the result is mapped to the channel's `ParsedMail` shape.
// mailparser reads almost anything; a message it still cannot read, or one that takes too long, is
// `MailUnparseableError` and the channel files the raw mail instead.

import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { simpleParser } from 'mailparser';
import type { AddressObject, EmailAddress, MailParserOptions, ParsedMail as LibParsedMail } from 'mailparser';
import type { MailParser } from '../../app/email/email-ports.js';
import { MailUnparseableError } from '../../app/email/email-ports.js';
import { decodeCharset } from '../../domain/email/charset.js';
import { htmlToText } from '../../domain/email/html-text.js';
import { firstMessageId, messageIdsIn } from '../../domain/email/message-id.js';
import { relabelCharsets } from '../../domain/email/mime-relabel.js';
import type { MailAddress, MailAttachment, ParsedMail } from '../../domain/email/parsed-mail.js';

export interface MailparserMailParserOptions {
  /** A message taking longer than this to parse is filed as raw mail. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * mailparser's `Iconv` hook: constructed as `new Iconv(charset, 'UTF-8//TRANSLIT//IGNORE')` for every text part
 * whose label is not UTF-8/ASCII, written to, and read as a stream of UTF-8. The whole part is decoded at the end,
 * because the UTF-8-or-GB18030 decision needs all of its bytes.
 */
class CharsetDecoder extends Transform {
  private readonly chunks: Buffer[] = [];

  constructor(private readonly charset: string) {
    super();
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.push(Buffer.from(decodeCharset(Buffer.concat(this.chunks), this.charset), 'utf8'));
    done();
  }
}

const PARSER_OPTIONS: MailParserOptions = {
  skipHtmlToText: true,
  skipImageLinks: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  // The declared types say it is a constructor; mailparser calls it as one.
  Iconv: CharsetDecoder as unknown as MailParserOptions['Iconv'],
};

export class MailparserMailParser implements MailParser {
  private readonly timeoutMs: number;

  constructor(options: MailparserMailParserOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async parse(raw: Uint8Array): Promise<ParsedMail> {
    let parsed: LibParsedMail;
    try {
      const source = Buffer.from(relabelCharsets(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1')), 'latin1');
      parsed = await withTimeout(simpleParser(source, PARSER_OPTIONS), this.timeoutMs);
    } catch (err) {
      throw new MailUnparseableError(`mail parser: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return toParsedMail(parsed);
  }
}

function toParsedMail(parsed: LibParsedMail): ParsedMail {
  const text = (parsed.text ?? '').trim() !== '' ? (parsed.text ?? '') : typeof parsed.html === 'string' ? htmlToText(parsed.html) : '';
  const messageId = firstMessageId(parsed.messageId);
  const from = firstAddress(parsed.from);
  const replyTo = firstAddress(parsed.replyTo);
  const references = typeof parsed.references === 'string' ? [parsed.references] : (parsed.references ?? []);
  return {
    ...(messageId !== undefined ? { messageId } : {}),
    inReplyTo: messageIdsIn(parsed.inReplyTo),
    references: references.flatMap((r) => messageIdsIn(r)),
    subject: parsed.subject ?? '',
    ...(from !== undefined ? { from } : {}),
    ...(replyTo !== undefined ? { replyTo } : {}),
    headers: headerMap(parsed.headerLines),
    text,
    attachments: parsed.attachments.map((a): MailAttachment => ({
      ...(a.filename !== undefined && a.filename !== '' ? { filename: a.filename } : {}),
      contentType: a.contentType,
      content: a.content instanceof Uint8Array ? a.content : new Uint8Array(0),
    })),
  };
}

function firstAddress(value: AddressObject | undefined): MailAddress | undefined {
  const found = flatten(value?.value ?? []).find((a) => typeof a.address === 'string' && a.address !== '');
  if (found === undefined || found.address === undefined) return undefined;
  return { address: found.address, ...(found.name !== '' ? { name: found.name } : {}) };
}

function flatten(addresses: readonly EmailAddress[]): EmailAddress[] {
  return addresses.flatMap((a) => (a.group !== undefined ? flatten(a.group) : [a]));
}

/** Raw header lines (bytes as Latin-1, UTF-8 after relabelling) as lower-case name → unfolded values. */
function headerMap(lines: LibParsedMail['headerLines']): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const value = Buffer.from(line.slice(colon + 1), 'latin1')
      .toString('utf8')
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    const name = key.toLowerCase();
    map.set(name, [...(map.get(name) ?? []), value]);
  }
  return map;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`parsing took longer than ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
