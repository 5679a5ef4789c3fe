// Attachment bytes on disk, addressed by their sha256 (`<dir>/<aa>/<sha256>`): the same photo sent twice is stored
// once, a reference can never point at other bytes, and a file name from a citizen never becomes a path.
// Writes go to `<dir>/tmp/` first and are renamed into place only when complete, checked and fsynced, so a crash
// or a refused upload never leaves a partial file under a content address.

import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AttachmentRejectedError } from '../../app/intake/intake-ports.js';
import type { AttachmentInput, AttachmentProblem, AttachmentStore } from '../../app/intake/intake-ports.js';
import { MAX_SNIFF_BYTES, reconcileDeclaredType, sniffMedia } from '../../domain/intake/media-types.js';
import { safeFileName } from '../../domain/intake/safe-file-name.js';
import type { AttachmentRef } from '../../domain/intake/submission.js';

export interface ContentStoreOptions {
  /** Where the store lives, e.g. `DATA_DIR/attachments`; created when missing. */
  readonly dir: string;
  /** Largest attachment accepted, in bytes. */
  readonly maxBytes: number;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Temp files older than this are leftovers of a crash, not uploads in progress. */
const STALE_TEMP_MS = 60 * 60 * 1000;
const FILE_MODE = 0o640;

export class ContentStore implements AttachmentStore {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly tmpDir: string;
  private ready: Promise<void> | undefined;

  constructor(options: ContentStoreOptions) {
    if (typeof options.dir !== 'string' || options.dir === '') throw new TypeError('ContentStore: dir must be a directory path');
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 1) {
      throw new RangeError(`ContentStore: maxBytes must be a positive whole number of bytes, got ${options.maxBytes}`);
    }
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
    this.tmpDir = join(options.dir, 'tmp');
  }

  async put(bytes: AsyncIterable<Uint8Array> | Uint8Array, input: AttachmentInput): Promise<AttachmentRef> {
    await this.ensureDirs();
    const originalName = safeFileName(input.originalName);
    const reject = (problem: AttachmentProblem, message: string): never => {
      throw new AttachmentRejectedError(problem, message, originalName);
    };
    const tempPath = join(this.tmpDir, `${randomUUID()}.part`);
    let handle: FileHandle | undefined = await open(tempPath, 'wx', FILE_MODE);
    let placed = false;
    try {
      const hash = createHash('sha256');
      const head = new Uint8Array(MAX_SNIFF_BYTES);
      let headLength = 0;
      let size = 0;
      let sniffed = false;
      for await (const chunk of chunksOf(bytes)) {
        if (chunk.length === 0) continue;
        size += chunk.length;
        if (size > this.maxBytes) reject('too_large', `attachment is larger than ${this.maxBytes} bytes`);
        if (headLength < MAX_SNIFF_BYTES) {
          const take = chunk.subarray(0, MAX_SNIFF_BYTES - headLength);
          head.set(take, headLength);
          headLength += take.length;
        }
        // Refuse a disallowed type as soon as its magic bytes are in, not after the whole upload.
        if (!sniffed && headLength === MAX_SNIFF_BYTES) {
          sniffed = true;
          if (sniffMedia(head) === null) reject('type_not_allowed', 'attachment type is not allowed');
        }
        hash.update(chunk);
        await writeAll(handle, chunk);
      }
      if (size === 0) reject('empty', 'attachment is empty');
      const media = sniffMedia(head.subarray(0, headLength));
      if (media === null) return reject('type_not_allowed', 'attachment type is not allowed');
      const reconciled = reconcileDeclaredType(media, input.declaredMimeType);
      if (reconciled === 'mismatch') {
        const declared = (input.declaredMimeType ?? '').slice(0, 100);
        return reject('type_mismatch', `attachment was declared as ${declared} but is ${media.mimeType}`);
      }
      await handle.sync();
      await handle.close();
      handle = undefined;

      const sha256 = hash.digest('hex');
      await this.place(tempPath, sha256, size);
      placed = true;
      return {
        id: `sha256:${sha256}`,
        mediaKind: reconciled.mediaKind,
        mimeType: reconciled.mimeType,
        size,
        sha256,
        ...(originalName !== undefined ? { originalName } : {}),
      };
    } finally {
      if (handle !== undefined) await handle.close().catch(() => undefined);
      // Best effort: a temp file that cannot be removed now is swept at the next start, and must not hide the
      // rejection or error that got us here.
      if (!placed) await unlinkQuietly(tempPath).catch(() => undefined);
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

  /**
   * Where the content is stored, for streaming it out (`fs.createReadStream`); `null` for anything that is not a
   * sha256 in lower-case hex, so no caller-supplied string can reach the file system.
   */
  pathOf(sha256: string): string | null {
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) return null;
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  /**
   * Removes temp files left behind by a crash (older than an hour, so uploads in progress are untouched).
   * Call once at startup; returns how many were removed.
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

  /** Moves a complete, fsynced temp file to its content address and makes the rename itself durable. */
  private async place(tempPath: string, sha256: string, size: number): Promise<void> {
    const shard = join(this.dir, sha256.slice(0, 2));
    const target = join(shard, sha256);
    const created = await mkdir(shard, { recursive: true });
    if (created !== undefined) await fsyncDir(this.dir);
    const existing = await stat(target).catch((error: unknown) => {
      if (isNotFound(error)) return null;
      throw error;
    });
    if (existing !== null && existing.isFile() && existing.size === size) {
      // Same address, same length: the same bytes (sha256), stored before.
      await unlink(tempPath);
      return;
    }
    // Missing, or a damaged leftover under this address: the new, verified copy replaces it atomically.
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

async function* chunksOf(bytes: AsyncIterable<Uint8Array> | Uint8Array): AsyncIterable<Uint8Array> {
  if (bytes instanceof Uint8Array) {
    yield bytes;
    return;
  }
  yield* bytes;
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

async function unlinkQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}
