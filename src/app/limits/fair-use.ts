// Fair use of the internet channels: how many submissions an hour one client IP (web form), API key (v1, Open311),
// WeChat openid and email sender may make, counted by the shared Limiter so that every replica holds the same
// line. Past it the channel says "try later" in its own protocol; nothing already accepted is touched.
//
// Never silencing: a submission whose text the classifier marks as an emergency is admitted whatever the counts,
// flags or earlier refusals, and is not counted (its reply tells the citizen which number to call now). A flagged
// identity (see flag-ports.ts) gets `flaggedPerHour` instead of its usual budget; 0 blocks every non-emergency
// submission while the flag lasts. When the flags or the counters cannot be read, the submission is admitted:
// limits protect the hotline, and must never be the reason an acknowledgeable request is lost.

import { HOUR_MS } from './limiter-ports.js';
import { emergencyIn } from '../../domain/intake/classify.js';
import type { Channel, EmergencyLine } from '../../domain/intake/submission.js';
import { isIdentityKind, maskIdentity } from '../../domain/limits/identity.js';
import type { Identity } from '../../domain/limits/identity.js';
import type { Log } from '../app-ports.js';
import type { Flag, FlagStore } from './flag-ports.js';
import type { LimitRule, Limiter } from './limiter-ports.js';

export const SUBMITTER_KINDS = ['ip', 'apiKey', 'openid', 'email'] as const;
export type SubmitterKind = (typeof SUBMITTER_KINDS)[number];

/** Who a submission is counted against: the web form's client IP, an integrator's key id, an openid, a sender. */
export interface Submitter {
  readonly kind: SubmitterKind;
  readonly value: string;
}

export interface FairUsePolicy {
  /** Submissions an hour per submitter of each kind. */
  readonly perHour: Readonly<Record<SubmitterKind, number>>;
  /** Submissions an hour of a flagged identity (0: none but emergencies). */
  readonly flaggedPerHour: number;
}

export interface SubmissionAttempt {
  readonly channel: Channel;
  /** The text intake will classify (the draft's `text`). */
  readonly text: string;
  readonly submitters: readonly Submitter[];
  /** The submission's dedup key: a retry of an admitted submission is admitted again without counting. */
  readonly once?: string;
}

export interface FairUseRefusal {
  readonly submitter: SubmitterKind;
  readonly flagged: boolean;
  /** The budget that was used up (an hour's submissions). */
  readonly limit: number;
  readonly retryAfterSeconds: number;
}

export type Admission =
  | { readonly admitted: true; readonly emergency: EmergencyLine | null }
  | { readonly admitted: false; readonly refusal: FairUseRefusal };

/** A channel's way of saying "try later": each protocol answers it in its own form. */
export class SubmissionLimitedError extends Error {
  readonly code = 'SUBMISSION_LIMITED';
  constructor(readonly refusal: FairUseRefusal) {
    super(`too many submissions from this ${SUBMITTER_NAMES[refusal.submitter]}: at most ${refusal.limit} an hour${refusal.flagged ? ' (flagged by a supervisor)' : ''}; try again in ${refusal.retryAfterSeconds} s`);
    this.name = 'SubmissionLimitedError';
  }
}

export const SUBMITTER_NAMES: Readonly<Record<SubmitterKind, string>> = { ip: 'address', apiKey: 'API key', openid: 'WeChat user', email: 'sender' };


/** What operators watch: refusals (are the budgets right?) and emergencies let through. */
export type FairUseDecision = 'refused' | 'refused_flagged' | 'emergency';

export interface FairUseMetrics {
  fairUse(channel: Channel, decision: FairUseDecision): void;
}

export interface FairUseDeps {
  readonly limiter: Limiter;
  readonly metrics?: FairUseMetrics;
  readonly flags: Pick<FlagStore, 'find'>;
  readonly policy: FairUsePolicy;
  readonly log: Log;
  readonly now?: () => number;
}

export class FairUse {
  private readonly log: Log;
  private readonly now: () => number;

  constructor(private readonly deps: FairUseDeps) {
    this.log = deps.log.child({ component: 'fair-use' });
    this.now = deps.now ?? Date.now;
    const { perHour, flaggedPerHour } = deps.policy;
    for (const kind of SUBMITTER_KINDS) {
      if (!Number.isSafeInteger(perHour[kind]) || perHour[kind] < 1) throw new RangeError(`submissions per hour per ${kind} must be a positive whole number, got ${perHour[kind]}`);
    }
    if (!Number.isSafeInteger(flaggedPerHour) || flaggedPerHour < 0) throw new RangeError(`flagged submissions per hour must be a whole number, 0 or more, got ${flaggedPerHour}`);
  }

