// Attaches contacts to citizen profiles off the acknowledgement's critical path: intake hands over a submission once
// it is durable, and the citizen's answer never waits for the profile. Contacts are linked in batches, one link
// script call per batch, planned on the owners this linker last saw or wrote (`OwnerCache`); the script checks
// them and answers the current owners of a contact it refuses, which is planned again on those. A failure keeps
// the batch for a retry, and a periodic sweep attaches the submissions in Redis that no profile took (a crash
// between the acknowledgement and the link).
//
// An identifier the cache does not know is planned as nobody's, not read first. Most contacts name identifiers no
// profile holds yet (new citizens, new numbers), and for them the read was one GET and one round trip per batch
// spent to learn nothing; the script's own GET of each identifier is the check either way. When the guess is
// wrong (a returning citizen, after a restart or an eviction), the script refuses that plan having read the
// identifiers, and the plan made again on its answer needs those GETs once more: the same commands as a read first
// and a check, one link call later, off the citizen's path. So nothing is weakened, and no case costs more Redis
// commands than reading first did.

import { identifierClaims } from '../../domain/identity/identifier.js';
import type { IdentifierKey } from '../../domain/identity/identifier.js';
import { applyPlanInPlace, planLink } from '../../domain/identity/linking.js';
import type { Owner } from '../../domain/identity/linking.js';
import type { Submission } from '../../domain/intake/submission.js';
import type { Log } from '../app-ports.js';
import type { Clock, TimerHandle } from '../ports.js';
import { OwnerCache } from './owner-cache.js';
import type { ContactAttachment, ContactEvent, LinkOutcome, PlannedContact, ProfileStore } from './profile-ports.js';

export interface ProfileLinkerOptions {
  /** Contacts linked per batch (default 500). */
  readonly batch?: number;
  /** Wait after a failed batch (default 2 s). */
  readonly retryMs?: number;
  /** Contacts kept in memory at most while Redis fails; older ones are left to the sweep (default 100,000). */
  readonly maxPending?: number;
  /** Between sweeps for submissions no profile took (default 60 s). */
  readonly sweepMs?: number;
  /** How far back the first sweep after start looks (default 1 hour). */
  readonly sweepLookbackMs?: number;
  /** A submission younger than this is left to the linker itself, not the sweep (default 30 s). */
  readonly settleMs?: number;
  /** How long a contact waits for others to share its batch (default 20 ms): fewer, larger pipelines. */
  readonly lingerMs?: number;
  /** Identifiers whose owner the linker keeps in memory to plan on (default 10,000, about 2 MB when full; 0: none). */
  readonly ownerCacheSize?: number;
}

/** Plans refused because an owner changed meanwhile are planned again this many times at most. */
const MAX_REPLANS = 5;

export class ProfileLinker implements ContactAttachment {
  private pending: { event: ContactEvent; replans: number }[] = [];
  private flushTimer: TimerHandle | null = null;
  private sweepTimer: TimerHandle | null = null;
  private running: Promise<void> | null = null;
  private sweeping: Promise<void> | null = null;
  private sweptTo: number;
  private stopped = false;
  private readonly batch: number;
  private readonly retryMs: number;
  private readonly maxPending: number;
  private readonly sweepMs: number;
  private readonly settleMs: number;
  private readonly lingerMs: number;
  private readonly known: OwnerCache;

  constructor(
    private readonly store: ProfileStore,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly newProfileId: () => string,
    options: ProfileLinkerOptions = {},
  ) {
    this.batch = options.batch ?? 500;
    this.retryMs = options.retryMs ?? 2000;
    this.maxPending = options.maxPending ?? 100_000;
    this.sweepMs = options.sweepMs ?? 60_000;
    this.settleMs = options.settleMs ?? 30_000;
    this.lingerMs = options.lingerMs ?? 20;
    this.known = new OwnerCache(options.ownerCacheSize ?? 10_000);
    this.sweptTo = clock.now() - (options.sweepLookbackMs ?? 3_600_000);
  }

  attachSubmission(submission: Submission): void {
    const claims = identifierClaims(submission.channel, submission.contact);
    if (claims.length === 0) return;
    this.enqueue({ id: submission.id, channel: submission.channel, ticket: submission.ticket, atMs: Date.parse(submission.receivedAt), claims, openCase: true });
  }

  attachCall(call: { readonly callId: string; readonly callerId: string; readonly atMs: number }): void {
    const claims = identifierClaims('voice', { anonymous: false, phone: call.callerId });
    if (claims.length === 0) return;
    this.enqueue({ id: call.callId, channel: 'voice', atMs: call.atMs, claims, openCase: false });
  }

  /** Starts the sweep for submissions no profile took. */
  start(): void {
    if (this.stopped || this.sweepTimer !== null) return;
    this.sweepTimer = this.clock.setTimer(this.sweepMs, () => {
      this.sweepTimer = null;
      void this.sweep().then(() => this.start());
    });
  }

  /** Links what is pending now; resolves when done (or given up to a retry). */
  flush(): Promise<void> {
    this.flushTimer?.cancel();
    this.flushTimer = null;
    this.running ??= this.drain().then((failed) => {
      this.running = null;
      // Contacts that came in as the last batch finished go at once; after a failure, after the retry wait.
      if (this.pending.length > 0 && !this.stopped) this.schedule(failed ? this.retryMs : 0);
    });
    return this.running;
  }

