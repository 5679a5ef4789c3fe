// One received mail, from its stored raw bytes to a filed submission: parse (or file the raw mail when it cannot be
// read), find the request it continues, store the attachments (refusing a file never refuses the mail), submit,
// remember the thread, and queue the acknowledgement (with the first request's progress when the mail repeats an
// open one). Called between the end of SMTP DATA and the reply to it, so every failure here is either temporary
// (`MailTemporaryError`, the sender retries) or final (`MailRefusedError`), and a mail that gets `250` is durable
// in intake.
//
// A mail that only asks how a request stands, or rates it (`case-request.ts`), is answered by mail through the same
// dispatcher (relay, per-address cap) and is not filed: it creates no job and no work order. Its raw mail is kept
// like any other, and the log line names it. The answer goes to the sender only (From, never Reply-To): the sender
// address is one of the proofs (`CaseAccess`), so a forged From sends the answer to the case's owner. Auto-replies
// are never answered: they are filed, flagged, as before.

import { dispositionNotice } from '../../domain/dispositions/dispositions.js';
import type { DispositionTexts } from '../../domain/dispositions/dispositions.js';
import type { Hints } from '../../domain/intake/submission.js';
import { parseIdentity } from '../../domain/limits/identity.js';
import type { CaseAccess, CaseRateOutcome, CaseReadOutcome, ProofSource } from '../access/case-access-ports.js';
import { ratingRefusal } from '../access/case-access.js';
import type { Log } from '../app-ports.js';
import { StoreUnavailableError } from '../intake/durable-intake-ports.js';
import type { IntakeRecord } from '../intake/intake-ports.js';
import { currentStatus } from '../intake/intake-query.js';
import type { AttachmentStore, Intake, SubmitOutcome } from '../intake/intake-ports.js';
import { AttachmentRejectedError, IdempotencyConflictError, IntakeUnavailableError, SubmissionInvalidError } from '../intake/intake-ports.js';
import { lookUpRepeat } from '../intake/repeat-lookup.js';
import type { FairUse } from '../limits/fair-use.js';
import { acknowledgementDecision } from '../../domain/email/ack-policy.js';
import type { AckSkipReason } from '../../domain/email/ack-policy.js';
import { buildAcknowledgement } from '../../domain/email/acknowledgement.js';
import type { DroppedAttachment } from '../../domain/email/acknowledgement.js';
import { detectAutoReply } from '../../domain/email/auto-reply.js';
import { caseRequestOf } from '../../domain/email/case-request.js';
import type { CaseMailRequest } from '../../domain/email/case-request.js';
import { buildCaseReply } from '../../domain/email/case-reply.js';
import type { CaseReply } from '../../domain/email/case-reply.js';
import type { CaseProof } from '../../domain/access/case-proof.js';
import { MAX_MAIL_ATTACHMENTS, mailDedupKey, mailToDraft, salvageDraft, unparseableMailDraft } from '../../domain/email/mail-to-draft.js';
import { maskEmail } from '../../domain/email/mask-address.js';
import { threadCandidates, trimReferences } from '../../domain/email/message-id.js';
import type { Envelope, ParsedMail } from '../../domain/email/parsed-mail.js';
import { ticketFromSubject } from '../../domain/email/ticket-in-subject.js';
import { normaliseEmail } from '../../domain/intake/normalise.js';
import { safeFileName } from '../../domain/intake/safe-file-name.js';
import type { RepeatProgress } from '../../domain/intake/repeat-reply.js';
import type { AttachmentRef, AutoReplyReason, Submission, SubmissionDraft } from '../../domain/intake/submission.js';
import type { AcknowledgementDispatcher } from './acknowledgement-dispatcher.js';
import type { MailParser, StoredRawMail, ThreadIndex, ThreadRoot } from './email-ports.js';
import { MailUnparseableError } from './email-ports.js';

