/**
 * The AMI wire format: a banner line (`Asterisk Call Manager/<version>`), then messages made of
 * `Key: Value` lines ended by CRLF, each message ended by an empty line. Both directions use it:
 * Asterisk sends responses and events, clients send actions.
 *
 * The parser is strict on purpose: a line that is not `Key: Value` means the peer is not speaking AMI
 * (or the stream is out of sync), and guessing would route a response to the wrong action.
 *
 * The simulator's AMI server reads and writes the wire with it. AmiClient talks through `asterisk-manager`
 * instead and uses only AmiMessage and the header checks from here.
 */

export type AmiProtocolErrorCode = 'AMI_BAD_LINE' | 'AMI_LINE_TOO_LONG' | 'AMI_TOO_MANY_HEADERS' | 'AMI_BAD_BANNER' | 'AMI_BAD_VALUE';

export class AmiProtocolError extends Error {
  override readonly name = 'AmiProtocolError';
  constructor(
    readonly code: AmiProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type AmiHeader = readonly [key: string, value: string];

/** One AMI message (action, response or event): ordered headers, looked up case-insensitively like Asterisk does. */
export class AmiMessage {
  constructor(readonly headers: readonly AmiHeader[]) {}

  /** First value of a header, or undefined. Keys are matched case-insensitively (Asterisk's astman_get_header does the same). */
  get(key: string): string | undefined {
    const wanted = key.toLowerCase();
    for (const [k, v] of this.headers) if (k.toLowerCase() === wanted) return v;
    return undefined;
  }

  /** Every value of a repeated header (e.g. `Variable` on Originate, `ChanVariable` on events). */
  getAll(key: string): string[] {
    const wanted = key.toLowerCase();
    return this.headers.filter(([k]) => k.toLowerCase() === wanted).map(([, v]) => v);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /**
   * Lower-cased keys, first value wins: the same shape `asterisk-manager` hands out, so code and
   * fixtures written against it (e.g. the parsed transcript) read our messages unchanged.
   */
  toRecord(): Record<string, string> {
    const record: Record<string, string> = {};
    for (const [k, v] of this.headers) {
      const key = k.toLowerCase();
      if (!(key in record)) record[key] = v;
    }
    return record;
  }
}

export type AmiFrame = { readonly kind: 'banner'; readonly version: string } | { readonly kind: 'message'; readonly message: AmiMessage };

export interface AmiParserOptions {
  /** The first line is Asterisk's greeting (client side). */
  readonly expectBanner: boolean;
  /** Asterisk itself drops action lines over 1024 bytes; events can be longer (e.g. long variables). */
  readonly maxLineLength?: number;
  readonly maxHeaders?: number;
}

const BANNER = /^Asterisk Call Manager\/(\S+)$/;
// Header names are tokens such as `CallerIDNum`, `Cause-txt`, `ChanVariable(PJSIP/x)`: printable, no colon, no spaces.
const KEY = /^[\x21-\x39\x3b-\x7e]+$/;

/** Splits one line into a header, or explains why it is not one. Exported for the transcript test and the simulator. */
export function parseAmiLine(line: string): AmiHeader {
  const colon = line.indexOf(':');
  if (colon < 0) throw new AmiProtocolError('AMI_BAD_LINE', `AMI line has no "Key: Value" colon: ${quoted(line)}`);
  const key = line.slice(0, colon);
  if (key.length === 0) throw new AmiProtocolError('AMI_BAD_LINE', `AMI line has an empty key: ${quoted(line)}`);
  if (!KEY.test(key)) throw new AmiProtocolError('AMI_BAD_LINE', `AMI header name ${quoted(key)} contains spaces or control characters`);
  // Asterisk writes "Key: value" but accepts "Key:value" from clients; it skips leading blanks only.
  const value = line.slice(colon + 1).replace(/^[ \t]+/, '');
  if (hasControlCharacter(value)) {
    throw new AmiProtocolError('AMI_BAD_LINE', `AMI header ${JSON.stringify(key)} has control characters in its value`);
  }
  return [key, value];
}

/** Incremental parser: feed it socket data, get whole frames back. Throws AmiProtocolError on the first bad line. */
export class AmiParser {
  private buffer = '';
  private headers: AmiHeader[] = [];
  private bannerPending: boolean;
  private readonly maxLineLength: number;
  private readonly maxHeaders: number;

  constructor(options: AmiParserOptions) {
    this.bannerPending = options.expectBanner;
    this.maxLineLength = options.maxLineLength ?? 64 * 1024;
    this.maxHeaders = options.maxHeaders ?? 512;
  }

  push(chunk: string): AmiFrame[] {
    this.buffer += chunk;
    const frames: AmiFrame[] = [];
    let start = 0;
    for (;;) {
      const nl = this.buffer.indexOf('\n', start);
      if (nl < 0) break;
      // Asterisk sends CRLF; a bare LF is tolerated because Asterisk tolerates it from clients too.
      const end = nl > start && this.buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const line = this.buffer.slice(start, end);
      start = nl + 1;
      if (line.length > this.maxLineLength) throw this.tooLong(line.length);
      const frame = this.line(line);
      if (frame) frames.push(frame);
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length > this.maxLineLength) throw this.tooLong(this.buffer.length);
    return frames;
  }

  /** True when a message has started but its closing empty line has not arrived. */
  get midMessage(): boolean {
    return this.headers.length > 0 || this.buffer.length > 0;
  }

  private line(line: string): AmiFrame | undefined {
    if (this.bannerPending) {
      this.bannerPending = false;
      const match = BANNER.exec(line);
      if (!match?.[1]) throw new AmiProtocolError('AMI_BAD_BANNER', `expected the "Asterisk Call Manager/<version>" greeting, got ${quoted(line)}`);
      return { kind: 'banner', version: match[1] };
    }
    if (line.length === 0) {
      // Blank lines between messages (keep-alive newlines some clients send) are not messages.
      if (this.headers.length === 0) return undefined;
      const message = new AmiMessage(this.headers);
      this.headers = [];
      return { kind: 'message', message };
    }
    if (this.headers.length >= this.maxHeaders) {
      throw new AmiProtocolError('AMI_TOO_MANY_HEADERS', `AMI message has more than ${this.maxHeaders} headers without an empty line`);
    }
    this.headers.push(parseAmiLine(line));
    return undefined;
  }

  private tooLong(length: number): AmiProtocolError {
    return new AmiProtocolError('AMI_LINE_TOO_LONG', `AMI line of ${length} characters exceeds the limit of ${this.maxLineLength}`);
  }
}

export type AmiHeaderInput = readonly [key: string, value: string | number | undefined];

/**
 * Serializes one message. Undefined values are left out. A CR or LF inside a value is refused: it would
 * end the header early and let data (a caller id, a variable) inject extra AMI headers or actions.
 */
export function formatAmiMessage(headers: readonly AmiHeaderInput[]): string {
  let out = '';
  for (const [key, raw] of headers) {
    if (raw === undefined) continue;
    const value = String(raw);
    assertAmiHeader(key, value);
    out += `${key}: ${value}\r\n`;
  }
  return `${out}\r\n`;
}

/** Throws AMI_BAD_VALUE unless `key: value` can be written as exactly one AMI header line. */
export function assertAmiHeader(key: string, value: string): void {
  if (!KEY.test(key)) throw new AmiProtocolError('AMI_BAD_VALUE', `AMI header name ${JSON.stringify(key)} is not a token`);
  if (/[\r\n]/.test(value)) throw new AmiProtocolError('AMI_BAD_VALUE', `AMI header ${key} contains a line break, which would inject headers`);
}

/**
 * Explains why a header another parser produced (one that splits on ': ' and accepts anything) is not a
 * real AMI header, or returns undefined when it is one.
 */
export function amiHeaderProblem(key: string, value: string): string | undefined {
  if (key.length === 0) return 'an empty header name';
  if (!KEY.test(key)) return `a line that is not "Key: Value": ${quoted(key)}`;
  if (hasControlCharacter(value)) return `control characters in the value of ${quoted(key)}`;
  return undefined;
}

/** Tab is allowed (Asterisk passes it through); every other C0 control and DEL is not text. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/**
 * The offending text for an error message, quoted with every control character escaped: the simulator sends these
 * messages back as a `Message:` header, which must itself be valid AMI (JSON.stringify leaves DEL as it is).
 */
function quoted(text: string): string {
  return JSON.stringify(truncate(text)).replace(/\x7f/g, '\\u007f');
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}
