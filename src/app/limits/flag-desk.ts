// Flagging and unflagging as a supervisor does it, from the CLI or from /v1/flags: the request is checked (what is
// flagged, why, for how long) before anything is kept, and every change goes to the audit log with who made it.

import { maskIdentity, parseIdentity } from '../../domain/limits/identity.js';
import type { Identity } from '../../domain/limits/identity.js';
import type { Log } from '../app-ports.js';
import type { Flag, FlagAuditEntry, FlagStore } from './flag-ports.js';

/** The longest a flag may last: a supervisor renews it rather than forget it for ever. */
export const MAX_FLAG_MS = 366 * 86_400_000;
const MAX_REASON_LENGTH = 500;
const MAX_BY_LENGTH = 100;

export interface FlagRequest {
  readonly kind: string;
  readonly value: string;
  readonly reason: string;
  readonly by: string;
  /** How long from now the flag lasts. */
  readonly forMs: number;
}

export interface UnflagRequest {
  readonly kind: string;
  readonly value: string;
  readonly reason: string;
  readonly by: string;
}

/** The request cannot be carried out as given; `field` names what to change. */
export class FlagRequestError extends Error {
  readonly code = 'FLAG_REQUEST_INVALID';
  constructor(
    readonly field: string,
    /** The problem alone, without the field's name. */
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'FlagRequestError';
  }
}

export class FlagDesk {
  constructor(
    private readonly deps: {
      readonly store: FlagStore;
      readonly log: Log;
      readonly now?: () => number;
      /** Spells identities the way the channels see them (an IP address's canonical form); default as parsed. */
      readonly canonical?: (identity: Identity) => Identity;
    },
  ) {}

  async flag(request: FlagRequest): Promise<Flag> {
    const identity = this.identityOf(request.kind, request.value);
    const reason = text('reason', request.reason, MAX_REASON_LENGTH);
    const by = text('by', request.by, MAX_BY_LENGTH);
    if (!Number.isSafeInteger(request.forMs) || request.forMs < 60_000 || request.forMs > MAX_FLAG_MS) {
      throw new FlagRequestError('for', `a flag lasts from 1 minute to ${MAX_FLAG_MS / 86_400_000} days`);
    }
    const now = this.now();
    const flag: Flag = { identity, reason, by, at: new Date(now).toISOString(), expiresAt: new Date(now + request.forMs).toISOString() };
    await this.deps.store.flag(flag);
    this.deps.log.info({ kind: identity.kind, identity: maskIdentity(identity), by, expiresAt: flag.expiresAt }, 'identity flagged');
    return flag;
  }

  async unflag(request: UnflagRequest): Promise<Flag | null> {
    const identity = this.identityOf(request.kind, request.value);
    const reason = text('reason', request.reason, MAX_REASON_LENGTH);
    const by = text('by', request.by, MAX_BY_LENGTH);
    const removed = await this.deps.store.unflag(identity, by, reason, new Date(this.now()).toISOString());
    this.deps.log.info({ kind: identity.kind, identity: maskIdentity(identity), by, wasFlagged: removed !== null }, 'identity unflagged');
    return removed;
  }

  list(): Promise<Flag[]> {
    return this.deps.store.list(this.now());
  }

  audit(count: number): Promise<FlagAuditEntry[]> {
    if (!Number.isSafeInteger(count) || count < 1 || count > 10_000) throw new FlagRequestError('limit', 'must be a whole number from 1 to 10000');
    return this.deps.store.audit(count);
  }

  private identityOf(kind: string, value: string): Identity {
    const parsed = parseIdentity(kind, value);
    if (!parsed.ok) throw new FlagRequestError(parsed.problem.startsWith('kind ') ? 'kind' : 'value', parsed.problem);
    return this.deps.canonical?.(parsed.identity) ?? parsed.identity;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}

function text(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new FlagRequestError(field, 'is required');
  if ([...trimmed].length > max) throw new FlagRequestError(field, `is longer than ${max} characters`);
  if (/\p{Cc}/u.test(trimmed)) throw new FlagRequestError(field, 'must not contain control characters');
  return trimmed;
}
