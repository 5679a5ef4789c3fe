// Given the local spool on a real file system, when submissions are appended, sealed, discarded, torn by a crash
// or refused by the disk, then what was acknowledged is read back after a restart and nothing else is.

import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeLine, encodeLine, FileSpool } from '../../../src/adapters/intake/file-spool.js';
import type { SpoolEntry } from '../../../src/app/intake/durable-intake-ports.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';
import { recordingLog } from '../../support/logs.js';

let dir: string;
const open: FileSpool[] = [];

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'spool-test-')), 'spool');
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await rm(join(dir, '..'), { recursive: true, force: true });
});

async function openSpool(log = recordingLog().log): Promise<FileSpool> {
  const spool = await FileSpool.open(dir, log);
  open.push(spool);
  return spool;
}

function entry(n: number): SpoolEntry {
  const submission: Submission = {
    schemaVersion: 1,
    id: `01HZZZZZZZZZZZZZZZZZZZZ${String(n).padStart(3, '0')}`,
    ticket: ticketFromSequence(n),
    channel: 'web',
    receivedAt: new Date(Date.UTC(2030, 0, 1, 0, 0, n)).toISOString(),
    kind: 'help',
    category: 'other',
    text: `第${n}条 "引号" 和换行\n也要留住`,
    language: 'zh',
    contact: { anonymous: false, phone: '13812345678' },
    attachments: [],
    refs: {},
    hints: {},
    priority: 5,
  };
  return { dedupKey: `web:k:${n}`, fingerprint: `fp${n}`, submission };
}

async function segmentFiles(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('segment-')).sort();
}

