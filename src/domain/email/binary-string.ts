// A raw message is bytes, but its structure (header lines, boundaries) is ASCII: a "binary string" holds one byte
// per UTF-16 unit (Latin-1), so string searching works on the structure while every byte survives unchanged.

const CHUNK = 0x8000;

/** The UTF-8 bytes of `text`, as a binary string. */
export function utf8BinaryString(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += CHUNK) out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return out;
}

/** True when some byte is outside 7-bit ASCII. */
export function hasEightBit(s: string): boolean {
  return /[\u0080-\u00ff]/.test(s);
}
