// The Redis connection intake and its channels share a policy for: never queue commands while disconnected, and
// give up on a slow one quickly. A dead Redis must turn into a spooled submission (or a reply without Redis) in
// milliseconds, not a hanging request. No automatic resend after a reconnect either: a resent status update would
// be recorded twice. It reconnects forever, with a capped delay.

import { Redis } from 'ioredis';
import type { Log } from '../../app/app-ports.js';

export interface FailFastRedisOptions {
  /** Names the connection in log lines (`connection` field), e.g. `records`. */
  readonly name: string;
  readonly log: Log;
  /** A command slower than this fails, as if Redis were down (default 2000 ms). */
  readonly commandTimeoutMs?: number;
}

export function failFastRedis(url: string, options: FailFastRedisOptions): Redis {
  const { name, log } = options;
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  });
  // One line per change of state: a Redis that stays down would otherwise log every reconnect attempt.
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
  return client;
}

/** Resolves `true` once the connection is ready, or `false` after `timeoutMs`; start-up uses it to wait only so long. */
export function untilReady(client: Redis, timeoutMs: number): Promise<boolean> {
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
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}
