// Every received message, byte for byte, under its sha256 (`<dir>/<aa>/<sha256>.eml`), fsynced before the SMTP
// `250`: it is the evidence of what the citizen sent, the fallback when the parser cannot read a message, and
// where a case handler finds an attachment the gateway refused. Writes go to `<dir>/tmp/` and are renamed into
// place only when complete, so a crash or an oversized message never leaves a partial file under an address.
// The same message delivered twice is stored once.

import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { RawMailStore, StoredRawMail } from '../../app/email/email-ports.js';
import { RawMailTooLargeError } from '../../app/email/email-ports.js';

export interface FileRawMailStoreOptions {
  /** E.g. `DATA_DIR/mail`; created when missing. */
  readonly dir: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const FILE_MODE = 0o640;
/** Temp files older than this are leftovers of a crash, not messages being received. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export class FileRawMailStore implements RawMailStore {
  readonly dir: string;
  private readonly tmpDir: string;
  private ready: Promise<void> | undefined;

  constructor(options: FileRawMailStoreOptions) {
    if (typeof options.dir !== 'string' || options.dir === '') throw new TypeError('FileRawMailStore: dir must be a directory path');
    this.dir = options.dir;
    this.tmpDir = join(options.dir, 'tmp');
  }

  async put(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StoredRawMail> {
    let handle: FileHandle | undefined;
    let tempPath: string | undefined;
    let failure: unknown;
    try {
      await this.ensureDirs();
      tempPath = join(this.tmpDir, `${randomUUID()}.part`);
      handle = await open(tempPath, 'wx', FILE_MODE);
    } catch (err) {
      failure = err;
    }
    const hash = createHash('sha256');
    const chunks: Uint8Array[] = [];
    let size = 0;
    let placed = false;
    try {
      // The whole message is always read, even after a failure or past the limit: the SMTP session can only
      // answer once the client's DATA has ended.
      for await (const chunk of source) {
        size += chunk.length;
        if (failure !== undefined || size > maxBytes) continue;
        hash.update(chunk);
        chunks.push(chunk);
        try {
          if (handle !== undefined) await writeAll(handle, chunk);
        } catch (err) {
          failure = err;
        }
      }
      if (size > maxBytes) throw new RawMailTooLargeError(size, maxBytes);
      if (failure !== undefined || handle === undefined || tempPath === undefined) throw failure;
      await handle.sync();
      await handle.close();
      handle = undefined;
      const sha256 = hash.digest('hex');
      await this.place(tempPath, sha256, size);
      placed = true;
      return { id: `sha256:${sha256}`, sha256, size, bytes: concat(chunks, size) };
    } finally {
      if (handle !== undefined) await handle.close().catch(() => undefined);
      if (!placed && tempPath !== undefined) await unlink(tempPath).catch(() => undefined);
    }
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

  /** Where the message is stored; `null` for anything that is not a lower-case sha256, so no string becomes a path. */
  pathOf(sha256: string): string | null {
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) return null;
    return join(this.dir, sha256.slice(0, 2), `${sha256}.eml`);
  }

  /** Removes temp files a crash left behind (older than an hour). Call once at start-up; returns how many. */
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

  private async place(tempPath: string, sha256: string, size: number): Promise<void> {
    const shard = join(this.dir, sha256.slice(0, 2));
    const target = join(shard, `${sha256}.eml`);
    const created = await mkdir(shard, { recursive: true });
    if (created !== undefined) await fsyncDir(this.dir);
    const existing = await stat(target).catch((error: unknown) => {
      if (isNotFound(error)) return null;
      throw error;
    });
    if (existing !== null && existing.isFile() && existing.size === size) {
      await unlink(tempPath);
      return;
    }
    await rename(tempPath, target);
    await fsyncDir(shard);
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

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

async function fsyncDir(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}
