// Sends acknowledgements through the configured relay (`SMTP_RELAY_URL`, e.g. `smtp://relay:25`) with nodemailer.
// Every acknowledgement says it is automatic (`Auto-Submitted: auto-replied`, RFC 3834) and asks Exchange not to
// answer it (`X-Auto-Response-Suppress: All`): a responder that honours either cannot start a loop with us. The
// Message-ID is ours, chosen before sending, so a reply to it finds its thread.

import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { MailSender, OutgoingMail } from '../../app/email/email-ports.js';
import { MailSendRejectedError } from '../../app/email/email-ports.js';

export interface RelayMailSenderOptions {
  /** `smtp://host:port` or `smtps://user:pass@host:465`; nodemailer's URL options apply. */
  readonly relayUrl: string;
  /** The From of acknowledgements (`MAIL_FROM`), also the envelope sender: bounces come back to the channel. */
  readonly from: string;
  /** Per relay connection step (connect, greeting, each reply); default 30 s. */
  readonly timeoutMs?: number;
}

export class RelayMailSender implements MailSender {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(options: RelayMailSenderOptions) {
    const timeout = options.timeoutMs ?? 30_000;
    this.from = options.from;
    this.transport = nodemailer.createTransport({
      url: options.relayUrl,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${mail.messageId}>`,
        ...(mail.inReplyTo !== undefined ? { inReplyTo: `<${mail.inReplyTo}>` } : {}),
        ...(mail.references.length > 0 ? { references: mail.references.map((id) => `<${id}>`) } : {}),
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
      });
    } catch (err) {
      const code = (err as { responseCode?: unknown }).responseCode;
      if (typeof code === 'number' && code >= 500 && code < 600) {
        throw new MailSendRejectedError(err instanceof Error ? err.message : String(err), code);
      }
      throw err;
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** Message-IDs for acknowledgements: random, under the domain of the From address. */
export function messageIdFactory(from: string): () => string {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  const domain = address.slice(address.lastIndexOf('@') + 1).trim() || 'localhost';
  return () => `${randomUUID()}@${domain}`;
}
