// The local spool: where a submission goes when Redis cannot take it, so that the citizen still gets a ticket.
// Append-only segment files in `<dataDir>/spool/`, one JSON line per submission with a CRC32 in front, fsynced
// before the caller hears "accepted". A crash can tear the last line; the checksum tells, and the line is skipped
// (its submit never resolved, so nobody was promised it). Segments are never appended to after a restart or a
// seal, so a torn line is always the last of its file and never glues onto a later one.
//
// Segments are deleted only after everything in them reached Redis (`seal` + `discard`); a crash in between
// replays them, which the idempotent Redis path turns into no-ops.

import { mkdir, open, readFile, readdir, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Log } from '../../app/app-ports.js';
import type { SealedSpool, Spool, SpoolEntry } from '../../app/intake/durable-intake-ports.js';
import type { Submission } from '../../domain/intake/submission.js';

const SEGMENT_NAME = /^segment-(\d{16})\.jsonl$/;
const LINE = /^([0-9a-f]{8}) (.*)$/s;
const LINE_VERSION = 1;

interface Segment {
  readonly name: string;
  /** Dedup keys appended to this segment, in order. */
  readonly keys: string[];
}

interface ActiveSegment {
  readonly segment: Segment;
  readonly handle: FileHandle;
}

interface PendingAppend {
  readonly entry: SpoolEntry;
  readonly line: string;
  readonly resolve: (entry: SpoolEntry) => void;
  readonly reject: (err: unknown) => void;
}

/** The spool directory could not be read at start-up. */
export class SpoolOpenError extends Error {
  readonly code = 'SPOOL_OPEN_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SpoolOpenError';
  }
}

