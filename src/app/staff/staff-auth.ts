// Logging staff in and out, and what a session token stands for: the one service the desktop's pages, its WebSocket
// and the agents' REST API ask "who is this?". Wrong passwords are counted per staff id and per client address in
// the shared limiter, so guessing is throttled across every replica; the answer to a wrong id and to a wrong
// password is the same, and costs the same.

import { createHash, randomBytes } from 'node:crypto';
import { isStaffRole, passwordProblem, staffIdProblem, staffNameProblem } from '../../domain/staff/staff.js';
import type { StaffAccount, StaffRole, StaffSession } from '../../domain/staff/staff.js';
import type { Log } from '../app-ports.js';
import type { LimitRule, Limiter } from '../limits/limiter-ports.js';
import type { Clock } from '../ports.js';
import type { PasswordHasher, StaffAccounts, StaffSessions } from './staff-ports.js';

/** Session tokens say what they are, so one is never mistaken for an integrator's API key. */
export const SESSION_TOKEN_PREFIX = 'hs1_';
const TOKEN = /^hs1_[A-Za-z0-9_-]{43}$/;

export interface StaffAuthSettings {
  /** How long a session lasts from login (a shift, by default). */
  readonly sessionTtlMs: number;
  /** Wrong passwords allowed per staff id, and per client address, in `failureWindowMs`. */
  readonly failuresPerId: number;
  readonly failuresPerClient: number;
  readonly failureWindowMs: number;
}

export interface StaffAuthDeps {
  readonly accounts: StaffAccounts;
  readonly sessions: StaffSessions;
  readonly hasher: PasswordHasher;
  readonly limiter: Limiter;
  readonly clock: Clock;
  readonly log: Log;
  readonly settings: StaffAuthSettings;
}

export type LoginResult =
  | { readonly ok: true; readonly token: string; readonly session: StaffSession }
  | { readonly ok: false; readonly code: 'invalid_credentials' }
  | { readonly ok: false; readonly code: 'throttled'; readonly retryAfterSeconds: number };

export class StaffAccountError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'StaffAccountError';
  }
}

export interface AccountInput {
  readonly id: string;
  readonly name: string;
  readonly role: StaffRole;
  readonly password: string;
  readonly endpoint?: string | null;
  readonly skills?: string | null;
}

export class StaffAuth {
  constructor(private readonly deps: StaffAuthDeps) {}

  async login(userId: string, password: string, client: string): Promise<LoginResult> {
    const { accounts, hasher, limiter, clock, log, sessions, settings } = this.deps;
    const rules = this.failureRules(userId, client);
    const standing = await limiter.peek(rules);
    if (!standing.allowed) return { ok: false, code: 'throttled', retryAfterSeconds: standing.retryAfterSeconds };
    const account = staffIdProblem(userId) === null ? await accounts.find(userId) : null;
    const good = account !== null && !account.disabled ? await hasher.verify(password, account.passwordHash) : (await hasher.spend(password), false);
    if (!good || account === null) {
      await limiter.hit(rules);
      log.warn({ userId: userId.slice(0, 64), client }, 'staff login refused');
      return { ok: false, code: 'invalid_credentials' };
    }
    const now = clock.now();
    const token = `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const session: StaffSession = {
      id: createHash('sha256').update(token).digest('base64url').slice(0, 16),
      userId: account.id,
      role: account.role,
      name: account.name,
      createdAt: now,
      expiresAt: now + settings.sessionTtlMs,
    };
    await sessions.create(token, session);
    log.info({ userId: account.id, role: account.role, sessionId: session.id }, 'staff logged in');
    return { ok: true, token, session };
  }

  /** The live session a token stands for; null for anything else (malformed, unknown, expired, revoked). */
  async session(token: string | undefined): Promise<StaffSession | null> {
    if (token === undefined || !TOKEN.test(token)) return null;
    return this.deps.sessions.find(token, this.deps.clock.now());
  }

  async logout(token: string): Promise<boolean> {
    if (!TOKEN.test(token)) return false;
    return this.deps.sessions.revoke(token);
  }

  account(id: string): Promise<StaffAccount | null> {
    return this.deps.accounts.find(id);
  }

  accounts(): Promise<StaffAccount[]> {
    return this.deps.accounts.list();
  }

  /** Creates or replaces an account; replacing one ends its sessions (its password or role may have changed). */
  async saveAccount(input: AccountInput): Promise<StaffAccount> {
    const problem =
      field('id', staffIdProblem(input.id)) ??
      field('name', staffNameProblem(input.name)) ??
      field('role', isStaffRole(input.role) ? null : 'agent or supervisor') ??
      field('password', passwordProblem(input.password, input.id));
    if (problem !== null) throw problem;
    const account: StaffAccount = {
      id: input.id,
      name: input.name.trim(),
      role: input.role,
      passwordHash: await this.deps.hasher.hash(input.password),
      disabled: false,
      endpoint: input.endpoint ?? null,
      skills: input.skills ?? null,
      updatedAt: this.deps.clock.now(),
    };
    await this.deps.accounts.save(account);
    await this.deps.sessions.revokeUser(account.id);
    return account;
  }

  /** Disables (or re-enables) an account; disabling ends its sessions. */
  async setDisabled(id: string, disabled: boolean): Promise<StaffAccount | null> {
    const account = await this.deps.accounts.find(id);
    if (account === null) return null;
    const changed = { ...account, disabled, updatedAt: this.deps.clock.now() };
    await this.deps.accounts.save(changed);
    if (disabled) await this.deps.sessions.revokeUser(id);
    return changed;
  }

  async removeAccount(id: string): Promise<boolean> {
    const removed = await this.deps.accounts.remove(id);
    await this.deps.sessions.revokeUser(id);
    return removed;
  }

  private failureRules(userId: string, client: string): LimitRule[] {
    const { failuresPerId, failuresPerClient, failureWindowMs } = this.deps.settings;
    return [
      { key: `staff-login:id:${userId.toLowerCase().slice(0, 64)}`, limit: failuresPerId, windowMs: failureWindowMs },
      { key: `staff-login:ip:${client}`, limit: failuresPerClient, windowMs: failureWindowMs },
    ];
  }
}

function field(name: string, problem: string | null): StaffAccountError | null {
  return problem === null ? null : new StaffAccountError(name, problem);
}
