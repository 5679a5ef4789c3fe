// The inbound SMTP server (smtp-server). It is a final destination for the hotline's own addresses and never a
// relay. Each reply is the protocol's proper answer, so the sending server knows what to do:
//   RCPT for anyone else              550 5.7.1  (relaying denied: never retried)
//   RCPT beyond the recipient limit   452 4.5.3  (the sender retries the rest in another transaction)
//   MAIL FROM SIZE= over the limit    552        (smtp-server, from the SIZE announced in EHLO)
//   DATA over the limit               552 5.3.4  (counted while streaming; nothing is kept)
//   disk, intake or store trouble     451 4.3.0  (the sender retries later; nothing was promised)
//   sender over its fair-use limit    451 4.7.1  (the sender retries later; an emergency is never refused)
//   mail intake cannot file at all    554 5.6.0
//   filed                             250 2.0.0 with the ticket
// `250` is sent only after the raw message is fsynced and the submission is durable in intake.
// AUTH is disabled (this is an MX, not a submission server); STARTTLS is offered only with a configured certificate.

import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { Log } from '../../app/app-ports.js';
import type { EmailIntake } from '../../app/email/email-intake.js';
import { MailLimitedError, MailRefusedError, MailTemporaryError } from '../../app/email/email-intake.js';
import type { RawMailStore, StoredRawMail } from '../../app/email/email-ports.js';
import { RawMailTooLargeError } from '../../app/email/email-ports.js';
import { isAcceptedRecipient } from '../../domain/email/accept-list.js';
import type { AcceptRule } from '../../domain/email/accept-list.js';
import { maskEmail } from '../../domain/email/mask-address.js';
import type { Envelope } from '../../domain/email/parsed-mail.js';
import { ticketTag } from '../../domain/email/ticket-in-subject.js';

export interface SmtpIntakeServerOptions {
  /** Interface to listen on (default all). */
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** The name in the greeting and EHLO reply (default: the host name). */
  readonly serverName?: string;
  readonly accept: readonly AcceptRule[];
  /** Largest message, announced as EHLO SIZE and enforced while streaming. */
  readonly maxBytes: number;
  readonly maxRecipients: number;
  /** PEM key and certificate: STARTTLS is offered only with these. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  readonly maxClients?: number;
  readonly socketTimeoutMs?: number;
  /** How long `close` waits for open sessions before cutting them. */
  readonly closeTimeoutMs?: number;
}

export interface SmtpIntakeServerDeps {
  readonly rawMail: RawMailStore;
  readonly mailIntake: Pick<EmailIntake, 'receive'>;
  readonly log: Log;
}

interface SmtpReplyError extends Error {
  responseCode: number;
}

export class SmtpIntakeServer {
  private readonly server: SMTPServer;
  private readonly log: Log;

