// Reading and rating a citizen's case, as every channel sees it (web form, /v1, IVR, WeChat, e-mail). A ticket alone
// opens nothing: see `src/domain/access/case-proof.ts` for the proofs.

import type { CaseProof, ProofKind } from '../../domain/access/case-proof.js';
import type { Rating } from '../../domain/intake/submission.js';
import type { IntakeRecord } from '../intake/intake-ports.js';

/**
 * Who is trying, for the per-source limit on wrong proofs: the client address on the web, the caller ID on the
 * phone, the openid on WeChat, the sender on e-mail, the key on the API.
 */
export interface ProofSource {
  readonly kind: 'ip' | 'caller' | 'openid' | 'sender' | 'apikey';
  readonly id: string;
}

export type CaseReadOutcome =
  /** The proof opens the case. */
  | { readonly kind: 'granted'; readonly record: IntakeRecord; readonly via: ProofKind }
  /**
   * Nothing the citizen typed was given, and what the channel vouches for (caller ID, openid, sender) does not open
   * the case, or there is no such ticket: ask for the PIN or the contact's last digits. Counts as no attempt.
   */
  | { readonly kind: 'proof_needed' }
  /** A typed proof that does not open it, or no such ticket (the same answer, so tickets cannot be probed). Counted. */
  | { readonly kind: 'denied' }
  /** Too many wrong proofs for this ticket or from this source: nothing is compared until then. */
  | { readonly kind: 'locked'; readonly retryAfterSeconds: number };

/** Ratings are taken once the handling is finished, and once. */
export type RatingRefusal = 'already_rated' | 'not_rateable';

export type CaseRateOutcome =
  | { readonly kind: 'rated'; readonly record: IntakeRecord; readonly rating: Rating }
  | { readonly kind: 'refused'; readonly reason: RatingRefusal; readonly record: IntakeRecord }
  | Exclude<CaseReadOutcome, { readonly kind: 'granted' }>;

export interface RatingInput {
  readonly score: Rating['score'];
  readonly comment?: string;
}

export interface CaseAccess {
  /** The PIN that goes out with a ticket (at submission, on every channel). */
  pinOf(ticket: string): Promise<string>;
  read(ticket: string, proofs: readonly CaseProof[], source: ProofSource): Promise<CaseReadOutcome>;
  rate(ticket: string, proofs: readonly CaseProof[], source: ProofSource, rating: RatingInput): Promise<CaseRateOutcome>;
}
