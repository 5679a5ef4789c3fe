// Who gets an acknowledgement. RFC 3834's rules for responders, plus: never the hotline's own addresses (a loop
// through ourselves), never an address that says it reads nothing (`noreply@`), and never a mail that asked not to
// be auto-answered. The reply goes where the citizen asked replies to go (Reply-To), else to From, else to the
// envelope sender; an answer about a case goes to From (else the envelope sender) only, since From is the proof.

import type { AutoReplyReason } from '../intake/submission.js';
import { normaliseEmail } from '../intake/normalise.js';
import { isSystemAddress, suppressesAutoResponse } from './auto-reply.js';
import type { Envelope, ParsedMail } from './parsed-mail.js';

export type AckSkipReason = 'auto-reply' | 'suppressed' | 'no-address' | 'own-address' | 'no-reply-address' | 'duplicate';

export type AckDecision = { readonly send: true; readonly to: string } | { readonly send: false; readonly reason: AckSkipReason };

export interface AckPolicyInput {
  readonly mail: ParsedMail;
  readonly envelope: Envelope;
  readonly autoReply: AutoReplyReason | null;
  readonly duplicate: boolean;
  /** Whether the address is one the gateway takes mail for. */
  readonly isOwnAddress: (address: string) => boolean;
  /**
   * Answer the sender (From, else the envelope sender), never Reply-To: for answers about a case, where the sender
   * address is what proves the case is theirs and a forged From only sends the answer to its rightful owner.
   */
  readonly toSender?: boolean;
}

const NO_REPLY = /^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|noreply[-_.].*|.*[-_.]noreply|bounces?|bounce[-+].*)$/i;

export function acknowledgementDecision(input: AckPolicyInput): AckDecision {
  if (input.duplicate) return { send: false, reason: 'duplicate' };
  if (input.autoReply !== null) return { send: false, reason: 'auto-reply' };
  if (suppressesAutoResponse(input.mail.headers)) return { send: false, reason: 'suppressed' };
  const candidates = [...(input.toSender === true ? [] : [input.mail.replyTo?.address]), input.mail.from?.address, input.envelope.mailFrom];
  const to = candidates.map((a) => (a === undefined ? null : normaliseEmail(a.normalize('NFKC').trim()))).find((a) => a !== null);
  if (to === undefined || to === null) return { send: false, reason: 'no-address' };
  if (input.isOwnAddress(to)) return { send: false, reason: 'own-address' };
  const local = to.slice(0, to.lastIndexOf('@'));
  if (NO_REPLY.test(local) || isSystemAddress(to)) return { send: false, reason: 'no-reply-address' };
  return { send: true, to };
}
