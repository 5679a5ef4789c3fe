// At most so many acknowledgements per recipient address per window, counted in Redis so that several gateway
// instances share the count. A responder that marks its mail with none of the usual headers could otherwise trade
// mail with us for ever; with the cap the loop dies within a window.

import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/redis-connection.js';
import type { AckLimiter } from '../../app/email/email-ports.js';
import { IntakeKeys } from '../intake/intake-keys.js';

export interface RedisAckLimiterOptions {
  /** Acknowledgements per address per window (default 10). */
  readonly limit?: number;
  /** Window length (default one hour). */
  readonly windowSeconds?: number;
}

export class RedisAckLimiter implements AckLimiter {
  private readonly keyPrefix: string;
  private readonly limit: number;
  private readonly windowSeconds: number;

  constructor(
    private readonly client: RedisClient,
    prefix: string,
    options: RedisAckLimiterOptions = {},
  ) {
    this.keyPrefix = `${new IntakeKeys(prefix).bullPrefix}:email:ack-count:`;
    this.limit = options.limit ?? 10;
    this.windowSeconds = options.windowSeconds ?? 3600;
    if (!Number.isSafeInteger(this.limit) || this.limit < 1) throw new RangeError(`acknowledgement limit must be a positive whole number, got ${this.limit}`);
    if (!Number.isSafeInteger(this.windowSeconds) || this.windowSeconds < 1) {
      throw new RangeError(`acknowledgement window must be a positive number of seconds, got ${this.windowSeconds}`);
    }
  }

  async allow(address: string): Promise<boolean> {
    const key = this.keyPrefix + createHash('sha256').update(address.toLowerCase(), 'utf8').digest('hex');
    // The window starts with the first acknowledgement (SET NX with expiry); INCR keeps the expiry.
    const results = await this.client.multi().set(key, '0', 'EX', this.windowSeconds, 'NX').incr(key).exec();
    const [err, count] = results?.[1] ?? [new Error('acknowledgement counter transaction was aborted'), null];
    if (err) throw err;
    return typeof count === 'number' && count <= this.limit;
  }
}
