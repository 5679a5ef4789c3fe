// Builds citizen profiles on a Redis connection intake already holds: the store, the linker channels attach
// contacts through, the history lookup, and the retention that goes with the records'.

import { randomFillSync } from 'node:crypto';
import type { RedisClient } from '../redis/redis-connection.js';
import type { Log } from '../../app/app-ports.js';
import { HistoryService } from '../../app/identity/history-service.js';
import { ProfileLinker } from '../../app/identity/profile-linker.js';
import type { ProfileLinkerOptions } from '../../app/identity/profile-linker.js';
import type { HistoryLookup } from '../../app/identity/profile-ports.js';
import { ProfileRetention } from '../../app/identity/profile-retention.js';
import type { Clock } from '../../app/ports.js';
import type { IntakeKeys } from '../intake/intake-keys.js';
import { IdentityKeys } from './identity-keys.js';
import { RedisProfileStore } from './redis-profile-store.js';

export interface CitizenProfiles {
  readonly store: RedisProfileStore;
  /** Where channels attach submissions and calls (`ContactAttachment`). */
  readonly linker: ProfileLinker;
  readonly history: HistoryLookup;
  readonly retention: ProfileRetention;
}

/** 20 hex digits: random, so a profile id says nothing about the person or the order profiles were made in. */
export function newProfileId(): string {
  if (poolUsed + PROFILE_ID_BYTES > pool.length) {
    randomFillSync(pool);
    poolUsed = 0;
  }
  const id = pool.toString('hex', poolUsed, poolUsed + PROFILE_ID_BYTES);
  poolUsed += PROFILE_ID_BYTES;
  return id;
}

const PROFILE_ID_BYTES = 10;
/**
 * Random bytes drawn 4 KB at a time: the linker plans a profile id for every contact it links (most are not used),
 * and a call into the CSPRNG per id cost more than the id. Each byte is handed out once.
 */
const pool = Buffer.alloc(4000);
let poolUsed = pool.length;

export function createProfiles(client: RedisClient, intakeKeys: IntakeKeys, clock: Clock, log: Log, options: ProfileLinkerOptions = {}): CitizenProfiles {
  const store = new RedisProfileStore(client, new IdentityKeys(intakeKeys), () => clock.now());
  return {
    store,
    linker: new ProfileLinker(store, clock, log, newProfileId, options),
    history: new HistoryService(store),
    retention: new ProfileRetention(store),
  };
}
