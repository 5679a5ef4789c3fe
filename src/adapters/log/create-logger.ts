// The gateway's structured logger: JSON lines through pino, with secrets censored and phone numbers masked,
// so that a log line can be shared with a vendor or a ticket without leaking a caller's number or a password.

import { pino } from 'pino';
import type { DestinationStream, Logger as PinoLogger, LoggerOptions } from 'pino';
import type { LogLevel } from '../../config/types.js';
import { maskPhone } from '../../domain/masking.js';

export type Logger = PinoLogger;

export interface LoggerSettings {
  readonly level: LogLevel;
  /** Where JSON lines go; standard output when omitted. */
  readonly destination?: DestinationStream | NodeJS.WritableStream;
  /** Added to every line, e.g. `{ service: 'hotline-gateway' }`. */
  readonly base?: Record<string, unknown>;
}

export const CENSORED = '[redacted]';

const SECRET_KEYS = ['password', 'secret', 'ARI_PASSWORD', 'AMI_SECRET', 'authorization', 'api_key', 'apiKey'];
/** pino's redaction wildcards match one level each: cover secrets nested up to four objects deep. */
const SECRET_PATHS = SECRET_KEYS.flatMap((key) => ['', '*.', '*.*.', '*.*.*.', '*.*.*.*.'].map((prefix) => `${prefix}${key}`));

const PHONE_KEYS = ['caller', 'callerNumber', 'phone'] as const;
const maskAny = (value: unknown): unknown => (typeof value === 'string' ? maskPhone(value) : typeof value === 'number' ? maskPhone(String(value)) : value);

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: settings.base ?? {},
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: SECRET_PATHS, censor: CENSORED },
    serializers: {
      ...Object.fromEntries(PHONE_KEYS.map((key) => [key, maskAny])),
      err: pino.stdSerializers.err,
      error: pino.stdSerializers.err,
    },
    formatters: {
      // `"level":"info"` reads better in log search than pino's numeric 30.
      level: (label) => ({ level: label }),
    },
  };
  return settings.destination === undefined ? pino(options) : pino(options, settings.destination as DestinationStream);
}

/** The logger for one call: every line carries the call id and the masked caller number. */
export function callLogger(root: Logger, callId: string, caller: string): Logger {
  return root.child({ callId, caller: maskPhone(caller) });
}
