// The channels benchmark's subject, in its own Node process (started by run-channels.ts with --expose-gc): the
// WeChat channel's routes on the gateway's HTTP server and the inbound SMTP server, both over the gateway core
// (gateway-core.ts: one real durable intake and content store, wired as src/main.ts wires them, production defaults
// from parseConfig). Two settings differ from production, so that every message is measured as one submission: no
// merge window (each message its own request) and no media worker (text messages have no media anyway).

import { startEmailChannel } from '../../src/adapters/email/start-email-channel.js';
import { createWechatChannel } from '../../src/adapters/wechat/index.js';
import type { Log } from '../../src/app/app-ports.js';
import { redisLabel } from '../../src/config/index.js';
import { startGatewayCore } from '../shared/gateway-core.js';
import type { GatewayCoreSettings } from '../shared/gateway-core.js';
import { serveSubject } from '../shared/subject.js';

export interface WechatAccount {
  readonly token: string;
  readonly appId: string;
  readonly encodingAesKey: string;
  /** The Official Account's own id (`ToUserName` of pushes). */
  readonly accountId: string;
}

export interface ChannelsSubjectConfig extends GatewayCoreSettings {
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
  const { config, log, intake, submissions, access, attachments, http } = await startGatewayCore(settings, {
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

  // As src/main.ts builds it: the PIN in every WeChat reply and acknowledgement is part of what is measured.
  const wechat = await createWechatChannel({
    token: wechatConfig.token,
    appId: wechatConfig.appId,
    ...(wechatConfig.encodingAesKey === null ? {} : { encodingAesKey: wechatConfig.encodingAesKey }),
    ...(wechatConfig.appSecret === null ? {} : { appSecret: wechatConfig.appSecret }),
    mode: wechatConfig.mode,
    mergeWindowMs: wechatConfig.mergeWindowMs,
    maxClockSkewMs: wechatConfig.maxClockSkewMs,
    locationTtlMs: wechatConfig.locationTtlMs,
    redis: config.redis,
    prefix: config.intake.prefix,
    intake: submissions,
    access,
    attachments,
    log: log.child({ component: 'wechat' }) as Log,
    mediaWorker: false,
  });
  http.register(wechat.routes);
  const address = await http.listen(0, '127.0.0.1');

  const email = await startEmailChannel({
    intake: submissions,
    access,
    attachments,
    redis: config.redis,
    prefix: config.intake.prefix,
    dataDir: config.intake.dataDir,
    log: log.child({ component: 'email' }) as Log,
    port: 0,
    host: '127.0.0.1',
    accept: emailConfig.accept,
    maxBytes: emailConfig.maxBytes,
    maxRecipients: emailConfig.maxRecipients,
  });
  if (!intake.connected() || !wechat.connected()) throw new Error(`intake or the WeChat channel is not connected to Redis at ${redisLabel(config.redis)}`);

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
