// The answer to a status or rating mail, Chinese first, then English, like the acknowledgement. The status is said in
// the words every channel uses (`STATUS_WORDING`). A refusal never says whether the ticket exists; it says how to
// prove the request is theirs.

import { retryWaitText } from '../access/retry-wait.js';
import { beijingTime } from '../beijing-time.js';
import { STATUS_WORDING } from '../intake/status-names.js';
import type { Language, Rating, Status } from '../intake/submission.js';
import { acknowledgementSubject } from './acknowledgement.js';
import type { AcknowledgementText } from './acknowledgement.js';

export type CaseReply =
  | {
      readonly kind: 'status';
      readonly ticket: string;
      readonly status: Status;
      /** ISO 8601 UTC of the latest status. */
      readonly at: string;
      readonly note?: string;
      readonly rated?: Rating['score'];
      /** The case can be rated now: the answer says how. */
      readonly rateable: boolean;
    }
  | { readonly kind: 'rated'; readonly ticket: string; readonly score: Rating['score'] }
  | { readonly kind: 'already_rated'; readonly ticket: string }
  | { readonly kind: 'not_rateable'; readonly ticket: string; readonly status: Status }
  /** No proof opens the case, or there is no such ticket. */
  | { readonly kind: 'proof_needed'; readonly ticket: string; readonly asked: 'status' | 'rate' }
  | { readonly kind: 'denied' }
  | { readonly kind: 'locked'; readonly retryAfterSeconds: number }
  /** No ticket could be found in the mail or its thread, or the command could not be read. */
  | { readonly kind: 'usage'; readonly asked: 'status' | 'rate' };

const MAX_NOTE_LENGTH = 2000;

/** The answer mail: `subject` is the citizen's, `ticket` the one asked about (its tag threads a reply back). */
export function buildCaseReply(subject: string, ticket: string | null, reply: CaseReply): AcknowledgementText {
  const zh = ['您好！', '', ...lines('zh', reply), '', '本邮件由系统自动发送。'];
  const en = ['Hello,', '', ...lines('en', reply), '', 'This message was sent automatically.'];
  return { subject: acknowledgementSubject(subject, ticket), text: [...zh, '', '----', '', ...en, ''].join('\n') };
}

function lines(language: Language, reply: CaseReply): string[] {
  const en = language === 'en';
  switch (reply.kind) {
    case 'status': {
      const { name, sentence } = STATUS_WORDING[reply.status][language];
      const when = beijingTime(reply.at);
      const note = reply.note?.trim() ?? '';
      const shown = [...note].length > MAX_NOTE_LENGTH ? `${[...note].slice(0, MAX_NOTE_LENGTH).join('')}…` : note;
      const out = en
        ? [`Ticket ${reply.ticket}: ${name} (updated ${when} Beijing time).`, sentence]
        : [`工单 ${reply.ticket}：${name}（更新于北京时间 ${when}）。`, sentence];
      if (shown !== '') out.push(en ? `Note: ${shown}` : `说明：${shown}`);
      if (reply.rated !== undefined) out.push(en ? `You rated its handling ${reply.rated} out of 5.` : `您已对办理结果评价：${reply.rated}分（满分5分）。`);
      else if (reply.rateable) {
        out.push(
          '',
          en
            ? 'How was it handled? Reply to this e-mail with only "rate 1" (very dissatisfied) to "rate 5" (very satisfied) in the text.'
            : '请对办理结果作出评价：回复本邮件，正文只写“评价 1”（非常不满意）至“评价 5”（非常满意）。',
        );
      }
      out.push('', en ? 'To add information, reply with what is new (not starting with "status" or "rate").' : '如需补充情况，请回复本邮件写明新的情况（不要以“查询”或“评价”开头）。');
      return out;
    }
    case 'rated':
      return [en ? `Thank you. Your rating of ${reply.score} out of 5 for ticket ${reply.ticket} has been recorded.` : `感谢您的评价！工单 ${reply.ticket} 的评分（${reply.score}分）已记录。`];
    case 'already_rated':
      return [en ? `Ticket ${reply.ticket} has already been rated; a rating is taken once.` : `工单 ${reply.ticket} 已评价过，每个工单只能评价一次。`];
    case 'not_rateable': {
      const name = STATUS_WORDING[reply.status][language].name;
      return [en ? `Ticket ${reply.ticket} is ${name}: it can be rated once it is resolved.` : `工单 ${reply.ticket} 目前状态为“${name}”，办结后才能评价。`];
    }
    case 'proof_needed':
      return proofNeeded(language, reply.ticket, reply.asked);
    case 'denied':
      return [en ? 'The ticket number and the PIN (or phone digits) do not match. Please check both and try again.' : '工单号与查询码（或手机号后4位）不符，请核对后再试。'];
    case 'locked': {
      const wait = retryWaitText(language, reply.retryAfterSeconds);
      return [en ? `Too many wrong attempts. Please try again in about ${wait}, or call 12345.` : `验证失败次数过多，请约${wait}后再试，或拨打12345。`];
    }
    case 'usage':
      return reply.asked === 'rate'
        ? [
            en
              ? 'To rate a request, reply to its status e-mail with only "rate 1" to "rate 5", or write "rate <ticket number> <PIN> <1-5>", e.g. "rate 123456789012 482913 5".'
              : '评价请回复状态邮件，正文只写“评价 1”至“评价 5”；或写“评价 工单号 查询码 分数”，例如“评价 123456789012 482913 5”。',
          ]
        : [
            en
              ? 'To check a request, write "status <ticket number> <PIN>" as the subject or the first line, e.g. "status 123456789012 482913", or reply to its acknowledgement with only "status".'
              : '查询办理进度，请在主题或正文第一行写“查询 工单号 查询码”，例如“查询 123456789012 482913”；或回复受理确认邮件，正文只写“查询”。',
          ];
  }
}

function proofNeeded(language: Language, ticket: string, asked: 'status' | 'rate'): string[] {
  if (language === 'en') {
    const command = asked === 'rate' ? `rate ${ticket} <PIN> <1-5>` : `status ${ticket} <PIN>`;
    return [
      `To ${asked === 'rate' ? 'rate' : 'see the progress of'} ticket ${ticket}, write "${command}", with the PIN given in the acknowledgement ` +
        '(or the last 4 digits of the phone number you gave instead of the PIN), or write from the address the request was sent from.',
    ];
  }
  const command = asked === 'rate' ? `评价 ${ticket} 查询码 分数` : `查询 ${ticket} 查询码`;
  return [
    `${asked === 'rate' ? '评价' : '查询'}工单 ${ticket} 需要验证：请写“${command}”（查询码是受理确认邮件中随工单号给您的6位数字，也可用手机号后4位代替），` +
      '或从提交诉求时使用的邮箱发送。',
  ];
}
