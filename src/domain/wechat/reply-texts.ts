// What the account says back, in the citizen's language (Mandarin unless they wrote in English). Texts that
// answer no message of theirs (the welcome, the menu help) are bilingual. WeChat shows at most 2048 bytes of a
// passive reply, so notes taken from the work-order system are shortened.

import { retryWaitText } from '../access/retry-wait.js';
import { beijingTime } from '../beijing-time.js';
import { repeatNotice } from '../intake/repeat-reply.js';
import type { RepeatProgress } from '../intake/repeat-reply.js';
import { STATUS_WORDING } from '../intake/status-names.js';
import type { EmergencyLine, Language, Rating, Status } from '../intake/submission.js';

export { beijingTime };

const EMERGENCY_NAMES: Readonly<Record<EmergencyLine, Readonly<Record<Language, string>>>> = {
  '110': { zh: '报警电话 110', en: 'the police on 110' },
  '119': { zh: '火警电话 119', en: 'the fire service on 119' },
  '120': { zh: '急救电话 120', en: 'an ambulance on 120' },
  '122': { zh: '交通事故报警电话 122', en: 'the traffic police on 122' },
};

const MAX_NOTE_LENGTH = 300;

const USAGE = [
  '北京12345市民服务热线 · 微信',
  '直接发送文字、语音、图片、视频或位置，说明您要咨询、求助、投诉、举报或建议的事项，我们会回复工单号。' +
    '几分钟内连续发送的多条消息会合并为同一诉求。发送“查询 工单号”可查看办理进度（在其他微信号上查询请加上查询码：“查询 工单号 查询码”）；' +
    '办结后回复“评价 1-5”可评价办理结果。',
  '紧急情况请直接拨打 110、119、120 或 122。',
  '',
  'Beijing 12345 citizen service hotline on WeChat',
  'Send text, voice, pictures, video or your location to ask a question, ask for help, complain, report or suggest; ' +
    'we reply with a ticket number. Messages sent within a few minutes of each other are one request. ' +
    'Send "status <ticket number>" to see its progress (from another WeChat account add the PIN: "status <ticket> <PIN>"); ' +
    'once it is resolved, reply "rate 1" to "rate 5" to rate its handling.',
  'In an emergency call 110, 119, 120 or 122 directly.',
].join('\n');

export function welcomeText(): string {
  return `欢迎关注！Welcome!\n\n${USAGE}`;
}

/** The answer to a menu button: how to use the account. */
export function usageText(): string {
  return USAGE;
}

/** The PIN goes with the ticket: it opens the case on the web, by phone or from another WeChat account. */
export function receivedText(language: Language, ticket: string, pin: string | null, emergency?: EmergencyLine): string {
  const urgent = emergency === undefined ? '' : emergencyLine(language, emergency);
  return language === 'en'
    ? `${urgent}We have received your request. Ticket number: ${ticket}${pinPart(language, pin)}\n` +
        `Anything you send in the next few minutes is added to it. Send "status ${ticket}" to see its progress.`
    : `${urgent}您的诉求已收到，工单号：${ticket}${pinPart(language, pin)}\n几分钟内继续发送的内容会补充到该工单。发送“查询 ${ticket}”可查看办理进度。`;
}

/**
 * A new request that repeats an open one of the citizen's: the first request's progress, then this message's own
 * ticket (what the next few minutes' messages are added to) and its PIN.
 */
export function repeatText(language: Language, ticket: string, pin: string | null, first: RepeatProgress, emergency?: EmergencyLine): string {
  const urgent = emergency === undefined ? '' : emergencyLine(language, emergency);
  const notice = repeatNotice(language, first);
  return language === 'en'
    ? `${urgent}${notice}\nThis message's ticket number is ${ticket}${pinPart(language, pin)}. Send "status ${first.ticket}" to see the progress of the first.`
    : `${urgent}${notice}\n本次消息的工单号：${ticket}${pinPart(language, pin)}。发送“查询 ${first.ticket}”可查看原工单的办理进度。`;
}

function pinPart(language: Language, pin: string | null): string {
  if (pin === null) return '';
  return language === 'en' ? ` (PIN ${pin}: keep it, you need it to check the request on the web or by phone)` : `，查询码：${pin}（请妥善保存，在网站、电话或其他微信号查询进度时需要）`;
}

export function followUpText(language: Language, ticket: string, emergency?: EmergencyLine): string {
  const urgent = emergency === undefined ? '' : emergencyLine(language, emergency);
  return language === 'en' ? `${urgent}Added to your request ${ticket}.` : `${urgent}已补充到您的工单 ${ticket}。`;
}

export interface StatusSummary {
  readonly ticket: string;
  readonly status: Status;
  /** ISO 8601 UTC of the latest status. */
  readonly at: string;
  readonly note?: string;
  /** The citizen's score, once they rated the handling. */
  readonly rated?: Rating['score'];
  /** Set when the case can be rated now: the reply invites a rating within this many minutes. */
  readonly rateWithinMinutes?: number;
}

