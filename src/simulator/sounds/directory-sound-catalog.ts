// Sounds as Asterisk finds them on disk: `<dir>/<lang>/<name>.<ext>`, falling back to `<dir>/<name>.<ext>`.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SoundCatalog } from './sound-catalog.js';
import { soundFileDurationMs } from './wav-duration.js';

/** Formats in the order Asterisk would pick them for a ulaw/slin call; the first one present wins. */
const EXTENSIONS = ['wav', 'sln16', 'gsm', 'ulaw', 'alaw', 'sln', 'wav16', 'g722'] as const;
const HEADER_BYTES = 4096;

export interface DirectorySoundCatalogOptions {
  /** Durations are divided by this, so tests can play real prompts fast. Default 1. */
  readonly speed?: number;
}

export class DirectorySoundCatalog implements SoundCatalog {
  private readonly speed: number;
  /** Found sounds only: a sound added to the directory later is still found. */
  private readonly cache = new Map<string, number>();

  constructor(
    private readonly dir: string,
    options: DirectorySoundCatalogOptions = {},
  ) {
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0)) throw new RangeError(`sound speed factor must be > 0, got ${this.speed}`);
  }

  durationMs(name: string, lang: string): number | undefined {
    // A name with `..` would escape the sounds directory; Asterisk refuses those as well.
    if (name.includes('..') || name.startsWith('/')) return undefined;
    const key = `${lang}\u0000${name}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const found = (lang ? this.lookup(join(this.dir, lang, name)) : undefined) ?? this.lookup(join(this.dir, name));
    if (found === undefined) return undefined;
    const scaled = Math.max(1, Math.round(found / this.speed));
    this.cache.set(key, scaled);
    return scaled;
  }

  private lookup(base: string): number | undefined {
    for (const ext of EXTENSIONS) {
      const file = `${base}.${ext}`;
      let size: number;
      try {
        const stat = statSync(file);
        if (!stat.isFile()) continue;
        size = stat.size;
      } catch {
        continue;
      }
      const header = ext === 'wav' || ext === 'wav16' ? readHeader(file) : Buffer.alloc(0);
      try {
        return soundFileDurationMs(ext, header, size);
      } catch {
        // A corrupt file is a sound Asterisk cannot play: treat it as missing.
        return undefined;
      }
    }
    return undefined;
  }
}

function readHeader(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const read = readSync(fd, buffer, 0, HEADER_BYTES, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
