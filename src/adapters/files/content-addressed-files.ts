// Files named by the sha256 of their bytes (`<dir>/<aa>/<sha256><extension>`), shared by the attachment store and
// the raw-mail store. A name from outside never becomes a path, and the same bytes written twice are stored once.
// Writes go to `<dir>/tmp/` first and are renamed into place only when complete and fsynced (the directory entry
// too), so a crash or a refused write never leaves a partial file under a content address.
// Placing a complete file (the rename, and the fsyncs that make it durable) is done by a worker thread in batches
// (batched-file-placer.ts), so files arriving together share the work; bytes already in memory are written there too.
// A file is renamed over whatever is under its address (missing, stored before, or a damaged leftover): the same
// address means the same bytes, so the new, verified copy replacing it atomically leaves one complete copy either way.

import { createHash, randomUUID } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { sharedFilePlacer } from './batched-file-placer.js';
import type { BatchedFilePlacer } from './batched-file-placer.js';

export interface ContentAddressedFilesOptions {
  /** Created when missing. */
  readonly dir: string;
  /** Appended to the sha256 in file names, e.g. `.eml` (default: nothing). */
  readonly extension?: string;
  /** Who places complete files (default: the process's shared placer). */
  readonly placer?: BatchedFilePlacer;
}

export interface CommittedFile {
  readonly sha256: string;
  readonly size: number;
}

/** A file being written: `write` its bytes, then `commit` it under its sha256; `discard` in a `finally`. */
export interface PendingFile {
  write(chunk: Uint8Array): Promise<void>;
  /** Fsyncs and closes the file and moves it to its content address, durably. */
  commit(): Promise<CommittedFile>;
  /** Closes and removes the temp file unless it was committed; never throws, so it cannot hide the error that led here. */
  discard(): Promise<void>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** The folders files are spread over: the first two hex digits of their sha256. */
const SHARD = /^[0-9a-f]{2}$/;
/** Temp files older than this are leftovers of a crash, not writes in progress. */
const STALE_TEMP_MS = 60 * 60 * 1000;
const FILE_MODE = 0o640;

export class ContentAddressedFiles {
  readonly dir: string;
  private readonly extension: string;
  private readonly tmpDir: string;
  private readonly placer: BatchedFilePlacer;
  private ready: Promise<void> | undefined;

  constructor(options: ContentAddressedFilesOptions) {
    if (typeof options.dir !== 'string' || options.dir === '') throw new TypeError('ContentAddressedFiles: dir must be a directory path');
    this.dir = options.dir;
    this.extension = options.extension ?? '';
    this.tmpDir = join(options.dir, 'tmp');
    this.placer = options.placer ?? sharedFilePlacer;
  }

  /** Creates the directories now rather than at the first write (resolves at once after the first time). */
  prepare(): Promise<void> {
    return this.ensureDirs();
  }

  /** Opens a new temp file (creating the directories on first use). */
  async create(): Promise<PendingFile> {
    await this.ensureDirs();
    const tempPath = this.tempPath();
    const handle = await open(tempPath, 'wx', FILE_MODE);
    return new TempFile(tempPath, handle, (sha256) => this.placer.place({ temp: tempPath, target: this.target(sha256), bytes: null, mode: FILE_MODE }));
  }

  /**
   * Stores bytes already in memory, with the guarantees of create/write/commit: the hash is taken once, from the
   * whole buffer, and the file is written, fsynced and placed in one go by the placer.
   */
  async put(bytes: Uint8Array): Promise<CommittedFile> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await this.ensureDirs();
    await this.placer.place({ temp: this.tempPath(), target: this.target(sha256), bytes, mode: FILE_MODE });
    return { sha256, size: bytes.length };
  }

