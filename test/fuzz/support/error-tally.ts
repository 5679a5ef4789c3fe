// The gateway's own logger (pino, as production builds it) at level `error`, counting what it writes: a route that
// logs an error has met something it did not expect, which is a finding even when the client got a polite answer.

import { Writable } from 'node:stream';
import { createLogger } from '../../../src/adapters/log/index.js';
import type { Logger } from '../../../src/adapters/log/index.js';

export class ErrorTally {
  count = 0;
  /** The latest lines, cut short: enough to name the problem in a report without holding every line. */
  readonly latest: string[] = [];
  readonly log: Logger;

  constructor() {
    const destination = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.count += 1;
        this.latest.push(chunk.toString('utf8').slice(0, 1500));
        if (this.latest.length > 3) this.latest.shift();
        done();
      },
    });
    this.log = createLogger({ level: 'error', destination });
  }

  /** Throws when something was logged at error level since `before` (a `count` read earlier). */
  assertNoneSince(before: number, what: string): void {
    if (this.count > before) throw new Error(`${what}: the gateway logged an error: ${this.latest.at(-1) ?? ''}`);
  }
}
