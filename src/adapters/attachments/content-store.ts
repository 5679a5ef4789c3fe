// Attachment bytes on disk, addressed by their sha256 (`<dir>/<aa>/<sha256>`): the same photo sent twice is stored
// once, a reference can never point at other bytes, and a file name from a citizen never becomes a path.
// Writes go to `<dir>/tmp/` first and are renamed into place only when complete, checked and fsynced, so a crash
// or a refused upload never leaves a partial file under a content address.

import { AttachmentRejectedError } from '../../app/intake/intake-ports.js';
import type { AttachmentInput, AttachmentProblem, AttachmentStore } from '../../app/intake/intake-ports.js';
import { MAX_SNIFF_BYTES, reconcileDeclaredType, sniffMedia } from '../../domain/intake/media-types.js';
import type { SniffedMedia } from '../../domain/intake/media-types.js';
import { safeFileName } from '../../domain/intake/safe-file-name.js';
import type { AttachmentRef } from '../../domain/intake/submission.js';
import { ContentAddressedFiles } from '../files/content-addressed-files.js';

export interface ContentStoreOptions {
  /** Where the store lives, e.g. `DATA_DIR/attachments`; created when missing. */
  readonly dir: string;
  /** Largest attachment accepted, in bytes. */
  readonly maxBytes: number;
}

export class ContentStore implements AttachmentStore {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly files: ContentAddressedFiles;

  constructor(options: ContentStoreOptions) {
    if (typeof options.dir !== 'string' || options.dir === '') throw new TypeError('ContentStore: dir must be a directory path');
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 1) {
      throw new RangeError(`ContentStore: maxBytes must be a positive whole number of bytes, got ${options.maxBytes}`);
    }
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
    this.files = new ContentAddressedFiles({ dir: options.dir });
  }

  async put(bytes: AsyncIterable<Uint8Array> | Uint8Array, input: AttachmentInput): Promise<AttachmentRef> {
    const originalName = safeFileName(input.originalName);
    const reject = (problem: AttachmentProblem, message: string): never => {
      throw new AttachmentRejectedError(problem, message, originalName);
    };
    if (bytes instanceof Uint8Array) {
      // Already in memory (mail, WeChat media, recordings): checked whole, then written, fsynced and placed by the
      // file placer's worker in one go, as raw mail is, rather than through a temp file from the event loop.
      if (bytes.length > this.maxBytes) reject('too_large', `attachment is larger than ${this.maxBytes} bytes`);
      const reconciled = checkType(bytes.subarray(0, MAX_SNIFF_BYTES), bytes.length, input, reject);
      const { sha256 } = await this.files.put(bytes);
      return attachmentRef(sha256, bytes.length, reconciled, originalName);
    }
    const file = await this.files.create();
    try {
      const head = new Uint8Array(MAX_SNIFF_BYTES);
      let headLength = 0;
      let size = 0;
      let sniffed = false;
      for await (const chunk of bytes) {
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
        await file.write(chunk);
      }
      const reconciled = checkType(head.subarray(0, headLength), size, input, reject);
      const { sha256 } = await file.commit();
      return attachmentRef(sha256, size, reconciled, originalName);
    } finally {
      await file.discard();
    }
  }

  read(sha256: string): Promise<Uint8Array | null> {
    return this.files.read(sha256);
  }

  has(sha256: string): Promise<boolean> {
    return this.files.has(sha256);
  }

  /**
   * Where the content is stored, for streaming it out (`fs.createReadStream`); `null` for anything that is not a
   * sha256 in lower-case hex, so no caller-supplied string can reach the file system.
   */
  pathOf(sha256: string): string | null {
    return this.files.pathOf(sha256);
  }

  /**
   * Removes temp files left behind by a crash (older than an hour, so uploads in progress are untouched).
   * Call once at startup; returns how many were removed.
   */
  sweepTemp(now?: number, olderThanMs?: number): Promise<number> {
    return this.files.sweepTemp(now, olderThanMs);
  }

  /** Deletes attachments last stored before `cutoffMs` (retention); returns how many. */
  sweepOlderThan(cutoffMs: number): Promise<number> {
    return this.files.sweepOlderThan(cutoffMs);
  }
}

/** What a complete attachment is, from its first bytes; refuses an empty one, a disallowed type, or a false label. */
function checkType(head: Uint8Array, size: number, input: AttachmentInput, reject: (problem: AttachmentProblem, message: string) => never): SniffedMedia {
  if (size === 0) reject('empty', 'attachment is empty');
  const media = sniffMedia(head);
  if (media === null) return reject('type_not_allowed', 'attachment type is not allowed');
  const reconciled = reconcileDeclaredType(media, input.declaredMimeType);
  if (reconciled === 'mismatch') {
    const declared = (input.declaredMimeType ?? '').slice(0, 100);
    return reject('type_mismatch', `attachment was declared as ${declared} but is ${media.mimeType}`);
  }
  return reconciled;
}

function attachmentRef(sha256: string, size: number, reconciled: SniffedMedia, originalName: string | undefined): AttachmentRef {
  return {
    id: `sha256:${sha256}`,
    mediaKind: reconciled.mediaKind,
    mimeType: reconciled.mimeType,
    size,
    sha256,
    ...(originalName !== undefined ? { originalName } : {}),
  };
}
