// The worker that makes files durable in batches (group commit), on a real file system.

import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchedFilePlacer } from '../../../src/adapters/files/batched-file-placer.js';
import type { PlacementJob } from '../../../src/adapters/files/batched-file-placer.js';

describe('BatchedFilePlacer', () => {
  let dir: string;
  let tmp: string;
  let placer: BatchedFilePlacer;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-placer-'));
    tmp = join(dir, 'tmp');
    await mkdir(tmp);
    // One worker, so that what goes in which batch is the batching alone.
    placer = new BatchedFilePlacer(1);
  });

  afterEach(async () => {
    await placer.close();
    await rm(dir, { recursive: true, force: true });
  });

  const job = (name: string, text: string, shard = 'aa'): PlacementJob => ({
    temp: join(tmp, `${name}.part`),
    target: join(dir, shard, name),
    bytes: Buffer.from(text),
    mode: 0o640,
  });

  it('writes and places every file handed over in the same turn in one batch, making missing directories', async () => {
    const jobs = Array.from({ length: 20 }, (_, i) => job(`file-${i}`, `content ${i}`, i % 2 === 0 ? 'aa' : 'bb'));
    await Promise.all(jobs.map((j) => placer.place(j)));
    expect(placer.batches).toBe(1);
    for (const [i, j] of jobs.entries()) expect(await readFile(j.target, 'utf8')).toBe(`content ${i}`);
    expect((await stat(jobs[0]?.target ?? '')).mode & 0o777).toBe(0o640);
    expect(await readdir(tmp)).toEqual([]);
    expect((await readdir(join(dir, 'aa'))).length + (await readdir(join(dir, 'bb'))).length).toBe(20);
  });

  it('sends what arrives while a batch runs in the next batch, together', async () => {
    const first = placer.place(job('first', 'one'));
    // The first batch is handed over in the check phase; the worker is still starting when the rest arrive.
    await new Promise((resolve) => setImmediate(resolve));
    const rest = Array.from({ length: 10 }, (_, i) => placer.place(job(`later-${i}`, `later ${i}`)));
    await Promise.all([first, ...rest]);
    expect(placer.batches).toBe(2);
    expect((await readdir(join(dir, 'aa'))).sort()).toEqual(['first', ...Array.from({ length: 10 }, (_, i) => `later-${i}`)].sort());
  });

  it('shares a big batch out among idle workers, and keeps a small one whole', async () => {
    const two = new BatchedFilePlacer(2);
    try {
      await Promise.all(Array.from({ length: 3 }, (_, i) => two.place(job(`small-${i}`, 'x'))));
      expect(two.batches).toBe(1);
      await Promise.all(Array.from({ length: 20 }, (_, i) => two.place(job(`big-${i}`, 'y', 'bb'))));
      expect(two.batches).toBe(3);
      expect(await readdir(join(dir, 'bb'))).toHaveLength(20);
      expect(await readdir(tmp)).toEqual([]);
    } finally {
      await two.close();
    }
  });

  it('renames a temp file written and fsynced before (no bytes), replacing what was under the target', async () => {
    await mkdir(join(dir, 'aa'));
    await writeFile(join(dir, 'aa', 'photo'), 'torn');
    await writeFile(join(tmp, 'photo.part'), 'the whole photo');
    await placer.place({ temp: join(tmp, 'photo.part'), target: join(dir, 'aa', 'photo'), bytes: null, mode: 0o640 });
    expect(await readFile(join(dir, 'aa', 'photo'), 'utf8')).toBe('the whole photo');
    expect(await readdir(tmp)).toEqual([]);
  });

  it('fails only the file that cannot be placed, with its error code, and removes its temp file', async () => {
    await writeFile(join(dir, 'blocked'), 'a file where a directory should be');
    const bad = { ...job('bad', 'x'), target: join(dir, 'blocked', 'bad') };
    const results = await Promise.allSettled([placer.place(job('good-1', 'a')), placer.place(bad), placer.place(job('good-2', 'b'))]);
    expect(placer.batches).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'ENOTDIR' });
    expect(await readFile(join(dir, 'aa', 'good-2'), 'utf8')).toBe('b');
    expect(await readdir(tmp)).toEqual([]);
  });

  it('fails a file whose temp name is taken instead of writing over it', async () => {
    await writeFile(join(tmp, 'taken.part'), 'someone else is writing this');
    await expect(placer.place(job('taken', 'mine'))).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(stat(join(dir, 'aa', 'taken'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('once closed, fails the batch in flight and refuses more', async () => {
    const inFlight = placer.place(job('late', 'x'));
    await new Promise((resolve) => setImmediate(resolve));
    await placer.close();
    await expect(inFlight).rejects.toThrow(/closed|exited/);
    await expect(placer.place(job('after', 'y'))).rejects.toThrow(/closed/);
  });

  it('refuses a worker count that is not a positive whole number', () => {
    expect(() => new BatchedFilePlacer(0)).toThrow(RangeError);
    expect(() => new BatchedFilePlacer(1.5)).toThrow(RangeError);
  });
});
