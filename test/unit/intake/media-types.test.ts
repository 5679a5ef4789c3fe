import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_MIME_TYPES,
  MAX_SNIFF_BYTES,
  reconcileDeclaredType,
  sniffMedia,
} from '../../../src/domain/intake/media-types.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const ftyp = (major: string, ...compatible: string[]) =>
  bytes(u32(16 + 4 * compatible.length), 'ftyp', major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 0, 0, 0, 0, 0]);
/** The rest of a first Ogg page header (version, BOS flag, granule, serial, sequence, CRC) with one segment. */
const oggPage = (packetLength: number) => [0, 2, ...new Array<number>(8).fill(0), 0x41, 0x42, 0x43, 0x44, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 1, packetLength];
const pad = (head: Uint8Array, length = MAX_SNIFF_BYTES) => {
  const out = new Uint8Array(Math.max(length, head.length));
  out.set(head);
  return out;
};

/** Real file heads (as produced by cameras, phones, recorders and common tools). */
const allowed: [string, Uint8Array, string, string][] = [
  ['JPEG (JFIF)', bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0]), 'image/jpeg', 'image'],
  ['JPEG (Exif)', bytes([0xff, 0xd8, 0xff, 0xe1, 0x2a, 0x38], 'Exif', [0, 0]), 'image/jpeg', 'image'],
  ['PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], 'IHDR'), 'image/png', 'image'],
  ['GIF89a', bytes('GIF89a', [1, 0, 1, 0]), 'image/gif', 'image'],
  ['GIF87a', bytes('GIF87a', [1, 0, 1, 0]), 'image/gif', 'image'],
  ['WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'image/webp', 'image'],
  ['HEIC (iPhone)', ftyp('heic', 'mif1', 'heic'), 'image/heic', 'image'],
  ['HEIC heix', ftyp('heix', 'mif1', 'heix'), 'image/heic', 'image'],
  ['HEIF mif1 major, heic compatible', ftyp('mif1', 'mif1', 'heic'), 'image/heif', 'image'],
  ['BMP', bytes('BM', [0x36, 0x10, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0, 8, 0]), 'image/bmp', 'image'],
  ['PDF', bytes('%PDF-1.7\n%\u00e2\u00e3'), 'application/pdf', 'document'],
  ['WAV', bytes('RIFF', [0x24, 0x08, 0, 0], 'WAVEfmt '), 'audio/wav', 'audio'],
  ['MP3 with ID3v2.4', bytes('ID3', [4, 0, 0, 0, 0, 0x0f, 0x76]), 'audio/mpeg', 'audio'],
  ['MP3 frame (MPEG-1 layer III, 128 kbit/s, 44.1 kHz)', bytes([0xff, 0xfb, 0x90, 0x64, 0, 0]), 'audio/mpeg', 'audio'],
  ['MP3 frame (MPEG-2 layer III)', bytes([0xff, 0xf3, 0x48, 0xc4]), 'audio/mpeg', 'audio'],
  ['AMR (WeChat voice)', bytes('#!AMR\n', [0x3c, 0x48]), 'audio/amr', 'audio'],
  ['AMR-WB', bytes('#!AMR-WB\n', [0x24]), 'audio/amr-wb', 'audio'],
  [
    'Ogg Speex',
    bytes('OggS', oggPage(80), 'Speex   1.2'),
    'audio/ogg',
    'audio',
  ],
  [
    'Ogg Opus',
    bytes('OggS', oggPage(19), 'OpusHead'),
    'audio/ogg',
    'audio',
  ],
  [
    'Ogg Theora',
    bytes('OggS', oggPage(42), [0x80], 'theora'),
    'video/ogg',
    'video',
  ],
  ['M4A', ftyp('M4A ', 'M4A ', 'mp42', 'isom'), 'audio/mp4', 'audio'],
  ['MP4 (isom)', ftyp('isom', 'isom', 'iso2', 'avc1', 'mp41'), 'video/mp4', 'video'],
  ['MP4 (mp42, Android camera)', ftyp('mp42', 'isom', 'mp42'), 'video/mp4', 'video'],
  ['MOV (iPhone)', ftyp('qt  ', 'qt  '), 'video/quicktime', 'video'],
  ['MOV without ftyp', bytes(u32(8), 'wide', u32(1000), 'mdat'), 'video/quicktime', 'video'],
  ['3GP', ftyp('3gp4', 'isom', '3gp4'), 'video/3gpp', 'video'],
  ['3GP (3gp5)', ftyp('3gp5', '3gp5'), 'video/3gpp', 'video'],
  ['3G2', ftyp('3g2a', '3g2a'), 'video/3gpp2', 'video'],
];

const refused: [string, Uint8Array][] = [
  ['empty', new Uint8Array(0)],
  ['Windows executable', bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0])],
  ['ELF', bytes([0x7f], 'ELF', [2, 1, 1, 0])],
  ['Mach-O', bytes([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1])],
  ['shell script', bytes('#!/bin/sh\nrm -rf /\n')],
  ['HTML', bytes('<!DOCTYPE html><html><script>alert(1)</script>')],
  ['HTML with BOM', bytes([0xef, 0xbb, 0xbf], '<html>')],
  ['SVG', bytes('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">')],
  ['SVG bare', bytes('<svg onload="alert(1)">')],
  ['zip / docx / xlsx', bytes('PK', [3, 4, 20, 0, 6, 0])],
  ['legacy Office (OLE)', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])],
  ['RAR', bytes('Rar!', [0x1a, 7, 1, 0])],
  ['7z', bytes('7z', [0xbc, 0xaf, 0x27, 0x1c])],
  ['gzip', bytes([0x1f, 0x8b, 8, 0])],
  ['plain text', bytes('hello, this is text')],
  ['JSON', bytes('{"a":1}')],
  ['RIFF AVI', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST')],
  ['AAC ADTS (layer 0)', bytes([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc])],
  ['MPEG frame with reserved bitrate', bytes([0xff, 0xfb, 0xf0, 0x64])],
  ['ID3 with bad version', bytes('ID3', [0xff, 0, 0, 0, 0, 0, 0])],
  ['BM but not a bitmap', bytes('BM is not enough, says the text file')],
  ['ftyp of an unknown brand (AVIF)', ftyp('avif', 'avif', 'mif1')],
  ['ftyp too short', bytes(u32(8), 'ftypisom')],
  ['FLAC', bytes('fLaC', [0, 0, 0, 0x22])],
  ['WebM / Matroska', bytes([0x1a, 0x45, 0xdf, 0xa3])],
  ['PostScript', bytes('%!PS-Adobe-3.0')],
  ['TIFF', bytes('II*', [0])],
  ['ICO', bytes([0, 0, 1, 0, 1, 0])],
  ['truncated JPEG', bytes([0xff, 0xd8])],
];