/** A case's status in the words every channel uses (`STATUS_WORDING`), its latest note, and a rating invitation. */
export function statusText(language: Language, summary: StatusSummary): string {
  const when = beijingTime(summary.at);
  const note = summary.note === undefined || summary.note.trim() === '' ? undefined : shorten(summary.note.trim());
  const { name, sentence } = STATUS_WORDING[summary.status][language];
  const lines =
    language === 'en'
      ? [`Ticket ${summary.ticket}: ${name} (updated ${when} Beijing time). ${sentence}`, ...(note === undefined ? [] : [`Note: ${note}`])]
      : [`工单 ${summary.ticket}：${name}（更新于北京时间 ${when}）。${sentence}`, ...(note === undefined ? [] : [`说明：${note}`])];
  if (summary.rated !== undefined) lines.push(language === 'en' ? `You rated its handling ${summary.rated} out of 5.` : `您已对办理结果评价：${summary.rated}分（满分5分）。`);
  else if (summary.rateWithinMinutes !== undefined) lines.push(ratingInvitation(language, summary.rateWithinMinutes));
  return lines.join('\n');
}

function ratingInvitation(language: Language, minutes: number): string {
  return language === 'en'
    ? `How was it handled? Within ${minutes} minutes, reply "rate 1" (very dissatisfied) to "rate 5" (very satisfied).`
    : `请对办理结果作出评价：${minutes}分钟内回复“评价 1”（非常不满意）至“评价 5”（非常满意）。`;
}

/**
 * A ticket alone opens nothing: the PIN or the phone's last digits are needed. Said the same whether the ticket
 * exists or not, so nobody learns which numbers are tickets.
 */
export function proofNeededText(language: Language, ticket: string): string {
  return language === 'en'
    ? `To see the progress of ticket ${ticket}, add the PIN you were given with it: "status ${ticket} <PIN>" ` +
        `(or the last 4 digits of the phone number you gave: "status ${ticket} <4 digits>"). You can also call 12345.`
    : `查询工单 ${ticket} 的进度需要验证：请发送“查询 ${ticket} 查询码”（查询码是提交时随工单号给您的6位数字），` +
        `或“查询 ${ticket} 手机号后4位”。也可拨打12345查询。`;
}

/** A wrong PIN, or no such ticket: the same words. */
export function proofDeniedText(language: Language): string {
  return language === 'en'
    ? 'The ticket number and the PIN (or phone digits) do not match. Please check both and try again.'
    : '工单号与查询码（或手机号后4位）不符，请核对后再试。';
}

/** Too many wrong proofs for this ticket or from this account. */
export function proofLockedText(language: Language, retryAfterSeconds: number): string {
  const wait = retryWaitText(language, retryAfterSeconds);
  return language === 'en' ? `Too many wrong attempts. Please try again in about ${wait}, or call 12345.` : `验证失败次数过多，请约${wait}后再试，或拨打12345。`;
}

export function ratedText(language: Language, ticket: string, score: Rating['score']): string {
  return language === 'en' ? `Thank you. Your rating of ${score} out of 5 for ticket ${ticket} has been recorded.` : `感谢您的评价！工单 ${ticket} 的评分（${score}分）已记录。`;
}

export function alreadyRatedText(language: Language, ticket: string): string {
  return language === 'en' ? `Ticket ${ticket} has already been rated; a rating is taken once.` : `工单 ${ticket} 已评价过，每个工单只能评价一次。`;
}

export function notRateableText(language: Language, ticket: string, status: Status): string {
  const name = STATUS_WORDING[status][language].name;
  return language === 'en'
    ? `Ticket ${ticket} is ${name}: it can be rated once it is resolved.`
    : `工单 ${ticket} 目前状态为“${name}”，办结后才能评价。`;
}

/** "评价 5" with no status reply to answer: which case is meant must be written. */
export function ratingUsageText(language: Language): string {
  return language === 'en'
    ? 'To rate a request, send "rate <ticket number> <1-5>", e.g. "rate 123456789012 5" (5 is very satisfied).'
    : '评价请发送“评价 工单号 分数”，例如“评价 123456789012 5”（1至5分，5分为非常满意）。';
}

export function badTicketText(language: Language): string {
  return language === 'en'
    ? 'That is not a valid ticket number (9 or more digits; please check each one).'
    : '工单号有误（9位或以上数字），请逐位核对后再发送。';
}

/** The message could not become a submission (e.g. far too long): say so rather than pretend it was received. */
export function notAcceptedText(language: Language): string {
  return language === 'en'
    ? 'Sorry, we could not take this message. Please send it again in a shorter form or call 12345.'
    : '抱歉，这条消息未能受理，请精简后重新发送，或拨打12345。';
}

function emergencyLine(language: Language, line: EmergencyLine): string {
  const name = EMERGENCY_NAMES[line][language];
  return language === 'en' ? `If anyone is in danger, call ${name} now.\n` : `如有人身或财产危险，请立即拨打${name}。\n`;
}

function shorten(note: string): string {
  const chars = [...note];
  return chars.length > MAX_NOTE_LENGTH ? `${chars.slice(0, MAX_NOTE_LENGTH).join('')}…` : note;
}

/**
 * The citizen has sent more than the fair-use budget allows: nothing of this message was kept, and they are told
 * when to write again and where to go in an emergency (an emergency message is never refused).
 */
export function tryLaterText(language: Language, retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return language === 'en'
    ? `You have sent many requests recently, so this message was not registered. Please send it again in ${minutes} minutes, or call 12345. In an emergency call 110, 119, 120 or 122.`
    : `您近期发送的诉求较多，本条消息未登记，请 ${minutes} 分钟后再发送，或拨打12345。紧急情况请直接拨打110、119、120或122。`;
}
