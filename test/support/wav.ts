// A PCM WAV as Asterisk stores one (8 kHz, 16-bit mono, 16000 bytes/s) holding `ms` of silence, for tests of what
// reads or stores recordings.

export interface WavOptions {
  /** Put a LIST chunk before `data`, as some recorders do (readers must skip it). */
  readonly extraChunk?: boolean;
  /** Write this in the `data` chunk's size field instead of the true size (a damaged file). */
  readonly dataSizeField?: number;
}

export function wav(ms: number, options: WavOptions = {}): Buffer {
  const data = Buffer.alloc((16000 * ms) / 1000);
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(1, 10);
  fmt.writeUInt32LE(8000, 12);
  fmt.writeUInt32LE(16000, 16);
  fmt.writeUInt16LE(2, 20);
  fmt.writeUInt16LE(16, 22);
  const list = options.extraChunk === true ? Buffer.from('LIST\u0003\u0000\u0000\u0000abc\u0000', 'latin1') : Buffer.alloc(0);
  const dataHeader = Buffer.alloc(8);
  dataHeader.write('data', 0, 'ascii');
  dataHeader.writeUInt32LE(options.dataSizeField ?? data.length, 4);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(4 + fmt.length + list.length + dataHeader.length + data.length, 4);
  riff.write('WAVE', 8, 'ascii');
  return Buffer.concat([riff, fmt, list, dataHeader, data]);
}
