// The desk pages' static files (two page templates with their shared parts, scripts, style), read once at start-up
// and served from memory. Each page is rendered once per language with its texts and what the work-order form offers
// (exactly the values the domain accepts), so nothing a page shows is decided in its script alone.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AGENT_TRANSITIONS, MAX_PAUSE_REASON_LENGTH } from '../../../domain/acd/agent-state.js';
import { MAX_MATTER_LENGTH } from '../../../domain/acd/work-order.js';
import { MAX_DEPARTMENT_LENGTH, MAX_NOTE_LENGTH } from '../../../domain/intake/normalise-call.js';
import { AGENT_DISPOSITIONS, CATEGORIES, KINDS } from '../../../domain/intake/submission.js';
import type { Language } from '../../../domain/intake/submission.js';
import { assetsDirCandidates, escapeHtml, firstDirWith, servedAsset } from '../page-assets.js';
import type { ServedAsset } from '../page-assets.js';
import { DESK_TEXTS, PAUSE_REASONS, isDeskTextKey } from './desk-texts.js';

const ASSETS_SOURCE_PATH = 'src/adapters/http/desk/assets';

export const DESK_PAGES = ['desktop', 'supervisor'] as const;
export type DeskPage = (typeof DESK_PAGES)[number];

/** The files the pages load, by the name in their URL (`/desk/assets/<name>`). */
const SERVED_ASSETS = {
  'desk.css': 'text/css; charset=utf-8',
  'desk-format.js': 'text/javascript; charset=utf-8',
  'desk-common.js': 'text/javascript; charset=utf-8',
  'desk-pop.js': 'text/javascript; charset=utf-8',
  'desk-work-order.js': 'text/javascript; charset=utf-8',
  'desktop.js': 'text/javascript; charset=utf-8',
  'supervisor.js': 'text/javascript; charset=utf-8',
} as const;

/** Parts both templates include with `<!-- include name -->`. */
const PARTS = ['top.html', 'login.html'] as const;

export interface DeskPageSettings {
  /** Skills an agent may transfer a caller to: the flow's queue skills and the categories. */
  readonly transferSkills: readonly string[];
  /** `ACD_WRAP_UP` in seconds (0: none), for the countdown the desktop shows. */
  readonly wrapUpSeconds: number;
}

export interface DeskAssets {
  readonly dir: string;
  asset(name: string): ServedAsset | undefined;
  page(page: DeskPage, language: Language): ServedAsset;
}

export class DeskPagesSetupError extends Error {
  readonly code = 'DESK_PAGES_SETUP';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeskPagesSetupError';
  }
}

export function findDeskAssetsDir(explicit?: string): string {
  const candidates = explicit === undefined ? assetsDirCandidates(import.meta.url, ASSETS_SOURCE_PATH) : [resolve(explicit)];
  const found = firstDirWith(candidates, 'desktop.html');
  if (found === null) throw new DeskPagesSetupError(`desk page assets not found (looked for desktop.html in ${candidates.join(', ')})`);
  return found;
}

export async function loadDeskAssets(dir: string, settings: DeskPageSettings): Promise<DeskAssets> {
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, name));
    } catch (error) {
      throw new DeskPagesSetupError(`cannot read desk page asset ${join(dir, name)}`, { cause: error });
    }
  };
  const served = new Map<string, ServedAsset>();
  for (const [name, contentType] of Object.entries(SERVED_ASSETS)) served.set(name, servedAsset(await read(name), contentType));
  const parts = new Map<string, string>();
  for (const name of PARTS) parts.set(name, (await read(name)).toString('utf8'));
  const pages = new Map<string, ServedAsset>();
  for (const page of DESK_PAGES) {
    const template = (await read(`${page}.html`)).toString('utf8');
    for (const language of ['zh', 'en'] as const) {
      const html = renderDeskPage(template, parts, page, language, settings);
      pages.set(`${page}:${language}`, servedAsset(Buffer.from(html, 'utf8'), 'text/html; charset=utf-8'));
    }
  }
  return {
    dir,
    asset: (name) => served.get(name),
    page: (page, language) => {
      const found = pages.get(`${page}:${language}`);
      if (found === undefined) throw new DeskPagesSetupError(`no desk page ${page} in ${language}`);
      return found;
    },
  };
}

/** What the page scripts read from `#desk-config`. */
export function deskPageConfig(page: DeskPage, language: Language, settings: DeskPageSettings): Record<string, unknown> {
  return {
    page,
    lang: language,
    texts: DESK_TEXTS,
    kinds: KINDS,
    categories: CATEGORIES,
    dispositions: AGENT_DISPOSITIONS,
    pauseReasons: PAUSE_REASONS,
    transferSkills: settings.transferSkills,
    transitions: AGENT_TRANSITIONS,
    limits: { matter: MAX_MATTER_LENGTH, department: MAX_DEPARTMENT_LENGTH, note: MAX_NOTE_LENGTH, pauseReason: MAX_PAUSE_REASON_LENGTH },
    wrapUpSeconds: settings.wrapUpSeconds,
  };
}

const HTML_LANG: Readonly<Record<Language, string>> = { zh: 'zh-CN', en: 'en' };
const OTHER: Readonly<Record<Language, Language>> = { zh: 'en', en: 'zh' };

/**
 * Fills a page template: `<!-- include name -->` becomes the part, `{{page}}` the page's name, an element written
 * empty with `data-t="key"` gets that text, and `{{htmlLang}}`, `{{otherLang}}`, `{{otherHtmlLang}}` and
 * `{{config}}` are replaced. An unknown part or key, or a placeholder left over, is a bug in the template, found at
 * start-up rather than by an agent.
 */
export function renderDeskPage(template: string, parts: ReadonlyMap<string, string>, page: DeskPage, language: Language, settings: DeskPageSettings): string {
  const text = (key: string): string => {
    if (!isDeskTextKey(key)) throw new DeskPagesSetupError(`desk page template uses unknown text "${key}"`);
    return escapeHtml(DESK_TEXTS[language][key]);
  };
  const config = JSON.stringify(deskPageConfig(page, language, settings)).replaceAll('<', '\\u003c');
  const html = template
    .replace(/<!-- include ([a-z.-]+) -->/g, (_m, name: string) => {
      const part = parts.get(name);
      if (part === undefined) throw new DeskPagesSetupError(`desk page template includes unknown part "${name}"`);
      return part.trimEnd();
    })
    .replaceAll('{{page}}', page)
    .replace(/<([a-z][a-z0-9]*)\b([^<>]*?)\sdata-t="([^"]+)"([^<>]*)><\/\1>/g, (_m, tag: string, before: string, key: string, after: string) => {
      return `<${tag}${before} data-t="${key}"${after}>${text(key)}</${tag}>`;
    })
    .replaceAll('{{htmlLang}}', HTML_LANG[language])
    .replaceAll('{{otherLang}}', OTHER[language])
    .replaceAll('{{otherHtmlLang}}', HTML_LANG[OTHER[language]])
    // Inside <script type="application/json"> only `</script` could end the block early: every `<` is escaped.
    .replace('{{config}}', () => config);
  const leftover = /\{\{[^}]*\}\}|<!-- include|<[a-z][a-z0-9]*\b[^<>]*\sdata-t="[^"]+"[^<>]*><\/[a-z0-9]+>/.exec(html);
  if (leftover !== null) throw new DeskPagesSetupError(`desk page template has an unfilled placeholder: ${leftover[0]}`);
  return html;
}
