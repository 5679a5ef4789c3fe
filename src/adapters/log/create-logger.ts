// The gateway's structured logger: JSON lines through pino, with secrets censored and phone numbers, e-mail
// addresses and WeChat openids masked wherever a line names them by their usual keys, so that a log line can be
// shared with a vendor or a ticket without leaking a citizen's number, address, account or a password.

import { pino } from 'pino';
import type { ChildLoggerOptions, DestinationStream, Logger as PinoLogger, LoggerOptions } from 'pino';
import type { LogLevel } from '../../config/types.js';
import { maskEmail } from '../../domain/email/mask-address.js';
import { maskOpenId, maskPhone } from '../../domain/masking.js';

export type Logger = PinoLogger;

export interface LoggerSettings {
  readonly level: LogLevel;
  /** Where JSON lines go; standard output when omitted. */
  readonly destination?: DestinationStream | NodeJS.WritableStream;
  /** Added to every line, e.g. `{ service: 'hotline-gateway' }`. */
  readonly base?: Record<string, unknown>;
}

export const CENSORED = '[redacted]';

/** Keys whose values are secrets, wherever they occur in a line (its fields, a child's bindings, nested objects). */
const SECRET_KEYS: ReadonlySet<string> = new Set(['password', 'secret', 'ARI_PASSWORD', 'AMI_SECRET', 'authorization', 'api_key', 'apiKey']);

const PHONE_KEYS = ['caller', 'callerNumber', 'phone'] as const;
const EMAIL_KEYS = ['email', 'sender', 'from', 'to', 'replyTo'] as const;
const OPENID_KEYS = ['openId', 'openid', 'wechatOpenId', 'fromUserName'] as const;
const maskAny = (value: unknown): unknown => (typeof value === 'string' ? maskPhone(value) : typeof value === 'number' ? maskPhone(String(value)) : value);
/** Already-masked values (`l***@example.cn`) pass unchanged: masking twice gives the same text. */
const maskEmailValue = (value: unknown): unknown => (typeof value === 'string' && !value.includes('***@') ? maskEmail(value) : value);
const maskOpenIdValue = (value: unknown): unknown => (typeof value === 'string' && !value.includes('*') ? maskOpenId(value) : value);

/** Errors are serialized before they are censored; the `err` serializer must then leave the result alone. */
const serializeError = (value: unknown): unknown => (value instanceof Error ? pino.stdSerializers.err(value) : value);

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: settings.base ?? {},
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: {
      ...Object.fromEntries(PHONE_KEYS.map((key) => [key, maskAny])),
      ...Object.fromEntries(EMAIL_KEYS.map((key) => [key, maskEmailValue])),
      ...Object.fromEntries(OPENID_KEYS.map((key) => [key, maskOpenIdValue])),
      err: serializeError,
      error: serializeError,
    },
    formatters: {
      // `"level":"info"` reads better in log search than pino's numeric 30.
      level: (label) => ({ level: label }),
      // Instead of pino's path-based redaction (which copies every line for its wildcard paths): one walk over the
      // line, copying only the objects that hold a secret, so the usual line (a few flat fields) costs a key scan.
      log: censorSecrets,
      // The root's bindings (`base`); pino applies no formatter to a child's, see `censorChildBindings`.
      bindings: censorSecrets,
    },
  };
  const logger = settings.destination === undefined ? pino(options) : pino(options, settings.destination as DestinationStream);
  return censorChildBindings(logger);
}

type ChildFunction = (this: unknown, bindings: Record<string, unknown>, options?: ChildLoggerOptions) => unknown;

/** Children (and theirs, and fastify's per-request ones) inherit the root's `child`: censor their bindings there. */
function censorChildBindings(logger: Logger): Logger {
  const child = logger.child as unknown as ChildFunction;
  const censoringChild: ChildFunction = function (bindings, options) {
    return child.call(this, censorSecrets(bindings), options);
  };
  Object.defineProperty(logger, 'child', { value: censoringChild, writable: true, configurable: true });
  return logger;
}

/** The logger for one call: every line carries the call id and the masked caller number. */
export function callLogger(root: Logger, callId: string, caller: string): Logger {
  return root.child({ callId, caller: maskPhone(caller) });
}

/**
 * `fields` with the value of every secret key censored, at any depth (arrays and errors included); the same object
 * when it holds no secret. A reference back to an object on the path (a cycle) becomes `[Circular]`.
 */
export function censorSecrets(fields: Record<string, unknown>): Record<string, unknown> {
  return censorObject(fields, []);
}

function censorValue(value: unknown, path: object[]): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  // What pino would print for it anyway; keeping the reference would print the uncensored original one level down.
  if (path.includes(value)) return '[Circular]';
  if (value instanceof Error) {
    // As pino would print it (type, message, stack, cause and own fields): those fields may hold secrets too.
    return censorObject(pino.stdSerializers.err(value) as unknown as Record<string, unknown>, path);
  }
  return Array.isArray(value) ? censorArray(value, path) : censorObject(value as Record<string, unknown>, path);
}

function censorObject(source: Record<string, unknown>, path: object[]): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null;
  path.push(source);
  for (const key of Object.keys(source)) {
    const value = source[key];
    const censored = SECRET_KEYS.has(key) && value !== undefined ? CENSORED : censorValue(value, path);
    if (censored === value) continue;
    copy ??= { ...source };
    copy[key] = censored;
  }
  path.pop();
  return copy ?? source;
}

function censorArray(source: readonly unknown[], path: object[]): readonly unknown[] {
  let copy: unknown[] | null = null;
  path.push(source);
  for (let i = 0; i < source.length; i++) {
    const value = source[i];
    const censored = censorValue(value, path);
    if (censored === value) continue;
    copy ??= [...source];
    copy[i] = censored;
  }
  path.pop();
  return copy ?? source;
}
