// Acknowledgements go out after the SMTP `250`, never before: the citizen's mail is filed whether or not our relay
// is reachable. Retries are in-process with growing delays (a relay restart or a greylisting answer is over in
// minutes); an acknowledgement still pending at shutdown is dropped and logged, which costs the citizen a
// courtesy mail, not their request (their ticket is also what the IVR and the web status page show).

import type { Log } from '../app-ports.js';
import { maskEmail } from '../../domain/email/mask-address.js';
import type { AckLimiter, MailSender, OutgoingMail } from './email-ports.js';
import { MailSendRejectedError } from './email-ports.js';

/** Before the 2nd, 3rd, ... attempt: about 20 minutes in all. */
export const DEFAULT_ACK_RETRY_DELAYS_MS: readonly number[] = [10_000, 60_000, 300_000, 900_000];

/** What log lines about the mail name: the submission it acknowledges, or the ticket a status answer is about. */
export interface AckContext {
  readonly submissionId?: string;
  readonly ticket?: string;
}

export interface AcknowledgementDispatcherOptions {
  readonly sender: MailSender;
  readonly limiter: AckLimiter;
  readonly log: Log;
  readonly retryDelaysMs?: readonly number[];
}

export class AcknowledgementDispatcher {
  private readonly retryDelaysMs: readonly number[];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(private readonly options: AcknowledgementDispatcherOptions) {
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_ACK_RETRY_DELAYS_MS;
  }

  /** Sends in the background; returns at once. */
  dispatch(mail: OutgoingMail, context: AckContext): void {
    const log = this.options.log.child({ submissionId: context.submissionId, ticket: context.ticket, to: maskEmail(mail.to) });
    if (this.closed) {
      log.warn({}, 'acknowledgement not sent: the e-mail channel is shutting down');
      return;
    }
    this.track(this.start(mail, log));
  }

  /** Stops retrying, waits for attempts under way. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timers.size > 0) {
      this.options.log.warn({ pending: this.timers.size }, 'acknowledgements waiting for a retry are dropped at shutdown');
    }
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private async start(mail: OutgoingMail, log: Log): Promise<void> {
    let allowed = true;
    try {
      allowed = await this.options.limiter.allow(mail.to);
    } catch (err) {
      // Loops are already prevented by the header rules; the cap is a second guard, not worth a lost acknowledgement.
      log.warn({ err: errorText(err) }, 'acknowledgement limiter unavailable; sending anyway');
    }
    if (!allowed) {
      log.warn({}, 'acknowledgement not sent: too many to this address recently (possible mail loop)');
      return;
    }
    await this.attempt(mail, log, 0);
  }

  private async attempt(mail: OutgoingMail, log: Log, attempt: number): Promise<void> {
    try {
      await this.options.sender.send(mail);
      log.info({ attempt: attempt + 1 }, 'acknowledgement sent');
      return;
    } catch (err) {
      if (err instanceof MailSendRejectedError) {
        log.warn({ responseCode: err.responseCode, err: err.message }, 'acknowledgement refused by the relay; not retried');
        return;
      }
      const delay = this.retryDelaysMs[attempt];
      if (delay === undefined || this.closed) {
        log.error({ attempts: attempt + 1, err: errorText(err) }, 'acknowledgement not sent: giving up');
        return;
      }
      log.warn({ attempt: attempt + 1, retryInMs: delay, err: errorText(err) }, 'acknowledgement not sent; will retry');
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.track(this.attempt(mail, log, attempt + 1));
      }, delay);
      timer.unref();
      this.timers.add(timer);
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    const done = (): void => {
      this.inFlight.delete(work);
    };
    work.then(done, (err: unknown) => {
      done();
      this.options.log.error({ err: errorText(err) }, 'acknowledgement failed unexpectedly');
    });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
