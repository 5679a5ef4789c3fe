// The e-mail channel as the gateway runs it: the real SMTP server on loopback, the real intake (Redis, BullMQ,
// spool) and content store in a temporary directory, and a second SMTP server standing in for the relay, which
// collects the acknowledgements. Each harness has its own Redis key prefix, removed on close.

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Job } from 'bullmq';
import { simpleParser } from 'mailparser';
import type { ParsedMail as LibParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { ContentStore } from '../../../src/adapters/attachments/content-store.js';
import { startEmailChannel } from '../../../src/adapters/email/start-email-channel.js';
import type { EmailChannel, EmailChannelOptions } from '../../../src/adapters/email/start-email-channel.js';
import { intakeJobId } from '../../../src/adapters/intake/bullmq-intake-queue.js';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import type { CreatedIntake, CreateIntakeOptions } from '../../../src/adapters/intake/create-intake.js';
import type { ProvenCaseAccess } from '../../../src/app/access/case-access.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { testCaseAccess } from '../../support/case-access.js';
import { RecordingLog } from '../../support/logs.js';
import type { LogLine } from '../../support/logs.js';
import { dropIntake } from '../../support/intake.js';
import { REDIS_URL, singleRedis } from '../../support/redis.js';

export const HOTLINE = '12345@hotline.example';
export const MAIL_FROM = '北京12345市民服务热线 <12345@hotline.example>';

export interface SunkMail {
  readonly envelopeFrom: string;
  readonly rcptTo: readonly string[];
  readonly raw: Buffer;
  readonly parsed: LibParsedMail;
}

/** A local SMTP server standing in for the relay: it keeps every message and hands each out once, by recipient. */
export class RelaySink {
  readonly received: SunkMail[] = [];
  private readonly taken = new Set<SunkMail>();
  private readonly waiters: { readonly to: string; readonly resolve: (mail: SunkMail) => void }[] = [];
  private readonly server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      disableReverseLookup: true,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          void simpleParser(raw).then((parsed) => {
            const mail: SunkMail = {
              envelopeFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
            };
            this.received.push(mail);
            const waiter = this.waiters.findIndex((w) => addressedTo(mail, w.to));
            if (waiter !== -1) {
              this.taken.add(mail);
              this.waiters.splice(waiter, 1)[0]?.resolve(mail);
            }
            callback();
          }, callback);
        });
      },
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
  }

  /** The next message to `to` not handed out yet, waiting for it if need be. */
  nextTo(to: string): Promise<SunkMail> {
    const ready = this.received.find((m) => !this.taken.has(m) && addressedTo(m, to));
    if (ready !== undefined) {
      this.taken.add(ready);
      return Promise.resolve(ready);
    }
    return new Promise((resolve) => this.waiters.push({ to, resolve }));
  }

  /** Every message to `to` so far. */
  allTo(to: string): SunkMail[] {
    return this.received.filter((m) => addressedTo(m, to));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function addressedTo(mail: SunkMail, to: string): boolean {
  return mail.rcptTo.some((r) => r.toLowerCase() === to.toLowerCase());
}

export interface EmailHarness {
  readonly port: number;
  readonly prefix: string;
  readonly dataDir: string;
  readonly created: CreatedIntake;
  /** Built as main.ts builds it, from the intake's own case keys. */
  readonly access: ProvenCaseAccess;
  readonly queue: Queue<Submission>;
  readonly sink: RelaySink;
  readonly logLines: LogLine[];
  /** The first log line, past or future, that matches. */
  waitForLog(match: (line: LogLine) => boolean): Promise<LogLine>;
  /** A nodemailer transport to the channel. */
  readonly client: Transporter;
  job(dedupKey: string): Promise<Job<Submission> | undefined>;
  jobCount(): Promise<number>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly channel?: Partial<EmailChannelOptions>;
  readonly intake?: Partial<CreateIntakeOptions>;
  /** Start without a relay sink (no acknowledgements). */
  readonly noRelay?: boolean;
}

export async function startEmailHarness(options: HarnessOptions = {}): Promise<EmailHarness> {
  const prefix = `test-email-${randomUUID().slice(0, 8)}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'email-channel-'));
  const recorded = new RecordingLog();
  const { log, lines } = recorded;
  const created = await createIntake({ redis: singleRedis(REDIS_URL), prefix, dataDir, log, ...options.intake });
  const attachments = new ContentStore({ dir: join(dataDir, 'attachments'), maxBytes: 1024 * 1024 });
  const access = testCaseAccess(created.intake, { keys: created.caseKeys, log });
  const sink = new RelaySink();
  await sink.start();
  let channel: EmailChannel;
  try {
    channel = await startEmailChannel({
      intake: created.intake,
      access,
      attachments,
      redis: singleRedis(REDIS_URL),
      prefix,
      dataDir,
      log,
      port: 0,
      host: '127.0.0.1',
      serverName: 'mx.hotline.example',
      accept: `${HOTLINE},@intake.hotline.example`,
      maxBytes: 256 * 1024,
      ...(options.noRelay ? {} : { relayUrl: `smtp://127.0.0.1:${sink.port}`, mailFrom: MAIL_FROM }),
      ackRetryDelaysMs: [20, 50],
      closeTimeoutMs: 2000,
      ...options.channel,
    });
  } catch (err) {
    await sink.close();
    await created.close();
    await dropIntake(prefix, dataDir);
    throw err;
  }
  const queue = new Queue<Submission>(created.queueName, { connection: { host: '127.0.0.1', port: 6379 }, prefix: created.queuePrefix });
  const client = nodemailer.createTransport({ host: '127.0.0.1', port: channel.port, secure: false, ignoreTLS: true });
  return {
    port: channel.port,
    prefix,
    dataDir,
    created,
    access,
    queue,
    sink,
    logLines: lines,
    waitForLog: (match) => recorded.waitFor(match),
    client,
    job: (dedupKey) => queue.getJob(intakeJobId(dedupKey)),
    jobCount: async () => Object.values(await queue.getJobCounts()).reduce((sum, n) => sum + n, 0),
    async close() {
      client.close();
      await channel.close();
      await sink.close();
      await queue.close();
      await created.close();
      await dropIntake(prefix, dataDir);
    },
  };
}

