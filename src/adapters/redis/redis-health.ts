// A Redis connection watched for readiness. It reconnects forever with a capped delay and never queues
// commands while down, so a dead Redis makes /readyz say so instead of hanging requests.

import type { Log } from '../../app/app-ports.js';
import type { RedisTarget } from '../../config/types.js';
import { connectRedis } from './redis-connection.js';
import type { RedisClient } from './redis-connection.js';

export class RedisHealth {
  private readonly client: RedisClient;

  constructor(target: RedisTarget, log: Log) {
    this.client = connectRedis(target, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeoutMs: 2000,
      retryDelayMs: (times) => Math.min(200 * times, 5000),
    });
    let wasReady = false;
    this.client.on('ready', () => {
      wasReady = true;
      log.info({}, 'Redis connected');
    });
    this.client.on('error', (err: Error) => {
      if (wasReady) log.warn({ err: err.message }, 'Redis connection error');
      wasReady = false;
    });
  }

  get connected(): boolean {
    return this.client.status === 'ready';
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
