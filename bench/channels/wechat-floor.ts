// Runs the WeChat floor (wechat-floor-subject.ts) under the same WeChat client and pushes in flight as the
// gateway's WeChat run: how much any safe-mode WeChat front (HTTP, signatures, AES both ways, queue.add) keeps on
// these cores, so the gateway's own cost can be told from what WeChat's protocol costs.

import { fileURLToPath } from 'node:url';
import { measuredWindow, warmUp } from '../shared/measured-window.js';
import type { WindowResult } from '../shared/measured-window.js';
import { benchPrefix, deletePrefixedKeys, RedisUsage } from '../shared/redis-tools.js';
import type { BenchRedis } from '../shared/redis-tools.js';
import { startSubject } from '../shared/subject.js';
import type { WechatAccount } from './subject-process.js';
import { WechatClient } from './wechat-client.js';
import type { WechatFloorConfig, WechatFloorInfo } from './wechat-floor-subject.js';

const FLOOR_FILE = fileURLToPath(new URL('./wechat-floor-subject.ts', import.meta.url));

export interface WechatFloorSettings {
  readonly redis: BenchRedis;
  readonly wechat: WechatAccount;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly dedupTtlMs: number;
}

export interface WechatFloorResult extends WindowResult {
  /** Replies decrypted, their signature and ticket checked (one in 50). */
  readonly verifiedReplies: number;
}

export async function wechatFloor(settings: WechatFloorSettings): Promise<WechatFloorResult> {
  const prefix = benchPrefix('wechat-floor');
  const config: WechatFloorConfig = { redis: settings.redis, queuePrefix: `{${prefix}}`, dedupTtlMs: settings.dedupTtlMs, wechat: settings.wechat };
  const redis = new RedisUsage(settings.redis);
  const subject = await startSubject<WechatFloorInfo>(FLOOR_FILE, config, { label: 'WeChat floor subject' });
  const client = new WechatClient(subject.info.url, settings.wechat, settings.concurrency);
  try {
    const push = (): Promise<void> => client.push();
    await warmUp(settings.concurrency, settings.warmupMs, push);
    const window = await measuredWindow({ concurrency: settings.concurrency, durationMs: settings.durationMs, redis, subject }, push);
    return { ...window, verifiedReplies: client.verified };
  } finally {
    redis.close();
    await client.close();
    await subject.close();
    await deletePrefixedKeys(settings.redis, prefix);
  }
}
