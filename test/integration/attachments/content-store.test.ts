import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentStore } from '../../../src/adapters/attachments/content-store.js';
import { sharedFilePlacer } from '../../../src/adapters/files/batched-file-placer.js';
import { AttachmentRejectedError } from '../../../src/app/intake/intake-ports.js';

const JPEG_HEAD = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00];
const PDF_HEAD = [...'%PDF-1.7\n'].map((c) => c.charCodeAt(0));

function file(head: number[], size: number, fill = 0x41): Uint8Array {
  const bytes = new Uint8Array(size).fill(fill);
  bytes.set(head.slice(0, size));
  return bytes;
}
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Yields `bytes` in chunks, counting how many were pulled (to prove an early abort). */
function chunked(bytes: Uint8Array, chunkSize: number): AsyncIterable<Uint8Array> & { pulled: number; returned: boolean } {
  const state = {
    pulled: 0,
    returned: false,
    async *[Symbol.asyncIterator]() {
      try {
        for (let offset = 0; offset < bytes.length; offset += chunkSize) {
          state.pulled++;
          yield bytes.subarray(offset, offset + chunkSize);
        }
      } finally {
        state.returned = true;
      }
    },
  };
  return state;
}

async function rejection(promise: Promise<unknown>): Promise<AttachmentRejectedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AttachmentRejectedError) return error;
    throw error;
  }
  throw new Error('expected the put to be rejected');
}

