// Logs a test can read: a structural `Log` that records every line (and can await one), and the real pino
// logger writing into memory, for tests that check what production would print.

import { Writable } from 'node:stream';
import { createLogger } from '../../src/adapters/log/index.js';
import type { Logger } from '../../src/adapters/log/index.js';
import type { Log } from '../../src/app/app-ports.js';
import type { LogLevel } from '../../src/config/index.js';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  /** The line's object merged over its child bindings. */
  readonly fields: Record<string, unknown>;
}

export class RecordingLog {
  readonly lines: LogLine[] = [];
  private readonly waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];

  readonly log: Log = this.make({});

  /** Resolves with the first line (already written or still to come) that `match` accepts. */
  waitFor(match: (line: LogLine) => boolean): Promise<LogLine> {
    const seen = this.lines.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  private make(bindings: Record<string, unknown>): Log {
    const at =
      (level: LogLine['level']) =>
      (obj: object | string, msg?: string): void => {
        const line: LogLine =
          typeof obj === 'string' ? { level, msg: obj, fields: { ...bindings } } : { level, msg: msg ?? '', fields: { ...bindings, ...(obj as Record<string, unknown>) } };
        this.lines.push(line);
        for (const waiter of [...this.waiters]) {
          if (waiter.match(line)) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (more) => this.make({ ...bindings, ...more }) };
  }
}

/** A recording log as a pair, for tests that only read the lines. */
export function recordingLog(): { log: Log; lines: LogLine[] } {
  const recorded = new RecordingLog();
  return { log: recorded.log, lines: recorded.lines };
}

export interface CapturedLogger {
  /** The gateway's pino logger (redaction, masking and all), writing into memory. */
  readonly log: Logger;
  /** Everything logged, as the JSON lines pino wrote. */
  text(): string;
  /** Everything logged, parsed. */
  lines(): Record<string, unknown>[];
}

export function capturedLogger(level: LogLevel = 'debug'): CapturedLogger {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const text = (): string => chunks.join('');
  return {
    log: createLogger({ level, destination }),
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
