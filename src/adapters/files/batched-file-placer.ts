// Durable placement of files, batched on worker threads (group commit). Making a file durable under its final
// name takes about eight file operations (open, write, fsync and close the temp file, rename it, then open, fsync and
// close its directory), and each one from the event loop is a round trip to libuv's thread pool: a thread woken to
// run it and the loop woken to finish it, which on a small virtual machine costs more CPU than the system call. A
// worker runs them as plain synchronous calls instead, for every file handed over in the same turn (or while the
// workers were busy), and fsyncs each directory those files went into once; the event loop pays one message each
// way per batch. There are two workers, so that one batch's fsyncs (one after the other) do not hold up the next.
// A file's promise resolves only after its own fsync and its directory's fsync, begun after the rename, have
// returned; it rejects when any step for it failed, and then its temp file is removed.

import { Worker } from 'node:worker_threads';

export interface PlacementJob {
  /** A file in the store's temp directory: written here from `bytes`, or already complete and fsynced (`bytes` null). */
  readonly temp: string;
  readonly target: string;
  readonly bytes: Uint8Array | null;
  /** Permissions of a file written from `bytes`. */
  readonly mode: number;
}

interface Failure {
  readonly message: string;
  readonly code?: string;
}

interface Pending {
  readonly job: PlacementJob;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Runs in the worker, as CommonJS (an eval worker needs no file, so it works the same from the build, under tsx and
 * under the test runner). The target's directory is made when the rename finds it missing (the first file of a
 * shard, or a shard removed behind the store's back), and then its parent is fsynced too.
 */
const WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');

function failure(error) {
  const code = error !== null && typeof error === 'object' && typeof error.code === 'string' ? error.code : undefined;
  return { message: error instanceof Error ? error.message : String(error), code };
}

function writeDurably(job) {
  const fd = fs.openSync(job.temp, 'wx', job.mode);
  try {
    let offset = 0;
    while (offset < job.bytes.length) offset += fs.writeSync(fd, job.bytes, offset, job.bytes.length - offset);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDirectory(dir) {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

parentPort.on('message', ({ id, jobs }) => {
  const results = jobs.map(() => null);
  const dirs = new Map();
  const needs = (dir, index) => {
    const indexes = dirs.get(dir);
    if (indexes === undefined) dirs.set(dir, [index]);
    else indexes.push(index);
  };
  jobs.forEach((job, index) => {
    try {
      if (job.bytes !== null) writeDurably(job);
      const dir = path.dirname(job.target);
      try {
        fs.renameSync(job.temp, job.target);
      } catch (error) {
        if (error === null || typeof error !== 'object' || error.code !== 'ENOENT') throw error;
        const first = fs.mkdirSync(dir, { recursive: true });
        if (first !== undefined) {
          for (let made = dir; ; made = path.dirname(made)) {
            needs(path.dirname(made), index);
            if (made === first || path.dirname(made) === made) break;
          }
        }
        fs.renameSync(job.temp, job.target);
      }
      needs(dir, index);
    } catch (error) {
      results[index] = failure(error);
      try {
        fs.unlinkSync(job.temp);
      } catch {
        // Swept at the next start.
      }
    }
  });
  for (const [dir, indexes] of dirs) {
    try {
      fsyncDirectory(dir);
    } catch (error) {
      const failed = failure(error);
      for (const index of indexes) results[index] = results[index] ?? failed;
    }
  }
  parentPort.postMessage({ id, results });
});
`;

/** Worker threads by default: a second batch need not wait for the first one's fsyncs. */
const DEFAULT_WORKERS = 2;
/** Files a batch gets before the waiting ones are shared out among idle workers. */
const MIN_SHARE = 4;

interface Slot {
  worker: Worker | undefined;
  running: Pending[] | null;
}

export class BatchedFilePlacer {
  /** Batches handed to the workers so far (each may have placed many files). */
  batches = 0;
  private readonly slots: Slot[];
  private waiting: Pending[] = [];
  private scheduled = false;
  private closed = false;

  constructor(workers: number = DEFAULT_WORKERS) {
    if (!Number.isSafeInteger(workers) || workers < 1) throw new RangeError(`file placer workers must be a positive integer, got ${workers}`);
    this.slots = Array.from({ length: workers }, () => ({ worker: undefined, running: null }));
  }

  /** Resolves once the file is complete, fsynced, renamed to its target and the rename fsynced in its directory. */
  place(job: PlacementJob): Promise<void> {
    if (this.closed) return Promise.reject(new Error('file placer is closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      if (!this.scheduled && this.idle() !== undefined) {
        this.scheduled = true;
        // The next check phase: files whose data arrived in the same poll phase as this one share the batch.
        setImmediate(() => {
          this.scheduled = false;
          this.next();
        });
      }
    });
  }

  /** Stops the workers; batches in flight fail (their files were promised nothing), and later placements are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('file placer closed');
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = undefined;
        if (worker !== undefined) await worker.terminate();
        this.fail(slot, error);
      }),
    );
  }

  private idle(): Slot | undefined {
    return this.slots.find((slot) => slot.running === null);
  }

  /**
   * What is waiting goes to the idle workers, shared out when there is enough for more than one: senders in a closed
   * loop all wait for the same batch, so one worker taking everything would run every fsync one after the other.
   */
  private next(): void {
    const idle = this.slots.filter((slot) => slot.running === null);
    if (idle.length === 0 || this.waiting.length === 0) return;
    const share = Math.max(MIN_SHARE, Math.ceil(this.waiting.length / idle.length));
    for (const slot of idle) {
      if (this.waiting.length === 0) break;
      this.send(slot, this.waiting.splice(0, share));
    }
  }

  private send(slot: Slot, batch: Pending[]): void {
    slot.running = batch;
    this.batches++;
    const worker = this.started(slot);
    worker.ref();
    // The bytes are copied into the worker: the caller keeps reading them (the parser does).
    worker.postMessage({ id: this.batches, jobs: batch.map((p) => p.job) });
  }

  private started(slot: Slot): Worker {
    if (slot.worker !== undefined) return slot.worker;
    // No inherited flags: the worker needs no loader hooks or profiler of the main thread.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    worker.on('message', (message: { id: number; results: (Failure | null)[] }) => this.finished(slot, message.results));
    worker.on('error', (error: Error) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      this.fail(slot, new Error(`file placer worker failed: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      this.fail(slot, new Error(`file placer worker exited (code ${code})`));
    });
    slot.worker = worker;
    return worker;
  }

  private finished(slot: Slot, results: readonly (Failure | null)[]): void {
    const batch = slot.running ?? [];
    slot.running = null;
    batch.forEach((pending, index) => {
      const failure = results[index];
      if (failure === null || failure === undefined) pending.resolve();
      else pending.reject(Object.assign(new Error(failure.message), failure.code !== undefined ? { code: failure.code } : {}));
    });
    if (this.waiting.length > 0) this.next();
    else slot.worker?.unref();
  }

  /** The slot's batch in flight gets the error; files still waiting go to a new worker. */
  private fail(slot: Slot, error: Error): void {
    const batch = slot.running ?? [];
    slot.running = null;
    for (const pending of batch) pending.reject(error);
    if (this.closed) {
      for (const pending of this.waiting) pending.reject(error);
      this.waiting = [];
    } else if (this.waiting.length > 0) {
      this.next();
    }
  }
}

/** The process's one placer: every store's files share its batches, and its workers start on first use. */
export const sharedFilePlacer = new BatchedFilePlacer();
