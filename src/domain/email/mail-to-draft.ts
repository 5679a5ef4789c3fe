// From a received mail to what intake takes. The subject leads the text (it often is the whole complaint); a
// follow-up keeps only its new words; what the gateway had to leave out (attachments it refused, text beyond the
// limit, a message it could not read) is said in a note naming the raw mail, which is kept whole, so a case
// handler can always get back to what the citizen sent.

import type { AttachmentRef, AutoReplyReason, ChannelRefs, SubmissionDraft } from '../intake/submission.js';
import { MAX_ATTACHMENTS, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, normaliseEmail } from '../intake/normalise.js';
import { normaliseLine, normaliseText } from '../intake/normalise-text.js';
import type { DroppedAttachment, DroppedAttachmentReason } from './acknowledgement.js';
import { isSystemAddress } from './auto-reply.js';
import { trimReferences } from './message-id.js';
import type { Envelope, MailAddress, ParsedMail } from './parsed-mail.js';
import { stripQuotedReply } from './quoted-reply.js';

/** Room left under intake's text limit for the notes. */
const NOTE_ROOM = 2_000;
const MAX_LISTED_DROPPED = 20;

export { MAX_ATTACHMENTS as MAX_MAIL_ATTACHMENTS };

export interface MailDraftInput {
  readonly mail: ParsedMail;
  readonly envelope: Envelope;
  /** The raw mail's id in the raw-mail store (`sha256:<hex>`). */
  readonly rawId: string;
  /** The attachments the store took, in mail order. */
  readonly attachments: readonly AttachmentRef[];
  readonly dropped: readonly DroppedAttachment[];
  /** The request this mail continues (first submission of the thread). */
  readonly followUpOf?: string;
  readonly autoReply: AutoReplyReason | null;
}

export function mailToDraft(input: MailDraftInput): SubmissionDraft {
  const { mail, rawId } = input;
  const subject = normaliseLine(mail.subject);
  const fullBody = normaliseText(mail.text);
  let body = input.followUpOf !== undefined ? stripQuotedReply(fullBody) : fullBody;
  const notes: string[] = [];

  const budget = MAX_TEXT_LENGTH - NOTE_ROOM - codePoints(subject);
  if (codePoints(body) > budget) {
    body = [...body].slice(0, Math.max(0, budget)).join('').trimEnd();
    notes.push(`（正文过长，已截断，完整邮件见原始邮件 / text truncated, the full message is kept as raw mail ${rawId}）`);
  }
  if (input.dropped.length > 0) notes.push(droppedNote(input.dropped, rawId));

  const content = [subject, body].filter((s) => s !== '').join('\n\n');
  if (content === '' && input.attachments.length === 0) {
    notes.push(`（邮件没有可读的正文 / the message has no readable text; raw mail ${rawId}）`);
  }
  const text = [content, ...notes].filter((s) => s !== '').join('\n\n');

  const refs: ChannelRefs = {
    ...(mail.messageId !== undefined ? { emailMessageId: mail.messageId } : {}),
    ...(mail.inReplyTo[0] !== undefined ? { emailInReplyTo: mail.inReplyTo[0] } : {}),
    ...(mail.references.length > 0 ? { emailReferences: trimReferences(mail.references) } : {}),
    ...(input.followUpOf !== undefined ? { followUpOf: input.followUpOf } : {}),
  };
  return {
    channel: 'email',
    text,
    contact: contactOf(mail.from, input.envelope),
    attachments: input.attachments,
    refs,
    ...(input.autoReply !== null ? { hints: { autoReply: { reason: input.autoReply } } } : {}),
  };
}

/** A mail the parser could not read: filed all the same, pointing at the raw mail, so nothing accepted is lost. */
export function unparseableMailDraft(envelope: Envelope, rawId: string): SubmissionDraft {
  const nullSender = envelope.mailFrom.trim() === '';
  return {
    channel: 'email',
    text: `（无法解析的邮件，原始邮件已保存 / unparseable message kept as raw mail ${rawId}）`,
    contact: contactOf(undefined, envelope),
    refs: {},
    ...(nullSender ? { hints: { autoReply: { reason: 'null-sender' } } } : {}),
  };
}

