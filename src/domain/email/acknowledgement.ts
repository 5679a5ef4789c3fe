// The acknowledgement tells the citizen the mail arrived and which ticket to quote: Chinese first, then English,
// since the hotline serves both and the language guess on a short mail is weak. It says which attachments were not
// taken, and when the classifier saw an emergency it gives the number to call now. A request repeating an open one
// is answered with the first one's progress. It repeats nothing the citizen wrote except the subject and their own
// file names.

import { repeatNotice } from '../intake/repeat-reply.js';
import type { RepeatProgress } from '../intake/repeat-reply.js';
import type { EmergencyLine } from '../intake/submission.js';
import { ticketTag, withoutTicketTags } from './ticket-in-subject.js';

/** Why an attachment did not become part of the submission. */
export type DroppedAttachmentReason = 'too_large' | 'type_not_allowed' | 'empty' | 'type_mismatch' | 'too_many';

export interface DroppedAttachment {
  readonly name?: string;
  readonly reason: DroppedAttachmentReason;
}

export interface AcknowledgementInput {
  /** The subject of the citizen's mail, as decoded. */
  readonly subject: string;
  /** The ticket to quote: the request's own, or for a follow-up the request it was added to. */
  readonly ticket: string;
  readonly followUp: boolean;
  readonly dropped: readonly DroppedAttachment[];
  readonly emergency?: EmergencyLine;
  /** The open request this mail repeats (not said for a follow-up, which joins its own request). */
  readonly repeatOf?: RepeatProgress;
  /** The ticket's PIN, for a new request (a follow-up's sender may be someone the request's owner wrote to). */
  readonly pin?: string;
  /** Where a matter the regulations send elsewhere is handled, in each language (`dispositionNotice`). */
  readonly elsewhere?: Readonly<Record<'zh' | 'en', string>>;
}

export interface AcknowledgementText {
  readonly subject: string;
  readonly text: string;
}

const MAX_QUOTED_SUBJECT = 150;
const MAX_LISTED_FILES = 20;

const REASON_ZH: Readonly<Record<DroppedAttachmentReason, string>> = {
  too_large: '文件过大',
  type_not_allowed: '文件类型不支持',
  empty: '文件为空',
  type_mismatch: '文件内容与类型不符',
  too_many: '附件数量超过上限',
};

const REASON_EN: Readonly<Record<DroppedAttachmentReason, string>> = {
  too_large: 'too large',
  type_not_allowed: 'file type not accepted',
  empty: 'empty file',
  type_mismatch: 'content does not match its type',
  too_many: 'too many attachments',
};

const EMERGENCY_ZH: Readonly<Record<EmergencyLine, string>> = {
  '110': '110（报警）',
  '119': '119（火警）',
  '120': '120（急救）',
  '122': '122（交通事故）',
};

const EMERGENCY_EN: Readonly<Record<EmergencyLine, string>> = {
  '110': '110 (police)',
  '119': '119 (fire)',
  '120': '120 (ambulance)',
  '122': '122 (traffic accidents)',
};

/** `Re: <subject without Re:/回复: prefixes and old tags> [12345-<ticket>]`, on one line; without a ticket, no tag. */
export function acknowledgementSubject(subject: string, ticket: string | null): string {
  let quoted = withoutTicketTags(subject.replace(/[\r\n\t]+/g, ' '));
  for (;;) {
    const stripped = quoted.replace(/^\s*(?:re|aw|sv|答复|答覆|回复|回覆)\s*[:：]\s*/i, '');
    if (stripped === quoted) break;
    quoted = stripped;
  }
  quoted = [...quoted.trim()].slice(0, MAX_QUOTED_SUBJECT).join('');
  const tag = ticket === null ? '' : ticketTag(ticket);
  return [`Re:`, quoted, tag].filter((part) => part !== '').join(' ');
}

export function buildAcknowledgement(input: AcknowledgementInput): AcknowledgementText {
  const { ticket } = input;
  const tag = ticketTag(ticket);
  const files = input.dropped.slice(0, MAX_LISTED_FILES);
  const more = input.dropped.length - files.length;

  const zh: string[] = ['您好！', ''];
  if (input.followUp) zh.push(`北京12345市民服务热线已收到您的补充来信，已并入工单 ${ticket}。`);
  else zh.push(`北京12345市民服务热线已收到您的来信，工单号：${ticket}${input.pin === undefined ? '' : `，查询码：${input.pin}`}。`);
  const repeat = input.followUp ? undefined : input.repeatOf;
  if (repeat !== undefined) zh.push('', repeatNotice('zh', repeat));
  if (input.emergency !== undefined) {
    zh.push('', `如您或他人正面临危险，请立即拨打 ${EMERGENCY_ZH[input.emergency]}，不要等待邮件答复。`);
  }
  if (input.elsewhere !== undefined) zh.push('', input.elsewhere.zh);
  if (files.length > 0) {
    zh.push('', '以下附件未能接收：');
    for (const f of files) zh.push(`- ${f.name ?? '（未命名）'}：${REASON_ZH[f.reason]}`);
    if (more > 0) zh.push(`- 另有 ${more} 个附件`);
    zh.push('我们接收照片、录音、视频和 PDF 文件。');
  }
  zh.push(
    '',
    input.pin === undefined ? '请保留工单号。' : '请保留工单号和查询码：在网站、电话或从其他邮箱查询办理进度时需要查询码。',
    '查询办理进度：回复本邮件，正文只写“查询”；也可拨打 12345。办结后回复“评价 1”至“评价 5”可评价办理结果。',
    `如需补充情况，请直接回复本邮件写明新的情况，并保留主题中的 ${tag}。`,
    '本邮件由系统自动发送。',
  );

  const en: string[] = ['Hello,', ''];
  if (input.followUp) en.push(`The Beijing 12345 citizen service hotline has added your message to ticket ${ticket}.`);
  else en.push(`The Beijing 12345 citizen service hotline has received your message. Your ticket number is ${ticket}${input.pin === undefined ? '' : `, and its PIN is ${input.pin}`}.`);
  if (repeat !== undefined) en.push('', repeatNotice('en', repeat));
  if (input.emergency !== undefined) {
    en.push('', `If you or anyone else is in danger, call ${EMERGENCY_EN[input.emergency]} now; do not wait for an e-mail.`);
  }
  if (input.elsewhere !== undefined) en.push('', input.elsewhere.en);
  if (files.length > 0) {
    en.push('', 'These attachments could not be accepted:');
    for (const f of files) en.push(`- ${f.name ?? '(no name)'}: ${REASON_EN[f.reason]}`);
    if (more > 0) en.push(`- and ${more} more`);
    en.push('We accept photos, voice recordings, videos and PDF files.');
  }
  en.push(
    '',
    input.pin === undefined
      ? 'Please keep the ticket number.'
      : 'Please keep the ticket number and the PIN: the PIN is needed to check progress on the web, by phone or from another address.',
    'To check progress, reply to this e-mail with only "status" in the text, or call 12345. Once it is resolved, reply "rate 1" to "rate 5" to rate its handling.',
    `To add information, reply to this e-mail with what is new and keep ${tag} in the subject.`,
    'This message was sent automatically.',
  );

  return { subject: acknowledgementSubject(input.subject, ticket), text: [...zh, '', '----', '', ...en, ''].join('\n') };
}
