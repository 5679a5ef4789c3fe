// Builds and starts the e-mail channel for the composition root: the raw-mail store under `<dataDir>/mail`, the
// mailparser adapter, the thread index and acknowledgement cap on their own fail-fast Redis connection, the relay
// sender (only when a relay is configured), and the SMTP server.

import type { DispositionTexts } from '../../domain/dispositions/dispositions.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaseAccess } from '../../app/access/case-access-ports.js';
import type { Log } from '../../app/app-ports.js';
import { AcknowledgementDispatcher } from '../../app/email/acknowledgement-dispatcher.js';
import { EmailIntake } from '../../app/email/email-intake.js';
import type { AttachmentStore, Intake } from '../../app/intake/intake-ports.js';
import type { FairUse } from '../../app/limits/fair-use.js';
import { isAcceptedRecipient, parseAcceptList } from '../../domain/email/accept-list.js';
import type { AcceptRule } from '../../domain/email/accept-list.js';
import { closeRedis, failFastRedis, untilReady } from '../redis/fail-fast-redis.js';
import type { RedisTarget } from '../../config/types.js';
import { RedisAckLimiter } from './ack-limiter.js';
import { messageIdFactory, RelayMailSender } from './acknowledger.js';
import { MailparserMailParser } from './mail-parser.js';
import { FileRawMailStore } from './raw-mail-store.js';
import { SmtpIntakeServer } from './smtp-intake-server.js';
import { RedisThreadIndex } from './thread-index.js';

export const DEFAULT_SMTP_PORT = 2525;
export const DEFAULT_SMTP_MAX_BYTES = 25 * 1024 * 1024;
export const DEFAULT_SMTP_MAX_RECIPIENTS = 50;
export const DEFAULT_SMTP_MAX_CLIENTS = 32;

export interface EmailChannelOptions {
  readonly intake: Intake;
  /** Status and rating mails go through it; the PIN in acknowledgements comes from it. */
  readonly access: CaseAccess;
  /** Where-to-go texts for matters the regulations send elsewhere, added to the replies. */
  readonly dispositions?: DispositionTexts;
  readonly attachments: AttachmentStore;
  /** For the thread index and the acknowledgement cap (intake's Redis). */
  readonly redis: RedisTarget;
  /** Intake's key prefix: the channel's keys are `{prefix}:email:...`. */
  readonly prefix: string;
  /** Raw messages are kept in `<dataDir>/mail`. */
  readonly dataDir: string;
  /** The channel's logger: the caller tags it (`component: 'email'`), as it does the WeChat channel's. */
  readonly log: Log;
  /** `SMTP_PORT`; 0 picks a free port. */
  readonly port: number;
  /** `SMTP_HOST` (default all interfaces). */
  readonly host?: string;
  /** Name in the SMTP greeting (default: the host name). */
  readonly serverName?: string;
  /** `SMTP_ACCEPT`: `12345@hotline.example,@hotline.example`, or already parsed. */
  readonly accept: string | readonly AcceptRule[];
  /** `SMTP_MAX_BYTES` (default 25 MiB). */
  readonly maxBytes?: number;
  /** `SMTP_MAX_RECIPIENTS` (default 50). */
  readonly maxRecipients?: number;
  /** Concurrent SMTP sessions (default 32; no setting of its own); each may hold one message of `maxBytes` in memory. */
  readonly maxClients?: number;
  /** `SMTP_TLS_CERT` / `SMTP_TLS_KEY`: PEM file paths; both or neither. */
  readonly tlsCertPath?: string;
  readonly tlsKeyPath?: string;
  /** `SMTP_RELAY_URL`: where acknowledgements are sent; without it nothing is acknowledged. */
  readonly relayUrl?: string;
  /** `MAIL_FROM`: From of acknowledgements; required with a relay. */
  readonly mailFrom?: string;
  /** Delays before acknowledgement retries (default 10 s, 1 min, 5 min, 15 min). */
  readonly ackRetryDelaysMs?: readonly number[];
  /** Acknowledgements per address per hour (default 10). */
  readonly ackLimitPerHour?: number;
  /** A message taking longer to parse is filed as raw mail (default 30 s). */
  readonly parseTimeoutMs?: number;
  /** How long `close` waits for open SMTP sessions (default 30 s). */
  readonly closeTimeoutMs?: number;
  /** How long start-up waits for the thread index's Redis before starting anyway (default 3 s). */
  readonly connectWaitMs?: number;
  /** Messages an hour per sender, shared by every replica (the gateway's fair-use limits); absent: none. */
  readonly fairUse?: Pick<FairUse, 'admit'>;
}

export interface EmailChannel {
  readonly port: number;
  /** Stops taking mail, finishes open sessions, stops acknowledgement retries, closes the Redis connection. */
  close(): Promise<void>;
}

