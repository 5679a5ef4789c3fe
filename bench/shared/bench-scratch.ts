// What one benchmark run against gateway subjects owns and removes afterwards: its own Redis key prefix, a
// temporary DATA_DIR, and (with --cpu-prof) the folder the subjects' CPU profiles go to, which is kept.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPrefix, deletePrefixedKeys } from './redis-tools.js';
import type { BenchRedis } from './redis-tools.js';

export interface BenchScratch {
  readonly prefix: string;
  readonly dataDir: string;
  /** For startSubject's options: `{ cpuProfDir }` with --cpu-prof, else nothing. */
  readonly profiling: { readonly cpuProfDir?: string };
  /** Removes the prefix's keys and the data folder, and says so (and where the CPU profiles are). */
  remove(progress: (text: string) => void): Promise<void>;
}

export async function benchScratch(name: string, cpuProf: boolean, redis: BenchRedis | string): Promise<BenchScratch> {
  const prefix = benchPrefix(name);
  const dataDir = await mkdtemp(join(tmpdir(), `hotline-bench-${name}-`));
  const cpuProfDir = cpuProf ? await mkdtemp(join(tmpdir(), `hotline-bench-${name}-prof-`)) : undefined;
  return {
    prefix,
    dataDir,
    profiling: cpuProfDir === undefined ? {} : { cpuProfDir },
    async remove(progress) {
      const removed = await deletePrefixedKeys(redis, prefix);
      await rm(dataDir, { recursive: true, force: true });
      progress(`gateway stopped; removed its ${removed} Redis keys and ${dataDir}`);
      if (cpuProfDir !== undefined) process.stderr.write(`CPU profile of the gateway written to ${cpuProfDir}\n`);
    },
  };
}
