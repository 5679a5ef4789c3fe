// The canonical submission: the one shape every channel (voice, web, Open311, WeChat, email) turns a citizen's
// request into before it enters the `intake` queue. Versioned: consumers check `schemaVersion` and the published
// JSON Schema (`GET /v1/schema/submission.json`) describes exactly this type.

export const SUBMISSION_SCHEMA_VERSION = 1;

export const CHANNELS = ['voice', 'web', 'open311', 'wechat', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What the citizen wants; the regulations' help, complaint, report, suggestion, consultation, plus praise and feedback. */
export const KINDS = ['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise', 'feedback'] as const;
export type Kind = (typeof KINDS)[number];

/** The same categories as the IVR's complaint submenu (`ivr-flows/12345.yaml`, variable `category`). */
export const CATEGORIES = ['urban-management', 'environment', 'transportation', 'education', 'medical', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const MEDIA_KINDS = ['image', 'audio', 'video', 'document'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** The dedicated lines an emergency hint points the citizen to. */
export type EmergencyLine = '110' | '119' | '120' | '122';

/** How the citizen can be reached; `anonymous` when they gave nothing (allowed, but then no follow-up). */
export interface Contact {
  readonly anonymous: boolean;
  readonly name?: string;
  /** Digits with an optional leading `+`, as given (masked in logs, never in the job). */
  readonly phone?: string;
  readonly email?: string;
  readonly wechatOpenId?: string;
}

export interface Location {
  readonly lat?: number;
  readonly lon?: number;
  readonly address?: string;
}

/** An attachment travels by reference: the bytes are in the content-addressed store under `sha256`. */
export interface AttachmentRef {
  /** `sha256:<hex>`: the content address, so the same file attached twice is stored once. */
  readonly id: string;
  readonly mediaKind: MediaKind;
  readonly mimeType: string;
  readonly size: number;
  readonly sha256: string;
  /** The citizen's file name, reduced to a safe base name (no directories), or absent. */
  readonly originalName?: string;
}

/** Where the submission came from, in each channel's own terms: what a reply or a retry is matched by. */
export interface ChannelRefs {
  readonly callId?: string;
  readonly recordingName?: string;
  readonly wechatMsgId?: string;
  readonly wechatOpenId?: string;
  readonly emailMessageId?: string;
  readonly emailInReplyTo?: string;
  readonly emailReferences?: readonly string[];
  readonly open311ServiceCode?: string;
  /** Media the citizen linked rather than uploaded (Open311 `media_url`, WeChat link messages): kept as given, never fetched here. */
  readonly mediaUrls?: readonly string[];
  /** The integrator key's id (never the key) that submitted it through the web API or Open311. */
  readonly apiKeyId?: string;
  readonly idempotencyKey?: string;
  /** A follow-up of an earlier submission (email reply, WeChat message naming a ticket). */
  readonly followUpOf?: string;
}

/** What classification noticed; the work-order system acts on these, the reply already did. */
export interface Hints {
  /** Someone may be in danger: the reply told the citizen to call this line now, and the job runs first. */
  readonly emergency?: { readonly line: EmergencyLine; readonly matched: string };
  /** A matter for the courts, arbitration or administrative reconsideration (not the hotline's to decide). */
  readonly legalProcedure?: { readonly matched: string };
  /** A matter the regulations send elsewhere (party discipline and supervision, government information disclosure). */
  readonly outOfScope?: { readonly matched: string };
  /** The text speaks of state secrets: the hotline may not take them in; the reply names the proper authority. */
  readonly stateSecret?: { readonly matched: string };
  /** The same contact's open request with nothing new: answer with its progress. */
  readonly repeatOf?: { readonly id: string; readonly ticket: string };
  /** Personal-privacy content (ID numbers, bank cards, health details): restrict who sees the text. */
  readonly privacy?: { readonly matched: readonly string[] };
  /**
   * Machine-sent mail (auto-reply, bounce, mailing list): recorded, never answered, so no mail loop can start.
   * Set by the channel (`SubmissionDraft.hints`), not by the text classifier.
   */
  readonly autoReply?: { readonly reason: AutoReplyReason };
}

/** Why a message counts as machine-sent (the first rule that matched, see `src/domain/email/auto-reply.ts`). */
export const AUTO_REPLY_REASONS = [
  'auto-submitted',
  'precedence',
  'autoreply-header',
  'mailing-list',
  'delivery-report',
  'null-sender',
  'system-sender',
  'auto-reply-subject',
] as const;
export type AutoReplyReason = (typeof AUTO_REPLY_REASONS)[number];

/**
 * How an agent closed a call (the regulations' work order): answered at once, dispatched to a department, referred
 * (the caller was told where such a matter is handled), or a repeat of an earlier ticket. `unrecorded` is the
 * gateway's own: the agent's wrap-up ran out before they recorded the call, so the order carries only what the
 * gateway knows (time, contact, IVR path, category) and the work-order system must follow it up.
 */
export const AGENT_DISPOSITIONS = ['answered', 'dispatched', 'referred', 'repeat'] as const;
export const CALL_DISPOSITIONS = [...AGENT_DISPOSITIONS, 'unrecorded'] as const;
export type CallDisposition = (typeof CALL_DISPOSITIONS)[number];
export type AgentDisposition = (typeof AGENT_DISPOSITIONS)[number];

/** The call behind a work order an agent filed: how the caller came, waited and was served. */
export interface CallRecord {
  /** The IVR nodes the caller passed through, in order (the last ones when the path was very long). */
  readonly ivrPath: readonly string[];
  /** The skill the call was queued for. */
  readonly queueSkill: string;
  /** ISO 8601 UTC: when the call entered the queue, was answered by the agent, and ended. */
  readonly queuedAt: string;
  readonly answeredAt: string;
  readonly endedAt: string;
  readonly waitedMs: number;
  readonly talkedMs: number;
  readonly agentId: string;
  readonly disposition: CallDisposition;
  /** With `repeat`: the earlier ticket this call repeats. */
  readonly repeatOf?: string;
  /** With `dispatched`: the department the matter was sent to. */
  readonly department?: string;
  /** The agent's own note, for the work-order system rather than the citizen. */
  readonly note?: string;
}

export interface Submission {
  readonly schemaVersion: typeof SUBMISSION_SCHEMA_VERSION;
  /** ULID: sortable by time, unique without coordination. */
  readonly id: string;
  /** Short, digits only (so a caller can key it in), with a check digit. */
  readonly ticket: string;
  readonly channel: Channel;
  /** ISO 8601 UTC, when the gateway accepted it. */
  readonly receivedAt: string;
  readonly kind: Kind;
  readonly category: Category;
  /** Unicode NFC, trimmed, control characters removed; may be empty when attachments carry the matter. */
  readonly text: string;
  readonly language: Language;
  readonly contact: Contact;
  readonly location?: Location;
  readonly attachments: readonly AttachmentRef[];
  readonly refs: ChannelRefs;
  readonly hints: Hints;
  /** BullMQ priority: 1 is the most urgent (emergency hints), larger numbers wait longer. */
  readonly priority: number;
  /**
   * The citizen asked that the request be kept private (form checkbox, `/v1` field, IVR choice, or words such as
   * 请保密 in the text): it is never shown in a public read (Open311 lists), and roles that need not see it get it
   * masked. Absent on requests that did not ask.
   */
  readonly private?: true;
  /** Work orders an agent filed for a call (channel `voice`): the queue's facts. */
  readonly call?: CallRecord;
}

/** What a channel hands to intake, before ids, classification and normalisation. */
export interface SubmissionDraft {
  readonly channel: Channel;
  readonly text: string;
  /** When the citizen or channel already said (IVR category menu, Open311 service code, web form select). */
  readonly kind?: Kind;
  readonly category?: Category;
  readonly language?: Language;
  readonly contact: Omit<Contact, 'anonymous'> & { readonly anonymous?: boolean };
  readonly location?: Location;
  readonly attachments?: readonly AttachmentRef[];
  readonly refs?: ChannelRefs;
  /** Hints only the channel can know (an e-mail's auto-reply headers); merged into the classifier's hints. */
  readonly hints?: Pick<Hints, 'autoReply'>;
  /** The citizen asked for the request to be kept private (see `Submission.private`). */
  readonly private?: boolean;
  /** Passed through unchanged (see `Submission.call`). */
  readonly call?: CallRecord;
}

/** Where a request stands in the work-order system; reported back through `PUT /v1/submissions/:id/status`. */
export const STATUSES = ['received', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected'] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses under which the citizen's matter is still being handled: a new request about it is a repeat. */
export const OPEN_STATUSES = ['received', 'accepted', 'in_progress'] as const satisfies readonly Status[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];

export function isOpenStatus(status: Status): status is OpenStatus {
  return (OPEN_STATUSES as readonly Status[]).includes(status);
}

export interface StatusEntry {
  readonly status: Status;
  /** ISO 8601 UTC. */
  readonly at: string;
  /** Shown to the citizen (progress reply, Open311 `status_notes`). */
  readonly note?: string;
  /** Department or agency now handling it (Open311 `agency_responsible`). */
  readonly agency?: string;
}

/** A citizen's rating of how the request was handled (1 worst .. 5 best). */
export interface Rating {
  readonly score: 1 | 2 | 3 | 4 | 5;
  readonly at: string;
  readonly comment?: string;
}