  constructor(
    private readonly options: SmtpIntakeServerOptions,
    private readonly deps: SmtpIntakeServerDeps,
  ) {
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 1) throw new RangeError(`SMTP maxBytes must be a positive whole number, got ${options.maxBytes}`);
    if (!Number.isSafeInteger(options.maxRecipients) || options.maxRecipients < 1) {
      throw new RangeError(`SMTP maxRecipients must be a positive whole number, got ${options.maxRecipients}`);
    }
    if (options.accept.length === 0) throw new RangeError('SMTP accept list is empty: the server would take no mail');
    this.log = deps.log;
    this.server = new SMTPServer({
      ...(options.serverName !== undefined ? { name: options.serverName } : {}),
      banner: '12345 citizen hotline',
      size: options.maxBytes,
      authOptional: true,
      disabledCommands: options.tls !== undefined ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...(options.tls !== undefined ? { key: options.tls.key, cert: options.tls.cert } : {}),
      hideENHANCEDSTATUSCODES: true,
      hideDSN: true,
      disableReverseLookup: true,
      logger: false,
      maxClients: options.maxClients ?? 32,
      socketTimeout: options.socketTimeoutMs ?? 60_000,
      closeTimeout: options.closeTimeoutMs ?? 30_000,
      onRcptTo: (address, session, callback) => callback(this.checkRecipient(address, session)),
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          (message) => callback(null, message),
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      },
    });
    this.server.on('error', (err: Error) => this.log.warn({ err: err.message }, 'SMTP server error'));
  }

  /** Starts listening; resolves with the port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host ?? '0.0.0.0', () => {
        this.server.server.off('error', onError);
        const address = this.server.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : this.options.port);
      });
    });
  }

  /** Stops taking connections and waits for open sessions (up to the close timeout). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
    });
  }

  private checkRecipient(address: SMTPServerAddress, session: SMTPServerSession): Error | null {
    const already = session.envelope.rcptTo.some((r) => r.address.toLowerCase() === address.address.toLowerCase());
    if (!already && session.envelope.rcptTo.length >= this.options.maxRecipients) {
      this.log.info({ session: session.id, limit: this.options.maxRecipients }, 'SMTP recipient refused: too many recipients');
      return replyError(452, '4.5.3 Too many recipients');
    }
    if (!isAcceptedRecipient(address.address, this.options.accept)) {
      this.log.info({ session: session.id, rcpt: maskEmail(address.address) }, 'SMTP recipient refused: relaying denied');
      return replyError(550, '5.7.1 Relaying denied: this server only accepts mail for the 12345 hotline');
    }
    return null;
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const log = this.log.child({ session: session.id });
    const envelope: Envelope = {
      mailFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
      rcptTo: session.envelope.rcptTo.map((r) => r.address),
    };
    let raw: StoredRawMail;
    try {
      raw = await this.deps.rawMail.put(stream, this.options.maxBytes);
    } catch (err) {
      if (err instanceof RawMailTooLargeError) {
        log.info({ size: err.size, limit: err.maxBytes, from: maskEmail(envelope.mailFrom) }, 'SMTP message refused: too large');
        throw replyError(552, `5.3.4 Message too big: the limit is ${this.options.maxBytes} bytes`);
      }
      if (isPrematureClose(err)) {
        // The client went away mid-message: nothing was received, nobody is waiting for an answer.
        log.info({ from: maskEmail(envelope.mailFrom) }, 'SMTP client disconnected during DATA');
        throw replyError(451, '4.3.0 Message incomplete');
      }
      log.error({ err: errorText(err) }, 'raw mail could not be stored: sender asked to retry');
      throw replyError(451, '4.3.0 Temporary local problem, please try again later');
    }
    try {
      const receipt = await this.deps.mailIntake.receive(envelope, raw, log);
      // A status or rating mail is answered by mail; this line must not say whether the ticket it names exists.
      return receipt.kind === 'filed' ? `2.0.0 Accepted, ticket ${ticketTag(receipt.submission.ticket)}` : '2.0.0 Accepted, the answer follows by mail';
    } catch (err) {
      if (err instanceof MailRefusedError) throw replyError(554, '5.6.0 Message could not be filed');
      if (err instanceof MailLimitedError) {
        const minutes = Math.max(1, Math.ceil(err.retryAfterSeconds / 60));
        throw replyError(451, `4.7.1 Too many messages from this sender: please try again in ${minutes} minutes (in an emergency call 110, 119, 120 or 122)`);
      }
      if (err instanceof MailTemporaryError) {
        log.warn({ rawId: raw.id, err: err.message }, 'mail not filed: sender asked to retry');
      } else {
        log.error({ rawId: raw.id, err: errorText(err) }, 'mail not filed (unexpected error): sender asked to retry');
      }
      throw replyError(451, '4.3.0 Temporary local problem, please try again later');
    }
  }
}

function replyError(code: number, message: string): SmtpReplyError {
  return Object.assign(new Error(message), { responseCode: code });
}

function isPrematureClose(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ECONNECTION' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
