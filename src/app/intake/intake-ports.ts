// Intake as the channels see it. Every channel adapter (web API, Open311, web form, voice, WeChat, email) talks to
// these ports only; the composition root injects the Redis/BullMQ-backed implementation.

import type { AttachmentRef, Channel, Rating, StatusEntry, Status, Submission, SubmissionDraft } from '../../domain/intake/submission.js';

export interface SubmitRequest {
  readonly draft: SubmissionDraft;
  /**
   * Identifies the request across a channel's retries (`web:<keyId>:<Idempotency-Key>`, `wechat:<MsgId>`,
   * `email:<Message-ID>`, `voice:<callId>:<recording>`): the same key never makes a second job.
   */
  readonly dedupKey: string;
  /**
   * A digest of what was submitted. The same dedup key with a different fingerprint is a client bug
   * (`IdempotencyConflictError`), not a retry.
   */
  readonly fingerprint: string;
}

export interface SubmitOutcome {
  readonly submission: Submission;
  /** True when the dedup key was seen before: `submission` is the first one, nothing new was queued. */
  readonly duplicate: boolean;
  /** `queued`: in the BullMQ queue. `spooled`: fsynced to the local spool, forwarded when Redis returns. */
  readonly durability: 'queued' | 'spooled';
}

/** A submission with where it stands. */
export interface IntakeRecord {
  readonly submission: Submission;
  /** Oldest first; the last entry is the current status. Starts with `received`. */
  readonly history: readonly StatusEntry[];
  readonly rating?: Rating;
  /** Follow-ups (email replies, later WeChat messages) attached to this request, oldest first. */
  readonly followUps?: readonly string[];
}

export interface IntakeQuery {
  readonly ids?: readonly string[];
  readonly channel?: Channel;
  readonly open311ServiceCode?: string;
  readonly status?: readonly Status[];
  /** Inclusive bounds on `receivedAt`, epoch ms. */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly limit: number;
}

export interface Intake {
  /** Resolves only once the submission is durable (queued or spooled); see `IntakeUnavailableError`. */
  submit(request: SubmitRequest): Promise<SubmitOutcome>;
  get(id: string): Promise<IntakeRecord | null>;
  getByTicket(ticket: string): Promise<IntakeRecord | null>;
  /** Newest first. */
  find(query: IntakeQuery): Promise<IntakeRecord[]>;
  /** Appends to the history; `null` when there is no such submission. */
  updateStatus(id: string, entry: StatusEntry): Promise<IntakeRecord | null>;
  rate(id: string, rating: Rating): Promise<IntakeRecord | null>;
}

/** Neither Redis nor the spool could take the submission: the channel answers with its protocol's "try again". */
export class IntakeUnavailableError extends Error {
  readonly code = 'INTAKE_UNAVAILABLE';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'IntakeUnavailableError';
  }
}

/** The dedup key was used before for a different submission. */
export class IdempotencyConflictError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(readonly dedupKey: string, readonly existingId: string) {
    super('this idempotency key was already used for a different submission');
    this.name = 'IdempotencyConflictError';
  }
}

/** The draft cannot become a submission; each problem names the field. */
export class SubmissionInvalidError extends Error {
  readonly code = 'SUBMISSION_INVALID';
  constructor(readonly problems: readonly { readonly field: string; readonly message: string }[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'SubmissionInvalidError';
  }
}

export interface AttachmentInput {
  /** The citizen's file name, if any: only its safe base name is kept. */
  readonly originalName?: string;
  /** What the client claimed; the stored type comes from the bytes' magic numbers, never from this. */
  readonly declaredMimeType?: string;
}

/** A content-addressed store for attachment bytes (`DATA_DIR/attachments`). */
export interface AttachmentStore {
  /**
   * Streams the bytes to disk, checks the type by magic bytes against the allow-list and the size limit,
   * and returns the reference. Throws `AttachmentRejectedError` and leaves nothing behind when refused.
   */
  put(bytes: AsyncIterable<Uint8Array> | Uint8Array, input: AttachmentInput): Promise<AttachmentRef>;
  /** The stored bytes, or `null` when there is no such content. */
  read(sha256: string): Promise<Uint8Array | null>;
  has(sha256: string): Promise<boolean>;
}

export type AttachmentProblem = 'too_large' | 'type_not_allowed' | 'empty' | 'type_mismatch';

export class AttachmentRejectedError extends Error {
  readonly code = 'ATTACHMENT_REJECTED';
  constructor(
    readonly problem: AttachmentProblem,
    message: string,
    readonly originalName?: string,
  ) {
    super(message);
    this.name = 'AttachmentRejectedError';
  }
}