  /** Attaches the submissions in Redis that no profile took, received since the last sweep; never rejects. */
  sweep(): Promise<void> {
    this.sweeping ??= this.runSweep().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  /** Links what is pending (once), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sweepTimer?.cancel();
    this.sweepTimer = null;
    await this.sweeping;
    await this.flush();
    this.flushTimer?.cancel();
    if (this.pending.length > 0) this.log.warn({ contacts: this.pending.length }, 'profiles: contacts left unlinked at stop; the next sweep attaches their submissions');
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  private enqueue(event: ContactEvent): void {
    if (this.pending.length >= this.maxPending) {
      // The submission is safe in Redis or the spool; only its profile link waits, for the sweep.
      this.pending.shift();
      this.log.warn({ maxPending: this.maxPending }, 'profiles: too many contacts waiting for Redis; the oldest is left to the sweep');
    }
    this.pending.push({ event, replans: 0 });
    if (this.pending.length >= this.batch) void this.flush();
    else if (this.flushTimer === null && this.running === null) this.schedule(this.lingerMs);
  }

  private schedule(ms: number): void {
    this.flushTimer ??= this.clock.setTimer(ms, () => {
      this.flushTimer = null;
      void this.flush();
    });
  }

  /** Resolves with whether a batch failed (what is left then waits for the retry); never rejects. */
  private async drain(): Promise<boolean> {
    while (this.pending.length > 0) {
      const taken = this.pending.slice(0, this.batch);
      let refused: { event: ContactEvent; replans: number }[];
      try {
        refused = await this.link(taken);
      } catch (err) {
        this.log.warn({ contacts: taken.length, err: err instanceof Error ? err.message : String(err) }, 'profiles: linking failed, trying again later');
        return true;
      }
      this.pending.splice(0, taken.length);
      const again = refused.filter((r) => r.replans < MAX_REPLANS).map((r) => ({ event: r.event, replans: r.replans + 1 }));
      if (again.length < refused.length) this.log.error({ contacts: refused.length - again.length }, 'profiles: contacts not linked: their identifiers kept changing');
      this.pending.unshift(...again);
    }
    return false;
  }

  /** Links one batch; resolves with the contacts whose plans met changed owners. */
  private async link(taken: readonly { event: ContactEvent; replans: number }[]): Promise<{ event: ContactEvent; replans: number }[]> {
    const owners = new Map<IdentifierKey, Owner>();
    for (const item of taken) {
      for (const claim of item.event.claims) {
        const owner = this.known.get(claim.key);
        if (owner !== undefined) owners.set(claim.key, owner);
      }
    }
    const planned: PlannedContact[] = [];
    const plannedFrom: { event: ContactEvent; replans: number }[] = [];
    for (const item of taken) {
      const plan = planLink(item.event.claims, owners, this.newProfileId());
      if (plan === null) continue;
      const expected = new Map(item.event.claims.map((c) => [c.key, owners.get(c.key)] as const));
      planned.push({ event: item.event, plan, expected });
      plannedFrom.push(item);
      // The next contact in this batch is planned on the owners this one leaves, as the scripts run in order.
      applyPlanInPlace(owners, plan);
    }
    let outcomes: LinkOutcome[];
    try {
      outcomes = await this.store.apply(planned, this.clock.now());
    } catch (err) {
      // The script may have run with its answer lost: what it left of these identifiers is not known.
      for (const p of planned) for (const claim of p.event.claims) this.known.forget(claim.key);
      throw err;
    }
    const refused: { event: ContactEvent; replans: number }[] = [];
    // In the scripts' order, so that what is known at the end is what the last of them left.
    planned.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome?.linked === true) {
        // Checked unchanged, then written by the plan.
        for (const claim of p.event.claims) this.known.set(claim.key, p.expected.get(claim.key));
        for (const link of p.plan.links) this.known.set(link.key, { profile: p.plan.profile, strength: link.strength });
        if (p.plan.conflicts.length > 0) {
          this.log.info({ profile: p.plan.profile, contact: p.event.id, conflicts: p.plan.conflicts.map((c) => ({ kind: c.kind, strength: c.strength, heldBy: c.heldBy })) }, 'profiles: identifier held by another profile, not merged');
        }
        return;
      }
      // Refused: what the plan expected is stale and is replaced by what the script found, never used again.
      for (const claim of p.event.claims) this.known.set(claim.key, outcome?.owners.get(claim.key));
      refused.push(plannedFrom[i] as { event: ContactEvent; replans: number });
    });
    return refused;
  }

  private async runSweep(): Promise<void> {
    const toMs = this.clock.now() - this.settleMs;
    try {
      while (!this.stopped && this.sweptTo < toMs) {
        const { submissions, lastMs } = await this.store.unlinked(this.sweptTo, toMs, this.batch);
        for (const submission of submissions) this.attachSubmission(submission);
        if (submissions.length > 0) this.log.info({ submissions: submissions.length }, 'profiles: sweep attached submissions no profile had taken');
        await this.flush();
        if (lastMs === null) {
          this.sweptTo = toMs;
          break;
        }
        this.sweptTo = lastMs;
        if (this.pending.length > 0) break;
      }
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'profiles: sweep failed, trying again later');
    }
  }
}
