// The Redis connection intake and its channels share a policy for: never queue commands while disconnected, and
// give up on a slow one quickly. A dead Redis must turn into a spooled submission (or a reply without Redis) in
// milliseconds, not a hanging request. No automatic resend after a reconnect either: a resent status update would
// be recorded twice. It reconnects forever, with a capped delay. The same policy holds on a cluster and behind
// Sentinel (see `connectRedis`): during a failover commands fail fast, and the connection finds the new master.

import type { Log } from '../../app/app-ports.js';
import type { RedisTarget } from '../../config/types.js';
import { connectRedis } from './redis-connection.js';
import type { RedisClient } from './redis-connection.js';

export interface FailFastRedisOptions {
  /** Names the connection in log lines (`connection` field), e.g. `records`. */
  readonly name: string;
  readonly log: Log;
  /** A command slower than this fails, as if Redis were down (default 2000 ms). */
  readonly commandTimeoutMs?: number;
}

export function failFastRedis(target: RedisTarget, options: FailFastRedisOptions): RedisClient {
  const client = connectRedis(target, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    commandTimeoutMs: options.commandTimeoutMs ?? 2000,
    connectTimeoutMs: 2000,
    retryDelayMs: (times) => Math.min(100 * times, 2000),
  });
  logStateChanges(client, options.name, options.log);
  return client;
}

/**
 * For BullMQ's workers and event readers, which block on Redis: commands wait for a connection and are never given
 * up (`maxRetriesPerRequest: null`, as BullMQ requires), and it reconnects forever with a capped delay.
 */
export function blockingRedis(target: RedisTarget, options: { readonly name: string; readonly log: Log }): RedisClient {
  const client = connectRedis(target, { enableOfflineQueue: true, maxRetriesPerRequest: null, retryDelayMs: (times) => Math.min(200 * times, 5000) });
  logStateChanges(client, options.name, options.log);
  return client;
}

/** One line per change of state: a Redis that stays down would otherwise log every reconnect attempt. */
function logStateChanges(client: RedisClient, name: string, log: Log): void {
  let wasReady = false;
  client.on('ready', () => {
    if (!wasReady) log.info({ connection: name }, 'Redis connection ready');
    wasReady = true;
  });
  client.on('error', (err: Error) => {
    if (wasReady) log.warn({ connection: name, err: err.message }, 'Redis connection lost');
    else log.debug({ connection: name, err: err.message }, 'Redis connection error');
    wasReady = false;
  });
}

/** Resolves `true` once the connection is ready, or `false` after `timeoutMs`; start-up uses it to wait only so long. */
export function untilReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ready);
    };
    const onReady = (): void => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.on('ready', onReady);
  });
}

/** Quits politely when connected (pending replies arrive), and drops the connection otherwise. */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}
