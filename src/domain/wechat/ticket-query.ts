// Citizens ask for progress the way they would ask a person: "查询 123456782", "工单号：123456782", "status
// 123456782", "123456782进度?" or just the number. Full-width digits and spaced groups ("1234 5678 2") are what
// phone keyboards produce, so they count too. A bare number that fails the check digit is not a question (it is
// more likely a phone number sent as contact details); one that follows a keyword is a mistyped ticket.

import { isValidTicket } from '../intake/ticket.js';

export type TicketQuery =
  /** The whole message asks for this ticket's status. */
  | { readonly kind: 'status'; readonly ticket: string }
  /** The message asks for a status, but the number is not a ticket (wrong length or check digit). */
  | { readonly kind: 'bad-ticket' };

const KEYWORD = '(?:查询|查看|查一下|查|进度|状态|办理情况|办理进度|工单号?|编号|status|query|check|track|ticket|case|progress)';
const QUERY = new RegExp(
  `^((?:${KEYWORD}\\s*)*)(?:no\\.?|number|#|:)?\\s*([0-9][0-9 -]{0,38}[0-9]|[0-9])\\s*((?:的?\\s*${KEYWORD}\\s*)*)[?.!。]*$`,
  'iu',
);
const DIGIT_RUN = /(?<![0-9])[0-9]{9,20}(?![0-9])/gu;

/** The status question this message is, or `null` when it is something else (to be taken as a request). */
export function ticketQuery(text: string): TicketQuery | null {
  const normalised = normalise(text);
  const match = QUERY.exec(normalised);
  if (match === null) return null;
  const [, prefix = '', number = '', suffix = ''] = match;
  const digits = number.replace(/[ -]/g, '');
  const asked = prefix.trim() !== '' || suffix.trim() !== '';
  if (isValidTicket(digits)) return { kind: 'status', ticket: digits };
  return asked ? { kind: 'bad-ticket' } : null;
}

/** The first valid ticket number written in the text (e.g. "关于工单123456782，还没有人来"), or `null`. */
export function mentionedTicket(text: string): string | null {
  for (const match of normalise(text).matchAll(DIGIT_RUN)) {
    if (isValidTicket(match[0])) return match[0];
  }
  return null;
}

function normalise(text: string): string {
  // NFKC turns full-width digits, colons and question marks into their ASCII forms.
  return text.normalize('NFKC').trim().replace(/\s+/gu, ' ');
}
