// What the account says back, in the citizen's language (Mandarin unless they wrote in English). Texts that
// answer no message of theirs (the welcome, the menu help) are bilingual. WeChat shows at most 2048 bytes of a
// passive reply, so notes taken from the work-order system are shortened.

import { beijingTime } from '../beijing-time.js';
import { repeatNotice } from '../intake/repeat-reply.js';
import type { RepeatProgress } from '../intake/repeat-reply.js';
import { STATUS_NAMES } from '../intake/status-names.js';
import type { EmergencyLine, Language, Status } from '../intake/submission.js';

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
    '几分钟内连续发送的多条消息会合并为同一诉求。发送“查询 工单号”可查看办理进度。',
  '紧急情况请直接拨打 110、119、120 或 122。',
  '',
  'Beijing 12345 citizen service hotline on WeChat',
  'Send text, voice, pictures, video or your location to ask a question, ask for help, complain, report or suggest; ' +
    'we reply with a ticket number. Messages sent within a few minutes of each other are one request. ' +
    'Send "status <ticket number>" to see its progress.',
  'In an emergency call 110, 119, 120 or 122 directly.',
].join('\n');

export function welcomeText(): string {
  return `欢迎关注！Welcome!\n\n${USAGE}`;
}

/** The answer to a menu button: how to use the account. */
export function usageText(): string {
  return USAGE;
}

export function receivedText(language: Language, ticket: string, emergency?: EmergencyLine): string {
  const urgent = emergency === undefined ? '' : emergencyLine(language, emergency);
  return language === 'en'
    ? `${urgent}We have received your request. Ticket number: ${ticket}\n` +
        `Anything you send in the next few minutes is added to it. Send "status ${ticket}" to see its progress.`
    : `${urgent}您的诉求已收到，工单号：${ticket}\n几分钟内继续发送的内容会补充到该工单。发送“查询 ${ticket}”可查看办理进度。`;
}

/**
 * A new request that repeats an open one of the citizen's: the first request's progress, then this message's own
 * ticket (what the next few minutes' messages are added to).
 */
export function repeatText(language: Language, ticket: string, first: RepeatProgress, emergency?: EmergencyLine): string {
  const urgent = emergency === undefined ? '' : emergencyLine(language, emergency);
  const notice = repeatNotice(language, first);
  return language === 'en'
    ? `${urgent}${notice}\nThis message's ticket number is ${ticket}. Send "status ${first.ticket}" to see the progress of the first.`
    : `${urgent}${notice}\n本次消息的工单号：${ticket}。发送“查询 ${first.ticket}”可查看原工单的办理进度。`;
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
}

export function statusText(language: Language, summary: StatusSummary): string {
  const when = beijingTime(summary.at);
  const note = summary.note === undefined || summary.note.trim() === '' ? undefined : shorten(summary.note.trim());
  const name = STATUS_NAMES[summary.status][language];
  return language === 'en'
    ? `Ticket ${summary.ticket}: ${name} (updated ${when} Beijing time).${note === undefined ? '' : `\nNote: ${note}`}`
    : `工单 ${summary.ticket}：${name}（更新于北京时间 ${when}）。${note === undefined ? '' : `\n说明：${note}`}`;
}

export function ticketNotFoundText(language: Language, ticket: string): string {
  return language === 'en'
    ? `No request with ticket number ${ticket} was found. Please check the number.`
    : `未找到工单号为 ${ticket} 的诉求，请核对号码。`;
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