  /** The emergency line the classifier finds in `text`, or `null`: such a submission passes every limit. */
  emergencyIn(channel: Channel, text: string): EmergencyLine | null {
    return emergencyIn(text)?.line ?? null;
  }

  /** Counts the submission against each submitter's hourly budget, unless it is an emergency. */
  async admit(attempt: SubmissionAttempt, emergency: EmergencyLine | null = this.emergencyIn(attempt.channel, attempt.text)): Promise<Admission> {
    if (emergency !== null) {
      this.log.info({ channel: attempt.channel, emergencyLine: emergency }, 'emergency submission passes every limit');
      this.deps.metrics?.fairUse(attempt.channel, 'emergency');
      return { admitted: true, emergency };
    }
    if (attempt.submitters.length === 0) return { admitted: true, emergency: null };
    const flags = await this.flagsOf(attempt.submitters);
    const rules: LimitRule[] = attempt.submitters.map((s) => ({
      key: `submit:${s.kind}:${s.value}`,
      limit: flags.has(s) ? Math.min(this.deps.policy.flaggedPerHour, this.deps.policy.perHour[s.kind]) : this.deps.policy.perHour[s.kind],
      windowMs: HOUR_MS,
    }));
    let verdict;
    try {
      verdict = await this.deps.limiter.hit(rules, attempt.once === undefined ? {} : { once: attempt.once });
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'fair-use counters unavailable: submission admitted');
      return { admitted: true, emergency: null };
    }
    if (verdict.allowed) return { admitted: true, emergency: null };
    const submitter = await this.refusedSubmitter(attempt.submitters, rules);
    const flag = flags.get(submitter);
    // A flag that ends before the window does lets the citizen in earlier.
    const untilFlagEnds = flag === undefined ? Infinity : Math.max(1, Math.ceil((Date.parse(flag.expiresAt) - this.now()) / 1000));
    const refusal: FairUseRefusal = {
      submitter: submitter.kind,
      flagged: flag !== undefined,
      limit: verdict.limit,
      retryAfterSeconds: Math.min(verdict.retryAfterSeconds, untilFlagEnds),
    };
    this.deps.metrics?.fairUse(attempt.channel, refusal.flagged ? 'refused_flagged' : 'refused');
    this.log.info({ channel: attempt.channel, submitter: submitter.kind, flagged: refusal.flagged, limit: refusal.limit, retryAfterSeconds: refusal.retryAfterSeconds }, 'submission refused: fair-use limit reached');
    return { admitted: false, refusal };
  }

  /** Which submitter's budget is used up: the limiter reports the rule, not its position. */
  private async refusedSubmitter(submitters: readonly Submitter[], rules: readonly LimitRule[]): Promise<Submitter> {
    const first = submitters[0] as Submitter;
    if (submitters.length === 1) return first;
    for (const [i, rule] of rules.entries()) {
      try {
        if (!(await this.deps.limiter.peek([rule])).allowed) return submitters[i] ?? first;
      } catch {
        return first;
      }
    }
    return first;
  }

  private async flagsOf(submitters: readonly Submitter[]): Promise<FlagsBySubmitter> {
    const identities: Identity[] = submitters.flatMap((s) => (isIdentityKind(s.kind) ? [{ kind: s.kind, value: s.value }] : []));
    if (identities.length === 0) return new FlagsBySubmitter([]);
    try {
      return new FlagsBySubmitter(await this.deps.flags.find(identities, this.now()));
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err), identities: identities.map(maskIdentity) }, 'flags unavailable: submission counted as unflagged');
      return new FlagsBySubmitter([]);
    }
  }
}

class FlagsBySubmitter {
  private readonly byKey: Map<string, Flag>;
  constructor(flags: readonly Flag[]) {
    this.byKey = new Map(flags.map((f) => [`${f.identity.kind}:${f.identity.value}`, f]));
  }
  has(s: Submitter): boolean {
    return this.byKey.has(`${s.kind}:${s.value}`);
  }
  get(s: Submitter): Flag | undefined {
    return this.byKey.get(`${s.kind}:${s.value}`);
  }
}
