// Citizen profiles as the application sees them: where they are kept (`ProfileStore`), how channels attach a contact
// (`ContactAttachment`: intake for submissions, the IVR and agents for calls) and how a history is read
// (`HistoryLookup`: the IVR with the caller ID, the agent screen pop, integrators with the `history` scope).

import type { CitizenHistory, ContactEntry } from '../../domain/identity/citizen-history.js';
import type { IdentifierClaim, IdentifierKey, IdentifierKind, LinkStrength } from '../../domain/identity/identifier.js';
import type { LinkPlan, Owner } from '../../domain/identity/linking.js';
import type { Status, Submission } from '../../domain/intake/submission.js';

/** One contact to attach: a submission (it has a ticket, and is an open case) or a call. */
export interface ContactEvent extends ContactEntry {
  readonly claims: readonly IdentifierClaim[];
  /** A submission: kept among the profile's open cases until its record says otherwise. */
  readonly openCase: boolean;
}

export interface PlannedContact {
  readonly event: ContactEvent;
  readonly plan: LinkPlan;
  /** The owner of each claimed identifier the plan was made with; the store refuses the plan if one changed since. */
  readonly expected: ReadonlyMap<IdentifierKey, Owner | undefined>;
}

/**
 * What became of a planned contact: linked, or refused with who holds each of its identifiers at the point its plan
 * was checked (absent: nobody), for the linker to plan it again on without reading them.
 */
export type LinkOutcome = { readonly linked: true } | { readonly linked: false; readonly owners: ReadonlyMap<IdentifierKey, Owner> };

/** What the store knows of a profile for a history: contacts and open cases with their records' statuses. */
export interface StoredHistory {
  readonly profile: string;
  readonly link: LinkStrength;
  readonly contacts: readonly (ContactEntry & { readonly status: Status | null })[];
  readonly openCases: readonly (ContactEntry & { readonly status: Status | null })[];
}

export interface RetentionCount {
  /** Profiles looked at (inactive since the cutoff). */
  readonly examined: number;
  /** Deleted (or, in a dry run, that would be). */
  readonly purged: number;
}

export interface ProfileStore {
  /**
   * Each contact's plan in one atomic step, in order: linked, or refused where an identifier's owner is not the one
   * the plan expected, with the owners found. Throws `StoreUnavailableError`.
   */
  apply(planned: readonly PlannedContact[], nowMs: number): Promise<LinkOutcome[]>;
  history(key: IdentifierKey, limit: number): Promise<StoredHistory | null>;
  /**
   * Deletes (unless `dryRun`) the profiles unchanged since `cutoffMs` whose cases are all closed or gone, `limit` at
   * a time; a dry run pages on with `offset`, as it leaves every profile where it was.
   */
  purgeInactive(cutoffMs: number, limit: number, dryRun: boolean, offset?: number): Promise<RetentionCount>;
  /** Submissions received in [fromMs, toMs] that no profile has taken yet (the sweep's work), oldest first. */
  unlinked(fromMs: number, toMs: number, limit: number): Promise<{ readonly submissions: readonly Submission[]; readonly lastMs: number | null }>;
}

export interface ContactAttachment {
  /** Queues the submission's contact; never throws, never waits on Redis (failures are logged and retried). */
  attachSubmission(submission: Submission): void;
  /** A call from `callerId` (as Asterisk gives it), for the IVR and agents: the caller ID is a confirmed phone. */
  attachCall(call: { readonly callId: string; readonly callerId: string; readonly atMs: number }): void;
}

export interface HistoryLookup {
  /** `null` when no profile holds the identifier (or it is blank). Throws `StoreUnavailableError`. */
  history(identifier: { readonly kind: IdentifierKind; readonly value: string }, options?: { readonly limit?: number }): Promise<CitizenHistory | null>;
}
