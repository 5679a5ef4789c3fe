// The durable, content-addressed file store both the attachment store and the raw-mail store are built on, on a
// real file system.

import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchedFilePlacer } from '../../../src/adapters/files/batched-file-placer.js';
import { ContentAddressedFiles } from '../../../src/adapters/files/content-addressed-files.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('ContentAddressedFiles', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'content-addressed-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('commits what was written, in chunks, under <aa>/<sha256><extension>, and leaves no temp file', async () => {
    const files = new ContentAddressedFiles({ dir, extension: '.eml' });
    const bytes = Buffer.from('Subject: 路灯\r\n\r\n坏了');
    const file = await files.create();
    await file.write(bytes.subarray(0, 7));
    await file.write(bytes.subarray(7));
    const committed = await file.commit();
    await file.discard();
    const hash = sha256(bytes);
    expect(committed).toEqual({ sha256: hash, size: bytes.length });
    expect(files.pathOf(hash)).toBe(join(dir, hash.slice(0, 2), `${hash}.eml`));
    expect((await readFile(join(dir, hash.slice(0, 2), `${hash}.eml`))).equals(bytes)).toBe(true);
    expect(Buffer.from((await files.read(hash)) ?? []).equals(bytes)).toBe(true);
    expect(await files.has(hash)).toBe(true);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('discards an uncommitted file without a trace, and refuses writes after it', async () => {
    const files = new ContentAddressedFiles({ dir });
    const file = await files.create();
    await file.write(Buffer.from('half a file'));
    await file.discard();
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    expect((await readdir(dir)).filter((name) => name !== 'tmp')).toEqual([]);
    await expect(file.write(Buffer.from('more'))).rejects.toThrow(/after commit or discard/);
    await expect(file.commit()).rejects.toThrow(/after commit or discard/);
  });

  it('keeps one copy of the same bytes, and replaces a damaged leftover under their address', async () => {
    const files = new ContentAddressedFiles({ dir });
    const bytes = Buffer.from('the same photo');
    const hash = sha256(bytes);
    await mkdir(join(dir, hash.slice(0, 2)), { recursive: true });
    await writeFile(join(dir, hash.slice(0, 2), hash), 'torn');
    for (let i = 0; i < 2; i++) {
      const file = await files.create();
      await file.write(bytes);
      await file.commit();
    }
    expect(await readdir(join(dir, hash.slice(0, 2)))).toEqual([hash]);
    expect((await readFile(join(dir, hash.slice(0, 2), hash))).equals(bytes)).toBe(true);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('stores bytes held in memory in one go, once for the same bytes, replacing a damaged leftover', async () => {
    const placer = new BatchedFilePlacer();
    try {
      const files = new ContentAddressedFiles({ dir, extension: '.eml', placer });
      const bytes = Buffer.from('Subject: 井盖\r\n\r\n丢了');
      const hash = sha256(bytes);
      await mkdir(join(dir, hash.slice(0, 2)), { recursive: true });
      await writeFile(join(dir, hash.slice(0, 2), `${hash}.eml`), 'torn');
      expect(await files.put(bytes)).toEqual({ sha256: hash, size: bytes.length });
      expect(await files.put(Buffer.from(bytes))).toEqual({ sha256: hash, size: bytes.length });
      expect(await readdir(join(dir, hash.slice(0, 2)))).toEqual([`${hash}.eml`]);
      expect(Buffer.from((await files.read(hash)) ?? []).equals(bytes)).toBe(true);
      expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    } finally {
      await placer.close();
    }
  });

  it('places files stored together, streamed or in memory, in shared batches', async () => {
    const placer = new BatchedFilePlacer();
    try {
      const files = new ContentAddressedFiles({ dir, placer });
      const many = Array.from({ length: 12 }, (_, i) => Buffer.from(`request ${i}`));
      const streamed = await files.create();
      await streamed.write(Buffer.from('a streamed attachment'));
      const stored = await Promise.all([...many.map((bytes) => files.put(bytes)), streamed.commit()]);
      await streamed.discard();
      expect(placer.batches).toBeLessThan(stored.length);
      for (const [i, bytes] of many.entries()) expect(stored[i]?.sha256).toBe(sha256(bytes));
      for (const { sha256: hash } of stored) expect(await files.has(hash)).toBe(true);
      expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    } finally {
      await placer.close();
    }
  });

  it('lets no string that is not a lower-case sha256 become a path', async () => {
    const files = new ContentAddressedFiles({ dir });
    for (const bad of ['../../etc/passwd', 'A'.repeat(64), 'a'.repeat(63), '']) {
      expect(files.pathOf(bad)).toBeNull();
      expect(await files.read(bad)).toBeNull();
      expect(await files.has(bad)).toBe(false);
    }
    expect(() => new ContentAddressedFiles({ dir: '' })).toThrow(/dir/);
  });

  it('sweeps files last stored before the cutoff, and keeps newer ones, one stored again, and what is not a stored file', async () => {
    const files = new ContentAddressedFiles({ dir, extension: '.eml' });
    const old = await files.put(Buffer.from('old mail'));
    const renewed = await files.put(Buffer.from('old mail, sent again'));
    const fresh = await files.put(Buffer.from('new mail'));
    const dayAgo = new Date(Date.now() - 86_400_000);
    for (const { sha256: hash } of [old, renewed]) await utimes(files.pathOf(hash) as string, dayAgo, dayAgo);
    await files.put(Buffer.from('old mail, sent again'));
    const stranger = join(dir, old.sha256.slice(0, 2), 'notes.txt');
    await writeFile(stranger, 'not ours');
    await utimes(stranger, dayAgo, dayAgo);
    const leftover = join(dir, 'tmp', 'x.part');
    await writeFile(leftover, 'in progress');
    await utimes(leftover, dayAgo, dayAgo);

    expect(await files.sweepOlderThan(Date.now() - 3_600_000)).toBe(1);
    expect(await files.has(old.sha256)).toBe(false);
    expect(await files.read(renewed.sha256)).toEqual(new Uint8Array(Buffer.from('old mail, sent again')));
    expect(await files.has(fresh.sha256)).toBe(true);
    expect(await readFile(stranger, 'utf8')).toBe('not ours');
    expect(await readFile(leftover, 'utf8')).toBe('in progress');
    expect((await readdir(join(dir, 'tmp'))).sort()).toEqual(['x.part']);
    expect(await files.sweepOlderThan(Date.now() - 3_600_000)).toBe(0);
  });
});
