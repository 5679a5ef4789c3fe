// A redis-server (data node or sentinel) of a test's own: `redis-server` from PATH, on a loopback port, working in a
// directory of the test's temp dir, killed with SIGKILL (as a crash) and started again with the same arguments and
// files. Tests that need a topology (a cluster, Sentinel) build it from these; the shared Redis at 6379 is untouched.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { freePort } from './net.js';

/** The settings every data node of these tests shares: no RDB snapshots, an AOF, a full sync that starts at once. */
export const DATA_NODE_ARGS = ['--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--repl-diskless-sync-delay', '0', '--protected-mode', 'no'];

export class RedisProcess {
  private child: ChildProcess | null = null;
  private watchdog: ChildProcess | null = null;
  private readonly output: string[] = [];

  /** `args` come after `redis-server`; the port, bind address and directory are added. */
  constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: readonly string[],
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The server's last lines of output, for a failure message. */
  log(): string {
    return this.output.join('');
  }

  /** Resolves once the server answers PING (a data node has loaded its data by then). */
  async start(timeoutMs = 10_000): Promise<void> {
    if (this.running) return;
    await mkdir(this.dir, { recursive: true });
    const child = spawn('redis-server', [...this.args, '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    // A test process that dies without its clean-up (killed, or its output pipe closed) must not leave servers running:
    // the watchdog reads a pipe from this process, and kills the server when the pipe closes, as it does with us.
    this.watchdog = spawn('sh', ['-c', `read _; kill -9 ${child.pid ?? 0} 2>/dev/null`], { stdio: ['pipe', 'ignore', 'ignore'] });
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString('utf8'));
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + timeoutMs;
    while (!(await answersPing(this.port))) {
      if (!this.running) throw new Error(`redis-server on port ${this.port} exited before it answered:\n${this.log()}`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not answer within ${timeoutMs} ms:\n${this.log()}`);
      await sleep(20);
    }
  }

  /** SIGSTOP: connections stay open but nothing is answered or replicated, as with a server stuck on a slow disk. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** SIGCONT after `pause`. */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** SIGKILL: no shutdown, no last write; resolves once the process is gone. */
  async kill(): Promise<void> {
    this.watchdog?.kill('SIGKILL');
    this.watchdog = null;
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
}

/** `count` distinct loopback ports that were free a moment ago. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than `undefined`, or fails after `timeoutMs` saying what it waited for. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError === null ? '' : `: ${String(lastError)}`}`);
    await sleep(50);
  }
}

/** One raw PING, so that readiness needs no client library and leaves no connection behind. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString('utf8').startsWith('+PONG')));
  });
}