describe('sniffMedia', () => {
  it.each(allowed)('%s -> %s', (_name, head, mimeType, mediaKind) => {
    expect(sniffMedia(head)).toEqual({ mimeType, mediaKind });
    expect(sniffMedia(pad(head))).toEqual({ mimeType, mediaKind });
    expect(sniffMedia(pad(head, 4096))).toEqual({ mimeType, mediaKind });
  });

  it.each(refused)('refuses %s', (_name, head) => {
    expect(sniffMedia(head)).toBeNull();
    expect(sniffMedia(pad(head))).toBeNull();
  });

  it('only ever answers with an allowed type, of the kind its MIME type names', () => {
    // Random bytes are almost never recognised (next test), so the heads here are real ones (allowed and refused)
    // with a few bytes of their magic and brand fields changed and random bytes after them: many are recognised,
    // some as another format, and every answer must be on the allow-list with a matching kind.
    const kindOf = (mimeType: string) => (mimeType === 'application/pdf' ? 'document' : mimeType.split('/')[0]);
    let answered = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...allowed.map(([, head]) => head), ...refused.map(([, head]) => head)),
        fc.array(fc.record({ at: fc.nat(31), byte: fc.nat(255) }), { maxLength: 3 }),
        fc.uint8Array({ maxLength: MAX_SNIFF_BYTES }),
        (real, edits, tail) => {
          const head = new Uint8Array(real.length + tail.length);
          head.set(real);
          head.set(tail, real.length);
          for (const { at, byte } of edits) if (at < head.length) head[at] = byte;
          runs++;
          const media = sniffMedia(head);
          if (media === null) return;
          answered++;
          expect(ALLOWED_MIME_TYPES).toContain(media.mimeType);
          expect(media.mediaKind).toBe(kindOf(media.mimeType));
        },
      ),
      { numRuns: 500 },
    );
    // The assertions above ran for most of the inputs, not for a lucky few.
    expect(answered).toBeGreaterThan(runs / 4);
  });

  it('recognises random bytes almost never', () => {
    let recognised = 0;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: MAX_SNIFF_BYTES, maxLength: MAX_SNIFF_BYTES }), (head) => {
        if (sniffMedia(head) !== null) recognised++;
      }),
      { numRuns: 5000, seed: 12345 },
    );
    // JPEG's 3-byte magic (1 in 16M) and MPEG frame sync (11 bits, about 1 in 2900) are the only weak ones.
    expect(recognised).toBeLessThan(15);
  });

  it('needs at most MAX_SNIFF_BYTES', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allowed), fc.uint8Array({ minLength: 1, maxLength: 100 }), ([, head, mimeType], tail) => {
        const long = new Uint8Array(head.length + tail.length);
        long.set(head);
        long.set(tail, head.length);
        expect(sniffMedia(long.subarray(0, MAX_SNIFF_BYTES))?.mimeType).toBe(mimeType);
      }),
    );
  });
});

