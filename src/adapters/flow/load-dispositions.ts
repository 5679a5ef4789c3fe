// Reads the disposition texts at start; the gateway refuses to start on a broken file, naming every problem.

import { readFile } from 'node:fs/promises';
import type { DispositionTexts } from '../../domain/dispositions/dispositions.js';
import { parseDispositions } from '../../domain/dispositions/parse-dispositions.js';

export class InvalidDispositionsError extends Error {
  readonly code = 'DISPOSITIONS_INVALID';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid dispositions file ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'InvalidDispositionsError';
  }
}

export async function loadDispositions(file: string): Promise<DispositionTexts> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new InvalidDispositionsError(file, [`cannot read it: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const result = parseDispositions(source, file);
  if (!result.ok) throw new InvalidDispositionsError(file, result.problems);
  return result.texts;
}
