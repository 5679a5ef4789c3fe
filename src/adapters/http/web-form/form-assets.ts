// The form's static files (page template, script, style), read once at start-up and served from memory. They live
// next to this module in the sources (`src/adapters/http/web-form/assets/`); see ../page-assets.ts for how they are
// found when running from `dist/`.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Language } from '../../../domain/intake/submission.js';
import { assetsDirCandidates, escapeHtml, firstDirWith, servedAsset } from '../page-assets.js';
import type { ServedAsset } from '../page-assets.js';
import { FORM_TEXTS, fillText, isFormTextKey } from './form-texts.js';

export type { ServedAsset } from '../page-assets.js';

const ASSETS_SOURCE_PATH = 'src/adapters/http/web-form/assets';

/** The files the page loads, by the name in their URL (`/form/assets/<name>`). */
const SERVED_ASSETS = {
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
} as const;

export interface FormPageSettings {
  readonly fileBytes: number;
  readonly files: number;
}

export interface FormAssets {
  readonly dir: string;
  asset(name: string): ServedAsset | undefined;
  /** The page in one language; the same bytes every time, so it is rendered once per language. */
  page(language: Language): ServedAsset;
}

export class WebFormSetupError extends Error {
  readonly code = 'WEB_FORM_SETUP';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WebFormSetupError';
  }
}

export function findAssetsDir(explicit?: string): string {
  const candidates = explicit === undefined ? assetsDirCandidates(import.meta.url, ASSETS_SOURCE_PATH) : [resolve(explicit)];
  const found = firstDirWith(candidates, 'index.html');
  if (found === null) {
    throw new WebFormSetupError(`web form assets not found (looked for index.html in ${candidates.join(', ')})`);
  }
  return found;
}

export async function loadFormAssets(dir: string, settings: FormPageSettings): Promise<FormAssets> {
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, name));
    } catch (error) {
      throw new WebFormSetupError(`cannot read web form asset ${join(dir, name)}`, { cause: error });
    }
  };
  const served = new Map<string, ServedAsset>();
  for (const [name, contentType] of Object.entries(SERVED_ASSETS)) served.set(name, servedAsset(await read(name), contentType));
  const template = (await read('index.html')).toString('utf8');
  const pages = {
    zh: servedAsset(Buffer.from(renderFormPage(template, 'zh', settings), 'utf8'), 'text/html; charset=utf-8'),
    en: servedAsset(Buffer.from(renderFormPage(template, 'en', settings), 'utf8'), 'text/html; charset=utf-8'),
  } satisfies Record<Language, ServedAsset>;
  return {
    dir,
    asset: (name) => served.get(name),
    page: (language) => pages[language],
  };
}

const HTML_LANG: Readonly<Record<Language, string>> = { zh: 'zh-CN', en: 'en' };
const OTHER: Readonly<Record<Language, Language>> = { zh: 'en', en: 'zh' };

/**
 * Fills the template: an element written empty with `data-t="key"` gets that text; `{{lang}}`, `{{htmlLang}}`,
 * `{{otherLang}}`, `{{otherHtmlLang}}` and `{{config}}` are replaced. An unknown key or a placeholder left over is a
 * bug in the template, found at start-up rather than by a citizen.
 */
export function renderFormPage(template: string, language: Language, settings: FormPageSettings): string {
  const values = { files: settings.files, size: formatBytes(settings.fileBytes) };
  const text = (key: string): string => {
    if (!isFormTextKey(key)) throw new WebFormSetupError(`web form template uses unknown text "${key}"`);
    return escapeHtml(fillText(FORM_TEXTS[language][key], values));
  };
  const config = {
    lang: language,
    limits: { fileBytes: settings.fileBytes, files: settings.files },
    texts: FORM_TEXTS,
  };
  const html = template
    .replace(/<([a-z][a-z0-9]*)\b([^<>]*?)\sdata-t="([^"]+)"([^<>]*)><\/\1>/g, (_m, tag: string, before: string, key: string, after: string) => {
      return `<${tag}${before} data-t="${key}"${after}>${text(key)}</${tag}>`;
    })
    .replaceAll('{{lang}}', language)
    .replaceAll('{{htmlLang}}', HTML_LANG[language])
    .replaceAll('{{otherLang}}', OTHER[language])
    .replaceAll('{{otherHtmlLang}}', HTML_LANG[OTHER[language]])
    // Inside <script type="application/json"> only `</script` could end the block early: escape every `<`.
    .replace('{{config}}', () => JSON.stringify(config).replaceAll('<', '\\u003c'));
  const leftover = /\{\{[^}]*\}\}|<[a-z][a-z0-9]*\b[^<>]*\sdata-t="[^"]+"[^<>]*><\/[a-z0-9]+>/.exec(html);
  if (leftover !== null) throw new WebFormSetupError(`web form template has an unfilled placeholder: ${leftover[0]}`);
  return html;
}

/** `20 MB`, `1.5 MB`, `512 KB`: the page shows the limit, so it is written the way people read sizes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Math.round(value * 10) / 10} ${units[unit]}`;
}