describe('FileSpool', () => {
  it('reads back after a restart exactly what was acknowledged, in order', async () => {
    const spool = await openSpool();
    const entries = Array.from({ length: 50 }, (_, i) => entry(i + 1));
    // All at once: they share writes and fsyncs (group commit) but keep their order.
    const stored = await Promise.all(entries.map((e) => spool.append(e)));
    expect(stored).toEqual(entries);
    await spool.close();

    const reopened = await openSpool();
    expect(reopened.entries()).toEqual(entries);
    expect(reopened.byId(entries[3]!.submission.id)).toEqual(entries[3]);
    expect(reopened.byTicket(entries[4]!.submission.ticket)).toEqual(entries[4]);
    expect(reopened.byDedupKey('web:k:6')).toEqual(entries[5]);
    expect(reopened.byDedupKey('web:k:99')).toBeUndefined();
  });

  it('keeps the first entry for a dedup key and writes no second line', async () => {
    const spool = await openSpool();
    const second = { ...entry(2), dedupKey: 'web:k:1' };
    const [a, b] = await Promise.all([spool.append(entry(1)), spool.append(second)]);
    expect(a).toEqual(entry(1));
    expect(b).toEqual(entry(1));
    expect(await spool.append(second)).toEqual(entry(1));
    await spool.close();
    const text = await readFile(join(dir, (await segmentFiles())[0]!), 'utf8');
    expect(text.split('\n').filter((l) => l !== '')).toHaveLength(1);
  });

  it('serves the later copy after a restart when a key was spooled again after its first copy was forwarded', async () => {
    const spool = await openSpool();
    await spool.append(entry(1));
    spool.forwarded('web:k:1');
    const again = { ...entry(2), dedupKey: 'web:k:1' };
    expect(await spool.append(again)).toEqual(again);
    await spool.close();
    const reopened = await openSpool();
    expect(reopened.entries()).toEqual([again]);
    expect(reopened.byId(entry(1).submission.id)).toBeUndefined();
    expect(reopened.byTicket(again.submission.ticket)).toEqual(again);
  });

  it('ignores a torn last line with a warning, and skips a corrupt line in the middle', async () => {
    const first = await openSpool();
    await first.append(entry(1));
    await first.append(entry(2));
    await first.close();
    const [segment] = await segmentFiles();
    const path = join(dir, segment!);
    const lines = (await readFile(path, 'utf8')).split('\n');
    // Flip one character of the first line's JSON: the checksum no longer matches.
    const corrupt = lines[0]!.replace('第1条', '第7条');
    const torn = encodeLine(entry(3)).slice(0, 40);
    await writeFile(path, `${corrupt}\n${lines[1]}\n${torn}`);

    const recorded = recordingLog();
    const spool = await openSpool(recorded.log);
    expect(spool.entries()).toEqual([entry(2)]);
    expect(recorded.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringContaining('torn last line') }));
    expect(recorded.lines).toContainEqual(expect.objectContaining({ level: 'error', msg: expect.stringContaining('corrupt line') }));

    // New lines never go after the torn one: they start a new segment, which reads back whole.
    await spool.append(entry(4));
    await spool.close();
    expect(await segmentFiles()).toHaveLength(2);
    expect((await openSpool()).entries()).toEqual([entry(2), entry(4)]);
  });

  it('encodes one line per entry that survives newlines in the text and detects any change', () => {
    const line = encodeLine(entry(1));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(decodeLine(line.slice(0, -1))).toEqual(entry(1));
    expect(decodeLine(line.slice(0, -2))).toBeNull();
    expect(decodeLine(`00000000${line.slice(8, -1)}`)).toBeNull();
    expect(decodeLine('')).toBeNull();
  });

  it('deletes sealed segments on discard, keeping what was appended after the seal', async () => {
    const spool = await openSpool();
    await spool.append(entry(1));
    await spool.append(entry(2));
    const sealed = await spool.seal();
    expect(sealed.entries).toEqual([entry(1), entry(2)]);
    await spool.append(entry(3));
    expect(await segmentFiles()).toHaveLength(2);

    spool.forwarded('web:k:1');
    spool.forwarded('web:k:2');
    expect(spool.entries()).toEqual([entry(3)]);
    expect(spool.byId(entry(1).submission.id)).toBeUndefined();
    await sealed.discard();
    expect(await segmentFiles()).toHaveLength(1);
    await spool.close();
    expect((await openSpool()).entries()).toEqual([entry(3)]);
  });

  it('seals a segment that holds only forwarded entries as empty, and a sealed entry not forwarded stays', async () => {
    const spool = await openSpool();
    await spool.append(entry(1));
    await spool.append(entry(2));
    spool.forwarded('web:k:1');
    expect((await spool.seal()).entries).toEqual([entry(2)]);
    spool.forwarded('web:k:2');
    // The earlier sealed segment is sealed again (nothing new), now with nothing left to forward.
    const again = await spool.seal();
    expect(again.entries).toEqual([]);
    await again.discard();
    expect(await segmentFiles()).toEqual([]);
  });

  it('rejects an append the disk refuses, and recovers in a fresh segment once it accepts again', async () => {
    const recorded = recordingLog();
    const spool = await openSpool(recorded.log);
    await spool.append(entry(1));
    await spool.seal();
    // The directory replaced by a file: creating the next segment fails (ENOTDIR), as a full disk would.
    const aside = `${dir}-aside`;
    await rm(aside, { recursive: true, force: true });
    await rename(dir, aside);
    await writeFile(dir, 'not a directory');
    await expect(spool.append(entry(2))).rejects.toThrow();
    expect(spool.byDedupKey('web:k:2')).toBeUndefined();
    expect(recorded.lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'could not write to the intake spool' }));

    await rm(dir);
    await rename(aside, dir);
    await spool.append(entry(3));
    await spool.close();
    expect((await openSpool()).entries()).toEqual([entry(1), entry(3)]);
  });

  it('refuses to start when the spool directory cannot be made', async () => {
    await rm(join(dir, '..'), { recursive: true, force: true });
    await writeFile(join(dir, '..'), 'a file where the data directory should be');
    await expect(FileSpool.open(dir, recordingLog().log)).rejects.toMatchObject({ code: 'SPOOL_OPEN_FAILED' });
  });
});
