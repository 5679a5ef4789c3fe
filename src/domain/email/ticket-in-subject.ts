// A citizen answering an acknowledgement keeps its subject tag `[12345-<ticket>]`; one writing a new mail about an
// old request types the number in some form (`工单 123456782`, `工单号：123456782`, `ticket #123456782`). Only
// numbers whose check digit is right count, so a phone number or a date in the subject is not taken for a ticket.

import { isValidTicket } from '../intake/ticket.js';

export const TICKET_TAG_PREFIX = '12345-';

/** The tag acknowledgements put in the subject, so a reply names its request. */
export function ticketTag(ticket: string): string {
  return `[${TICKET_TAG_PREFIX}${ticket}]`;
}

const PATTERNS: readonly RegExp[] = [
  /\[\s*12345\s*-\s*(\d{9,20})\s*\]/g,
  /(?<!\d)12345-(\d{9,20})(?!\d)/g,
  /(?:工单|工單)\s*(?:编号|編號|号|號|号码|號碼)?\s*[:：#＃]?\s*(\d{9,20})(?!\d)/g,
  /\b(?:ticket|case|request)\s*(?:no\.?|number|num\.?|id)?\s*[:#]?\s*(\d{9,20})(?!\d)/gi,
];

/** The first valid ticket the subject names, tag form first; `null` when it names none. */
export function ticketFromSubject(subject: string): string | null {
  // Full-width digits and brackets (１２３, ［］) come from Chinese input methods.
  const text = subject.normalize('NFKC');
  for (const pattern of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const candidate = match[1];
      if (candidate !== undefined && isValidTicket(candidate)) return candidate;
    }
  }
  return null;
}

/** The subject without tags naming a ticket: what an acknowledgement quotes before adding its own tag. */
export function withoutTicketTags(subject: string): string {
  return subject.replace(/\s*\[\s*12345\s*-\s*\d{1,20}\s*\]\s*/g, ' ').trim();
}
