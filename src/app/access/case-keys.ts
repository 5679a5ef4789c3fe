// The keys behind tickets and PINs. Every replica must use the same ones (a ticket is only unique, and a PIN only
// right, under one key), so they come from one secret: `CASE_SECRET` when the operator sets it, else one the first
// gateway stored in Redis. They are loaded with the first block of ticket numbers, so a gateway that starts while
// Redis is away issues tickets as soon as it could anyway.

import type { Prf, PrfMany } from '../../domain/access/ticket-cipher.js';

export interface CaseKeys {
  /** Permutes ticket sequence numbers (see `ticket-cipher.ts`). */
  readonly ticketPrf: Prf;
  /** `ticketPrf` over many inputs in one call, where the key is cheaper in bulk; without it, `ticketPrf` each. */
  readonly ticketPrfMany?: PrfMany;
  /** Derives a ticket's PIN (see `case-proof.ts`). */
  readonly pinPrf: Prf;
}

export interface CaseKeySource {
  /** The keys; rejects (e.g. `StoreUnavailableError`) when the secret cannot be had now. */
  load(): Promise<CaseKeys>;
}

/** Loads once and keeps the keys; a failed load is tried again by the next caller, not cached. */
export class CachedCaseKeys implements CaseKeySource {
  private loaded: Promise<CaseKeys> | null = null;

  constructor(private readonly source: CaseKeySource) {}

  load(): Promise<CaseKeys> {
    this.loaded ??= this.source.load().catch((err: unknown) => {
      this.loaded = null;
      throw err;
    });
    return this.loaded;
  }
}
