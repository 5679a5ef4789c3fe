// Plays the citizens' mail servers: small plain-text mails (Mandarin or English, as a citizen writes them) to the
// hotline address, each from its own sender with its own Message-ID, through a pooled nodemailer SMTP transport.
// A mail counts as done when the server answers 250 with a ticket.

import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { citizenRequest } from '../shared/citizen-requests.js';

const TICKET_IN_REPLY = /^250 .*ticket/i;

export class SmtpClient {
  /** Mails started. */
  sent = 0;
  private readonly transport: Transporter;
  private readonly run = randomUUID().slice(0, 8);

  constructor(
    port: number,
    private readonly mailbox: string,
    connections: number,
  ) {
    this.transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: connections,
      maxMessages: Infinity,
    });
  }

  async send(): Promise<void> {
    const seq = this.sent;
    this.sent += 1;
    const request = citizenRequest(seq);
    const name = request.contact.name ?? (request.language === 'zh' ? '市民' : 'Resident');
    const signature = request.contact.phone === undefined ? '' : `\n\n${request.language === 'zh' ? '联系电话' : 'Phone'}: ${request.contact.phone}`;
    const info = (await this.transport.sendMail({
      from: { name, address: `citizen.${this.run}.${seq}@mail.example.cn` },
      to: this.mailbox,
      subject: request.subject,
      text: `${request.text}${signature}\n\n${name}`,
      messageId: `<${this.run}.${seq}@mail.example.cn>`,
    })) as { response?: unknown };
    const response = typeof info.response === 'string' ? info.response : '';
    if (!TICKET_IN_REPLY.test(response)) throw new Error(`SMTP answered "${response.slice(0, 200)}"`);
  }

  close(): void {
    this.transport.close();
  }
}