export interface EmailIntakeDeps {
  readonly intake: Intake;
  readonly attachments: AttachmentStore;
  readonly parser: MailParser;
  readonly threads: ThreadIndex;
  /** `null` when no relay is configured: nothing is acknowledged. */
  readonly acknowledgements: Pick<AcknowledgementDispatcher, 'dispatch'> | null;
  /** Whether an address is one the gateway takes mail for (never acknowledged: a loop through ourselves). */
  readonly isOwnAddress: (address: string) => boolean;
  /** A fresh Message-ID (without brackets) for an acknowledgement. */
  readonly newMessageId: () => string;
  /** Who may read and rate a case (status and rating mails, the PIN in acknowledgements). */
  readonly access: CaseAccess;
  /** Where-to-go texts for matters the regulations send elsewhere, added to the acknowledgement. */
  readonly dispositions?: DispositionTexts;
  /** Submissions an hour per sender address (absent: no limit); emergencies are never limited. */
  readonly fairUse?: Pick<FairUse, 'admit'>;
}

export type AcknowledgementOutcome = 'queued' | 'no-relay' | 'unparseable' | AckSkipReason;

export type MailReceipt = FiledMail | AnsweredCaseMail;

/** How a status or rating mail was answered. */
export type CaseMailOutcome = 'granted' | 'rated' | 'refused' | 'proof_needed' | 'denied' | 'locked' | 'usage' | 'not-answered';

export interface AnsweredCaseMail {
  readonly kind: 'case-request';
  readonly request: 'status' | 'rate';
  readonly outcome: CaseMailOutcome;
  /** `queued` when an answer went to the dispatcher; why not otherwise. */
  readonly answer: AcknowledgementOutcome;
}

export interface FiledMail {
  readonly kind: 'filed';
  readonly submission: Submission;
  readonly duplicate: boolean;
  readonly durability: 'queued' | 'spooled';
  readonly autoReply: AutoReplyReason | null;
  readonly acknowledgement: AcknowledgementOutcome;
}

/** Try again later: SMTP 451. */
export class MailTemporaryError extends Error {
  readonly code = 'MAIL_TEMPORARY_FAILURE';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MailTemporaryError';
  }
}

/** The mail cannot be filed however often it is sent: SMTP 554, so the sender gets a bounce and knows. */
export class MailRefusedError extends Error {
  readonly code = 'MAIL_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'MailRefusedError';
  }
}

/** The sender has used up its fair-use budget: SMTP 451 4.7.1, so its server tries again later; nothing was kept. */
export class MailLimitedError extends Error {
  readonly code = 'MAIL_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`too many messages from this sender; try again in ${retryAfterSeconds} s`);
    this.name = 'MailLimitedError';
  }
}

const ATTACHMENT_RETRY_SECONDS = 60;

export class EmailIntake {
  constructor(private readonly deps: EmailIntakeDeps) {}