describe('reconcileDeclaredType', () => {
  const jpeg = { mimeType: 'image/jpeg', mediaKind: 'image' } as const;
  const mp4 = { mimeType: 'video/mp4', mediaKind: 'video' } as const;
  const pdf = { mimeType: 'application/pdf', mediaKind: 'document' } as const;

  it('keeps the sniffed type when nothing, something generic or the same kind was declared', () => {
    for (const declared of [undefined, '', 'application/octet-stream', 'text/plain', 'garbage', 'image/png', 'IMAGE/JPEG; q=1']) {
      expect(reconcileDeclaredType(jpeg, declared)).toEqual(jpeg);
    }
    expect(reconcileDeclaredType(pdf, 'application/pdf')).toEqual(pdf);
  });

  it('refuses a disguise across kinds', () => {
    expect(reconcileDeclaredType(jpeg, 'application/pdf')).toBe('mismatch');
    expect(reconcileDeclaredType(pdf, 'image/jpeg')).toBe('mismatch');
    expect(reconcileDeclaredType(mp4, 'image/png')).toBe('mismatch');
    expect(reconcileDeclaredType(jpeg, 'video/mp4')).toBe('mismatch');
  });

  it('lets a declared audio type make an MP4/3GP container audio', () => {
    expect(reconcileDeclaredType(mp4, 'audio/mp4')).toEqual({ mimeType: 'audio/mp4', mediaKind: 'audio' });
    expect(reconcileDeclaredType(mp4, 'audio/x-m4a')).toEqual({ mimeType: 'audio/mp4', mediaKind: 'audio' });
    expect(reconcileDeclaredType({ mimeType: 'video/3gpp', mediaKind: 'video' }, 'audio/3gpp')).toEqual({
      mimeType: 'audio/3gpp',
      mediaKind: 'audio',
    });
    const amr = { mimeType: 'audio/amr', mediaKind: 'audio' } as const;
    expect(reconcileDeclaredType(amr, 'video/3gpp')).toEqual(amr);
  });
});