export class EmailChannelConfigError extends Error {
  readonly code = 'EMAIL_CHANNEL_CONFIG';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmailChannelConfigError';
  }
}

/** Where the raw messages live under `DATA_DIR` (the retention sweep reads it too). */
export function rawMailDir(dataDir: string): string {
  return join(dataDir, 'mail');
}

export async function startEmailChannel(options: EmailChannelOptions): Promise<EmailChannel> {
  const { log } = options;
  const accept = typeof options.accept === 'string' ? parseAcceptList(options.accept) : options.accept;
  if (accept.length === 0) throw new EmailChannelConfigError('SMTP_ACCEPT: give at least one address or domain');
  const tls = await readTls(options.tlsCertPath, options.tlsKeyPath);
  if (options.relayUrl !== undefined && (options.mailFrom === undefined || options.mailFrom.trim() === '')) {
    throw new EmailChannelConfigError('MAIL_FROM is required when SMTP_RELAY_URL is set (the From of acknowledgements)');
  }

  const rawMail = new FileRawMailStore({ dir: rawMailDir(options.dataDir) });
  await rawMail.sweepTemp();

  // Like intake's connections: a dead Redis must fail a lookup in milliseconds, not hold the SMTP session.
  const redis = failFastRedis(options.redis, { name: 'thread index', log });
  const sender = options.relayUrl !== undefined ? new RelayMailSender({ relayUrl: options.relayUrl, from: options.mailFrom ?? '' }) : null;
  const dispatcher =
    sender !== null
      ? new AcknowledgementDispatcher({
          sender,
          limiter: new RedisAckLimiter(redis, options.prefix, { limit: options.ackLimitPerHour ?? 10, windowSeconds: 3600 }),
          log,
          ...(options.ackRetryDelaysMs !== undefined ? { retryDelaysMs: options.ackRetryDelaysMs } : {}),
        })
      : null;
  if (dispatcher === null) log.warn({}, 'SMTP_RELAY_URL is not set: received mail is filed but not acknowledged');

  const mailIntake = new EmailIntake({
    intake: options.intake,
    attachments: options.attachments,
    parser: new MailparserMailParser({ ...(options.parseTimeoutMs !== undefined ? { timeoutMs: options.parseTimeoutMs } : {}) }),
    threads: new RedisThreadIndex(redis, options.prefix),
    acknowledgements: dispatcher,
    isOwnAddress: (address) => isAcceptedRecipient(address, accept),
    newMessageId: messageIdFactory(options.mailFrom ?? 'localhost'),
    access: options.access,
    ...(options.dispositions === undefined ? {} : { dispositions: options.dispositions }),
    ...(options.fairUse === undefined ? {} : { fairUse: options.fairUse }),
  });
  const server = new SmtpIntakeServer(
    {
      port: options.port,
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.serverName !== undefined ? { serverName: options.serverName } : {}),
      accept,
      maxBytes: options.maxBytes ?? DEFAULT_SMTP_MAX_BYTES,
      maxRecipients: options.maxRecipients ?? DEFAULT_SMTP_MAX_RECIPIENTS,
      maxClients: options.maxClients ?? DEFAULT_SMTP_MAX_CLIENTS,
      ...(tls !== undefined ? { tls } : {}),
      ...(options.closeTimeoutMs !== undefined ? { closeTimeoutMs: options.closeTimeoutMs } : {}),
    },
    { rawMail, mailIntake, log },
  );

  // Threading works without Redis too (by the ticket in the subject), so start-up waits only briefly for it.
  await untilReady(redis, options.connectWaitMs ?? 3000);
  let port: number;
  try {
    port = await server.listen();
  } catch (err) {
    await closeRedis(redis);
    sender?.close();
    throw err;
  }
  log.info({ port, tls: tls !== undefined, acknowledgements: dispatcher !== null }, 'SMTP intake listening');

  return {
    port,
    async close() {
      await server.close();
      await dispatcher?.close();
      sender?.close();
      await closeRedis(redis);
    },
  };
}

async function readTls(certPath: string | undefined, keyPath: string | undefined): Promise<{ key: Buffer; cert: Buffer } | undefined> {
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined || keyPath === undefined) {
    throw new EmailChannelConfigError('SMTP_TLS_CERT and SMTP_TLS_KEY go together: set both for STARTTLS, or neither');
  }
  const read = async (path: string, variable: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (err) {
      throw new EmailChannelConfigError(`${variable}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  };
  const [cert, key] = await Promise.all([read(certPath, 'SMTP_TLS_CERT'), read(keyPath, 'SMTP_TLS_KEY')]);
  return { cert, key };
}
