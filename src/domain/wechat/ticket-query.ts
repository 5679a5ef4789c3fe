// Citizens ask for progress the way they would ask a person: "查询 123456782", "工单号：123456782", "status
// 123456782", "123456782进度?" or just the number. Full-width digits and spaced groups ("1234 5678 2") are what
// phone keyboards produce, so they count too. A bare number that fails the check digit is not a question (it is
// more likely a phone number sent as contact details); one that follows a keyword is a mistyped ticket. The PIN or
// the phone's last four digits may follow the ticket ("查询 123456789012 482913"): see `access/case-command.ts`.

import { statusCommand } from '../access/case-command.js';
import type { CaseProof } from '../access/case-proof.js';
import { isValidTicket } from '../intake/ticket.js';

export type TicketQuery =
  /** The whole message asks for this ticket's status, with the PIN or contact digits when they were added. */
  | { readonly kind: 'status'; readonly ticket: string; readonly proof: CaseProof | null }
  /** The message asks for a status, but the number is not a ticket (wrong length or check digit). */
  | { readonly kind: 'bad-ticket' };

const DIGIT_RUN = /(?<![0-9])[0-9]{9,20}(?![0-9])/gu;

/**
 * The status question this message is, or `null` when it is something else (to be taken as a request). A chat has
 * no thread to take the ticket from: a keyword alone is not a question, a keyword with a proof but no ticket is a
 * mistyped ticket.
 */
export function ticketQuery(text: string): TicketQuery | null {
  const command = statusCommand(text);
  if (command === null || command.kind === 'bad-ticket') return command;
  if (command.ticket === null) return command.proof === null ? null : { kind: 'bad-ticket' };
  return { kind: 'status', ticket: command.ticket, proof: command.proof };
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
