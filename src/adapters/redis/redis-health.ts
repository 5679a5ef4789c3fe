// A Redis connection watched for readiness. It reconnects forever with a capped delay and never queues
// commands while down, so a dead Redis makes /readyz say so instead of hanging requests.

import { Redis } from 'ioredis';
import type { Log } from '../../app/app-ports.js';

export class RedisHealth {
  private readonly client: Redis;

  constructor(url: string, log: Log) {
    this.client = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(200 * times, 5000),
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
