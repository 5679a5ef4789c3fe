// `npm run bench -- ivr`: runs the raw ari-client baseline, then the gateway. Each subject is two Node processes:
// the simulator's (simulated Asterisk, callers, latency probe; simulator-process.ts), which starts the application's
// (app-process.ts, with --expose-gc, so its memory is read after a forced GC) and points it at the simulator over
// loopback. Prints both with the verdicts; exit code 1 when a verdict fails (under --smoke only "every call
// completed" is judged).

import { PRODUCTION_NODE_FLAGS } from '../shared/node-flags.js';
import { benchEntry } from '../shared/bench-entry.js';
import { benchScratch } from '../shared/bench-scratch.js';
import type { BenchScratch } from '../shared/bench-scratch.js';
import { BENCH_REDIS_URL } from '../shared/redis-tools.js';
import { fork } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseIvrOptions, USAGE } from './options.js';
import type { IvrBenchOptions } from './options.js';
import { buildReport, formatReport } from './report.js';
import type { SubjectMessage, SubjectName, SubjectResult, SubjectSettings } from './simulator-process.js';

const SIMULATOR_FILE = fileURLToPath(new URL('./simulator-process.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runSubject(subject: SubjectName, options: IvrBenchOptions, scratch: BenchScratch, heapProfDir: string | null): Promise<SubjectResult> {
  const { cpuProfDir } = scratch.profiling;
  // One folder per process: node writes a profile per thread (tsx's loader has its own), named by pid and thread.
  const settings: SubjectSettings = {
    redisUrl: BENCH_REDIS_URL,
    prefix: scratch.prefix,
    dataDir: scratch.dataDir,
    ...(cpuProfDir === undefined ? {} : { cpuProfDir: join(cpuProfDir, subject) }),
    ...(heapProfDir === null ? {} : { heapProfDir: join(heapProfDir, subject) }),
  };
  // The simulator's process gets the same V8 flags, so that its scavenges interrupt the measurement no more often
  // than when it shared the application's process.
  const execArgv = [...PRODUCTION_NODE_FLAGS, '--import', 'tsx'];
  if (cpuProfDir !== undefined) execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(cpuProfDir, `${subject}-simulator`)}`);
  return new Promise((resolve, reject) => {
    // stdout is dropped: ari-client prints a Swagger deprecation notice there, which would spoil --json.
    const child = fork(SIMULATOR_FILE, [subject, JSON.stringify(options), JSON.stringify(settings)], {
      cwd: PROJECT_ROOT,
      execArgv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let message: SubjectMessage | null = null;
    child.on('message', (m) => {
      message = m as SubjectMessage;
    });
    child.on('error', reject);
    // The simulator's process stops its app process before it exits, whether the run worked or not; killed, it
    // leaves the app process its IPC channel closing, on which the app process exits (bench/shared/subject.ts).
    child.on('exit', (code, signal) => {
      const m = message as SubjectMessage | null;
      if (m?.ok === true) resolve(m.result);
      else reject(new Error(`the ${subject} run failed (${signal ?? `exit code ${code}`}): ${m?.ok === false ? m.error : 'no result'}`));
    });
  });
}

export function runIvrBench(args: readonly string[]): Promise<void> {
  return benchEntry(args, parseIvrOptions, USAGE, async (options, progress) => {
    progress(
      `ivr bench${options.smoke ? ' (smoke)' : ''}: ${options.levels.join(', ')} held calls (largest ramped over ${options.rampMs} ms), then ${options.durationMs} ms at ${options.concurrency} concurrent; baseline first`,
    );
    // The gateway's fair-use counters and citizen profiles go under a prefix of the run's own, removed afterwards.
    const scratch = await benchScratch('ivr', options.cpuProf, BENCH_REDIS_URL);
    const heapProfDir = options.heapProf ? await mkdtemp(join(tmpdir(), 'hotline-bench-ivr-heap-')) : null;
    let baseline: SubjectResult;
    let gateway: SubjectResult;
    try {
      baseline = await runSubject('baseline', options, scratch, heapProfDir);
      progress('baseline done; gateway...');
      gateway = await runSubject('gateway', options, scratch, heapProfDir);
    } finally {
      await scratch.remove(progress);
      const { cpuProfDir } = scratch.profiling;
      if (cpuProfDir !== undefined) process.stderr.write(`in it: baseline/ and gateway/ hold the app processes' profiles, baseline-simulator/ and gateway-simulator/ the simulator processes'\n`);
      if (heapProfDir !== null) process.stderr.write(`heap profiles of both app processes written to ${heapProfDir}\n`);
    }
    const report = buildReport(options, gateway, baseline);
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    if (!report.pass) process.exitCode = 1;
  });
}
