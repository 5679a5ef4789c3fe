import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFlow } from '../../src/domain/flow/parse-flow.js';
import type { Flow } from '../../src/domain/flow/types.js';
import { runPromptsRender } from '../../src/adapters/prompts/prompts-render-command.js';
import { PromptToolMissingError, promptAudioPath, renderPrompts } from '../../src/adapters/prompts/render-prompts.js';

const TINY_FLOW = `
version: 1
name: tiny
start: bye
onMaxDuration: bye
languages: [zh, en]
prompts:
  greeting: { audio: tiny/greeting, text: { zh: "您好，欢迎致电12345市民服务热线。", en: "Welcome to the 12345 hotline." } }
  again: { audio: tiny/greeting, text: { zh: "您好，欢迎致电12345市民服务热线。", en: "Welcome to the 12345 hotline." } }
nodes:
  bye: { type: hangup, prompts: [greeting, again] }
`;

function tinyFlow(): Flow {
  const result = parseFlow(TINY_FLOW, 'tiny.yaml');
  if (!('flow' in result)) throw new Error(`tiny flow invalid: ${JSON.stringify(result.errors)}`);
  return result.flow;
}

interface WavFormat {
  audioFormat: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataBytes: number;
}

/** Walks the RIFF chunks rather than assuming a 44-byte header. */
function readWav(bytes: Buffer): WavFormat {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  let offset = 12;
  let format: Omit<WavFormat, 'dataBytes'> | undefined;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      format = {
        audioFormat: bytes.readUInt16LE(offset + 8),
        channels: bytes.readUInt16LE(offset + 10),
        sampleRate: bytes.readUInt32LE(offset + 12),
        bitsPerSample: bytes.readUInt16LE(offset + 22),
      };
    } else if (id === 'data') {
      if (!format) throw new Error('data chunk before fmt chunk');
      return { ...format, dataBytes: Math.min(size, bytes.length - offset - 8) };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

describe('renderPrompts (espeak-ng + sox)', () => {
  let soundsDir: string;
  beforeEach(async () => {
    soundsDir = await mkdtemp(join(tmpdir(), 'prompts-render-test-'));
  });
  afterEach(async () => {
    await rm(soundsDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });

  it('writes 8 kHz mono 16-bit WAV per language where Asterisk looks for it, once per audio file', async () => {
    const logged: string[] = [];
    const result = await renderPrompts({ flow: tinyFlow(), soundsDir, log: (line) => logged.push(line) });

    const zh = join(soundsDir, 'zh', 'tiny', 'greeting.wav');
    const en = join(soundsDir, 'en', 'tiny', 'greeting.wav');
    expect(result.rendered).toEqual([en, zh].sort());
    expect(result.skipped).toEqual([]);
    expect(logged).toHaveLength(2);
    for (const file of [zh, en]) {
      const wav = readWav(await readFile(file));
      expect(wav).toMatchObject({ audioFormat: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16 });
      // At least a second of speech: 8000 samples * 2 bytes.
      expect(wav.dataBytes).toBeGreaterThan(16_000);
    }
    expect(promptAudioPath(soundsDir, 'zh', 'tiny/greeting')).toBe(zh);
  });

  it('leaves existing files alone unless forced', async () => {
    const zh = join(soundsDir, 'zh', 'tiny', 'greeting.wav');
    await renderPrompts({ flow: tinyFlow(), soundsDir });
    await writeFile(zh, 'recorded by a person');

    const second = await renderPrompts({ flow: tinyFlow(), soundsDir });
    expect(second.rendered).toEqual([]);
    expect(second.skipped).toHaveLength(2);
    expect(await readFile(zh, 'utf8')).toBe('recorded by a person');

    const forced = await renderPrompts({ flow: tinyFlow(), soundsDir, force: true });
    expect(forced.rendered).toHaveLength(2);
    expect(readWav(await readFile(zh)).sampleRate).toBe(8000);
  });

  it('names the missing tool and its apt package', async () => {
    const attempt = renderPrompts({ flow: tinyFlow(), soundsDir, tools: { espeakNg: join(soundsDir, 'no-such-espeak-ng') } });
    await expect(attempt).rejects.toBeInstanceOf(PromptToolMissingError);
    await expect(attempt).rejects.toMatchObject({ code: 'PROMPT_TOOL_MISSING', message: expect.stringContaining('apt-get install espeak-ng') });
    const soxMissing = renderPrompts({ flow: tinyFlow(), soundsDir, tools: { sox: join(soundsDir, 'no-such-sox') } });
    await expect(soxMissing).rejects.toMatchObject({ message: expect.stringContaining('apt-get install sox') });
  });

  it('runPromptsRender renders the prompts of a flow file and reports what it did', async () => {
    const flowFile = join(soundsDir, 'tiny.yaml');
    await writeFile(flowFile, TINY_FLOW);
    const lines: string[] = [];
    const code = await runPromptsRender({ flowFile, soundsDir: join(soundsDir, 'sounds'), force: false }, (line) => lines.push(line));
    expect(code).toBe(0);
    expect(lines.at(-1)).toContain('2 rendered, 0 already present');
    expect((await stat(join(soundsDir, 'sounds', 'en', 'tiny', 'greeting.wav'))).size).toBeGreaterThan(16_044);

    await writeFile(flowFile, TINY_FLOW.replace('start: bye', 'start: nowhere'));
    const failed: string[] = [];
    expect(await runPromptsRender({ flowFile, soundsDir }, (line) => failed.push(line))).toBe(1);
    expect(failed.join('\n')).toContain('start: unknown node "nowhere"');
  });
});
