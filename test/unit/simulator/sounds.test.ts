import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectorySoundCatalog, MemorySoundCatalog, SoundCatalogError } from '../../../src/simulator/index.js';
import { wavDurationMs } from '../../../src/simulator/sounds/wav-duration.js';
import { wav as recording } from '../../support/wav.js';

/** With an extra chunk before `data`, which readers must skip. */
const wav = (ms: number, dataSizeField?: number): Buffer => recording(ms, { extraChunk: true, ...(dataSizeField === undefined ? {} : { dataSizeField }) });

const dir = mkdtempSync(join(tmpdir(), 'sim-sounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wavDurationMs', () => {
  it('reads the byte rate and data size, skipping other chunks (padded to even size)', () => {
    const file = wav(1500);
    expect(wavDurationMs(file, file.length)).toBe(1500);
  });

  it('uses the file size when a streaming writer left the data size unset', () => {
    const file = wav(250, 0xffffffff);
    expect(wavDurationMs(file, file.length)).toBe(250);
  });

  it('rejects what is not a WAVE file', () => {
    expect(() => wavDurationMs(Buffer.from('ID3 not a wave file at all'), 30)).toThrow(SoundCatalogError);
  });
});

describe('DirectorySoundCatalog', () => {
  mkdirSync(join(dir, 'zh', 'hotline'), { recursive: true });
  mkdirSync(join(dir, 'hotline'), { recursive: true });
  writeFileSync(join(dir, 'zh', 'hotline', 'welcome.wav'), wav(2000));
  writeFileSync(join(dir, 'hotline', 'welcome.wav'), wav(3000));
  writeFileSync(join(dir, 'hotline', 'bye.gsm'), Buffer.alloc(33 * 50));
  writeFileSync(join(dir, 'hotline', 'beep.ulaw'), Buffer.alloc(4000));

  it('prefers <dir>/<lang>/<name> and falls back to <dir>/<name>, like Asterisk', () => {
    const catalog = new DirectorySoundCatalog(dir);
    expect(catalog.durationMs('hotline/welcome', 'zh')).toBe(2000);
    expect(catalog.durationMs('hotline/welcome', 'en')).toBe(3000);
  });

  it('knows gsm and raw formats by size, and divides by the speed factor', () => {
    const fast = new DirectorySoundCatalog(dir, { speed: 10 });
    expect(fast.durationMs('hotline/bye', 'zh')).toBe(100);
    expect(fast.durationMs('hotline/beep', 'zh')).toBe(50);
    expect(fast.durationMs('hotline/welcome', 'zh')).toBe(200);
  });

  it('reports unknown sounds and paths escaping the directory as missing', () => {
    const catalog = new DirectorySoundCatalog(dir);
    expect(catalog.durationMs('hotline/nothing', 'zh')).toBeUndefined();
    expect(catalog.durationMs('../etc/passwd', 'zh')).toBeUndefined();
  });
});

describe('MemorySoundCatalog', () => {
  it('prefers the language-specific entry', () => {
    const catalog = new MemorySoundCatalog({ 'hotline/menu': 100, 'zh/hotline/menu': 120 });
    expect([catalog.durationMs('hotline/menu', 'zh'), catalog.durationMs('hotline/menu', 'en'), catalog.durationMs('x', 'en')]).toEqual([
      120,
      100,
      undefined,
    ]);
  });
});
