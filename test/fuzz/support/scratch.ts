// What one fuzz target owns and removes afterwards: a Redis key prefix of its own (never the production `hotline`)
// and a temp directory for attachments, spool and raw mail.

import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropIntake } from '../../support/intake.js';
import { REDIS_URL } from '../../support/redis.js';

/** The tests' Redis (`REDIS_URL`). */
export const FUZZ_REDIS_URL = REDIS_URL;

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
    remove: () => dropIntake(prefix, dataDir),
  };
}