export class FileSpool implements Spool {
  /** Entries not yet forwarded, by dedup key, in append order (Map keeps insertion order). */
  private readonly live = new Map<string, SpoolEntry>();
  private readonly liveById = new Map<string, SpoolEntry>();
  private readonly liveByTicket = new Map<string, SpoolEntry>();
  private readonly inFlight = new Map<string, Promise<SpoolEntry>>();
  /** Every segment file still on disk, oldest first; the last may be the active one. */
  private readonly segments: Segment[] = [];
  private active: ActiveSegment | null = null;
  private nextSegmentNumber: number;
  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | null = null;
  private sealRequests: ((sealed: readonly Segment[]) => void)[] = [];
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly log: Log,
    firstSegmentNumber: number,
  ) {
    this.nextSegmentNumber = firstSegmentNumber;
  }

  /** Opens (creating if needed) `dir` and loads what an earlier run left there. */
  static async open(dir: string, log: Log): Promise<FileSpool> {
    let names: string[];
    try {
      await mkdir(dir, { recursive: true });
      names = (await readdir(dir)).filter((name) => SEGMENT_NAME.test(name)).sort();
    } catch (err) {
      throw new SpoolOpenError(`cannot open the intake spool directory ${dir}: ${(err as Error).message}`, { cause: err });
    }
    const lastNumber = names.length === 0 ? 0 : Number(SEGMENT_NAME.exec(names[names.length - 1] ?? '')?.[1] ?? 0);
    const spool = new FileSpool(dir, log, lastNumber + 1);
    for (const name of names) await spool.load(name);
    if (spool.live.size > 0) log.info({ entries: spool.live.size, segments: names.length }, 'intake spool holds submissions from an earlier run');
    return spool;
  }

  append(entry: SpoolEntry): Promise<SpoolEntry> {
    if (this.closed) return Promise.reject(new Error('the intake spool is closed'));
    const earlier = this.live.get(entry.dedupKey) ?? this.inFlight.get(entry.dedupKey);
    if (earlier !== undefined) return Promise.resolve(earlier);
    const line = encodeLine(entry);
    const promise = new Promise<SpoolEntry>((resolve, reject) => {
      this.pending.push({ entry, line, resolve, reject });
    });
    this.inFlight.set(entry.dedupKey, promise);
    const forget = (): void => {
      this.inFlight.delete(entry.dedupKey);
    };
    promise.then(forget, forget);
    this.flushing ??= this.flush();
    return promise;
  }

  byDedupKey(dedupKey: string): SpoolEntry | undefined {
    return this.live.get(dedupKey);
  }

  byId(id: string): SpoolEntry | undefined {
    return this.liveById.get(id);
  }

  byTicket(ticket: string): SpoolEntry | undefined {
    return this.liveByTicket.get(ticket);
  }

  /** Entries not yet forwarded. */
  get size(): number {
    return this.live.size;
  }

  entries(): readonly SpoolEntry[] {
    return [...this.live.values()];
  }

  forwarded(dedupKey: string): void {
    const entry = this.live.get(dedupKey);
    if (entry === undefined) return;
    this.live.delete(dedupKey);
    this.liveById.delete(entry.submission.id);
    this.liveByTicket.delete(entry.submission.ticket);
  }

  async seal(): Promise<SealedSpool> {
    // A running flush rolls the segment between two batches, so a steady stream of appends cannot starve a seal.
    const sealed =
      this.flushing === null ? await this.roll() : await new Promise<readonly Segment[]>((resolve) => this.sealRequests.push(resolve));
    const entries = sealed.flatMap((segment) => segment.keys.flatMap((key) => this.live.get(key) ?? []));
    return {
      entries: dedupeByKey(entries),
      discard: () => this.discard(sealed),
    };
  }

  /** Stops accepting appends once those already accepted are on disk. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing !== null) await this.flushing;
    await this.roll();
  }

  /** Closes the active segment; returns every segment now closed. Only call while no batch is being written. */
  private async roll(): Promise<readonly Segment[]> {
    // Taken synchronously with clearing `active`: a segment opened after this point is never in the list.
    const sealed = [...this.segments];
    const active = this.active;
    this.active = null;
    if (active !== null) {
      await active.handle.close().catch((err: unknown) => {
        this.log.warn({ err: (err as Error).message, segment: active.segment.name }, 'intake spool: closing a segment failed');
      });
    }
    return sealed;
  }

  private async discard(sealed: readonly Segment[]): Promise<void> {
    for (const segment of sealed) {
      await unlink(join(this.dir, segment.name)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      const index = this.segments.indexOf(segment);
      if (index >= 0) this.segments.splice(index, 1);
    }
    if (sealed.length > 0) await this.syncDir();
  }

  /** Group commit: everything that arrived while the previous write was syncing goes out in one write + fsync. */
  private async flush(): Promise<void> {
    try {
      for (;;) {
        if (this.sealRequests.length > 0) {
          const requests = this.sealRequests;
          this.sealRequests = [];
          const sealed = await this.roll();
          for (const resolve of requests) resolve(sealed);
          continue;
        }
        if (this.pending.length === 0) break;
        await this.writeBatch();
      }
    } finally {
      this.flushing = null;
    }
  }

  private async writeBatch(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const active = await this.activeSegment();
      await writeAll(active.handle, Buffer.from(batch.map((p) => p.line).join(''), 'utf8'));
      await active.handle.datasync();
      for (const p of batch) {
        active.segment.keys.push(p.entry.dedupKey);
        this.remember(p.entry);
      }
      for (const p of batch) p.resolve(p.entry);
    } catch (err) {
      // Part of the batch may be on disk: leave that segment (its torn tail is skipped on load) and start a
      // fresh one, so the next line never lands after a partial one.
      await this.abandonActive();
      this.log.error({ err: (err as Error).message, lost: batch.length }, 'could not write to the intake spool');
      for (const p of batch) p.reject(err);
    }
  }

  private async activeSegment(): Promise<ActiveSegment> {
    if (this.active !== null) return this.active;
    const name = `segment-${String(this.nextSegmentNumber++).padStart(16, '0')}.jsonl`;
    const handle = await open(join(this.dir, name), 'ax');
    const segment: Segment = { name, keys: [] };
    this.segments.push(segment);
    this.active = { segment, handle };
    try {
      // The new file's directory entry must be durable too, or an fsynced line could vanish with it.
      await this.syncDir();
    } catch (err) {
      await this.abandonActive();
      throw err;
    }
    return this.active;
  }

  private async abandonActive(): Promise<void> {
    const active = this.active;
    this.active = null;
    if (active !== null) await active.handle.close().catch(() => undefined);
  }

  private async syncDir(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /**
   * `replace` is for loading: a key can be in two segments only if it was spooled again after its first copy was
   * forwarded (the older segment not yet deleted). The later copy is the one a caller was last promised.
   */
  private remember(entry: SpoolEntry, replace = false): void {
    const earlier = this.live.get(entry.dedupKey);
    if (earlier !== undefined) {
      if (!replace) return;
      this.forwarded(entry.dedupKey);
    }
    this.live.set(entry.dedupKey, entry);
    this.liveById.set(entry.submission.id, entry);
    this.liveByTicket.set(entry.submission.ticket, entry);
  }

  private async load(name: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(join(this.dir, name), 'utf8');
    } catch (err) {
      throw new SpoolOpenError(`cannot read intake spool segment ${name}: ${(err as Error).message}`, { cause: err });
    }
    const segment: Segment = { name, keys: [] };
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      const last = index === lines.length - 1;
      if (line === '' && last) return;
      const entry = decodeLine(line);
      if (entry === null) {
        if (last) this.log.warn({ segment: name, line: index + 1 }, 'intake spool: ignoring a torn last line (a crash while writing it)');
        else this.log.error({ segment: name, line: index + 1 }, 'intake spool: skipping a corrupt line');
        return;
      }
      segment.keys.push(entry.dedupKey);
      this.remember(entry, true);
    });
    this.segments.push(segment);
  }
}

export function encodeLine(entry: SpoolEntry): string {
  const json = JSON.stringify({ v: LINE_VERSION, dedupKey: entry.dedupKey, fingerprint: entry.fingerprint, submission: entry.submission });
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/** The entry on a spool line, or `null` when the line is torn or corrupt. */
export function decodeLine(line: string): SpoolEntry | null {
  const match = LINE.exec(line);
  if (match === null) return null;
  const [, checksum, json] = match;
  if (checksum === undefined || json === undefined || crc32(json) !== parseInt(checksum, 16)) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isRecord(value) || value['v'] !== LINE_VERSION) return null;
  const { dedupKey, fingerprint, submission } = value;
  if (typeof dedupKey !== 'string' || typeof fingerprint !== 'string' || !isRecord(submission)) return null;
  if (typeof submission['id'] !== 'string' || typeof submission['ticket'] !== 'string') return null;
  return { dedupKey, fingerprint, submission: submission as unknown as Submission };
}

async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
    offset += bytesWritten;
  }
}

function dedupeByKey(entries: readonly SpoolEntry[]): SpoolEntry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    if (seen.has(entry.dedupKey)) return false;
    seen.add(entry.dedupKey);
    return true;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
