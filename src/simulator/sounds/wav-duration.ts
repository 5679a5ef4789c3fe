// Playing time of the audio formats Asterisk ships sounds in, from the file header or the raw size.

import { SoundCatalogError } from '../errors.js';

/** Bytes per second of headerless formats Asterisk plays (8 kHz unless the extension says otherwise). */
const RAW_BYTES_PER_SECOND: Readonly<Record<string, number>> = {
  ulaw: 8000,
  alaw: 8000,
  ul: 8000,
  al: 8000,
  sln: 16000,
  raw: 16000,
  sln16: 32000,
  g722: 8000,
};

/** GSM 06.10 packs 20 ms of audio into 33 bytes. */
const GSM_FRAME_BYTES = 33;
const GSM_FRAME_MS = 20;

/** Duration of a RIFF/WAVE file from its `fmt ` byte rate and `data` chunk size. `header` must hold both chunks' headers. */
export function wavDurationMs(header: Buffer, fileSize: number): number {
  if (header.length < 12 || header.toString('ascii', 0, 4) !== 'RIFF' || header.toString('ascii', 8, 12) !== 'WAVE') {
    throw new SoundCatalogError('not a RIFF/WAVE file');
  }
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= header.length) {
    const id = header.toString('ascii', offset, offset + 4);
    const size = header.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + 12 > header.length) break;
      byteRate = header.readUInt32LE(body + 8);
    } else if (id === 'data') {
      if (byteRate <= 0) throw new SoundCatalogError('WAVE data chunk before a usable fmt chunk');
      // Writers that stream (Asterisk's own recorder among them) may leave the size 0 or 0xffffffff: use the file size.
      const dataBytes = size === 0 || size === 0xffffffff ? Math.max(0, fileSize - body) : Math.min(size, fileSize - body);
      return Math.round((dataBytes * 1000) / byteRate);
    }
    offset = body + size + (size % 2);
  }
  throw new SoundCatalogError('WAVE header has no fmt/data chunks within the bytes read');
}

/** Duration of a sound file by extension; `header` is the first bytes of the file (only WAV needs it). */
export function soundFileDurationMs(extension: string, header: Buffer, fileSize: number): number {
  const ext = extension.toLowerCase();
  if (ext === 'wav' || ext === 'wav16') return wavDurationMs(header, fileSize);
  if (ext === 'gsm') return Math.round((fileSize / GSM_FRAME_BYTES) * GSM_FRAME_MS);
  const rate = RAW_BYTES_PER_SECOND[ext];
  if (rate === undefined) throw new SoundCatalogError(`unsupported sound format .${ext}`);
  return Math.round((fileSize * 1000) / rate);
}
