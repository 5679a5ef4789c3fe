// The real `hotline-gateway` binary as a child process (src/cli.ts through tsx), run in a folder of the test's
// choosing: relative defaults such as `data/api-keys.json` then land in that folder, never in the checkout.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { answerWithin, NoAnswerInTime } from '../../src/app/answer-within.js';
import { systemClock } from '../../src/app/ports.js';
import { CONFIG_DOC } from '../../src/config/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
// By URL: a bare `--import tsx` would be resolved from the child's working directory, which has no node_modules.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The gateway's variables (and the staff command's password), which the test's own environment must not leak into the child. */
const GATEWAY_VARIABLES = [...CONFIG_DOC.map((v) => v.name), 'SIMULATOR_ARI_PORT', 'SIMULATOR_AMI_PORT', 'STAFF_PASSWORD'];

export function cliEnv(vars: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of GATEWAY_VARIABLES) delete env[name];
  return { ...env, ...vars };
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd: string;
  readonly env?: Record<string, string>;
  /** Written to the command's standard input, which is then closed; without it, stdin is /dev/null. */
  readonly input?: string;
}

/** Starts `hotline-gateway ARGS...`; stdout and stderr are collected as they come. */
export function startCli(args: readonly string[], options: CliOptions): CliProcess {
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd: options.cwd, env: cliEnv(options.env), stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (options.input !== undefined) child.stdin?.end(options.input);
  return new CliProcess(child);
}

/** Runs `hotline-gateway ARGS...` to its end. */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliRun> {
  return startCli(args, options).exited;
}

export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliRun>;
  private readonly waiters: { match: (line: string) => boolean; resolve: (line: string | null) => void }[] = [];

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.check();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code) => {
        resolve({ code, stdout: this.stdout, stderr: this.stderr });
        // A line that never came will not come: fail the waiter with what the process printed.
        for (const waiter of this.waiters.splice(0)) waiter.resolve(null);
      });
    });
  }

  /**
   * Resolves with the first whole stdout line `match` accepts; rejects when the process ends without one, or when
   * none came within `withinMs`, naming `what` it waited for and showing what the process printed.
   */
  async line(match: (line: string) => boolean, what = 'the line', withinMs = 30_000): Promise<string> {
    const seen = this.lines().find(match);
    if (seen !== undefined) return seen;
    const waiting = new Promise<string | null>((resolve) => {
      this.waiters.push({ match, resolve });
    });
    const line = await this.within(withinMs, waiting, `no ${what} within ${withinMs} ms`);
    if (line === null) throw new Error(`the process ended without ${what}; ${this.printed()}`);
    return line;
  }

  lines(): string[] {
    return this.stdout.split('\n').slice(0, -1);
  }

  /** Ends the process (if still running) and waits for it; rejects, showing what it printed, if it is still running after `withinMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', withinMs = 30_000): Promise<CliRun> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.within(withinMs, this.exited, `still running ${withinMs} ms after ${signal}`);
  }

  /** `waiting`, or an error saying `late` with what the process printed once `ms` have passed. */
  private async within<T>(ms: number, waiting: Promise<T>, late: string): Promise<T> {
    try {
      return await answerWithin(systemClock, ms, () => waiting);
    } catch (err) {
      if (err instanceof NoAnswerInTime) throw new Error(`${late}; ${this.printed()}`, { cause: err });
      throw err;
    }
  }

  private printed(): string {
    return `stdout:\n${this.stdout}\nstderr:\n${this.stderr}`;
  }

  private check(): void {
    const lines = this.lines();
    for (const waiter of [...this.waiters]) {
      const found = lines.find(waiter.match);
      if (found !== undefined) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  }
}
