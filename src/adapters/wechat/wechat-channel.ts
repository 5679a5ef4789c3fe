// The WeChat channel as the composition root sees it: the routes to register, the media worker, and their Redis
// connections. Keys live under intake's prefix (`{prefix}:wechat:...`, queue `{prefix}:wechat-media:...`), so
// one Redis (or one Cluster slot) holds everything intake and its channels keep.

import type { DispositionTexts } from '../../domain/dispositions/dispositions.js';
import type { FastifyPluginAsync } from 'fastify';
import type { CaseAccess } from '../../app/access/case-access-ports.js';
import type { Log } from '../../app/app-ports.js';
import type { AttachmentStore, Intake } from '../../app/intake/intake-ports.js';
import { MediaAttacher } from '../../app/wechat/media-attacher.js';
import { WechatInbox } from '../../app/wechat/wechat-inbox.js';
import type { FairUse } from '../../app/limits/fair-use.js';
import { IntakeKeys } from '../intake/intake-keys.js';
import { blockingRedis, closeRedis, failFastRedis, untilReady } from '../redis/fail-fast-redis.js';
import type { RedisClient } from '../redis/redis-connection.js';
import type { RedisTarget } from '../../config/types.js';
import { AccessTokens } from './access-token.js';
import { WechatMediaSource } from './media-fetcher.js';
import { BullmqMediaQueue, startMediaWorker } from './media-queue.js';
import type { MediaRetryPolicy, MediaWorker } from './media-queue.js';
import { RedisConversationStore } from './redis-conversation-store.js';
import { WechatCipher } from './wechat-crypto.js';
import { wechatRoutes } from './wechat-routes.js';
import type { WechatMode } from './wechat-routes.js';

export const WECHAT_API_BASE = 'https://api.weixin.qq.com';
export const WECOM_API_BASE = 'https://qyapi.weixin.qq.com';

export interface WechatChannelOptions {
  /** `WECHAT_TOKEN`. */
  readonly token: string;
  /** `WECHAT_APPID`: the Official Account's AppID, or the WeCom CorpID. */
  readonly appId: string;
  /** `WECHAT_ENCODING_AES_KEY` (43 characters); required for safe mode and WeCom. */
  readonly encodingAesKey?: string;
  /** `WECHAT_PREVIOUS_ENCODING_AES_KEY`: tried when the current key fails, while WeChat switches over. */
  readonly previousEncodingAesKey?: string;
  /** `WECHAT_APPSECRET` (WeCom: the application's Secret); without it, media files are not downloaded. */
  readonly appSecret?: string;
  /** `WECHAT_MODE` (default `auto`). */
  readonly mode?: WechatMode;
  /** `WECHAT_API_BASE` (default WeChat's, or WeCom's in `wecom` mode). */
  readonly apiBase?: string;
  /** `WECHAT_MERGE_WINDOW` (default 2 minutes). */
  readonly mergeWindowMs?: number;
  /** `WECHAT_MAX_CLOCK_SKEW` (default 5 minutes). */
  readonly maxClockSkewMs?: number;
  /** Default 4500 ms. */
  readonly replyDeadlineMs?: number;
  /** `WECHAT_LOCATION_TTL` (default 10 minutes). */
  readonly locationTtlMs?: number;
  readonly redis: RedisTarget;
  /** Intake's key prefix (`INTAKE_PREFIX`). */
  readonly prefix: string;
  readonly intake: Intake;
  /** Status questions and ratings go through it; the PIN given with a ticket comes from it. */
  readonly access: CaseAccess;
  /** Where-to-go texts for matters the regulations send elsewhere, added to the replies. */
  readonly dispositions?: DispositionTexts;
  readonly attachments: AttachmentStore;
  readonly log: Log;
  /** Submissions an hour per openid, shared by every replica (the gateway's fair-use limits); absent: none. */
  readonly fairUse?: Pick<FairUse, 'admit'>;
  /** Run the media worker in this process (default true; false for an instance that should only answer pushes). */
  readonly mediaWorker?: boolean;
  readonly mediaConcurrency?: number;
  readonly mediaRetry?: MediaRetryPolicy;
  /** Default `/wechat`. */
  readonly path?: string;
  /** How long start-up waits for Redis before going on without it (default 3000 ms). */
  readonly connectWaitMs?: number;
  readonly now?: () => number;
}

