// A benchmark subject in its own Node process (with --expose-gc, so memory is read after a forced GC), driven by
// the parent over IPC: it starts, reports what the load generator needs (URLs, keys), answers named commands
// (heap, CPU), and closes everything it opened when asked. Its standard output is dropped: the gateway logs
// there as in production (so logging costs what it costs), and nothing reads it.

import { PRODUCTION_NODE_FLAGS } from './node-flags.js';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { heapAfterGc } from '../ivr/stats.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLOSE_TIMEOUT_MS = 30_000;

type ToSubject = { readonly kind: 'command'; readonly id: number; readonly command: string } | { readonly kind: 'close' };
type FromSubject =
  | { readonly kind: 'ready'; readonly info: unknown }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly kind: 'closed' };

export interface SubjectHandle<Info> {
  readonly info: Info;
  /** Resolves when the subject's process has exited, asked to or not, with how (`exit code 1`, `SIGKILL`). */
  readonly exited: Promise<string>;
  /** Runs one of the subject's commands and resolves with its result. */
  request<T>(command: string): Promise<T>;
  /** Asks the subject to close what it opened and exit; resolves once it has exited. */
  close(): Promise<void>;
}

export interface SubjectStartOptions {
  /** For error messages: `intake subject`. */
  readonly label: string;
  /** Write a V8 CPU profile of the subject into this folder (`--cpu-prof`). */
  readonly cpuProfDir?: string;
  /** Write a V8 sampling heap profile of the subject into this folder (`--heap-prof`). */
  readonly heapProfDir?: string;
  /** Environment variables on top of this process's: how a gateway subject is configured, as in production. */
  readonly env?: Readonly<Record<string, string>>;
  /** Give up if the subject is not ready by then (default 30 s). */
  readonly startTimeoutMs?: number;
}

/** Parent side: forks `file` with `config` (JSON) as its argument and waits for it to be ready. */
export function startSubject<Info>(file: string, config: unknown, options: SubjectStartOptions): Promise<SubjectHandle<Info>> {
  const execArgv = [...PRODUCTION_NODE_FLAGS, '--expose-gc', '--import', 'tsx'];
  if (options.cpuProfDir !== undefined) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  if (options.heapProfDir !== undefined) execArgv.push('--heap-prof', `--heap-prof-dir=${options.heapProfDir}`);
  const env = options.env === undefined ? process.env : { ...process.env, ...options.env };
  const child = fork(file, [JSON.stringify(config)], { cwd: PROJECT_ROOT, env, execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let exited: Error | null = null;
  const exit = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.label} was not ready within ${options.startTimeoutMs ?? 30_000} ms`));
    }, options.startTimeoutMs ?? 30_000);
    child.on('message', (raw) => {
      const message = raw as FromSubject;
      if (message.kind === 'ready') {
        clearTimeout(timer);
        resolve(handle(child, message.info as Info));
      } else if (message.kind === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${options.label} failed: ${message.error}`));
      } else if (message.kind === 'reply') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.ok) waiter?.resolve(message.result);
        else waiter?.reject(new Error(`${options.label}: ${message.error}`));
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      exited = new Error(`${options.label} exited (${signal ?? `exit code ${code}`})`);
      for (const waiter of pending.values()) waiter.reject(exited);
      pending.clear();
      reject(exited);
    });
  });

  function handle(subject: ChildProcess, info: Info): SubjectHandle<Info> {
    const send = (message: ToSubject): void => {
      subject.send(message);
    };
    return {
      info,
      exited: exit,
      request<T>(command: string): Promise<T> {
        if (exited !== null) return Promise.reject(exited);
        const id = nextId++;
        return new Promise<T>((resolveReply, rejectReply) => {
          pending.set(id, { resolve: (value) => resolveReply(value as T), reject: rejectReply });
          send({ kind: 'command', id, command });
        });
      },
      async close(): Promise<void> {
        if (exited === null) send({ kind: 'close' });
        // A subject that cannot finish closing (a hung connection) must not hang the benchmark with it.
        const killer = setTimeout(() => subject.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
        await exit;
        clearTimeout(killer);
      },
    };
  }
}

export interface SubjectRuntime<Info> {
  readonly info: Info;
  /** Besides the built-in `heap` (heapUsed after a forced GC, bytes) and `cpu` (user + system so far, ms). */
  readonly commands?: Readonly<Record<string, () => unknown>>;
  close(): Promise<void>;
}

const BUILT_IN: Readonly<Record<string, () => unknown>> = {
  heap: () => heapAfterGc(),
  cpu: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
};

/** Subject side: starts with the parent's config, then serves commands until asked to close. */
export function serveSubject<Config, Info>(start: (config: Config) => Promise<SubjectRuntime<Info>>): void {
  const send = (message: FromSubject, then: () => void = () => undefined): void => {
    process.send?.(message, then);
  };
  const config = JSON.parse(process.argv[2] ?? '{}') as Config;
  // A parent gone (killed, or failed before asking us to close) will never ask: leave nothing running behind it.
  process.once('disconnect', () => process.exit(1));
  start(config).then(
    (runtime) => {
      process.on('message', (raw) => {
        const message = raw as ToSubject;
        if (message.kind === 'close') {
          runtime.close().then(
            () => send({ kind: 'closed' }, () => process.exit(0)),
            (err: unknown) => {
              process.stderr.write(`closing the subject failed: ${errorText(err)}\n`);
              process.exit(1);
            },
          );
          return;
        }
        const command = runtime.commands?.[message.command] ?? BUILT_IN[message.command];
        if (command === undefined) {
          send({ kind: 'reply', id: message.id, ok: false, error: `no command "${message.command}"` });
          return;
        }
        Promise.resolve()
          .then(command)
          .then(
            (result) => send({ kind: 'reply', id: message.id, ok: true, result }),
            (err: unknown) => send({ kind: 'reply', id: message.id, ok: false, error: errorText(err) }),
          );
      });
      send({ kind: 'ready', info: runtime.info });
    },
    (err: unknown) => send({ kind: 'failed', error: errorText(err) }, () => process.exit(1)),
  );
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** Replicas measured as one subject: `request` sums what each answers (heap bytes, CPU ms); `close` closes all. */
export function subjectGroup<Info>(handles: readonly SubjectHandle<Info>[]): SubjectHandle<readonly Info[]> {
  return {
    info: handles.map((handle) => handle.info),
    // The group is broken as soon as one replica is gone.
    exited: Promise.race(handles.map((handle) => handle.exited)),
    async request<T>(command: string): Promise<T> {
      const answers = await Promise.all(handles.map((handle) => handle.request<unknown>(command)));
      if (!answers.every((answer): answer is number => typeof answer === 'number')) throw new Error(`subject command ${command} did not answer numbers`);
      return answers.reduce((sum, answer) => sum + answer, 0) as T;
    },
    async close(): Promise<void> {
      await Promise.all(handles.map((handle) => handle.close()));
    },
  };
}
