// Every received message, byte for byte, under its sha256 (`<dir>/<aa>/<sha256>.eml`), fsynced before the SMTP
// `250`: it is the evidence of what the citizen sent, the fallback when the parser cannot read a message, and
// where a case handler finds an attachment the gateway refused. Writes go to `<dir>/tmp/` and are renamed into
// place only when complete, so a crash or an oversized message never leaves a partial file under an address.
// The same message delivered twice is stored once.
// The message is held in memory until DATA ends anyway (the parser reads it from there), so it is written to disk
// once, whole, rather than chunk by chunk as it arrives: one write and no file at all for a message refused as too
// large or cut off by its sender.

import type { RawMailStore, StoredRawMail } from '../../app/email/email-ports.js';
import { RawMailTooLargeError } from '../../app/email/email-ports.js';
import { ContentAddressedFiles } from '../files/content-addressed-files.js';

export interface FileRawMailStoreOptions {
  /** E.g. `DATA_DIR/mail`; created when missing. */
  readonly dir: string;
}

export class FileRawMailStore implements RawMailStore {
  readonly dir: string;
  private readonly files: ContentAddressedFiles;

  constructor(options: FileRawMailStoreOptions) {
    if (typeof options.dir !== 'string' || options.dir === '') throw new TypeError('FileRawMailStore: dir must be a directory path');
    this.dir = options.dir;
    this.files = new ContentAddressedFiles({ dir: options.dir, extension: '.eml' });
  }

  async put(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StoredRawMail> {
    // The store's directories are made while the message streams in, as they were when it was written as it came.
    const [received, prepared] = await Promise.allSettled([readWhole(source, maxBytes), this.files.prepare()]);
    if (received.status === 'rejected') throw received.reason;
    const { chunks, size } = received.value;
    if (size > maxBytes) throw new RawMailTooLargeError(size, maxBytes);
    if (prepared.status === 'rejected') throw prepared.reason;
    const bytes = concat(chunks, size);
    const { sha256 } = await this.files.put(bytes);
    return { id: `sha256:${sha256}`, sha256, size, bytes };
  }

  read(sha256: string): Promise<Uint8Array | null> {
    return this.files.read(sha256);
  }

  /** Where the message is stored; `null` for anything that is not a lower-case sha256, so no string becomes a path. */
  pathOf(sha256: string): string | null {
    return this.files.pathOf(sha256);
  }

  /** Removes temp files a crash left behind (older than an hour). Call once at start-up; returns how many. */
  sweepTemp(now?: number, olderThanMs?: number): Promise<number> {
    return this.files.sweepTemp(now, olderThanMs);
  }

  /** Deletes raw messages last stored before `cutoffMs` (retention); returns how many. */
  sweepOlderThan(cutoffMs: number): Promise<number> {
    return this.files.sweepOlderThan(cutoffMs);
  }
}

/**
 * The whole message is always read, even past the limit or when the disk refused: the SMTP session can only answer
 * once the client's DATA has ended. What lies past the limit is counted, not kept.
 */
async function readWhole(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<{ chunks: Uint8Array[]; size: number }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size <= maxBytes) chunks.push(chunk);
  }
  return { chunks, size };
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
