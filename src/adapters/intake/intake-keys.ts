// Every Redis key intake uses, in one place. All of them (BullMQ's included) carry the prefix as a Redis Cluster
// hash tag, `{hotline}`, so the queue, the records and the idempotency claims live in one slot and the Lua
// scripts that touch several of them stay legal on a cluster.

import { rememberLatest } from '../../domain/remember-latest.js';
import { hash as sha256hash } from 'node:crypto';
import { HASH_TAG_FORM, HASH_TAG_TEXT } from '../../config/hash-tag.js';
import type { Channel, Status } from '../../domain/intake/submission.js';

export const INTAKE_QUEUE_NAME = 'intake';

export class IntakePrefixError extends Error {
  readonly code = 'INTAKE_PREFIX_INVALID';
  constructor(prefix: string) {
    super(`INTAKE_PREFIX=${JSON.stringify(prefix)}: expected ${HASH_TAG_FORM}`);
    this.name = 'IntakePrefixError';
  }
}

/**
 * `{prefix}`: what every key of the gateway starts with, so a Redis Cluster keeps them all in one slot. Every key
 * builder goes through here, so a prefix that would not make a tag is refused wherever keys are made.
 */
export function hashTag(prefix: string): string {
  if (!HASH_TAG_TEXT.test(prefix)) throw new IntakePrefixError(prefix);
  return `{${prefix}}`;
}

/**
 * sha256 hex of the dedup key: a fixed-length, personal-data-free name for keys and BullMQ job ids. The latest are
 * remembered: a submit needs its key's digest three times (claim, job id, mark).
 */
export const dedupHash: (dedupKey: string) => string = rememberLatest((dedupKey) => sha256hash('sha256', dedupKey, 'hex'), 1024);

/** The contact key's digest in key names; the latest are remembered (a submit names its contact's index twice). */
const contactHash = rememberLatest((contactKey: string) => sha256hash('sha256', contactKey, 'hex').slice(0, 32), 1024);

export class IntakeKeys {
  /** BullMQ's `prefix` option: the queue's keys are `{prefix}:intake:...`. */
  readonly bullPrefix: string;
  readonly ticketSequence: string;
  /** The secret behind ticket numbers and PINs when `CASE_SECRET` is not set (see `case-secret.ts`). */
  readonly caseSecret: string;
  readonly byTime: string;
  /** Every record's id, scored by its last change: what the retention sweep reads. */
  readonly byChange: string;
  /** Sorted set of claims not yet marked queued: dedup-key hash, scored by claim time. */
  readonly pendingClaims: string;
  /** Written just before a `WAIT` (REDIS_WAIT_REPLICAS), so the wait covers every write to the slot made before it. */
  readonly replicaProbe: string;

  constructor(prefix: string) {
    this.bullPrefix = hashTag(prefix);
    this.ticketSequence = this.key('ticket-seq');
    this.caseSecret = this.key('case-secret');
    this.byTime = this.key('idx:time');
    this.pendingClaims = this.key('idem-pending');
    this.byChange = this.key('idx:changed');
    this.replicaProbe = this.key('replica-probe');
  }

  idempotency(dedupKey: string): string {
    return this.idempotencyByHash(dedupHash(dedupKey));
  }

  idempotencyByHash(hash: string): string {
    return this.key(`idem:${hash}`);
  }

  record(id: string): string {
    return this.key(`sub:${id}`);
  }

  history(id: string): string {
    return this.key(`history:${id}`);
  }

  /** Follow-ups (email replies, later WeChat messages, fetched media) of a submission, scored by arrival. */
  followUps(id: string): string {
    return this.key(`followups:${id}`);
  }

  ticket(ticket: string): string {
    return this.key(`ticket:${ticket}`);
  }

  byChannel(channel: Channel): string {
    return this.key(`idx:channel:${channel}`);
  }

  byServiceCode(code: string): string {
    return this.key(`idx:service:${encodeURIComponent(code)}`);
  }

  byStatus(status: Status): string {
    return this.key(`idx:status:${status}`);
  }

  /** Contact keys hold phone numbers and e-mail addresses: hashed, so key names never show them. */
  byContact(contactKey: string): string {
    return this.key(`idx:contact:${contactHash(contactKey)}`);
  }

  private key(rest: string): string {
    return `${this.bullPrefix}:${rest}`;
  }
}
