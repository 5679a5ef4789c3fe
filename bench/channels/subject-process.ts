// The channels benchmark's subject, in its own Node process (started by run-channels.ts with --expose-gc): the
// WeChat channel's routes on the gateway's HTTP server and the inbound SMTP server, both over one real durable
// intake (Redis, BullMQ, spool) and content store, wired as src/main.ts wires them, with production defaults from
// parseConfig. Two settings differ from production, so that every message is measured as one submission: no
// merge window (each message its own request) and no media worker (text messages have no media anyway).

import { join } from 'node:path';
import { ContentStore } from '../../src/adapters/attachments/content-store.js';
import { startEmailChannel } from '../../src/adapters/email/start-email-channel.js';
import { buildHttpServer } from '../../src/adapters/http/index.js';
import { createIntake, intakeOptionsFrom } from '../../src/adapters/intake/create-intake.js';
import { createLogger } from '../../src/adapters/log/index.js';
import { GatewayMetrics } from '../../src/adapters/metrics/index.js';
import { createWechatChannel } from '../../src/adapters/wechat/index.js';
import type { Log } from '../../src/app/app-ports.js';
import { parseConfig } from '../../src/config/index.js';
import type { LogLevel } from '../../src/config/index.js';
import { GATEWAY_VERSION } from '../../src/main.js';
import { serveSubject } from '../shared/subject.js';

export interface WechatAccount {
  readonly token: string;
  readonly appId: string;
  readonly encodingAesKey: string;
  /** The Official Account's own id (`ToUserName` of pushes). */
  readonly accountId: string;
}

export interface ChannelsSubjectConfig {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  readonly wechat: WechatAccount;
  /** The hotline address the SMTP server accepts mail for. */
  readonly mailbox: string;
}

export interface ChannelsSubjectInfo {
  readonly httpUrl: string;
  readonly smtpPort: number;
  readonly queuePrefix: string;
  readonly idempotencyTtlMs: number;
  /** The SMTP server's message limit, for the SMTP floor to announce the same. */
  readonly smtpMaxBytes: number;
}

serveSubject<ChannelsSubjectConfig, ChannelsSubjectInfo>(async (settings) => {
  const config = parseConfig({
    ...process.env,
    REDIS_URL: settings.redisUrl,
    DATA_DIR: settings.dataDir,
    INTAKE_PREFIX: settings.prefix,
    LOG_LEVEL: settings.logLevel,
    WECHAT_TOKEN: settings.wechat.token,
    WECHAT_APPID: settings.wechat.appId,
    WECHAT_ENCODING_AES_KEY: settings.wechat.encodingAesKey,
    WECHAT_APPSECRET: 'bench-appsecret-not-used',
    WECHAT_MERGE_WINDOW: '0s',
    SMTP_ACCEPT: settings.mailbox,
  });
  const wechatConfig = config.wechat;
  const emailConfig = config.email;
  if (wechatConfig === null || emailConfig === null) throw new Error('the WeChat and e-mail settings did not turn both channels on');
  const log = createLogger({ level: config.log.level, base: { name: 'hotline-gateway' } });

  const intake = await createIntake(intakeOptionsFrom(config, log as Log));
  const attachments = new ContentStore({ dir: join(config.intake.dataDir, 'attachments'), maxBytes: config.intake.attachmentMaxBytes });
  await attachments.sweepTemp();

  const http = buildHttpServer({
    log,
    metrics: new GatewayMetrics(),
    readiness: () => ({ intake: intake.connected() }),
    trustProxy: config.http.trustProxy,
    openApi: { version: GATEWAY_VERSION },
  });
  const wechat = await createWechatChannel({
    token: wechatConfig.token,
    appId: wechatConfig.appId,
    ...(wechatConfig.encodingAesKey === null ? {} : { encodingAesKey: wechatConfig.encodingAesKey }),
    ...(wechatConfig.appSecret === null ? {} : { appSecret: wechatConfig.appSecret }),
    mode: wechatConfig.mode,
    mergeWindowMs: wechatConfig.mergeWindowMs,
    maxClockSkewMs: wechatConfig.maxClockSkewMs,
    locationTtlMs: wechatConfig.locationTtlMs,
    redisUrl: config.redis.url,
    prefix: config.intake.prefix,
    intake: intake.intake,
    attachments,
    log: log.child({ component: 'wechat' }) as Log,
    mediaWorker: false,
  });
  http.register(wechat.routes);
  const address = await http.listen(0, '127.0.0.1');

  const email = await startEmailChannel({
    intake: intake.intake,
    attachments,
    redisUrl: config.redis.url,
    prefix: config.intake.prefix,
    dataDir: config.intake.dataDir,
    log: log.child({ component: 'email' }) as Log,
    port: 0,
    host: '127.0.0.1',
    accept: emailConfig.accept,
    maxBytes: emailConfig.maxBytes,
    maxRecipients: emailConfig.maxRecipients,
  });
  if (!intake.connected() || !wechat.connected()) throw new Error(`intake or the WeChat channel is not connected to Redis at ${config.redis.url}`);

  return {
    info: { httpUrl: address.url, smtpPort: email.port, queuePrefix: intake.queuePrefix, idempotencyTtlMs: config.intake.idempotencyTtlMs, smtpMaxBytes: emailConfig.maxBytes },
    async close() {
      await http.close();
      await email.close();
      await wechat.close();
      await intake.close();
    },
  };
});
