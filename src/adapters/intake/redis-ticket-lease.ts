// Ticket sequence blocks from one Redis counter: INCRBY hands every caller (every gateway instance, every
// restart) a range no one else ever gets, as long as Redis keeps its data (AOF).

import type { RedisClient } from '../redis/redis-connection.js';
import type { SequenceBlocks } from '../../app/intake/durable-intake-ports.js';
import { StoreUnavailableError } from '../../app/intake/durable-intake-ports.js';

export class RedisTicketBlocks implements SequenceBlocks {
  constructor(
    private readonly client: RedisClient,
    private readonly counterKey: string,
  ) {}

  async reserve(size: number): Promise<number> {
    try {
      return await this.client.incrby(this.counterKey, size);
    } catch (err) {
      throw new StoreUnavailableError(`Redis: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}
