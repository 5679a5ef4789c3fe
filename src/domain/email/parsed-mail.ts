// A received mail as the e-mail channel's rules see it: the mail parser adapter fills this from mailparser's
// output, so the rules (threading, auto-reply detection, mapping to a submission) never see the library's types.

import type { MailHeaders } from './auto-reply.js';

export interface MailAddress {
  /** As written; the intake normalises case and checks the form. */
  readonly address: string;
  readonly name?: string;
}

export interface MailAttachment {
  /** The sender's file name, decoded, not yet made safe. */
  readonly filename?: string;
  /** What the sender declared (`image/jpeg`); the attachment store decides from the bytes. */
  readonly contentType: string;
  readonly content: Uint8Array;
}

export interface ParsedMail {
  /** Without angle brackets. */
  readonly messageId?: string;
  readonly inReplyTo: readonly string[];
  readonly references: readonly string[];
  /** Decoded; `''` when absent. */
  readonly subject: string;
  readonly from?: MailAddress;
  readonly replyTo?: MailAddress;
  /** The message's own (top-level) header fields. */
  readonly headers: MailHeaders;
  /** The readable text: the plain-text parts, or the HTML reduced to text when there is no plain text. */
  readonly text: string;
  readonly attachments: readonly MailAttachment[];
}

/** What the SMTP transaction said, apart from the message. */
export interface Envelope {
  /** MAIL FROM; `''` for the null sender. */
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
}
