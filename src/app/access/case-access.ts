// The one way any channel reads or rates a citizen's case. It checks the proofs (`case-proof.ts`), and counts wrong
// typed proofs per ticket and per source in the shared limiter, so every replica sees the same counts: a guesser
// gets a handful of tries a day at one ticket, whichever gateway they reach. An unknown ticket is answered exactly
// like a wrong proof, and counted like one, so tickets cannot be probed either.

import { DAY_MS, HOUR_MS } from '../limits/limiter-ports.js';
import { casePin, proofOpens, TYPED_PROOFS } from '../../domain/access/case-proof.js';
import type { CaseProof, SameSecret } from '../../domain/access/case-proof.js';
import type { Rating, Status } from '../../domain/intake/submission.js';
import { isValidTicket } from '../../domain/intake/ticket.js';
import type { Log } from '../app-ports.js';
import type { Intake, IntakeRecord } from '../intake/intake-ports.js';
import { currentStatus } from '../intake/intake-query.js';
import type { LimitRule, Limiter } from '../limits/limiter-ports.js';
import type { Clock } from '../ports.js';
import type { CaseAccess, CaseRateOutcome, CaseReadOutcome, ProofSource, RatingInput, RatingRefusal } from './case-access-ports.js';
import type { CaseKeySource } from './case-keys.js';


/** How many wrong typed proofs are taken, per ticket and per source, before they are refused for a while. */
export interface ProofLimits {
  readonly perTicketPerDay: number;
  readonly perTicketPer30Days: number;
  readonly perSourcePerHour: number;
  readonly perSourcePerDay: number;
  /**
   * An integrator's app asks for many citizens through one key, so a key has a larger allowance than one address
   * or one caller; the per-ticket limits still hold for every ticket it tries.
   */
  readonly perApiKeyPerHour: number;
  readonly perApiKeyPerDay: number;
}

/**
 * A phone proof is one of 10,000 and a PIN one of 1,000,000. Five a day and fifteen a month per ticket give a
 * stranger who knows the ticket about a 2% chance a year at the phone digits, and 0.02% at the PIN; the citizen,
 * who knows their proof, is never in the way of these.
 */
export const DEFAULT_PROOF_LIMITS: ProofLimits = {
  perTicketPerDay: 5,
  perTicketPer30Days: 15,
  perSourcePerHour: 20,
  perSourcePerDay: 60,
  perApiKeyPerHour: 1000,
  perApiKeyPerDay: 5000,
};

const RATEABLE: ReadonlySet<Status> = new Set<Status>(['resolved', 'closed']);

export interface CaseAccessDeps {
  readonly intake: Intake;
  readonly keys: CaseKeySource;
  readonly limiter: Limiter;
  readonly sameSecret: SameSecret;
  readonly clock: Clock;
  readonly log: Log;
  readonly limits?: ProofLimits;
}

export class ProvenCaseAccess implements CaseAccess {
  private readonly limits: ProofLimits;

  constructor(private readonly deps: CaseAccessDeps) {
    this.limits = deps.limits ?? DEFAULT_PROOF_LIMITS;
  }

  async pinOf(ticket: string): Promise<string> {
    const keys = await this.deps.keys.load();
    return casePin(ticket, keys.pinPrf);
  }

  async read(ticket: string, proofs: readonly CaseProof[], source: ProofSource): Promise<CaseReadOutcome> {
    const typed = proofs.some((p) => TYPED_PROOFS.has(p.kind));
    const rules = this.rules(ticket, source);
    if (typed) {
      const standing = await this.deps.limiter.peek(rules);
      if (!standing.allowed) return { kind: 'locked', retryAfterSeconds: standing.retryAfterSeconds };
    }
    const record = isValidTicket(ticket) ? await this.deps.intake.getByTicket(ticket) : null;
    if (record !== null) {
      const keys = await this.deps.keys.load();
      const pin = (t: string): string => casePin(t, keys.pinPrf);
      // Every proof is compared, even after one matched, so the time taken does not tell which one did.
      const opened = proofs.map((proof) => (proofOpens(record.submission, proof, pin, this.deps.sameSecret) ? proof : null));
      const via = opened.find((proof) => proof !== null);
      if (via !== undefined && via !== null) return { kind: 'granted', record, via: via.kind };
    }
    if (!typed) return { kind: 'proof_needed' };
    await this.deps.limiter.hit(rules);
    // Neither the proof nor any contact detail: a log reader must not be handed what a guesser is after.
    this.deps.log.info({ ticket, source: source.kind, proofs: proofs.map((p) => p.kind) }, 'case access refused: proof does not open the ticket');
    return { kind: 'denied' };
  }

  async rate(ticket: string, proofs: readonly CaseProof[], source: ProofSource, input: RatingInput): Promise<CaseRateOutcome> {
    const access = await this.read(ticket, proofs, source);
    if (access.kind !== 'granted') return access;
    const { record } = access;
    const refusal = ratingRefusal(record);
    if (refusal !== null) return { kind: 'refused', reason: refusal, record };
    const rating: Rating = {
      score: input.score,
      at: new Date(this.deps.clock.now()).toISOString(),
      ...(input.comment === undefined ? {} : { comment: input.comment }),
    };
    const rated = await this.deps.intake.rate(record.submission.id, rating);
    if (rated === null) return { kind: 'denied' };
    // Two ratings racing past the check above: the one intake kept is the rating, the other is told so.
    const kept = rated.rating;
    if (kept?.at !== rating.at || kept.score !== rating.score || kept.comment !== rating.comment) return { kind: 'refused', reason: 'already_rated', record: rated };
    this.deps.log.info({ ticket, id: record.submission.id, score: rating.score, source: source.kind }, 'case rated');
    return { kind: 'rated', record: rated, rating };
  }

  private rules(ticket: string, source: ProofSource): LimitRule[] {
    const l = this.limits;
    const who = `${source.kind}:${source.id}`;
    const key = source.kind === 'apikey';
    return [
      { key: `proof:ticket:d:${ticket}`, limit: l.perTicketPerDay, windowMs: DAY_MS },
      { key: `proof:ticket:m:${ticket}`, limit: l.perTicketPer30Days, windowMs: 30 * DAY_MS },
      { key: `proof:source:h:${who}`, limit: key ? l.perApiKeyPerHour : l.perSourcePerHour, windowMs: HOUR_MS },
      { key: `proof:source:d:${who}`, limit: key ? l.perApiKeyPerDay : l.perSourcePerDay, windowMs: DAY_MS },
    ];
  }
}

/** Why a rating cannot be taken now, or `null` when it can. */
export function ratingRefusal(record: IntakeRecord): RatingRefusal | null {
  if (record.rating !== undefined) return 'already_rated';
  return RATEABLE.has(currentStatus(record)) ? null : 'not_rateable';
}
