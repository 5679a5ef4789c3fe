// The AMI codec (src/adapters/ami/ami-codec.ts), pure, with the settings both its users give it: the client side
// (banner first, long event lines) and the simulator's strict server side (1024-byte lines, 128 headers). Every
// stream either yields frames or fails with AmiProtocolError; a message the formatter writes always reads back as
// the same headers, however the socket cuts it.

import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { AmiParser, AmiProtocolError, amiHeaderProblem, formatAmiMessage, parseAmiLine } from '../../../src/adapters/ami/ami-codec.js';
import type { AmiHeaderInput } from '../../../src/adapters/ami/ami-codec.js';
import { FuzzViolation } from '../fuzz-target.js';
import type { FuzzSession } from '../fuzz-target.js';
import { amiStream, chunked } from '../support/ami-inputs.js';
import { nastyString } from '../support/arbitraries.js';

type CodecInput =
  | { readonly kind: 'stream'; readonly side: 'client' | 'server'; readonly chunks: readonly string[] }
  | { readonly kind: 'roundtrip'; readonly headers: readonly (readonly [string, string])[]; readonly chunks: readonly number[] }
  | { readonly kind: 'line'; readonly line: string };

function inputs(): Arbitrary<CodecInput> {
  const stream = fc.record({ side: fc.constantFrom<'client' | 'server'>('client', 'server'), text: amiStream(), banner: fc.boolean() }).chain((r) =>
    chunked(`${r.banner && r.side === 'client' ? 'Asterisk Call Manager/11.0.0\r\n' : ''}${r.text}`).map((chunks): CodecInput => ({ kind: 'stream', side: r.side, chunks })),
  );
  const roundtrip = fc
    .record({
      headers: fc.array(fc.tuple(fc.oneof(fc.stringMatching(/^[\x21-\x39\x3b-\x7e]{1,20}$/), nastyString(10)), nastyString(40)), { minLength: 1, maxLength: 10 }),
      chunks: fc.array(fc.nat(400), { maxLength: 5 }),
    })
    .map((r): CodecInput => ({ kind: 'roundtrip', ...r }));
  const line = nastyString(80).map((l): CodecInput => ({ kind: 'line', line: l }));
  return fc.oneof({ weight: 6, arbitrary: stream }, { weight: 3, arbitrary: roundtrip }, { weight: 1, arbitrary: line });
}

/** A C0 control other than tab, or DEL: what the strict reader refuses in a value. */
function hasControl(value: string): boolean {
  return [...value].some((c) => {
    const code = c.charCodeAt(0);
    return (code < 0x20 && code !== 0x09) || code === 0x7f;
  });
}

function parserFor(side: 'client' | 'server'): AmiParser {
  return side === 'client' ? new AmiParser({ expectBanner: true }) : new AmiParser({ expectBanner: false, maxLineLength: 1024, maxHeaders: 128 });
}

function check(input: CodecInput): void {
  if (input.kind === 'stream') {
    const parser = parserFor(input.side);
    try {
      for (const chunk of input.chunks) parser.push(chunk);
    } catch (err) {
      if (!(err instanceof AmiProtocolError)) throw new FuzzViolation(`AmiParser threw ${String(err)}`);
    }
    return;
  }
  if (input.kind === 'line') {
    try {
      const [key, value] = parseAmiLine(input.line);
      if (amiHeaderProblem(key, value) !== undefined) throw new FuzzViolation(`parseAmiLine accepted a header amiHeaderProblem refuses: ${JSON.stringify(input.line)}`);
    } catch (err) {
      if (!(err instanceof AmiProtocolError) && !(err instanceof FuzzViolation)) throw new FuzzViolation(`parseAmiLine threw ${String(err)}`);
      if (err instanceof FuzzViolation) throw err;
    }
    return;
  }
  let text: string;
  try {
    text = formatAmiMessage(input.headers as AmiHeaderInput[]);
  } catch (err) {
    if (err instanceof AmiProtocolError) return;
    throw new FuzzViolation(`formatAmiMessage threw ${String(err)}`);
  }
  // What our formatter writes, a strict reader must read back exactly, unless a value has a control character
  // (which the reader refuses: the formatter lets through everything but CR and LF).
  const parser = new AmiParser({ expectBanner: false });
  const frames = [];
  let at = 0;
  try {
    for (const cut of [...input.chunks.map((c) => Math.min(c, text.length)).sort((a, b) => a - b), text.length]) {
      frames.push(...parser.push(text.slice(at, Math.max(at, cut))));
      at = Math.max(at, cut);
    }
  } catch (err) {
    if (err instanceof AmiProtocolError && input.headers.some(([, v]) => hasControl(v))) return;
    // The formatter does not cap line length (actions are short; Asterisk drops action lines over 1024 bytes).
    if (err instanceof AmiProtocolError && err.code === 'AMI_LINE_TOO_LONG') return;
    throw new FuzzViolation(`a formatted message does not read back: ${String(err)}`);
  }
  const read = frames.flatMap((f) => (f.kind === 'message' ? [f.message.headers] : []));
  const expected = input.headers.map(([k, v]) => [k, v.replace(/^[ \t]+/, '')]);
  if (read.length !== 1 || JSON.stringify(read[0]) !== JSON.stringify(expected)) {
    throw new FuzzViolation(`a formatted message read back differently: wrote ${JSON.stringify(expected)}, read ${JSON.stringify(read)}`);
  }
}

export async function start(): Promise<FuzzSession<CodecInput>> {
  return {
    arbitrary: inputs(),
    check: async (input) => check(input),
    close: async () => undefined,
  };
}