export interface WechatChannel {
  /** Register at the server's root: adds `GET` and `POST` on the path. */
  readonly routes: FastifyPluginAsync;
  /** The channel's Redis connection is ready (for `/readyz`; pushes are still answered when it is not). */
  connected(): boolean;
  close(): Promise<void>;
}

export async function createWechatChannel(options: WechatChannelOptions): Promise<WechatChannel> {
  const log = options.log.child({ component: 'wechat' });
  // The inbox, routes and media worker name their own component: given `log`, their lines would carry two.
  const parentLog = options.log;
  const bullPrefix = new IntakeKeys(options.prefix).bullPrefix;
  const mode = options.mode ?? 'auto';
  const cipher =
    options.encodingAesKey === undefined || options.encodingAesKey === ''
      ? undefined
      : new WechatCipher({
          encodingAesKey: options.encodingAesKey,
          ...(options.previousEncodingAesKey === undefined ? {} : { previousEncodingAesKey: options.previousEncodingAesKey }),
          receiveId: options.appId,
        });

  const connection = failFastRedis(options.redis, { name: 'wechat', log });

  const hasSecret = options.appSecret !== undefined && options.appSecret !== '';
  if (!hasSecret) log.warn({}, 'no WeChat AppSecret configured: pictures, voice and video stay at WeChat (only links to pictures are kept)');
  const media = hasSecret ? new BullmqMediaQueue(connection, { prefix: bullPrefix, ...(options.mediaRetry === undefined ? {} : { retry: options.mediaRetry }) }, log) : undefined;

  let worker: MediaWorker | undefined;
  let workerConnection: RedisClient | undefined;
  if (hasSecret && options.mediaWorker !== false) {
    const apiBase = options.apiBase ?? (mode === 'wecom' ? WECOM_API_BASE : WECHAT_API_BASE);
    const tokens = new AccessTokens({
      apiBase,
      platform: mode === 'wecom' ? 'wecom' : 'official',
      appId: options.appId,
      appSecret: options.appSecret ?? '',
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    const attacher = new MediaAttacher({
      intake: options.intake,
      attachments: options.attachments,
      source: new WechatMediaSource({ apiBase, tokens }),
      log: parentLog,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    // BullMQ's worker blocks on Redis and needs a connection that never gives up on a command.
    workerConnection = blockingRedis(options.redis, { name: 'wechat media worker', log });
    worker = startMediaWorker({
      connection: workerConnection,
      prefix: bullPrefix,
      attacher,
      log: parentLog,
      ...(options.mediaConcurrency === undefined ? {} : { concurrency: options.mediaConcurrency }),
      ...(options.mediaRetry === undefined ? {} : { retry: options.mediaRetry }),
    });
  }

  const inbox = new WechatInbox({
    intake: options.intake,
    access: options.access,
    ...(options.dispositions === undefined ? {} : { dispositions: options.dispositions }),
    conversations: new RedisConversationStore(connection, bullPrefix),
    ...(media === undefined ? {} : { media }),
    ...(options.fairUse === undefined ? {} : { fairUse: options.fairUse }),
    ...(options.mergeWindowMs === undefined ? {} : { mergeWindowMs: options.mergeWindowMs }),
    ...(options.locationTtlMs === undefined ? {} : { locationTtlMs: options.locationTtlMs }),
    log: parentLog,
    ...(options.now === undefined ? {} : { now: options.now }),
  });

  const routes = wechatRoutes({
    token: options.token,
    ...(cipher === undefined ? {} : { cipher }),
    mode,
    inbox,
    log: parentLog,
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.maxClockSkewMs === undefined ? {} : { maxClockSkewMs: options.maxClockSkewMs }),
    ...(options.replyDeadlineMs === undefined ? {} : { replyDeadlineMs: options.replyDeadlineMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });

  // Pushes arriving before the connection is ready would lose their conversation window; a dead Redis at start-up
  // only delays start-up, the channel then answers without it (intake spools).
  if (!(await untilReady(connection, options.connectWaitMs ?? 3000))) {
    log.warn({}, 'wechat Redis not reachable at start-up: merging and media downloads wait for it');
  }

  return {
    routes,
    connected: () => connection.status === 'ready',
    async close() {
      await worker?.close();
      await media?.close();
      await Promise.all([closeRedis(connection), workerConnection === undefined ? Promise.resolve() : closeRedis(workerConnection)]);
    },
  };
}
