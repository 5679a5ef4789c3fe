// Profiles go by the records' retention: a profile with no contact for the retention period, whose cases are all
// closed or gone, is deleted with its identifiers, contacts and conflicts. One with a case still open is kept and
// looked at again a retention period later. The same walk, without deleting, is the dry-run report.

import type { ProfileStore } from './profile-ports.js';

export interface ProfileRetentionOptions {
  /** Profiles per store call (default 500). */
  readonly batch?: number;
  /** Profiles deleted per sweep at most (default 50,000): a backlog is worked off over several sweeps. */
  readonly maxPerSweep?: number;
}

export class ProfileRetention {
  private readonly batch: number;
  private readonly maxPerSweep: number;

  constructor(
    private readonly store: Pick<ProfileStore, 'purgeInactive'>,
    options: ProfileRetentionOptions = {},
  ) {
    this.batch = options.batch ?? 500;
    this.maxPerSweep = options.maxPerSweep ?? 50_000;
  }

  /** Deletes the expired profiles; resolves with how many went. Throws `StoreUnavailableError`. */
  async purge(cutoffMs: number): Promise<number> {
    let purged = 0;
    let examined = 0;
    while (examined < this.maxPerSweep) {
      const result = await this.store.purgeInactive(cutoffMs, this.batch, false, 0);
      purged += result.purged;
      examined += result.examined;
      // Every profile examined leaves the range (deleted, kept with a later date, or changed): stop when none is left.
      if (result.examined < this.batch) break;
    }
    return purged;
  }

  /** How many profiles `purge` would delete now, deleting nothing. */
  async count(cutoffMs: number): Promise<{ examined: number; wouldDelete: number }> {
    let offset = 0;
    let wouldDelete = 0;
    for (;;) {
      const result = await this.store.purgeInactive(cutoffMs, this.batch, true, offset);
      wouldDelete += result.purged;
      offset += result.examined;
      if (result.examined < this.batch) return { examined: offset, wouldDelete };
    }
  }
}
