import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileRawMailStore } from '../../../src/adapters/email/raw-mail-store.js';
import { RawMailTooLargeError } from '../../../src/app/email/email-ports.js';

async function* chunks(...parts: (string | Uint8Array)[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

describe('FileRawMailStore', () => {
  let dir: string;
  let store: FileRawMailStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'raw-mail-'));
    store = new FileRawMailStore({ dir });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores the bytes under their sha256 and returns them', async () => {
    const message = Buffer.concat([Buffer.from('Subject: x\r\n\r\n'), Buffer.from([0xcd, 0xb6, 0x00, 0xff])]);
    const stored = await store.put(chunks(message.subarray(0, 5), message.subarray(5)), 1000);
    const sha = createHash('sha256').update(message).digest('hex');
    expect(stored).toMatchObject({ id: `sha256:${sha}`, sha256: sha, size: message.length });
    expect(Buffer.from(stored.bytes).equals(message)).toBe(true);
    expect(Buffer.from((await store.read(sha)) ?? []).equals(message)).toBe(true);
    expect(await readdir(join(dir, sha.slice(0, 2)))).toEqual([`${sha}.eml`]);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('stores the same message once', async () => {
    const a = await store.put(chunks('same'), 100);
    const b = await store.put(chunks('sa', 'me'), 100);
    expect(b.id).toBe(a.id);
    expect(await readdir(join(dir, a.sha256.slice(0, 2)))).toHaveLength(1);
  });

  it('reads a message over the limit to its end, then refuses it and keeps nothing', async () => {
    let read = 0;
    async function* big(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 10; i++) {
        read++;
        yield new Uint8Array(100);
      }
    }
    const err = await store.put(big(), 250).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RawMailTooLargeError);
    expect(err).toMatchObject({ size: 1000, maxBytes: 250 });
    expect(read).toBe(10);
    expect((await readdir(dir)).filter((f) => f !== 'tmp')).toEqual([]);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('reads the whole message even when the disk refuses, then fails', async () => {
    await rm(join(dir, 'tmp'), { recursive: true, force: true });
    await writeFile(join(dir, 'tmp'), 'a file where the directory should be');
    const fresh = new FileRawMailStore({ dir });
    let read = 0;
    async function* source(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 3; i++) {
        read++;
        yield new Uint8Array(10);
      }
    }
    await expect(fresh.put(source(), 1000)).rejects.toThrow(/EEXIST|ENOTDIR/);
    expect(read).toBe(3);
  });

  it('keeps nothing of a message its sender cut off', async () => {
    async function* cutOff(): AsyncIterable<Uint8Array> {
      yield Buffer.from('Subject: half\r\n');
      throw Object.assign(new Error('premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    }
    await expect(store.put(cutOff(), 1000)).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
    expect((await readdir(dir)).filter((f) => f !== 'tmp')).toEqual([]);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('answers null for what it does not hold and for anything that is not a digest', async () => {
    expect(await store.read('0'.repeat(64))).toBeNull();
    expect(await store.read('../../etc/passwd')).toBeNull();
    expect(store.pathOf('ABC')).toBeNull();
  });

  it('sweeps temp files left by a crash, not fresh ones', async () => {
    await store.put(chunks('x'), 10);
    await writeFile(join(dir, 'tmp', 'old.part'), 'x');
    await writeFile(join(dir, 'tmp', 'new.part'), 'x');
    const old = new Date(Date.now() - 2 * 3600_000);
    await utimes(join(dir, 'tmp', 'old.part'), old, old);
    expect(await store.sweepTemp()).toBe(1);
    expect(await readdir(join(dir, 'tmp'))).toEqual(['new.part']);
  });
});
