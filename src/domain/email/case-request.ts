// A mail that asks how a request stands, or rates its handling, rather than telling the hotline something: "status
// 123456789012 482913" / "查询 123456789012" as a new mail, or "查询" / "rate 5" / "评价 5" in a reply to an
// acknowledgement or a status answer (the thread names the case). The command is the subject (without Re: and the
// ticket tag) or the first line of the new text; it must start with a status or rating word, so that a follow-up
// opening with "工单号：123456789012" is still filed.
//
// Such a mail is answered by mail and not filed, so nothing the citizen wrote may be left out: the new text must be
// the command alone (a signature below `--` or a "Sent from my phone" line aside). A mail with anything more is
// filed as before, and acknowledged.

import { ratingCommand, statusCommand } from '../access/case-command.js';
import type { CaseProof } from '../access/case-proof.js';
import type { Rating } from '../intake/submission.js';
import { normaliseLine, normaliseText } from '../intake/normalise-text.js';
import type { ParsedMail } from './parsed-mail.js';
import { stripQuotedReply } from './quoted-reply.js';
import { withoutTicketTags } from './ticket-in-subject.js';

export type CaseMailRequest =
  /** `ticket` is `null` when the mail names none: the thread it answers, or its subject tag, may. */
  | { readonly kind: 'status'; readonly ticket: string | null; readonly proof: CaseProof | null }
  | { readonly kind: 'rate'; readonly ticket: string | null; readonly proof: CaseProof | null; readonly score: Rating['score'] }
  /** A status or rating word, but what follows is not a ticket, a proof or a score: the answer says how to write it. */
  | { readonly kind: 'malformed'; readonly asked: 'status' | 'rate' };

const EXPLICIT = /^(?:查询|查看|查一下|查|进度|状态|办理情况|办理进度|status|query|check|track|progress|评价|評價|评分|打分|满意度|rate|rating|score)/iu;
const REPLY_PREFIX = /^\s*(?:re|aw|sv|fw|fwd|答复|答覆|回复|回覆|转发)\s*[:：]\s*/iu;
const SIGNATURE_START = /^--\s*$/u;
const DEVICE_LINE = /^(?:sent from .{1,60}|get outlook for .{1,40}|发自.{1,40}|来自.{1,40}|從.{1,40}傳送|发自我的.{1,30})$/iu;

/** The status or rating request this mail is, or `null` when it is to be filed. */
export function caseRequestOf(mail: Pick<ParsedMail, 'subject' | 'text'>): CaseMailRequest | null {
  const subject = subjectCommandText(mail.subject);
  const fromSubject = subject === '' ? null : commandOf(subject);
  const body = newLines(mail.text);
  if (body.length > 1) return null;
  const first = body[0];
  if (first === undefined) return fromSubject;
  const fromBody = commandOf(first);
  if (fromBody === null) return null;
  // The body's command is the new word (a reply's subject is the conversation's); a new mail's subject must say
  // nothing else of its own.
  if (subject !== '' && fromSubject === null && !isReplySubject(mail.subject)) return null;
  return fromBody;
}

/** `Re: ...`, or one that carries the ticket tag: the subject of the conversation, not the citizen's new words. */
function isReplySubject(subject: string): boolean {
  const text = subject.normalize('NFKC');
  return REPLY_PREFIX.test(text) || withoutTicketTags(text) !== text.trim();
}

function commandOf(line: string): CaseMailRequest | null {
  const text = line.normalize('NFKC').trim();
  if (!EXPLICIT.test(text)) return null;
  const rating = ratingCommand(text);
  if (rating !== null) return rating.kind === 'rate' ? rating : { kind: 'malformed', asked: 'rate' };
  const status = statusCommand(text);
  if (status === null) return null;
  return status.kind === 'status' ? status : { kind: 'malformed', asked: 'status' };
}

/** The subject without reply prefixes and ticket tags: what is left is the citizen's own words, or a command. */
function subjectCommandText(subject: string): string {
  let text = withoutTicketTags(normaliseLine(subject));
  for (;;) {
    const stripped = text.replace(REPLY_PREFIX, '');
    if (stripped === text) break;
    text = stripped;
  }
  return text.trim();
}

/** The non-empty lines the citizen wrote in this mail: above the quoted history and the signature. */
function newLines(text: string): string[] {
  const fresh = stripQuotedReply(normaliseText(text));
  // stripQuotedReply gives the whole text back when nothing new is above the history: then nothing new was said.
  const lines = fresh === normaliseText(text) && isAllQuoted(fresh) ? [] : fresh.split('\n');
  const kept: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (SIGNATURE_START.test(line)) break;
    if (line === '' || DEVICE_LINE.test(line)) continue;
    kept.push(line);
  }
  return kept;
}

function isAllQuoted(text: string): boolean {
  return text.split('\n').every((line) => line.trim() === '' || /^\s*>/u.test(line));
}