  async receive(envelope: Envelope, raw: StoredRawMail, log: Log): Promise<MailReceipt> {
    let mail: ParsedMail;
    try {
      mail = await this.deps.parser.parse(raw.bytes);
    } catch (err) {
      if (!(err instanceof MailUnparseableError)) throw err;
      await this.admit(envelope.mailFrom, '', mailDedupKey(undefined, raw.sha256), log);
      log.warn({ rawId: raw.id, err: err.message }, 'unreadable mail: filed as raw mail');
      return await this.fileUnparseable(envelope, raw, log);
    }
    const autoReply = detectAutoReply({
      headers: mail.headers,
      envelopeSender: envelope.mailFrom,
      ...(mail.from !== undefined ? { fromAddress: mail.from.address } : {}),
      subject: mail.subject,
    });
    // Without a relay nothing could answer it: a status request is then filed like any mail, for a person to see.
    if (autoReply === null && this.deps.acknowledgements !== null) {
      const request = caseRequestOf(mail);
      if (request !== null) return await this.answerCaseRequest(request, mail, envelope, raw, log);
    }
    // A status or rating mail is no submission (the acknowledgement cap bounds its answers); this one is. Counted
    // before anything is stored for it: a refused mail leaves no attachment behind.
    await this.admit(mail.from?.address ?? envelope.mailFrom, [mail.subject, mail.text].join('\n\n'), mailDedupKey(mail.messageId, raw.sha256), log);
    const thread = await this.findThread(mail, log);
    const { refs: attachments, dropped } = await this.storeAttachments(mail, log);
    const draft = mailToDraft({
      mail,
      envelope,
      rawId: raw.id,
      attachments,
      dropped,
      ...(thread !== null ? { followUpOf: thread.id } : {}),
      autoReply,
    });
    const outcome = await this.submit(draft, mailDedupKey(mail.messageId, raw.sha256), raw, log);
    const { submission } = outcome;
    const root: ThreadRoot = thread ?? { id: submission.id, ticket: submission.ticket };

    const decision = acknowledgementDecision({ mail, envelope, autoReply, duplicate: outcome.duplicate, isOwnAddress: this.deps.isOwnAddress });
    let acknowledgement: AcknowledgementOutcome = decision.send ? 'queued' : decision.reason;
    if (decision.send && this.deps.acknowledgements === null) acknowledgement = 'no-relay';

    const ackId = acknowledgement === 'queued' ? this.deps.newMessageId() : undefined;
    if (!outcome.duplicate) {
      const ids = [mail.messageId, ackId].filter((id): id is string => id !== undefined);
      await this.remember(ids, root, log);
    }
    if (decision.send && ackId !== undefined && this.deps.acknowledgements !== null) {
      const repeat = thread === null ? await this.repeatFor(submission, decision.to, log) : null;
      const pin = thread === null ? await this.pinOf(submission.ticket, log) : null;
      const elsewhere = this.elsewhere(submission.hints);
      const text = buildAcknowledgement({
        ...(elsewhere === undefined ? {} : { elsewhere }),
        subject: mail.subject,
        ticket: root.ticket,
        followUp: thread !== null,
        ...(pin === null ? {} : { pin }),
        dropped,
        ...(submission.hints.emergency !== undefined ? { emergency: submission.hints.emergency.line } : {}),
        ...(repeat !== null ? { repeatOf: repeat } : {}),
      });
      this.deps.acknowledgements.dispatch(
        {
          to: decision.to,
          subject: text.subject,
          text: text.text,
          messageId: ackId,
          ...(mail.messageId !== undefined ? { inReplyTo: mail.messageId } : {}),
          references: trimReferences([...mail.references, ...(mail.messageId !== undefined ? [mail.messageId] : [])]),
        },
        { submissionId: submission.id, ticket: root.ticket },
      );
    }

    log.info(
      {
        rawId: raw.id,
        submissionId: submission.id,
        ticket: submission.ticket,
        duplicate: outcome.duplicate,
        durability: outcome.durability,
        followUpOf: thread?.id,
        autoReply,
        attachments: attachments.length,
        droppedAttachments: dropped.length,
        acknowledgement,
      },
      outcome.duplicate ? 'mail was filed before' : 'mail filed',
    );
    return { kind: 'filed', submission, duplicate: outcome.duplicate, durability: outcome.durability, autoReply, acknowledgement };
  }

