// Runs the SMTP floor (smtp-floor-subject.ts) with the same SMTP client and connections as the gateway's SMTP run:
// how much of the raw queue.add rate any SMTP front keeps on these cores, so the gateway's own cost can be told
// from the protocol's.

import { fileURLToPath } from 'node:url';
import { measuredWindow, warmUp } from '../shared/measured-window.js';
import type { WindowResult } from '../shared/measured-window.js';
import { benchPrefix, deletePrefixedKeys, RedisUsage } from '../shared/redis-tools.js';
import type { BenchRedis } from '../shared/redis-tools.js';
import { startSubject } from '../shared/subject.js';
import { SmtpClient } from './smtp-client.js';
import type { SmtpFloorConfig, SmtpFloorInfo } from './smtp-floor-subject.js';

const FLOOR_FILE = fileURLToPath(new URL('./smtp-floor-subject.ts', import.meta.url));

export interface SmtpFloorSettings {
  readonly redis: BenchRedis;
  /** The gateway's hotline address: the floor takes any, but the mails stay the same. */
  readonly mailbox: string;
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly dedupTtlMs: number;
  readonly maxBytes: number;
  readonly maxClients: number;
}

export async function smtpFloor(settings: SmtpFloorSettings): Promise<WindowResult> {
  const prefix = benchPrefix('smtp-floor');
  const config: SmtpFloorConfig = {
    redis: settings.redis,
    queuePrefix: `{${prefix}}`,
    dedupTtlMs: settings.dedupTtlMs,
    maxBytes: settings.maxBytes,
    maxClients: settings.maxClients,
  };
  const redis = new RedisUsage(settings.redis);
  const subject = await startSubject<SmtpFloorInfo>(FLOOR_FILE, config, { label: 'SMTP floor subject' });
  const client = new SmtpClient(subject.info.port, settings.mailbox, settings.connections);
  try {
    const send = (): Promise<void> => client.send();
    await warmUp(settings.connections, settings.warmupMs, send);
    return await measuredWindow({ concurrency: settings.connections, durationMs: settings.durationMs, redis, subject }, send);
  } finally {
    redis.close();
    client.close();
    await subject.close();
    await deletePrefixedKeys(settings.redis, prefix);
  }
}
