// A BullMQ Queue on a shared fail-fast connection, for producers that must keep working while Redis is down.
// BullMQ reads the server version once when a Queue starts; if Redis is down then, that Queue never becomes
// usable. So the Queue is made only on a ready connection, and made again if its start failed.

import { Queue } from 'bullmq';
import type { RedisClient } from './redis-connection.js';

export interface LazyQueueOptions {
  readonly name: string;
  /** BullMQ key prefix. */
  readonly prefix: string;
  /** The Queue's own connection errors (the connection's owner logs the connection's state). */
  readonly onError: (err: Error) => void;
}

export class LazyQueue {
  private queue: Promise<Queue> | null = null;

  /** `connection` is shared, not owned. */
  constructor(
    private readonly connection: RedisClient,
    private readonly options: LazyQueueOptions,
  ) {}

  /** The started Queue; rejects at once while the connection is not ready. */
  get(): Promise<Queue> {
    if (this.connection.status !== 'ready') {
      return Promise.reject(new Error(`Redis connection is ${this.connection.status}`));
    }
    this.queue ??= this.start();
    return this.queue;
  }

  /** Closes the Queue, also one still starting; a later `get` makes a new one. */
  async close(): Promise<void> {
    const starting = this.queue;
    this.queue = null;
    if (starting === null) return;
    const queue = await starting.catch(() => null);
    await queue?.close();
  }

  private async start(): Promise<Queue> {
    const queue = new Queue(this.options.name, { connection: this.connection, prefix: this.options.prefix });
    queue.on('error', this.options.onError);
    try {
      await queue.waitUntilReady();
    } catch (err) {
      this.queue = null;
      await queue.close().catch(() => undefined);
      throw err;
    }
    return queue;
  }
}
