// What one fuzz target owns and removes afterwards: a Redis key prefix of its own (never the production `hotline`)
// and a temp directory for attachments, spool and raw mail.

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deletePrefixedKeys } from '../../../bench/shared/redis-tools.js';

export const FUZZ_REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface FuzzScratch {
  readonly prefix: string;
  readonly dataDir: string;
  remove(): Promise<void>;
}

export async function fuzzScratch(name: string): Promise<FuzzScratch> {
  const prefix = `fuzz-${name}-${randomUUID().slice(0, 8)}`;
  const dataDir = await mkdtemp(join(tmpdir(), `hotline-fuzz-${name}-`));
  return {
    prefix,
    dataDir,
    async remove() {
      await deletePrefixedKeys(FUZZ_REDIS_URL, prefix);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
