// A redis-server of the test's own (free port, its own directory, AOF fsynced on every write) with the gateway's
// fail-fast client on it, for tests that kill and restart Redis or count its commands; `close` disconnects, kills
// the server and removes its directory.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { failFastRedis, untilReady } from '../../src/adapters/redis/fail-fast-redis.js';
import type { RedisClient } from '../../src/adapters/redis/redis-connection.js';
import type { Log } from '../../src/app/app-ports.js';
import { RedisServer } from '../integration/intake/redis-server.js';
import { freePort } from './net.js';
import { singleRedis } from './redis.js';

export class OwnRedis {
  private constructor(
    readonly server: RedisServer,
    readonly client: RedisClient,
    private readonly dir: string,
  ) {}

  /** Started and connected; the client names itself `name` in `log` and gives up on a command after 300 ms. */
  static async start(name: string, log: Log): Promise<OwnRedis> {
    const dir = await mkdtemp(join(tmpdir(), `${name}-`));
    const server = new RedisServer(await freePort(), dir);
    try {
      await server.start();
    } catch (err) {
      // A server that did not come up leaves neither a process nor its directory behind.
      await server.kill();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    const own = new OwnRedis(server, failFastRedis(singleRedis(server.url), { name, log, commandTimeoutMs: 300 }), dir);
    // untilReady answers false rather than throwing: a client never ready would fail the test later, and obscurely.
    if (!(await untilReady(own.client, 5000))) {
      await own.close();
      throw new Error(`OwnRedis ${name}: no connection to ${server.url} within 5 s`);
    }
    return own;
  }

  /** Calls of each command this Redis ran since the last `CONFIG RESETSTAT` (a script's own commands included). */
  async commandCalls(): Promise<Record<string, number>> {
    const info = await this.client.info('commandstats');
    return Object.fromEntries([...info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)].map((m) => [m[1] ?? '', Number(m[2])]));
  }

  async close(): Promise<void> {
    this.client.disconnect();
    await this.server.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * For a describe block whose tests each start a Redis of their own: `start` is `OwnRedis.start`, and whatever a test
 * started is closed after it. A test that failed before starting one closes nothing, so its own error is the one
 * reported.
 */
export function ownRedisPerTest(): { start(name: string, log: Log): Promise<OwnRedis> } {
  const started: OwnRedis[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((own) => own.close()));
  });
  return {
    async start(name, log) {
      const own = await OwnRedis.start(name, log);
      started.push(own);
      return own;
    },
  };
}