  private async answerCaseRequest(request: CaseMailRequest, mail: ParsedMail, envelope: Envelope, raw: StoredRawMail, log: Log): Promise<AnsweredCaseMail> {
    const asked = request.kind === 'malformed' ? request.asked : request.kind;
    const decision = acknowledgementDecision({ mail, envelope, autoReply: null, duplicate: false, isOwnAddress: this.deps.isOwnAddress, toSender: true });
    const dispatcher = this.deps.acknowledgements;
    if (!decision.send || dispatcher === null) {
      const reason = decision.send ? 'no-relay' : decision.reason;
      log.info({ rawId: raw.id, request: asked, reason }, 'status or rating mail not answered (not filed either)');
      return { kind: 'case-request', request: asked, outcome: 'not-answered', answer: reason };
    }
    const to = decision.to;
    const ticket = request.kind === 'malformed' ? null : (request.ticket ?? (await this.ticketOfThread(mail, log)));
    let reply: CaseReply = { kind: 'usage', asked };
    let outcome: CaseMailOutcome = 'usage';
    let record: IntakeRecord | null = null;
    if (request.kind !== 'malformed' && ticket !== null) {
      const proofs: CaseProof[] = [{ kind: 'sender', value: to }, ...(request.proof === null ? [] : [request.proof])];
      const source: ProofSource = { kind: 'sender', id: to };
      if (request.kind === 'status') {
        const read = await this.temporarily(() => this.deps.access.read(ticket, proofs, source));
        outcome = read.kind;
        if (read.kind === 'granted') {
          record = read.record;
          reply = statusReply(read.record);
        } else reply = refusalReply(read, ticket, 'status');
      } else {
        const rated: CaseRateOutcome = await this.temporarily(() => this.deps.access.rate(ticket, proofs, source, { score: request.score }));
        outcome = rated.kind;
        if (rated.kind === 'rated') {
          record = rated.record;
          reply = { kind: 'rated', ticket: rated.record.submission.ticket, score: rated.rating.score };
        } else if (rated.kind === 'refused') {
          record = rated.record;
          const { ticket: own } = rated.record.submission;
          reply = rated.reason === 'already_rated' ? { kind: 'already_rated', ticket: own } : { kind: 'not_rateable', ticket: own, status: currentStatus(rated.record) };
        } else reply = refusalReply(rated, ticket, 'rate');
      }
    }

    const answerId = this.deps.newMessageId();
    if (record !== null) {
      // A reply to the answer ("评价 5") finds the case by its thread, as a reply to the acknowledgement does.
      const root: ThreadRoot = { id: record.submission.refs.followUpOf ?? record.submission.id, ticket: record.submission.ticket };
      await this.remember([mail.messageId, answerId].filter((id): id is string => id !== undefined), root, log);
    }
    const text = buildCaseReply(mail.subject, ticket, reply);
    dispatcher.dispatch(
      {
        to,
        subject: text.subject,
        text: text.text,
        messageId: answerId,
        ...(mail.messageId !== undefined ? { inReplyTo: mail.messageId } : {}),
        references: trimReferences([...mail.references, ...(mail.messageId !== undefined ? [mail.messageId] : [])]),
      },
      { ...(record === null ? {} : { submissionId: record.submission.id }), ...(ticket === null ? {} : { ticket }) },
    );
    log.info({ rawId: raw.id, request: asked, outcome, ticket, to: maskEmail(to) }, 'status or rating mail answered by mail (not filed)');
    return { kind: 'case-request', request: asked, outcome, answer: 'queued' };
  }

  /** The case a reply without a ticket is about: the thread it answers, else the ticket tag in its subject. */
  private async ticketOfThread(mail: ParsedMail, log: Log): Promise<string | null> {
    const candidates = threadCandidates(mail.inReplyTo, mail.references);
    if (candidates.length > 0) {
      try {
        const root = await this.deps.threads.find(candidates);
        if (root !== null) return root.ticket;
      } catch (err) {
        log.warn({ err: errorText(err) }, 'thread index unavailable: the case is taken from the subject tag only');
      }
    }
    return ticketFromSubject(mail.subject);
  }

  /** Both languages, as the acknowledgement is bilingual; `undefined` when nothing is to be handled elsewhere. */
  private elsewhere(hints: Hints): Readonly<Record<'zh' | 'en', string>> | undefined {
    const texts = this.deps.dispositions;
    if (texts === undefined) return undefined;
    const zh = dispositionNotice(hints, 'zh', texts);
    const en = dispositionNotice(hints, 'en', texts);
    return zh === undefined || en === undefined ? undefined : { zh, en };
  }

  /** The PIN for a new request's acknowledgement; without it (keys unreadable) the ticket is still acknowledged. */
  private async pinOf(ticket: string, log: Log): Promise<string | null> {
    try {
      return await this.deps.access.pinOf(ticket);
    } catch (err) {
      log.error({ err: errorText(err), ticket }, 'acknowledgement without the PIN: the case keys could not be loaded');
      return null;
    }
  }

