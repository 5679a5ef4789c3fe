// Every Redis key and channel of the call queue, in one place. All of them start with intake's hash tag,
// `{prefix}:acd:`, so a Redis Cluster keeps the whole queue in one slot: the scripts that move a call and an agent
// together touch one node, and the keys a script derives from the prefix (per skill, per call, per agent) are in
// the slot of the keys it names.

import { IntakeKeys } from '../intake/intake-keys.js';

/** Beijing time: UTC+8 all year (China has no daylight saving time). */
export const BEIJING_OFFSET_MS = 8 * 3_600_000;

/**
 * The keys every ACD script is given, in this order (the Lua prelude names them the same way). The per-call,
 * per-agent and per-skill keys are derived in Lua from `base`, with the same hash tag, hence the same slot.
 */
export const FIXED_KEYS = ['agentStates', 'reservations', 'wrapUps', 'due', 'waitingByTime', 'gateways', 'deadGateways', 'loggedIn', 'handleTimes', 'devices', 'callbackRetries'] as const;
export type FixedKey = (typeof FIXED_KEYS)[number];

export class AcdKeys {
  /** `{prefix}:acd:`: what every key and channel name starts with. */
  readonly base: string;
  readonly fixed: Readonly<Record<FixedKey, string>>;
  /** Agent and queue changes (`AcdChange` other than offers), for every gateway. */
  readonly changes: string;

  constructor(prefix: string) {
    this.base = `${new IntakeKeys(prefix).bullPrefix}:acd:`;
    this.fixed = Object.fromEntries(FIXED_KEYS.map((name) => [name, `${this.base}${name}`])) as Record<FixedKey, string>;
    this.changes = `${this.base}ch:changes`;
  }

  /** The fixed keys in the order the scripts expect them. */
  get fixedList(): string[] {
    return FIXED_KEYS.map((name) => this.fixed[name]);
  }

  /** Today's counters, one hash per Beijing day (`day:2025-06-01`). */
  day(now: number, offsetMs: number = BEIJING_OFFSET_MS): string {
    return `${this.base}day:${new Date(now + offsetMs).toISOString().slice(0, 10)}`;
  }

  /** The nudge a gateway gets when an offer for one of its calls was put in its list. */
  offerChannel(gateway: string): string {
    return `${this.base}ch:offer:${gateway}`;
  }

  call(callId: string): string {
    return `${this.base}c:${callId}`;
  }

  agent(agentId: string): string {
    return `${this.base}a:${agentId}`;
  }

  offers(gateway: string): string {
    return `${this.base}offers:${gateway}`;
  }
}
