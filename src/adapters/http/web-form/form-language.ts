// Which language the form page opens in: an explicit `?lang=` (the page's own switch links carry it) wins, then the
// browser's Accept-Language, then Mandarin, the hotline's working language.

import type { Language } from '../../../domain/intake/submission.js';

const DEFAULT_FORM_LANGUAGE: Language = 'zh';

export function pickFormLanguage(queryLang: unknown, acceptLanguage: string | undefined): Language {
  const explicit = typeof queryLang === 'string' ? languageOfTag(queryLang) : null;
  if (explicit !== null) return explicit;
  return preferredOf(acceptLanguage ?? '') ?? DEFAULT_FORM_LANGUAGE;
}

/** `zh`, `zh-CN`, `zh-Hans-CN`, `en-GB` ... by their primary subtag; anything else is not ours. */
function languageOfTag(tag: string): Language | null {
  const primary = tag.trim().toLowerCase().split('-')[0];
  return primary === 'zh' || primary === 'en' ? primary : null;
}

/** The supported language with the highest quality; among equals the one listed first (RFC 9110 §12.5.4). */
function preferredOf(header: string): Language | null {
  let best: { language: Language; q: number } | null = null;
  for (const item of header.split(',')) {
    const [tag = '', ...params] = item.split(';');
    const language = languageOfTag(tag);
    if (language === null) continue;
    const q = qualityOf(params);
    if (q > 0 && (best === null || q > best.q)) best = { language, q };
  }
  return best?.language ?? null;
}

function qualityOf(params: readonly string[]): number {
  for (const param of params) {
    const [name = '', value = ''] = param.split('=');
    if (name.trim().toLowerCase() !== 'q') continue;
    const q = Number(value.trim());
    return Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0;
  }
  return 1;
}
