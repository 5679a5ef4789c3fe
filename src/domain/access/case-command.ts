// What a citizen writes, on WeChat or by mail, to ask how their request stands or to rate its handling. They write
// the way they would to a person: "查询 123456789012", "status 123456789012 482913", "工单号：123456789012 查询码
// 482913", "123456789012进度?", "评价 5", "rate 123456789012 4", "评价 123456789012 482913 5分". Full-width digits and
// spaced groups are what phone keyboards produce, so they count too.
//
// A proof may follow the ticket (six digits: the PIN; four: the phone's last digits; an address with `@`), see
// `case-proof.ts`. Where a ticket and a proof are both digit groups, the split that leaves a valid ticket is taken:
// "1234 5678 9012" is one ticket, "123456789012 4821" a ticket and phone digits.

import { isValidTicket } from '../intake/ticket.js';
import type { Rating } from '../intake/submission.js';
import { readTypedProof } from './case-proof.js';
import type { CaseProof } from './case-proof.js';

export type StatusCommand =
  /** A status question: `ticket` is `null` when none was written (the channel may know it from the thread). */
  | { readonly kind: 'status'; readonly ticket: string | null; readonly proof: CaseProof | null }
  /** A status question, but the number is not a ticket (wrong length or check digit). */
  | { readonly kind: 'bad-ticket' };

export type RatingCommand =
  | { readonly kind: 'rate'; readonly ticket: string | null; readonly proof: CaseProof | null; readonly score: Rating['score'] }
  /** A rating, but the score is not a whole number from 1 to 5 (or what precedes it is not a ticket or a proof). */
  | { readonly kind: 'bad-rating' };

const STATUS_WORD = '(?:查询|查看|查一下|查|进度|状态|办理情况|办理进度|工单号?|编号|status|query|check|track|ticket|case|progress)';
const NUMBER = '[0-9][0-9 -]{0,60}[0-9]|[0-9]';
const EMAIL = '[^\\s@]+@[^\\s@]+';
const STATUS = new RegExp(
  `^((?:${STATUS_WORD}\\s*)*)(?:no\\.?|number|#|:)?\\s*(${NUMBER})?\\s*(?:(${EMAIL})\\s*)?((?:的?\\s*${STATUS_WORD}\\s*)*)[?.!。]*$`,
  'iu',
);
/** Words that announce a proof ("PIN 482913", "查询码：482913"): dropped, the proof is read from what follows. */
const PROOF_WORD = /(?<![a-z])(?:pin|code|查询码|查詢碼|验证码|密码|手机尾号|尾号|后四位)\s*[:：]?\s*(?=[0-9])/giu;

const RATING_WORD = '(?:评价|評價|评分|打分|满意度|rate|rating|score)';
const RATING = new RegExp(`^${RATING_WORD}\\s*[:：]?\\s*(.*?)\\s*([0-9]+)\\s*(?:分|星|颗星|stars?|points?|/\\s*5)?[.!。]*$`, 'iu');
const RATING_ONLY_WORD = new RegExp(`^${RATING_WORD}$`, 'iu');

/** The status question this text is, or `null` when it is something else. */
export function statusCommand(text: string): StatusCommand | null {
  const normalised = normalise(text).replace(PROOF_WORD, ' ').trim();
  const match = STATUS.exec(normalised);
  if (match === null) return null;
  const [, prefix = '', number, email, suffix = ''] = match;
  const asked = prefix.trim() !== '' || suffix.trim() !== '';
  const emailProof = email === undefined ? null : readTypedProof(email);
  if (number === undefined) {
    // A keyword alone ("查询", "status") asks about the request the conversation is about.
    if (!asked) return null;
    return { kind: 'status', ticket: null, proof: emailProof };
  }
  const split = ticketAndProof(number);
  if (split !== null) {
    if (split.proof !== null && emailProof !== null) return asked ? { kind: 'bad-ticket' } : null;
    return { kind: 'status', ticket: split.ticket, proof: split.proof ?? emailProof };
  }
  if (!asked) return null;
  // "查询 482913": a proof without a ticket, for a conversation that already names one.
  const proofOnly = readTypedProof(number);
  if (proofOnly !== null && emailProof === null) return { kind: 'status', ticket: null, proof: proofOnly };
  return { kind: 'bad-ticket' };
}

/** The rating this text is, or `null` when it is not one. */
export function ratingCommand(text: string): RatingCommand | null {
  const normalised = normalise(text).replace(PROOF_WORD, ' ').trim();
  const match = RATING.exec(normalised);
  if (match === null) return RATING_ONLY_WORD.test(normalised) ? { kind: 'bad-rating' } : null;
  const [, before = '', scoreText = ''] = match;
  const score = Number(scoreText);
  if (!Number.isInteger(score) || score < 1 || score > 5 || scoreText.length > 1) return { kind: 'bad-rating' };
  const rest = /^([0-9 -]*?)\s*(\S+@\S+)?$/u.exec(before.trim());
  // "评价一下你们的服务 1": words before the score make it a message to file, not a rating to take.
  if (rest === null) return null;
  const [, digits = '', email] = rest;
  const emailProof = email === undefined ? null : readTypedProof(email);
  const rating = score as Rating['score'];
  if (digits === '') return { kind: 'rate', ticket: null, proof: emailProof, score: rating };
  const split = ticketAndProof(digits);
  if (split !== null) {
    if (split.proof !== null && emailProof !== null) return { kind: 'bad-rating' };
    return { kind: 'rate', ticket: split.ticket, proof: split.proof ?? emailProof, score: rating };
  }
  const proofOnly = emailProof === null ? readTypedProof(digits) : null;
  return proofOnly === null ? { kind: 'bad-rating' } : { kind: 'rate', ticket: null, proof: proofOnly, score: rating };
}

/**
 * A ticket, possibly followed by a proof, from a run of digit groups. A last group of four or six digits after a
 * valid ticket is the proof; otherwise the whole run must be the ticket.
 */
function ticketAndProof(run: string): { ticket: string; proof: CaseProof | null } | null {
  const groups = run.trim().split(/\s+/u);
  if (groups.length > 1) {
    const last = groups[groups.length - 1] ?? '';
    const ticket = groups.slice(0, -1).join('').replace(/-/g, '');
    const proof = /^[0-9]+$/.test(last) ? readTypedProof(last) : null;
    if (proof !== null && isValidTicket(ticket)) return { ticket, proof };
  }
  const whole = run.replace(/[\s-]/gu, '');
  return isValidTicket(whole) ? { ticket: whole, proof: null } : null;
}

function normalise(text: string): string {
  // NFKC turns full-width digits, colons and question marks into their ASCII forms.
  return text.normalize('NFKC').trim().replace(/\s+/gu, ' ');
}