/**
 * A plain SMTP conversation over TCP: sends each command after the previous reply (DATA content is sent whole,
 * ending with `.`), and returns every reply, so protocol details (SIZE=, RCPT limits) can be checked exactly.
 */
export async function smtpDialog(port: number, commands: readonly string[]): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  const replies: string[] = [];
  const pending: { resolve: (reply: string) => void; reject: (err: Error) => void }[] = [];
  // One listener each for the whole dialog (not one per awaited reply, which piled up on long dialogs): a failed or
  // closed connection fails whoever still waits for a reply.
  let failure: Error | null = null;
  const fail = (err: Error): void => {
    failure ??= err;
    for (const waiter of pending.splice(0)) waiter.reject(failure);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('the SMTP server closed the connection before replying')));
  socket.on('data', (data: string) => {
    buffer += data;
    for (;;) {
      // A reply ends with a line whose code is followed by a space.
      const match = /^(?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n/.exec(buffer);
      if (!match) break;
      buffer = buffer.slice(match[0].length);
      const reply = match[0].trimEnd();
      const waiter = pending.shift();
      if (waiter) waiter.resolve(reply);
      else replies.push(reply);
    }
  });
  const nextReply = (): Promise<string> => {
    const ready = replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (failure !== null) return Promise.reject(failure);
    return new Promise((resolve, reject) => pending.push({ resolve, reject }));
  };
  const out: string[] = [await nextReply()];
  for (const command of commands) {
    socket.write(command.endsWith('\r\n') ? command : `${command}\r\n`);
    out.push(await nextReply());
  }
  socket.end('QUIT\r\n');
  return out;
}

export interface SwaksResult {
  readonly code: number;
  readonly output: string;
}

export function swaks(args: readonly string[]): Promise<SwaksResult> {
  return new Promise((resolve) => {
    execFile('swaks', [...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** A small but real PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
