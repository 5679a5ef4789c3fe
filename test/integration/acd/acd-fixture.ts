// A RedisAcdStore per test, each under a fresh key prefix on the shared Redis, removed after the test; more than
// one store over the same prefix (each with its own connection) stands for several gateways.

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import type { Offer } from '../../../src/app/acd/acd-store.js';
import type { RedisAcdStoreOptions } from '../../../src/adapters/acd/redis-acd-store.js';
import { RedisAcdStore } from '../../../src/adapters/acd/redis-acd-store.js';
import type { Skill } from '../../../src/domain/acd/types.js';
import { deletePrefixKeys, REDIS_URL } from '../../support/redis.js';

/** 10:00 in Beijing on 1 June 2025: the tests' clock starts here. */
export const T0 = Date.UTC(2025, 5, 1, 2, 0, 0);

export type StoreOptions = Partial<Omit<RedisAcdStoreOptions, 'redis' | 'prefix'>>;

export function acdFixture(name: string): {
  /** A new prefix and a store on it (a new connection). */
  store(options?: StoreOptions): RedisAcdStore;
  /** Another store on the prefix of `other`: a second gateway. */
  sibling(other: RedisAcdStore, options?: StoreOptions): RedisAcdStore;
  prefixOf(store: RedisAcdStore): string;
  client(): Redis;
} {
  let connections: Redis[] = [];
  let prefixes: string[] = [];
  const prefixOf = new Map<RedisAcdStore, string>();
  const connect = (): Redis => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return redis;
  };
  const make = (prefix: string, options: StoreOptions): RedisAcdStore => {
    const store = new RedisAcdStore({ settings: { widenEveryMs: 0, overflowAfterMs: 0 }, ...options, redis: connect(), prefix });
    prefixOf.set(store, prefix);
    return store;
  };
  afterEach(async () => {
    for (const redis of connections) redis.disconnect();
    await Promise.all(prefixes.map((prefix) => deletePrefixKeys(prefix)));
    connections = [];
    prefixes = [];
  });
  return {
    store(options = {}) {
      const prefix = `test-acd-${name}-${randomUUID().slice(0, 8)}`;
      prefixes.push(prefix);
      return make(prefix, options);
    },
    sibling(other, options = {}) {
      const prefix = prefixOf.get(other);
      if (prefix === undefined) throw new Error('sibling: not a store of this fixture');
      return make(prefix, { settings: other.settings, ...options });
    },
    prefixOf(store) {
      const prefix = prefixOf.get(store);
      if (prefix === undefined) throw new Error('prefixOf: not a store of this fixture');
      return prefix;
    },
    client: connect,
  };
}

export const skills = (...list: string[]): Skill[] =>
  list.map((item) => {
    const [name, level] = item.split(':') as [string, string | undefined];
    return { name, level: Number(level ?? '1') };
  });

/** Logs the agent in and makes them ready at `at`, answering the offer that made; throws when either is refused. */
export async function readyAgent(store: RedisAcdStore, id: string, skillList: string[], at: number): Promise<Offer | null> {
  const login = await store.login({ id, endpoint: `Local/${id}@agents`, skills: skills(...skillList) }, at);
  if (!login.ok) throw new Error(`login of ${id} refused: ${JSON.stringify(login)}`);
  const ready = await store.ready(id, at);
  if (!ready.ok) throw new Error(`ready of ${id} refused: ${JSON.stringify(ready)}`);
  return ready.offer;
}

export const call = (callId: string, skill: string, lang: string, priority: number, enqueuedAt: number, gateway = 'gw-a') => ({ callId, gateway, skill, lang, priority, enqueuedAt });