/**
 * What a dedup key names: the Message-ID, which the sender keeps across retries, or the raw bytes' digest when the
 * mail has none (a retry then sends the same bytes).
 */
export function mailDedupKey(messageId: string | undefined, rawSha256: string): string {
  return messageId !== undefined ? `email:${messageId}` : `email:sha256:${rawSha256}`;
}

/**
 * The draft without the fields intake refused, so that a mail is filed even when, say, its From address is
 * malformed; `null` when a refused field cannot be dropped. `note` replaces a refused text.
 */
export function salvageDraft(draft: SubmissionDraft, problems: readonly { readonly field: string }[], note: string): SubmissionDraft | null {
  let contact: Record<string, unknown> = { ...draft.contact };
  let refs: Record<string, unknown> = { ...(draft.refs ?? {}) };
  let text = draft.text;
  let attachments = draft.attachments;
  let hints = draft.hints;
  for (const { field } of problems) {
    const [head, rest] = splitField(field);
    if (head === 'contact' && rest !== '') contact = without(contact, rest);
    else if (head === 'contact') contact = {};
    else if (head === 'refs' && rest !== '') refs = without(refs, rest);
    else if (head === 'refs') refs = {};
    else if (head === 'hints') hints = undefined;
    else if (head === 'attachments') attachments = [];
    else if (head === 'text') text = note;
    else return null;
  }
  const salvaged: SubmissionDraft = {
    channel: draft.channel,
    text,
    contact,
    ...(attachments !== undefined ? { attachments } : {}),
    refs,
    ...(hints !== undefined ? { hints } : {}),
  };
  return JSON.stringify(salvaged) === JSON.stringify(draft) ? null : salvaged;
}

function contactOf(from: MailAddress | undefined, envelope: Envelope): SubmissionDraft['contact'] {
  const fromAddress = from !== undefined ? normaliseEmail(from.address.normalize('NFKC').trim()) : null;
  const envelopeAddress = envelope.mailFrom.trim() === '' ? null : normaliseEmail(envelope.mailFrom.trim());
  const address = fromAddress ?? envelopeAddress;
  // A bounce's MAILER-DAEMON is nobody to reach: the request it reports on has the citizen's address.
  if (address === null || isSystemAddress(address)) return {};
  const name = from?.name === undefined ? '' : [...normaliseLine(from.name)].slice(0, MAX_NAME_LENGTH).join('');
  return { email: address, ...(name !== '' && name !== address ? { name } : {}) };
}

function droppedNote(dropped: readonly DroppedAttachment[], rawId: string): string {
  const listed = dropped
    .slice(0, MAX_LISTED_DROPPED)
    .map((d) => `${d.name ?? '（未命名 / no name）'}（${REASONS[d.reason]}）`)
    .join('，');
  const more = dropped.length > MAX_LISTED_DROPPED ? `，另有 ${dropped.length - MAX_LISTED_DROPPED} 个 / ${dropped.length - MAX_LISTED_DROPPED} more` : '';
  return `（未接收的附件 / attachments not accepted：${listed}${more}；原始邮件 / raw mail ${rawId}）`;
}

const REASONS: Readonly<Record<DroppedAttachmentReason, string>> = {
  too_large: '文件过大 / too large',
  type_not_allowed: '类型不支持 / type not accepted',
  empty: '空文件 / empty',
  type_mismatch: '内容与类型不符 / content does not match type',
  too_many: '超过数量上限 / too many attachments',
};

function splitField(field: string): [string, string] {
  const match = /^([A-Za-z]+)(?:\[\d+\])?(?:\.([A-Za-z]+))?/.exec(field);
  return [match?.[1] ?? field, match?.[2] ?? ''];
}

function without(record: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
