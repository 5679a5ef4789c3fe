// `hotline-gateway retention report`: what the retention sweep would delete if it ran now — records, citizen
// profiles, attachment and raw-mail files — counted without deleting anything, so an operator can check
// INTAKE_RECORD_RETENTION before a change takes effect.

import { join } from 'node:path';
import type { RedisClient } from '../redis/redis-connection.js';
import { silentLog } from '../../app/app-ports.js';
import { ProfileRetention } from '../../app/identity/profile-retention.js';
import { ContentAddressedFiles } from '../files/content-addressed-files.js';
import { IntakeKeys } from '../intake/intake-keys.js';
import { closeRedis, failFastRedis, untilReady } from '../redis/fail-fast-redis.js';
import type { RedisTarget } from '../../config/types.js';
import { IdentityKeys } from './identity-keys.js';
import { RedisProfileStore } from './redis-profile-store.js';

export interface RetentionReportOptions {
  readonly redis: RedisTarget;
  /** Shown in errors (no password). */
  readonly redisLabel: string;
  readonly prefix: string;
  readonly dataDir: string;
  readonly retentionMs: number;
  readonly nowMs: number;
  readonly json: boolean;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export interface RetentionReport {
  readonly cutoff: string;
  readonly retentionDays: number;
  readonly records: number;
  readonly profiles: { readonly inactive: number; readonly wouldDelete: number; readonly keptForOpenCases: number };
  readonly files: { readonly attachments: number; readonly rawMail: number };
}

export async function retentionReport(client: RedisClient, options: Pick<RetentionReportOptions, 'prefix' | 'dataDir' | 'retentionMs' | 'nowMs'>): Promise<RetentionReport> {
  const cutoffMs = options.nowMs - options.retentionMs;
  const intakeKeys = new IntakeKeys(options.prefix);
  // The same exclusive bound the record sweep uses.
  const records = await client.zcount(intakeKeys.byChange, '-inf', `(${cutoffMs}`);
  const profiles = await new ProfileRetention(new RedisProfileStore(client, new IdentityKeys(intakeKeys), () => options.nowMs)).count(cutoffMs);
  const [attachments, rawMail] = await Promise.all([
    new ContentAddressedFiles({ dir: join(options.dataDir, 'attachments') }).countOlderThan(cutoffMs),
    new ContentAddressedFiles({ dir: join(options.dataDir, 'mail'), extension: '.eml' }).countOlderThan(cutoffMs),
  ]);
  return {
    cutoff: new Date(cutoffMs).toISOString(),
    retentionDays: Math.round((options.retentionMs / 86_400_000) * 100) / 100,
    records,
    profiles: { inactive: profiles.examined, wouldDelete: profiles.wouldDelete, keptForOpenCases: profiles.examined - profiles.wouldDelete },
    files: { attachments, rawMail },
  };
}

export async function runRetentionReport(options: RetentionReportOptions): Promise<number> {
  // As the gateway connects, with the patience of a command an operator waits for.
  const client = failFastRedis(options.redis, { name: 'retention report', log: silentLog, commandTimeoutMs: 5000 });
  if (!(await untilReady(client, 5000))) {
    options.err(`hotline-gateway retention report: Redis at ${options.redisLabel} is not reachable: nothing was read`);
    await closeRedis(client);
    return 1;
  }
  try {
    const report = await retentionReport(client, options);
    if (options.json) {
      options.out(JSON.stringify({ dryRun: true, ...report }));
      return 0;
    }
    options.out(`retention report (dry run: nothing was deleted), prefix {${options.prefix}}, DATA_DIR ${options.dataDir}`);
    options.out(`  INTAKE_RECORD_RETENTION ${report.retentionDays} days: what was last changed before ${report.cutoff} is due`);
    options.out(`  records           ${report.records}`);
    options.out(`  profiles          ${report.profiles.wouldDelete} (of ${report.profiles.inactive} inactive; ${report.profiles.keptForOpenCases} kept for an open case)`);
    options.out(`  attachment files  ${report.files.attachments}`);
    options.out(`  raw mail files    ${report.files.rawMail}`);
    return 0;
  } finally {
    await closeRedis(client);
  }
}