  async read(sha256: string): Promise<Uint8Array | null> {
    const path = this.pathOf(sha256);
    if (path === null) return null;
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async has(sha256: string): Promise<boolean> {
    const path = this.pathOf(sha256);
    if (path === null) return false;
    try {
      return (await stat(path)).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Where the content is stored; `null` for anything that is not a lower-case hex sha256, so no caller-supplied string reaches the file system. */
  pathOf(sha256: string): string | null {
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) return null;
    return this.target(sha256);
  }

  /**
   * Removes temp files left behind by a crash (older than an hour, so writes in progress are untouched).
   * Call once at start-up; returns how many were removed.
   */
  async sweepTemp(now: number = Date.now(), olderThanMs: number = STALE_TEMP_MS): Promise<number> {
    await this.ensureDirs();
    let removed = 0;
    for (const name of await readdir(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      try {
        const info = await stat(path);
        if (info.isFile() && now - info.mtimeMs > olderThanMs) {
          await unlink(path);
          removed++;
        }
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return removed;
  }

  /**
   * Deletes stored files last written before `cutoffMs` (storing the same bytes again renews a file); returns how
   * many. A store of the same bytes racing the sweep keeps its file: each old file is first moved aside and deleted
   * only if what was moved is still the old copy; a fresh one is moved back (the same bytes, whatever is there now).
   */
  async sweepOlderThan(cutoffMs: number): Promise<number> {
    await this.ensureDirs();
    let removed = 0;
    for await (const path of this.storedFiles()) {
      try {
        if ((await stat(path)).mtimeMs >= cutoffMs) continue;
        const aside = this.tempPath();
        await rename(path, aside);
        if ((await stat(aside)).mtimeMs >= cutoffMs) {
          await rename(aside, path);
          continue;
        }
        await unlink(aside);
        removed++;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return removed;
  }

  /** How many files `sweepOlderThan` would delete now; reads only (a store with no folder yet has none). */
  async countOlderThan(cutoffMs: number): Promise<number> {
    let count = 0;
    for await (const path of this.storedFiles()) {
      try {
        if ((await stat(path)).mtimeMs < cutoffMs) count++;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return count;
  }

  /** Every stored file's path (shard folders and names checked: nothing else in the folder is touched). */
  private async *storedFiles(): AsyncGenerator<string> {
    let shards: string[];
    try {
      shards = await readdir(this.dir);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    for (const shard of shards) {
      if (!SHARD.test(shard)) continue;
      let names: string[];
      try {
        names = await readdir(join(this.dir, shard));
      } catch (error) {
        if (isNotFound(error)) continue;
        throw error;
      }
      for (const name of names) {
        const sha256 = name.slice(0, name.length - this.extension.length);
        if (name.endsWith(this.extension) && SHA256_HEX.test(sha256) && sha256.slice(0, 2) === shard) yield join(this.dir, shard, name);
      }
    }
  }

  private tempPath(): string {
    return join(this.tmpDir, `${randomUUID()}.part`);
  }

  /** The address of a sha256 this store computed itself (`pathOf` for one from outside). */
  private target(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), `${sha256}${this.extension}`);
  }

  private ensureDirs(): Promise<void> {
    this.ready ??= mkdir(this.tmpDir, { recursive: true }).then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }
}

class TempFile implements PendingFile {
  private readonly hash: Hash = createHash('sha256');
  private size = 0;
  private handle: FileHandle | undefined;
  private committed = false;

  constructor(
    private readonly path: string,
    handle: FileHandle,
    private readonly place: (sha256: string) => Promise<void>,
  ) {
    this.handle = handle;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.handle === undefined) throw new Error('ContentAddressedFiles: write after commit or discard');
    this.hash.update(chunk);
    await writeAll(this.handle, chunk);
    this.size += chunk.length;
  }

  async commit(): Promise<CommittedFile> {
    const handle = this.handle;
    if (handle === undefined) throw new Error('ContentAddressedFiles: commit after commit or discard');
    await handle.sync();
    await handle.close();
    this.handle = undefined;
    const sha256 = this.hash.digest('hex');
    await this.place(sha256);
    this.committed = true;
    return { sha256, size: this.size };
  }

  async discard(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle !== undefined) await handle.close().catch(() => undefined);
    // A temp file that cannot be removed now is swept at the next start.
    if (!this.committed) await unlink(this.path).catch(() => undefined);
  }
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}
