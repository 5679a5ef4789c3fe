// `npm run bench -- channels`: the WeChat channel (safe mode) and the inbound SMTP server in one gateway process,
// each under load in turn (warm-up, measured window), then the raw BullMQ queue.add baseline of the jobs they
// produced, then the WeChat floor (a bare fastify route that checks signatures, decrypts, adds and answers an
// encrypted signed reply) and the SMTP floor (a bare smtp-server doing queue.add only), against the same Redis;
// prints them all with the verdicts and exits 1 when a target failed.

import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SMTP_MAX_CLIENTS } from '../../src/adapters/email/start-email-channel.js';
import type { Submission } from '../../src/domain/intake/submission.js';
import { benchEntry } from '../shared/bench-entry.js';
import { withBenchRedis } from '../shared/bench-redis-run.js';
import { benchScratch } from '../shared/bench-scratch.js';
import { machineInfo } from '../shared/machine.js';
import { measuredWindow, warmUp } from '../shared/measured-window.js';
import type { WindowResult } from '../shared/measured-window.js';
import { rawQueueBaseline, readBackJobs } from '../shared/raw-queue-baseline.js';
import { RedisUsage } from '../shared/redis-tools.js';
import type { BenchRedis } from '../shared/redis-tools.js';
import { startSubject } from '../shared/subject.js';
import type { SubjectHandle } from '../shared/subject.js';
import { parseChannelsOptions, USAGE } from './options.js';
import type { ChannelsBenchOptions } from './options.js';
import { buildReport, failed, formatReport } from './report.js';
import { SmtpClient } from './smtp-client.js';
import { smtpFloor } from './smtp-floor.js';
import type { ChannelsSubjectConfig, ChannelsSubjectInfo, WechatAccount } from './subject-process.js';
import { WechatClient } from './wechat-client.js';
import { wechatFloor } from './wechat-floor.js';

const SUBJECT_FILE = fileURLToPath(new URL('./subject-process.ts', import.meta.url));
const MAILBOX = '12345@hotline.example';
/** Jobs read back from each channel for the baseline to add again. */
const BASELINE_PAYLOADS_PER_CHANNEL = 1000;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A made-up Official Account for this run: Token, AppID and a 43-character EncodingAESKey, as the admin console gives them. */
function benchAccount(): WechatAccount {
  const bytes = randomBytes(43);
  const encodingAesKey = Array.from(bytes, (b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('');
  return { token: `bench${randomBytes(8).toString('hex')}`, appId: `wx${randomBytes(8).toString('hex')}`, encodingAesKey, accountId: 'gh_12345bench01' };
}

export function runChannelsBench(args: readonly string[]): Promise<void> {
  return benchEntry(args, parseChannelsOptions, USAGE, (o, progress) => withBenchRedis(o.redisCluster, progress, (redis) => measureChannels(o, redis, progress)));
}

async function measureChannels(o: ChannelsBenchOptions, redisAt: BenchRedis, progress: (text: string) => void): Promise<void> {
  const machine = await machineInfo(redisAt);
  const scratch = await benchScratch('channels', o.cpuProf, redisAt);
  const { prefix, dataDir } = scratch;
  const account = benchAccount();
  const settings: ChannelsSubjectConfig = { redis: redisAt, prefix, dataDir, logLevel: o.logLevel, wechat: account, mailbox: MAILBOX };
  progress(
    `channels bench: WeChat at ${o.concurrency} pushes in flight, SMTP over ${o.smtpConnections} connections, ${o.warmupMs} ms warm-up + ${o.durationMs} ms measured each; ` +
      `Redis ${redisAt.label}, prefix {${prefix}}`,
  );

  let wechat: WindowResult;
  let smtp: WindowResult;
  let payloads: Submission[];
  let idempotencyTtlMs: number;
  let smtpMaxBytes: number;
  let verifiedReplies: number;
  const redis = new RedisUsage(redisAt);
  let subject: SubjectHandle<ChannelsSubjectInfo> | null = null;
  let wechatClient: WechatClient | null = null;
  let smtpClient: SmtpClient | null = null;
  try {
    const running = await startSubject<ChannelsSubjectInfo>(SUBJECT_FILE, settings, { label: 'channels subject', ...scratch.profiling });
    subject = running;
    idempotencyTtlMs = running.info.idempotencyTtlMs;
    smtpMaxBytes = running.info.smtpMaxBytes;
    const measure = async (name: string, concurrency: number, operation: () => Promise<void>): Promise<WindowResult> => {
      progress(`${name} warm-up...`);
      await warmUp(concurrency, o.warmupMs, operation);
      progress(`${name} measured window...`);
      return await measuredWindow({ concurrency, durationMs: o.durationMs, redis, subject: running }, operation);
    };

    const pusher = new WechatClient(running.info.httpUrl, account, o.concurrency);
    wechatClient = pusher;
    wechat = await measure('WeChat', o.concurrency, () => pusher.push());
    verifiedReplies = pusher.verified;

    const mailer = new SmtpClient(running.info.smtpPort, MAILBOX, o.smtpConnections);
    smtpClient = mailer;
    smtp = await measure('SMTP', o.smtpConnections, () => mailer.send());
    payloads = interleave(
      await readBackJobs(redisAt, running.info.queuePrefix, BASELINE_PAYLOADS_PER_CHANNEL, 'wechat'),
      await readBackJobs(redisAt, running.info.queuePrefix, BASELINE_PAYLOADS_PER_CHANNEL, 'email'),
    );
  } finally {
    redis.close();
    await wechatClient?.close();
    smtpClient?.close();
    await subject?.close();
    await scratch.remove(progress);
  }

  progress(`raw queue.add baseline with ${payloads.length} of the gateway's WeChat and e-mail jobs...`);
  const baseline = await rawQueueBaseline({
    redis: redisAt,
    payloads,
    concurrency: o.concurrency,
    warmupMs: o.warmupMs,
    durationMs: o.durationMs,
    dedupTtlMs: idempotencyTtlMs,
  });
  progress(`WeChat floor (a bare fastify route: signatures, AES both ways, queue.add) at ${o.concurrency} pushes in flight...`);
  const wechatFloorResult = await wechatFloor({ redis: redisAt, wechat: account, concurrency: o.concurrency, warmupMs: o.warmupMs, durationMs: o.durationMs, dedupTtlMs: idempotencyTtlMs });
  progress(`SMTP floor (a bare smtp-server doing queue.add only) over ${o.smtpConnections} connections...`);
  const floor = await smtpFloor({
    redis: redisAt,
    mailbox: MAILBOX,
    connections: o.smtpConnections,
    warmupMs: o.warmupMs,
    durationMs: o.durationMs,
    dedupTtlMs: idempotencyTtlMs,
    maxBytes: smtpMaxBytes,
    maxClients: DEFAULT_SMTP_MAX_CLIENTS,
  });
  const report = buildReport(o, machine, { ...wechat, verifiedReplies }, smtp, baseline, wechatFloorResult, floor);
  process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  if (failed(report)) process.exitCode = 1;
}

function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if (i < a.length) out.push(a[i] as T);
    if (i < b.length) out.push(b[i] as T);
  }
  return out;
}
