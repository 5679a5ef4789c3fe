// What an attachment is comes from its first bytes, never from its name or the client's Content-Type: the
// allow-list is what phones and cameras produce (photos, voice notes, short videos) and PDFs. Anything a browser or
// an office suite might execute or render as active content (HTML, SVG, scripts, executables, zip-based documents)
// is refused by not being recognised.

import type { MediaKind } from './submission.js';

/** How many leading bytes `sniffMedia` looks at; fewer are fine for short files. */
export const MAX_SNIFF_BYTES = 64;

export interface SniffedMedia {
  readonly mimeType: string;
  readonly mediaKind: MediaKind;
}

/** Every type `sniffMedia` can return: for documentation, schemas and tests. */
export const ALLOWED_MIME_TYPES = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/heic',
  'image/heif',
  'image/bmp',
  'application/pdf',
  'audio/wav',
  'audio/mpeg',
  'audio/amr',
  'audio/amr-wb',
  'audio/ogg',
  'audio/mp4',
  'audio/3gpp',
  'video/mp4',
  'video/quicktime',
  'video/3gpp',
  'video/3gpp2',
  'video/ogg',
] as const;

const image = (mimeType: string): SniffedMedia => ({ mimeType, mediaKind: 'image' });
const audio = (mimeType: string): SniffedMedia => ({ mimeType, mediaKind: 'audio' });
const video = (mimeType: string): SniffedMedia => ({ mimeType, mediaKind: 'video' });

