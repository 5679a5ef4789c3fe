import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findAssetsDir, formatBytes, loadFormAssets, renderFormPage, WebFormSetupError } from '../../../src/adapters/http/web-form/form-assets.js';
import { webFormRoutes } from '../../../src/adapters/http/web-form/index.js';
import { emergencyGuidance, FORM_TEXTS, fillText } from '../../../src/adapters/http/web-form/form-texts.js';
import type { FormTextKey } from '../../../src/adapters/http/web-form/form-texts.js';
import { CATEGORIES, KINDS } from '../../../src/domain/intake/submission.js';

const assetsDir = fileURLToPath(new URL('../../../src/adapters/http/web-form/assets/', import.meta.url));
const template = readFileSync(`${assetsDir}/index.html`, 'utf8');
const script = readFileSync(`${assetsDir}/app.js`, 'utf8');
const settings = { fileBytes: 10 * 1024 * 1024, files: 5 };

describe('the form texts', () => {
  it('have every key in both languages, none blank, with the same {markers}', () => {
    const markers = (text: string) => [...text.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(FORM_TEXTS.en).sort()).toEqual(Object.keys(FORM_TEXTS.zh).sort());
    for (const key of Object.keys(FORM_TEXTS.zh) as FormTextKey[]) {
      expect(FORM_TEXTS.zh[key].trim(), key).not.toBe('');
      expect(FORM_TEXTS.en[key].trim(), key).not.toBe('');
      expect(markers(FORM_TEXTS.en[key]), key).toEqual(markers(FORM_TEXTS.zh[key]));
    }
  });

  it('cover every key the page script asks for', () => {
    const literal = [...script.matchAll(/['`]((?:page|lang|urgent|form|text|kind|category|address|locate|contact|name|phone|email|files|privacy|submit|result|emergency|repeat|error|status|rating)\.[a-z0-9_.-]+)['`]/g)].map((m) => m[1] as string);
    expect(literal.length).toBeGreaterThan(40);
    for (const key of literal) expect(Object.hasOwn(FORM_TEXTS.zh, key), key).toBe(true);
    for (const status of ['received', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected']) expect(Object.hasOwn(FORM_TEXTS.zh, `status.value.${status}`)).toBe(true);
    for (const code of ['too_large', 'unsupported_type', 'invalid']) expect(Object.hasOwn(FORM_TEXTS.zh, `error.attachments.${code}`)).toBe(true);
  });

  it('fill markers and leave unknown ones visible', () => {
    expect(fillText('{files} files of {size}, {other}', { files: 3, size: '1 MB' })).toBe('3 files of 1 MB, {other}');
  });

  it('tell the citizen which line to call in their language', () => {
    expect(emergencyGuidance('119', 'zh')).toContain('119');
    expect(emergencyGuidance('120', 'en')).toMatch(/call 120 now/);
  });
});

describe('renderFormPage', () => {
  it('offers exactly the kinds and categories intake takes, besides "not sure"', () => {
    const optionsOf = (id: string) => {
      const select = new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(template)?.[1] ?? '';
      return [...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    };
    expect(optionsOf('kind')).toEqual(['', ...KINDS]);
    expect(optionsOf('category')).toEqual(['', ...CATEGORIES]);
  });

  it('renders Mandarin with every text filled and both tables embedded as inert JSON', () => {
    const html = renderFormPage(template, 'zh', settings);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<label for="text" data-t="text.label">发生了什么 *</label>');
    expect(html).toContain('最多 5 个文件，每个不超过 10 MB。');
    expect(html).toContain('href="?lang=en" lang="en" hreflang="en" data-t="lang.other">English</a>');
    expect(html).not.toMatch(/\{\{|data-t="[^"]+"[^>]*><\//);
    const config = JSON.parse(/<script type="application\/json" id="form-config">([^<]*)<\/script>/.exec(html)?.[1] ?? 'null') as {
      lang: string;
      limits: unknown;
      texts: typeof FORM_TEXTS;
    };
    expect(config.lang).toBe('zh');
    expect(config.limits).toEqual(settings);
    expect(config.texts.en['submit.button']).toBe('Send');
  });

  it('renders English', () => {
    const html = renderFormPage(template, 'en', settings);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<label for="text" data-t="text.label">What happened *</label>');
    expect(html).toContain('Up to 5 files, each at most 10 MB.');
    expect(html).toContain('lang="zh-CN" hreflang="zh" data-t="lang.other">中文</a>');
  });

  it('has no inline script and no resource from another origin', () => {
    const html = renderFormPage(template, 'zh', settings);
    for (const match of html.matchAll(/<script\b([^>]*)>/g)) {
      const attributes = match[1] ?? '';
      expect(attributes.includes('src=') || attributes.includes('type="application/json"'), attributes).toBe(true);
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('embeds the JSON with no "<" in it, so no text can close the script block', () => {
    const html = renderFormPage('<script type="application/json" id="form-config">{{config}}</script>', 'zh', settings);
    const block = /id="form-config">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(block.length).toBeGreaterThan(1000);
    expect(block).not.toContain('<');
  });

  it('refuses a template with an unknown text key or a stray placeholder', () => {
    expect(() => renderFormPage('<p data-t="no.such.key"></p>', 'zh', settings)).toThrow(WebFormSetupError);
    expect(() => renderFormPage('<p>{{nope}}</p>', 'zh', settings)).toThrow(/unfilled placeholder/);
  });

  it('writes sizes the way people read them', () => {
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MB');
    expect(formatBytes(1536 * 1024)).toBe('1.5 MB');
    expect(formatBytes(512)).toBe('512 B');
  });
});

describe('the assets on disk', () => {
  it('are found beside the sources, and an explicit directory must hold them', async () => {
    expect(findAssetsDir()).toBe(assetsDir.replace(/\/$/, ''));
    expect(() => findAssetsDir('/nonexistent/web-form-assets')).toThrow(WebFormSetupError);
    const assets = await loadFormAssets(findAssetsDir(), settings);
    expect(assets.asset('app.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(assets.asset('style.css')?.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(assets.asset('index.html')).toBeUndefined();
    expect(assets.asset('../../../package.json')).toBeUndefined();
    expect(assets.page('en').body.toString('utf8')).toContain('What happened');
  });
});

describe('webFormRoutes set-up', () => {
  it('refuses limits intake cannot honour, before serving anything', () => {
    const ports = { intake: {} as never, access: {} as never, attachments: {} as never, guard: {} as never };
    expect(() => webFormRoutes({ ...ports, limits: { fileBytes: 0, files: 1 } })).toThrow(/fileBytes/);
    expect(() => webFormRoutes({ ...ports, limits: { fileBytes: 1024, files: 21 } })).toThrow(/files must be a whole number from 1 to 20/);
    expect(() => webFormRoutes({ ...ports, limits: { fileBytes: 1024, files: 2 }, rateLimit: { submissionsPerMinute: 0 } })).toThrow(/submissionsPerMinute/);
    expect(() => webFormRoutes({ ...ports, limits: { fileBytes: 1024, files: 2 }, assetsDir: '/nonexistent' })).toThrow(WebFormSetupError);
    expect(typeof webFormRoutes({ ...ports, limits: { fileBytes: 1024, files: 2 } })).toBe('function');
  });
});
