// What the e-mail channel needs from the outside besides intake and the attachment store: a durable store for the
// raw messages, a parser, a thread index (which request a Message-ID belongs to), and a way to send mail out.
// The adapters in `src/adapters/email/` implement these.

import type { ParsedMail } from '../../domain/email/parsed-mail.js';

/** A received message, on disk (fsynced) before anything else happens to it. */
export interface StoredRawMail {
  /** `sha256:<hex>`: the content address, named in notes and logs. */
  readonly id: string;
  readonly sha256: string;
  readonly size: number;
  /** The bytes as received (the parser's copy). */
  readonly bytes: Uint8Array;
}

export interface RawMailStore {
  /**
   * Reads `source` to its end, storing it durably. Throws `RawMailTooLargeError` (after reading everything, so the
   * SMTP session stays in step) when it is longer than `maxBytes`, leaving nothing behind; any other error means
   * the disk refused and the sender should retry.
   */
  put(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StoredRawMail>;
  /** The stored message, or `null`. */
  read(sha256: string): Promise<Uint8Array | null>;
}

export class RawMailTooLargeError extends Error {
  readonly code = 'MAIL_TOO_LARGE';
  constructor(
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`message of ${size} bytes exceeds the limit of ${maxBytes} bytes`);
    this.name = 'RawMailTooLargeError';
  }
}

export interface MailParser {
  /** Throws `MailUnparseableError` when the message cannot be read at all (the raw mail is filed instead). */
  parse(raw: Uint8Array): Promise<ParsedMail>;
}

export class MailUnparseableError extends Error {
  readonly code = 'MAIL_UNPARSEABLE';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MailUnparseableError';
  }
}

/** The first submission of a thread: what follow-ups point at and what acknowledgements quote. */
export interface ThreadRoot {
  readonly id: string;
  readonly ticket: string;
}

export interface ThreadIndex {
  /** The thread of the first of these Message-IDs that is known, or `null`. */
  find(messageIds: readonly string[]): Promise<ThreadRoot | null>;
  /** Files these Message-IDs (a received mail's, an acknowledgement's) under the thread. */
  remember(messageIds: readonly string[], root: ThreadRoot): Promise<void>;
}

/** Caps acknowledgements per recipient address, the last guard against a loop with a responder that hides. */
export interface AckLimiter {
  /** Counts one acknowledgement to `address`; `false` when the cap for the current window is reached. */
  allow(address: string): Promise<boolean>;
}

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Without angle brackets; remembered in the thread index before sending. */
  readonly messageId: string;
  readonly inReplyTo?: string;
  readonly references: readonly string[];
}

export interface MailSender {
  /** Throws `MailSendRejectedError` when the relay refused for good (5xx), any other error when worth a retry. */
  send(mail: OutgoingMail): Promise<void>;
}

export class MailSendRejectedError extends Error {
  readonly code = 'MAIL_SEND_REJECTED';
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
    this.name = 'MailSendRejectedError';
  }
}