/** The recognised type of a file from its first bytes (up to `MAX_SNIFF_BYTES`), or `null` when not allowed. */
export function sniffMedia(head: Uint8Array): SniffedMedia | null {
  const h = head.subarray(0, MAX_SNIFF_BYTES);
  if (startsWith(h, [0xff, 0xd8, 0xff])) return image('image/jpeg');
  if (startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return image('image/png');
  if (ascii(h, 0, 6) === 'GIF87a' || ascii(h, 0, 6) === 'GIF89a') return image('image/gif');
  if (ascii(h, 0, 4) === 'RIFF') {
    const form = ascii(h, 8, 4);
    if (form === 'WEBP') return image('image/webp');
    if (form === 'WAVE') return audio('audio/wav');
    return null;
  }
  if (isBmp(h)) return image('image/bmp');
  if (ascii(h, 0, 5) === '%PDF-') return { mimeType: 'application/pdf', mediaKind: 'document' };
  if (ascii(h, 0, 9) === '#!AMR-WB\n') return audio('audio/amr-wb');
  if (ascii(h, 0, 6) === '#!AMR\n') return audio('audio/amr');
  if (ascii(h, 0, 4) === 'OggS') return sniffOgg(h);
  if (ascii(h, 4, 4) === 'ftyp') return sniffIsoMedia(h);
  if (isQuickTimeWithoutFtyp(h)) return video('video/quicktime');
  if (ascii(h, 0, 3) === 'ID3' && h.length >= 10 && (h[3] ?? 0xff) < 0xff) return audio('audio/mpeg');
  if (isMpegAudioFrame(h)) return audio('audio/mpeg');
  return null;
}

/**
 * Reconciles the client's declared type with the sniffed one. The stored type always comes from the bytes, but an
 * image declared as a PDF (or the like) is a disguise and is refused (`mismatch`). Audio and video are compatible,
 * because MP4/3GP containers do not say whether they hold pictures: a declared `audio/*` then makes the sniffed
 * container an audio one. Absent, generic (`application/octet-stream`) or unparsable declarations are ignored.
 */
export function reconcileDeclaredType(sniffed: SniffedMedia, declared: string | undefined): SniffedMedia | 'mismatch' {
  const declaredKind = kindOfMimeType(declared);
  if (declaredKind === null || declaredKind === sniffed.mediaKind) return sniffed;
  const audioOrVideo = (kind: MediaKind) => kind === 'audio' || kind === 'video';
  if (!audioOrVideo(declaredKind) || !audioOrVideo(sniffed.mediaKind)) return 'mismatch';
  if (declaredKind === 'audio') {
    const asAudio = AUDIO_OF_VIDEO_CONTAINER[sniffed.mimeType];
    return asAudio === undefined ? sniffed : audio(asAudio);
  }
  return sniffed;
}

const AUDIO_OF_VIDEO_CONTAINER: Readonly<Record<string, string>> = {
  'video/mp4': 'audio/mp4',
  'video/quicktime': 'audio/mp4',
  'video/3gpp': 'audio/3gpp',
  'video/3gpp2': 'audio/3gpp',
  'video/ogg': 'audio/ogg',
};

function kindOfMimeType(declared: string | undefined): MediaKind | null {
  if (declared === undefined) return null;
  const match = /^\s*([a-z]+)\/([a-z0-9.+-]+)/i.exec(declared);
  if (!match) return null;
  const type = (match[1] ?? '').toLowerCase();
  const subtype = (match[2] ?? '').toLowerCase();
  if (type === 'image' || type === 'audio' || type === 'video') return type;
  if (type === 'application' && subtype === 'pdf') return 'document';
  // Anything else declared (octet-stream, text/plain from a confused client) says nothing about the content.
  return null;
}

function startsWith(h: Uint8Array, bytes: readonly number[]): boolean {
  return h.length >= bytes.length && bytes.every((b, i) => h[i] === b);
}

/** `length` bytes from `offset` as Latin-1, or '' when the head is too short. */
function ascii(h: Uint8Array, offset: number, length: number): string {
  if (h.length < offset + length) return '';
  return String.fromCharCode(...h.subarray(offset, offset + length));
}

function u32be(h: Uint8Array, offset: number): number {
  return (((h[offset] ?? 0) << 24) >>> 0) + ((h[offset + 1] ?? 0) << 16) + ((h[offset + 2] ?? 0) << 8) + (h[offset + 3] ?? 0);
}

function u32le(h: Uint8Array, offset: number): number {
  return (h[offset] ?? 0) + ((h[offset + 1] ?? 0) << 8) + ((h[offset + 2] ?? 0) << 16) + (((h[offset + 3] ?? 0) << 24) >>> 0);
}

/** `BM` alone is too weak a magic: also require zero reserved fields and a known DIB header size. */
function isBmp(h: Uint8Array): boolean {
  if (h.length < 18 || h[0] !== 0x42 || h[1] !== 0x4d) return false;
  if (u32le(h, 6) !== 0) return false;
  return [12, 40, 52, 56, 64, 108, 124].includes(u32le(h, 14));
}

/** Ogg carries Speex, Opus or Vorbis voice; a Theora first packet makes it a video. */
function sniffOgg(h: Uint8Array): SniffedMedia {
  // The first page's header is 27 bytes plus one lacing byte per segment; the first packet follows.
  const segments = h[26] ?? 0;
  const packet = 27 + segments;
  if (ascii(h, packet, 7) === '\x80theora') return video('video/ogg');
  return audio('audio/ogg');
}

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis']);
const HEIF_BRANDS = new Set(['mif1', 'msf1']);
const NOT_ALLOWED_MAJOR_BRANDS = new Set(['avif', 'avis', 'crx ', 'jp2 ', 'jpx ', 'jpm ', 'mjp2']);
const M4A_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ']);
const MP4_BRANDS = new Set([
  'isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'dash', 'MSNV', 'M4V ', 'M4VH', 'M4VP',
  'f4v ', 'mmp4', 'NDAS', 'NDSC', 'NDSH', 'NDSM', 'NDSP', 'NDSS', 'NDXC', 'NDXH', 'NDXM', 'NDXP', 'NDXS',
]);

/** ISO base media (`ftyp` box): the major brand decides, else the first compatible brand we know. */
function sniffIsoMedia(h: Uint8Array): SniffedMedia | null {
  const boxSize = u32be(h, 0);
  if (boxSize < 16) return null;
  const major = ascii(h, 8, 4);
  // Formats built on HEIF/ISO media that are not on the allow-list list allowed brands as compatible: the major
  // brand says what the file really is.
  if (NOT_ALLOWED_MAJOR_BRANDS.has(major)) return null;
  const brands = [major];
  const end = Math.min(boxSize, h.length);
  for (let offset = 16; offset + 4 <= end; offset += 4) brands.push(ascii(h, offset, 4));
  for (const brand of brands) {
    const media = isoBrand(brand);
    if (media !== null) return media;
  }
  return null;
}

function isoBrand(brand: string): SniffedMedia | null {
  if (HEIC_BRANDS.has(brand)) return image('image/heic');
  if (HEIF_BRANDS.has(brand)) return image('image/heif');
  if (M4A_BRANDS.has(brand)) return audio('audio/mp4');
  if (MP4_BRANDS.has(brand)) return video('video/mp4');
  if (brand === 'qt  ') return video('video/quicktime');
  if (brand.startsWith('3g2')) return video('video/3gpp2');
  if (/^3g[pegs]/.test(brand)) return video('video/3gpp');
  return null;
}

/** Old QuickTime files start with a `moov`, `mdat`, `wide` or `free` atom instead of `ftyp`. */
function isQuickTimeWithoutFtyp(h: Uint8Array): boolean {
  const atom = ascii(h, 4, 4);
  if (atom === 'moov' || atom === 'mdat') return u32be(h, 0) >= 8;
  if (atom === 'wide' || atom === 'free') {
    const next = u32be(h, 0);
    return next >= 8 && ['mdat', 'moov', 'wide', 'free'].includes(ascii(h, next + 4, 4));
  }
  return false;
}

/**
 * An MPEG audio frame header (MP3 without an ID3 tag): 11 sync bits, a defined version and layer, and a bitrate and
 * sample rate that are not the reserved values. AAC's ADTS (layer 0) is not MPEG-1/2 audio and is not accepted.
 */
function isMpegAudioFrame(h: Uint8Array): boolean {
  if (h.length < 4) return false;
  const [b0 = 0, b1 = 0, b2 = 0] = h;
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return false;
  const version = (b1 >> 3) & 0b11;
  const layer = (b1 >> 1) & 0b11;
  const bitrate = (b2 >> 4) & 0b1111;
  const sampleRate = (b2 >> 2) & 0b11;
  return version !== 0b01 && layer !== 0b00 && bitrate !== 0b1111 && bitrate !== 0 && sampleRate !== 0b11;
}
