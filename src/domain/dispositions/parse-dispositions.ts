// Reads the disposition texts (`ivr-flows/dispositions.yaml`): every class, each in both languages, nothing else.
// Every problem names the file, the line and column, and the path, as the flow checker does.

import { readYaml } from '../flow/yaml-source.js';
import { LANGUAGES } from '../intake/submission.js';
import type { Language } from '../intake/submission.js';
import { DISPOSITION_KINDS } from './dispositions.js';
import type { DispositionKind, DispositionTexts } from './dispositions.js';

export type DispositionsResult = { readonly ok: true; readonly texts: DispositionTexts } | { readonly ok: false; readonly problems: readonly string[] };

/** A reply paragraph, not an essay: the channels put it after the ticket. */
const MAX_TEXT = 500;

export function parseDispositions(source: string, file: string): DispositionsResult {
  const yaml = readYaml(source);
  const problems: string[] = [];
  const at = (path: (string | number)[], message: string): void => {
    const { line, column } = yaml.locate(path);
    problems.push(`${file}:${line}:${column} ${path.join('.') || '(root)'}: ${message}`);
  };
  for (const issue of [...yaml.syntaxErrors, ...yaml.duplicateKeys]) problems.push(`${file}:${issue.line}:${issue.column} ${issue.path}: ${issue.message}`);
  if (problems.length > 0) return { ok: false, problems };
  const data = yaml.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    at([], `expected a mapping of ${DISPOSITION_KINDS.join(', ')}`);
    return { ok: false, problems };
  }
  const root = data as Record<string, unknown>;
  for (const key of Object.keys(root)) if (!(DISPOSITION_KINDS as readonly string[]).includes(key)) at([key], `unknown class: expected one of ${DISPOSITION_KINDS.join(', ')}`);
  const texts = {} as Record<DispositionKind, Record<Language, string>>;
  for (const kind of DISPOSITION_KINDS) {
    const entry = root[kind];
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      at(entry === undefined ? [] : [kind], `${kind}: missing (expected texts in ${LANGUAGES.join(' and ')})`);
      continue;
    }
    const byLanguage = entry as Record<string, unknown>;
    for (const key of Object.keys(byLanguage)) if (!(LANGUAGES as readonly string[]).includes(key)) at([kind, key], `unknown language: expected ${LANGUAGES.join(' or ')}`);
    texts[kind] = {} as Record<Language, string>;
    for (const language of LANGUAGES) {
      const text = byLanguage[language];
      if (typeof text !== 'string' || text.trim() === '') at(text === undefined ? [kind] : [kind, language], `${language}: expected a non-empty text`);
      else if ([...text].length > MAX_TEXT) at([kind, language], `too long: ${[...text].length} characters, at most ${MAX_TEXT}`);
      else texts[kind][language] = text.trim();
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, texts };
}