describe('ContentStore', () => {
  let dir: string;
  let store: ContentStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'content-store-'));
    store = new ContentStore({ dir: join(dir, 'attachments'), maxBytes: 100_000 });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Temp files left in the store; a store that never wrote (bytes in memory, refused before any write) has none. */
  const tmpFiles = () =>
    readdir(join(dir, 'attachments', 'tmp')).catch((err: unknown) => {
      if ((err as { code?: unknown }).code === 'ENOENT') return [];
      throw err;
    });

  it('stores bytes under their sha256 and returns the reference', async () => {
    const bytes = file(JPEG_HEAD, 5000);
    const hash = sha256(bytes);
    const batches = sharedFilePlacer.batches;
    const ref = await store.put(bytes, { originalName: '../../照片 1.jpg', declaredMimeType: 'image/jpeg' });
    // Bytes already in memory are written and placed by the placer's worker, not streamed from the event loop.
    expect(sharedFilePlacer.batches).toBeGreaterThan(batches);
    expect(ref).toEqual({ id: `sha256:${hash}`, mediaKind: 'image', mimeType: 'image/jpeg', size: 5000, sha256: hash, originalName: '照片 1.jpg' });
    const path = join(dir, 'attachments', hash.slice(0, 2), hash);
    expect((await stat(path)).size).toBe(5000);
    expect(await store.read(hash)).toEqual(bytes);
    expect(await store.has(hash)).toBe(true);
    expect(store.pathOf(hash)).toBe(path);
    expect(await tmpFiles()).toEqual([]);
  });

  it('streams chunked input and takes the type from the bytes, not the name', async () => {
    const bytes = file(PDF_HEAD, 70_000);
    const ref = await store.put(chunked(bytes, 3), { originalName: 'scan.jpg' });
    expect(ref).toMatchObject({ mediaKind: 'document', mimeType: 'application/pdf', size: 70_000, sha256: sha256(bytes), originalName: 'scan.jpg' });
    expect(await store.read(ref.sha256)).toEqual(bytes);
  });

  it('stores the same content once', async () => {
    const bytes = file(JPEG_HEAD, 1000);
    const [a, b] = await Promise.all([store.put(bytes, {}), store.put(chunked(bytes, 100), { originalName: 'copy.jpg' })]);
    expect(a.sha256).toBe(b.sha256);
    expect(a.originalName).toBeUndefined();
    expect(b.originalName).toBe('copy.jpg');
    const c = await store.put(bytes, {});
    expect(c).toEqual(a);
    expect(await readdir(join(dir, 'attachments', a.sha256.slice(0, 2)))).toEqual([a.sha256]);
    expect(await tmpFiles()).toEqual([]);
  });

  it('accepts exactly maxBytes and refuses one more, aborting the stream early', async () => {
    const small = new ContentStore({ dir: join(dir, 'small'), maxBytes: 1024 });
    await expect(small.put(file(JPEG_HEAD, 1024), {})).resolves.toMatchObject({ size: 1024 });
    const big = chunked(file(JPEG_HEAD, 1_000_000), 256);
    const error = await rejection(small.put(big, { originalName: 'big.jpg' }));
    expect(error).toMatchObject({ code: 'ATTACHMENT_REJECTED', problem: 'too_large', originalName: 'big.jpg' });
    expect(big.pulled).toBe(5);
    expect(big.returned).toBe(true);
    expect(await readdir(join(dir, 'small', 'tmp'))).toEqual([]);
  });

  it.each<[string, Uint8Array]>([
    ['an executable', file([0x4d, 0x5a, 0x90, 0x00], 5000)],
    ['HTML', new TextEncoder().encode('<html><script>alert(1)</script></html>'.padEnd(3000, ' '))],
    ['SVG', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
    ['a zip', file([0x50, 0x4b, 0x03, 0x04], 2000)],
    ['a short text', new TextEncoder().encode('hi')],
  ])('refuses %s and leaves nothing behind', async (_name, bytes) => {
    const error = await rejection(store.put(chunked(bytes, 16), { originalName: 'x.jpg' }));
    expect(error.problem).toBe('type_not_allowed');
    expect(await tmpFiles()).toEqual([]);
    expect(await store.has(sha256(bytes))).toBe(false);
  });

  it('refuses a disallowed type as soon as its head is in', async () => {
    const exe = chunked(file([0x4d, 0x5a], 1_000_000), 32);
    expect((await rejection(store.put(exe, {}))).problem).toBe('type_not_allowed');
    expect(exe.pulled).toBe(2);
  });

  it('refuses empty input', async () => {
    expect((await rejection(store.put(new Uint8Array(0), {}))).problem).toBe('empty');
    expect((await rejection(store.put(chunked(new Uint8Array(0), 10), {}))).problem).toBe('empty');
    expect(await tmpFiles()).toEqual([]);
  });

  it('refuses content disguised as another kind', async () => {
    const error = await rejection(store.put(file(PDF_HEAD, 500), { originalName: 'photo.jpg', declaredMimeType: 'image/jpeg' }));
    expect(error.problem).toBe('type_mismatch');
    expect(error.message).toContain('application/pdf');
    expect(await tmpFiles()).toEqual([]);
  });

  it('removes the temp file when the source fails mid-way', async () => {
    const failing: AsyncIterable<Uint8Array> = {
      async *[Symbol.asyncIterator]() {
        yield file(JPEG_HEAD, 4096);
        throw new Error('connection reset');
      },
    };
    await expect(store.put(failing, {})).rejects.toThrow('connection reset');
    expect(await tmpFiles()).toEqual([]);
  });

  it('answers null / false for unknown or malformed addresses, without touching other paths', async () => {
    await writeFile(join(dir, 'secret'), 'x');
    for (const bad of ['', '../secret', '../../secret', 'A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(64)}/..`, 'sha256:' + 'a'.repeat(64)]) {
      expect(await store.read(bad)).toBeNull();
      expect(await store.has(bad)).toBe(false);
      expect(store.pathOf(bad)).toBeNull();
    }
    expect(await store.read('f'.repeat(64))).toBeNull();
    expect(await store.has('f'.repeat(64))).toBe(false);
  });

  it('sweeps only stale temp files', async () => {
    await store.put(file(JPEG_HEAD, 100), {});
    const tmp = join(dir, 'attachments', 'tmp');
    await writeFile(join(tmp, 'stale.part'), 'x');
    await writeFile(join(tmp, 'fresh.part'), 'x');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(tmp, 'stale.part'), old, old);
    expect(await store.sweepTemp()).toBe(1);
    expect(await tmpFiles()).toEqual(['fresh.part']);
  });

  it('refuses a bad configuration', () => {
    expect(() => new ContentStore({ dir: '', maxBytes: 10 })).toThrow(/dir/);
    expect(() => new ContentStore({ dir, maxBytes: 0 })).toThrow(/maxBytes/);
    expect(() => new ContentStore({ dir, maxBytes: 1.5 })).toThrow(/maxBytes/);
  });
});
