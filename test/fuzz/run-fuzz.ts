// Forks fuzz-child.ts (with --expose-gc, through tsx) for a list of targets and collects one result per target.
// A child that goes silent (no input answered for `silenceMs`: a parser looping on the event loop, which no
// per-input timeout can interrupt) is killed, and the target it was on is reported as hung.

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FuzzChildRequest, FuzzResult, ToParent } from './fuzz-protocol.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./fuzz-child.ts', import.meta.url));
const STDERR_KEPT = 8000;

/** The seed of the CI runs: fixed, so a failure in CI is the same failure on a laptop. */
export const FUZZ_CI_SEED = 12345;
/** "Memory back to its baseline": heap growth over one target's run after forced GCs stays under this. */
export const FUZZ_HEAP_GROWTH_LIMIT_BYTES = 20 * 1024 * 1024;

export interface RunFuzzOptions extends FuzzChildRequest {
  /** A child silent this long is killed as hung (default 60 s; set-up of a target counts too). */
  readonly silenceMs?: number;
  readonly onProgress?: (target: string, runs: number) => void;
  /** Each target's result as soon as it is in. */
  readonly onResult?: (result: FuzzResult) => void;
}

export function runFuzz(options: RunFuzzOptions): Promise<FuzzResult[]> {
  const request: FuzzChildRequest = { targets: options.targets, runs: options.runs, seed: options.seed };
  const silenceMs = options.silenceMs ?? 60_000;
  const child = fork(CHILD, [JSON.stringify(request)], {
    cwd: PROJECT_ROOT,
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEPT);
  });

  const results: FuzzResult[] = [];
  let current = { target: options.targets[0] ?? '', runs: 0 };
  return new Promise((resolve) => {
    let finished = false;
    let watchdog = setTimeout(hung, silenceMs);
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(watchdog);
      // Targets the child never reported (it hung or died on an earlier one) are failures too.
      for (const target of options.targets.slice(results.length)) results.push(notRun(target, `not run: the fuzz process ended on ${current.target}`));
      resolve(results);
    };
    function hung(): void {
      child.kill('SIGKILL');
      results.push(notRun(current.target, `hung: no input answered for ${silenceMs} ms after ${current.runs} inputs (seed ${options.seed}): a parser blocking the event loop, or a run that can never end${stderr === '' ? '' : `:\n${stderr}`}`));
      finish();
    }
    child.on('message', (raw) => {
      const message = raw as ToParent;
      clearTimeout(watchdog);
      watchdog = setTimeout(hung, silenceMs);
      if (message.kind === 'progress') {
        current = { target: message.target, runs: message.runs };
        options.onProgress?.(message.target, message.runs);
      } else if (message.kind === 'result') {
        if (results.some((r) => r.target === message.result.target)) return;
        results.push(message.result);
        options.onResult?.(message.result);
        current = { target: options.targets[results.length] ?? '', runs: 0 };
      } else {
        finish();
      }
    });
    child.on('exit', (code, signal) => {
      if (finished) return;
      if (results.length < options.targets.length) {
        results.push(notRun(current.target, `the fuzz process died (${signal ?? `exit code ${code}`}) after ${current.runs} inputs:\n${stderr}`));
      }
      finish();
    });
  });

  function notRun(target: string, failure: string): FuzzResult {
    return {
      target,
      parser: '',
      seed: options.seed,
      requestedRuns: options.runs[target] ?? 0,
      runs: 0,
      ms: 0,
      cpuMs: 0,
      heapBeforeBytes: 0,
      heapAfterBytes: 0,
      failure,
      unhandled: [],
    };
  }
}

/** Every rule a result breaks, in words; empty when the target kept them all. */
export function fuzzProblems(result: FuzzResult): string[] {
  const problems: string[] = [];
  if (result.failure !== null) problems.push(result.failure);
  problems.push(...result.unhandled);
  if (result.failure === null && result.runs < result.requestedRuns) problems.push(`ran ${result.runs} of ${result.requestedRuns} inputs`);
  const growth = result.heapAfterBytes - result.heapBeforeBytes;
  if (growth > FUZZ_HEAP_GROWTH_LIMIT_BYTES) {
    problems.push(`heap grew by ${(growth / 1024 / 1024).toFixed(1)} MB (limit ${FUZZ_HEAP_GROWTH_LIMIT_BYTES / 1024 / 1024} MB) after forced GC`);
  }
  return problems;
}
