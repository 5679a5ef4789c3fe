// Supervisors' flags on identities (a phone number, an openid, an email address, an IP address) as the application
// sees them. A flagged identity gets the stricter fair-use limits (see fair-use.ts; the phone side reads the same
// flags), never a refusal of an emergency. The adapter keeps flags and their audit log in Redis, shared by replicas.

import type { Identity } from '../../domain/limits/identity.js';

export interface Flag {
  readonly identity: Identity;
  readonly reason: string;
  /** Who flagged it: a supervisor's name, or `key:<id>` for a flag set through /v1/flags. */
  readonly by: string;
  /** ISO 8601 UTC. */
  readonly at: string;
  /** ISO 8601 UTC; the flag no longer applies from then on. */
  readonly expiresAt: string;
}

export interface FlagAuditEntry {
  /** The log's own id (a Redis stream id): entries sort by it. */
  readonly id: string;
  readonly action: 'flag' | 'unflag';
  readonly identity: Identity;
  readonly reason: string;
  readonly by: string;
  readonly at: string;
  /** For `flag`: when the flag expires. */
  readonly expiresAt?: string;
}

export interface FlagStore {
  /** Sets the flag (replacing the identity's earlier one) and writes the audit entry, together. */
  flag(flag: Flag): Promise<void>;
  /** Removes the identity's flag and writes the audit entry; resolves with the flag that was removed, or `null`. */
  unflag(identity: Identity, by: string, reason: string, at: string): Promise<Flag | null>;
  /** The flags in force at `nowMs` on any of these identities. */
  find(identities: readonly Identity[], nowMs: number): Promise<Flag[]>;
  /** Every flag in force at `nowMs`, newest first. */
  list(nowMs: number): Promise<Flag[]>;
  /** The latest audit entries, newest first. */
  audit(count: number): Promise<FlagAuditEntry[]>;
}
