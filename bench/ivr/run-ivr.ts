// `npm run bench -- ivr`: runs the raw ari-client baseline, then the gateway, each in its own Node process
// (with --expose-gc, so memory is read after a forced GC), and prints both with the verdicts.

import { benchEntry } from '../shared/bench-entry.js';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseIvrOptions, USAGE } from './options.js';
import type { IvrBenchOptions } from './options.js';
import { buildReport, formatReport } from './report.js';
import type { SubjectMessage, SubjectName, SubjectResult } from './subject-process.js';

const SUBJECT_FILE = fileURLToPath(new URL('./subject-process.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runSubject(subject: SubjectName, options: IvrBenchOptions): Promise<SubjectResult> {
  return new Promise((resolve, reject) => {
    // stdout is dropped: ari-client prints a Swagger deprecation notice there, which would spoil --json.
    const child = fork(SUBJECT_FILE, [subject, JSON.stringify(options)], {
      cwd: PROJECT_ROOT,
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let message: SubjectMessage | null = null;
    child.on('message', (m) => {
      message = m as SubjectMessage;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const m = message as SubjectMessage | null;
      if (m?.ok === true) resolve(m.result);
      else reject(new Error(`the ${subject} run failed (${signal ?? `exit code ${code}`}): ${m?.ok === false ? m.error : 'no result'}`));
    });
  });
}

export function runIvrBench(args: readonly string[]): Promise<void> {
  return benchEntry(args, parseIvrOptions, USAGE, async (options, progress) => {
    progress(`ivr bench: ${options.calls} held calls (ramp ${options.rampMs} ms), then ${options.durationMs} ms at ${options.concurrency} concurrent; baseline first`);
    const baseline = await runSubject('baseline', options);
    progress('baseline done; gateway...');
    const gateway = await runSubject('gateway', options);
    const report = buildReport(options, gateway, baseline);
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  });
}
