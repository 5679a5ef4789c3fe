// Where staff accounts and their sessions live, and how passwords are checked. The adapters keep both in Redis, so
// every replica of the gateway sees the same accounts, and a session opened on one is valid on all.

import type { StaffAccount, StaffSession } from '../../domain/staff/staff.js';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Whether `password` matches `stored`; false (never a throw) for a malformed `stored`. */
  verify(password: string, stored: string): Promise<boolean>;
  /** Costs what a real verification costs, so that an unknown id answers no faster than a wrong password. */
  spend(password: string): Promise<void>;
}

export interface StaffAccounts {
  find(id: string): Promise<StaffAccount | null>;
  list(): Promise<StaffAccount[]>;
  /** Creates or replaces the account. */
  save(account: StaffAccount): Promise<void>;
  remove(id: string): Promise<boolean>;
}

export interface StaffSessions {
  /** Stores the session under the token's hash until `session.expiresAt`. */
  create(token: string, session: StaffSession): Promise<void>;
  /** The session the token stands for, while it has not expired; null otherwise. */
  find(token: string, now: number): Promise<StaffSession | null>;
  /** Ends one session; false when it was not there. */
  revoke(token: string): Promise<boolean>;
  /** Ends every session of a user (password changed, account disabled or removed); how many were ended. */
  revokeUser(userId: string): Promise<number>;
}
