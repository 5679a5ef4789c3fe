// `history(identifier)`: the person's recent contacts and open cases, for the IVR (caller ID), the agent screen pop
// and integrators with the `history` scope. One store call: the whole answer is read in one Redis round trip.

import { PROFILE_CONTACTS, statusView } from '../../domain/identity/citizen-history.js';
import type { CitizenHistory, HistoryContact, OpenCase } from '../../domain/identity/citizen-history.js';
import { identifierKey } from '../../domain/identity/identifier.js';
import type { IdentifierKind } from '../../domain/identity/identifier.js';
import type { HistoryLookup, ProfileStore } from './profile-ports.js';

/** Contacts returned when the caller does not say (the profile keeps at most `PROFILE_CONTACTS`). */
const DEFAULT_HISTORY_LIMIT = 20;

export class HistoryService implements HistoryLookup {
  constructor(private readonly store: Pick<ProfileStore, 'history'>) {}

  async history(identifier: { readonly kind: IdentifierKind; readonly value: string }, options: { readonly limit?: number } = {}): Promise<CitizenHistory | null> {
    const key = identifierKey(identifier.kind, identifier.value);
    if (key === null) return null;
    const limit = Math.max(1, Math.min(PROFILE_CONTACTS, options.limit ?? DEFAULT_HISTORY_LIMIT));
    const stored = await this.store.history(key, limit);
    if (stored === null) return null;
    const contacts = stored.contacts.map(
      (c): HistoryContact => ({
        id: c.id,
        channel: c.channel,
        at: new Date(c.atMs).toISOString(),
        ...(c.ticket === undefined ? {} : { ticket: c.ticket }),
        ...(c.status === null ? {} : { status: c.status }),
      }),
    );
    const openCases = stored.openCases.flatMap((c): OpenCase[] =>
      c.ticket === undefined || c.status === null
        ? []
        : [{ id: c.id, ticket: c.ticket, channel: c.channel, receivedAt: new Date(c.atMs).toISOString(), ...statusView(c.status) }],
    );
    return { profile: stored.profile, link: stored.link, contacts, openCases };
  }
}