  /** Redis away while reading a case: the sender's server tries again later (451), which loses nothing. */
  private async temporarily<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof IntakeUnavailableError) throw new MailTemporaryError(err.message, err.retryAfterSeconds, { cause: err });
      if (err instanceof StoreUnavailableError) throw new MailTemporaryError(err.message, 60, { cause: err });
      throw err;
    }
  }

  /** Counts the mail against its sender's hourly budget; MailLimitedError past it (never for an emergency). */
  private async admit(sender: string, text: string, dedupKey: string, log: Log): Promise<void> {
    if (this.deps.fairUse === undefined) return;
    // In the spelling flags are kept under; a null or unreadable sender is counted as one sender: bounces and
    // forgeries share one budget.
    const identity = parseIdentity('email', sender);
    const address = identity.ok ? identity.identity.value : '<>';
    const admission = await this.deps.fairUse.admit({ channel: 'email', text, submitters: [{ kind: 'email', value: address }], once: dedupKey });
    if (admission.admitted) return;
    log.info({ from: maskEmail(address), retryAfterSeconds: admission.refusal.retryAfterSeconds }, 'mail refused for now: sender over its fair-use limit');
    throw new MailLimitedError(admission.refusal.retryAfterSeconds);
  }

  /**
   * The progress of the open request this mail repeats, for its acknowledgement. Only when the acknowledgement goes
   * to the address the request is filed under: a From can be anyone's, but then the answer goes to them, whereas a
   * Reply-To elsewhere would hand a stranger the ticket and progress of that person's request.
   */
  private async repeatFor(submission: Submission, to: string, log: Log): Promise<RepeatProgress | null> {
    if (submission.hints.repeatOf === undefined) return null;
    const own = submission.contact.email;
    if (own === undefined || own.toLowerCase() !== to.toLowerCase()) {
      log.info({ submissionId: submission.id, repeatOf: submission.hints.repeatOf.id }, 'repeat not named in the acknowledgement: it goes to another address than the sender\'s');
      return null;
    }
    return await lookUpRepeat(this.deps.intake, submission, log);
  }

  private async fileUnparseable(envelope: Envelope, raw: StoredRawMail, log: Log): Promise<MailReceipt> {
    const draft = unparseableMailDraft(envelope, raw.id);
    const outcome = await this.submit(draft, mailDedupKey(undefined, raw.sha256), raw, log);
    log.info({ rawId: raw.id, submissionId: outcome.submission.id, ticket: outcome.submission.ticket, duplicate: outcome.duplicate }, 'unreadable mail filed');
    return {
      kind: 'filed',
      submission: outcome.submission,
      duplicate: outcome.duplicate,
      durability: outcome.durability,
      autoReply: draft.hints?.autoReply?.reason ?? null,
      acknowledgement: 'unparseable',
    };
  }

  /**
   * The request this mail continues: by the Message-IDs it answers, else by a ticket in its subject. A ticket
   * only links mail from the address that filed that request, because tickets are short and guessable and a
   * stranger must not add to someone else's case; the stranger's mail becomes a request of its own.
   */
  private async findThread(mail: ParsedMail, log: Log): Promise<ThreadRoot | null> {
    const candidates = threadCandidates(mail.inReplyTo, mail.references);
    if (candidates.length > 0) {
      try {
        const root = await this.deps.threads.find(candidates);
        if (root !== null) return root;
      } catch (err) {
        log.warn({ err: errorText(err) }, 'thread index unavailable: linking by subject ticket only');
      }
    }
    const ticket = ticketFromSubject(mail.subject);
    if (ticket === null) return null;
    try {
      const record = await this.deps.intake.getByTicket(ticket);
      if (record === null) return null;
      const named = record.submission;
      const sender = mail.from === undefined ? null : normaliseEmail(mail.from.address.normalize('NFKC').trim());
      if (sender === null || named.contact.email === undefined || named.contact.email.toLowerCase() !== sender.toLowerCase()) {
        log.info({ ticket, from: maskEmail(sender) }, 'subject names a ticket of another sender: filed as a new request');
        return null;
      }
      const rootId = named.refs.followUpOf;
      if (rootId === undefined) return { id: named.id, ticket: named.ticket };
      const root = await this.deps.intake.get(rootId);
      return root === null ? { id: named.id, ticket: named.ticket } : { id: root.submission.id, ticket: root.submission.ticket };
    } catch (err) {
      if (!(err instanceof IntakeUnavailableError)) throw err;
      log.warn({ err: err.message }, 'intake lookup unavailable: mail filed as a new request');
      return null;
    }
  }

  private async storeAttachments(mail: ParsedMail, log: Log): Promise<{ refs: AttachmentRef[]; dropped: DroppedAttachment[] }> {
    const refs: AttachmentRef[] = [];
    const dropped: DroppedAttachment[] = [];
    for (const part of mail.attachments) {
      const name = safeFileName(part.filename);
      if (refs.length >= MAX_MAIL_ATTACHMENTS) {
        dropped.push({ ...(name !== undefined ? { name } : {}), reason: 'too_many' });
        continue;
      }
      try {
        const ref = await this.deps.attachments.put(part.content, {
          ...(part.filename !== undefined ? { originalName: part.filename } : {}),
          declaredMimeType: part.contentType,
        });
        if (!refs.some((r) => r.sha256 === ref.sha256)) refs.push(ref);
      } catch (err) {
        if (err instanceof AttachmentRejectedError) {
          dropped.push({ ...(name !== undefined ? { name } : {}), reason: err.problem });
          continue;
        }
        log.error({ err: errorText(err) }, 'attachment store failed: mail deferred');
        throw new MailTemporaryError('attachment store unavailable', ATTACHMENT_RETRY_SECONDS, { cause: err });
      }
    }
    return { refs, dropped };
  }

  private async submit(draft: SubmissionDraft, dedupKey: string, raw: StoredRawMail, log: Log, salvaged = false): Promise<SubmitOutcome> {
    const { intake } = this.deps;
    try {
      return await intake.submit({ draft, dedupKey, fingerprint: raw.sha256 });
    } catch (err) {
      if (err instanceof IntakeUnavailableError) {
        throw new MailTemporaryError(err.message, err.retryAfterSeconds, { cause: err });
      }
      if (err instanceof IdempotencyConflictError) {
        // The same Message-ID with other bytes: the same mail delivered again through another route (trace
        // headers differ) or re-sent. A Message-ID names one message, so this is the one already filed.
        const first = await this.lookup(err.existingId);
        if (first === null) throw new MailTemporaryError('the first copy of this message is not readable yet', 60, { cause: err });
        log.info({ submissionId: first.id }, 'same Message-ID as a mail filed before: not filed again');
        return { submission: first, duplicate: true, durability: 'queued' };
      }
      if (err instanceof SubmissionInvalidError && !salvaged) {
        const note = `（邮件内容无法登记，原始邮件已保存 / the message could not be filed as written; raw mail ${raw.id}）`;
        const retry = salvageDraft(draft, err.problems, note);
        if (retry !== null) {
          log.warn({ fields: err.problems.map((p) => p.field) }, 'mail filed without the fields intake refused');
          return await this.submit(retry, dedupKey, raw, log, true);
        }
      }
      if (err instanceof SubmissionInvalidError) {
        log.error({ rawId: raw.id, fields: err.problems.map((p) => p.field) }, 'mail refused by intake');
        throw new MailRefusedError(`intake refused the message: ${err.problems.map((p) => p.field).join(', ')}`);
      }
      throw err;
    }
  }

  private async lookup(id: string): Promise<Submission | null> {
    try {
      return (await this.deps.intake.get(id))?.submission ?? null;
    } catch (err) {
      if (err instanceof IntakeUnavailableError) throw new MailTemporaryError(err.message, err.retryAfterSeconds, { cause: err });
      throw err;
    }
  }

  private async remember(ids: readonly string[], root: ThreadRoot, log: Log): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.deps.threads.remember(ids, root);
    } catch (err) {
      // The mail is filed; a reply will still find its request by the ticket in the subject.
      log.warn({ err: errorText(err) }, 'thread index unavailable: Message-IDs not remembered');
    }
  }
}

function statusReply(record: IntakeRecord): CaseReply {
  const latest = record.history[record.history.length - 1];
  return {
    kind: 'status',
    ticket: record.submission.ticket,
    status: latest?.status ?? 'received',
    at: latest?.at ?? record.submission.receivedAt,
    ...(latest?.note === undefined ? {} : { note: latest.note }),
    ...(record.rating === undefined ? {} : { rated: record.rating.score }),
    rateable: ratingRefusal(record) === null,
  };
}

function refusalReply(outcome: Exclude<CaseReadOutcome, { readonly kind: 'granted' }>, ticket: string, asked: 'status' | 'rate'): CaseReply {
  switch (outcome.kind) {
    case 'proof_needed':
      return { kind: 'proof_needed', ticket, asked };
    case 'denied':
      return { kind: 'denied' };
    case 'locked':
      return { kind: 'locked', retryAfterSeconds: outcome.retryAfterSeconds };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
