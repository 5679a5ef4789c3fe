// Synthesises placeholder audio for every prompt of a flow with espeak-ng, converted by sox to what Asterisk plays
// without transcoding on a narrowband call: 8 kHz, mono, 16-bit signed PCM WAV. Recorded voice replaces these files
// in production, so existing files are never overwritten unless forced.

import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Flow, Lang } from '../../domain/flow/types.js';
import { speakableText } from './speakable-text.js';

const execFileAsync = promisify(execFile);

/** espeak-ng voices: `cmn` is Mandarin (Latin text in it is read as English, e.g. "For English, press 9"). */
export const ESPEAK_VOICES: Readonly<Record<Lang, string>> = { zh: 'cmn', en: 'en-us' };

const APT_PACKAGES = { 'espeak-ng': 'espeak-ng', sox: 'sox' } as const;
type Tool = keyof typeof APT_PACKAGES;

export class PromptToolMissingError extends Error {
  readonly code = 'PROMPT_TOOL_MISSING';
  constructor(
    readonly tool: Tool,
    readonly command: string,
  ) {
    super(`${tool} is not installed (ran "${command}"): install it with "apt-get install ${APT_PACKAGES[tool]}" to render prompts`);
    this.name = 'PromptToolMissingError';
  }
}

export class PromptRenderError extends Error {
  readonly code = 'PROMPT_RENDER_FAILED';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`could not render ${file}: ${detail}`);
    this.name = 'PromptRenderError';
  }
}

export interface RenderPromptsOptions {
  readonly flow: Flow;
  /** Asterisk's sounds directory; files go to `<soundsDir>/<lang>/<audio>.wav`. */
  readonly soundsDir: string;
  /** Re-render files that already exist. */
  readonly force?: boolean;
  readonly log?: (line: string) => void;
  /** Commands to run; defaults `espeak-ng` and `sox` from PATH. */
  readonly tools?: { readonly espeakNg?: string; readonly sox?: string };
}

export interface RenderPromptsResult {
  /** Paths written. */
  readonly rendered: string[];
  /** Paths that already existed and were left alone. */
  readonly skipped: string[];
}

/** Where Asterisk finds `sound:<audio>` for a channel in `lang` (its language folder layout). */
export function promptAudioPath(soundsDir: string, lang: Lang, audio: string): string {
  return join(soundsDir, lang, `${audio}.wav`);
}

interface Job {
  readonly lang: Lang;
  readonly text: string;
  readonly target: string;
}

const PARALLEL = 4;

export async function renderPrompts(options: RenderPromptsOptions): Promise<RenderPromptsResult> {
  const { flow, soundsDir, force = false, log } = options;
  const espeakNg = options.tools?.espeakNg ?? 'espeak-ng';
  const sox = options.tools?.sox ?? 'sox';

  const jobs = new Map<string, Job>();
  for (const lang of flow.languages) {
    for (const prompt of Object.values(flow.prompts)) {
      const target = promptAudioPath(soundsDir, lang, prompt.audio);
      // Prompts may share an audio file (the checker ensures the same text); render it once.
      if (!jobs.has(target)) jobs.set(target, { lang, text: prompt.text[lang], target });
    }
  }

  const rendered: string[] = [];
  const skipped: string[] = [];
  const todo: Job[] = [];
  for (const job of jobs.values()) {
    if (!force && (await exists(job.target))) skipped.push(job.target);
    else todo.push(job);
  }
  if (todo.length === 0) return { rendered, skipped };

  const work = await mkdtemp(join(tmpdir(), 'hotline-prompts-'));
  try {
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (next < todo.length && !failed) {
        const index = next++;
        const job = todo[index] as Job;
        try {
          await renderOne(job, join(work, String(index)), espeakNg, sox);
        } catch (err) {
          failed = true;
          throw err;
        }
        rendered.push(job.target);
        log?.(`rendered ${job.target}`);
      }
    };
    // Every worker is let finish (after a failure, none takes another prompt) before the scratch folder goes: a
    // worker still writing into it would make its removal fail and hide the error that matters.
    const outcomes = await Promise.allSettled(Array.from({ length: Math.min(PARALLEL, todo.length) }, worker));
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  rendered.sort();
  return { rendered, skipped };
}

async function renderOne(job: Job, scratch: string, espeakNg: string, sox: string): Promise<void> {
  const textFile = `${scratch}.txt`;
  const speech = `${scratch}.wav`;
  // The text goes through a file, not argv: a prompt starting with "-" must not be taken for an option.
  await writeFile(textFile, speakableText(job.text, job.lang), 'utf8');
  await run('espeak-ng', espeakNg, ['-v', ESPEAK_VOICES[job.lang], '-b', '1', '-w', speech, '-f', textFile], job.target);

  await mkdir(dirname(job.target), { recursive: true });
  // Written next to the target and renamed, so Asterisk never plays a half-written file.
  const partial = `${job.target}.partial`;
  // -G guards against clipping when resampling; -V1 keeps sox quiet unless it fails.
  await run('sox', sox, ['-G', '-V1', speech, '-t', 'wav', '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', partial], job.target);
  await rename(partial, job.target);
}

async function run(tool: Tool, command: string, args: string[], target: string): Promise<void> {
  try {
    await execFileAsync(command, args, { timeout: 60_000 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') throw new PromptToolMissingError(tool, command);
    const stderr = failure.stderr?.trim();
    throw new PromptRenderError(target, `${tool} failed: ${stderr || failure.message}`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
