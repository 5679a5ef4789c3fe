import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DESK_PAGES, DeskPagesSetupError, findDeskAssetsDir, loadDeskAssets, renderDeskPage } from '../../../src/adapters/http/desk/desk-page-assets.js';
import { DESK_TEXTS, PAUSE_REASONS } from '../../../src/adapters/http/desk/desk-texts.js';
import type { DeskTextKey } from '../../../src/adapters/http/desk/desk-texts.js';
import { parseFlow } from '../../../src/domain/flow/parse-flow.js';
import { parsePauseReason } from '../../../src/domain/acd/agent-state.js';
import { transferSkills } from '../../../src/domain/acd/transfer-skills.js';
import { AGENT_STATES, DEVICE_UNAVAILABLE_REASON, LOGGED_IN_REASON, NO_ANSWER_REASON } from '../../../src/domain/acd/types.js';
import { AGENT_DISPOSITIONS, CATEGORIES, CHANNELS, KINDS, LANGUAGES } from '../../../src/domain/intake/submission.js';

const assetsDir = fileURLToPath(new URL('../../../src/adapters/http/desk/assets/', import.meta.url));
const read = (name: string): string => readFileSync(`${assetsDir}/${name}`, 'utf8');
const scripts = readdirSync(assetsDir).filter((name) => name.endsWith('.js'));
const parts = new Map(['top.html', 'login.html'].map((name) => [name, read(name)]));
const settings = { transferSkills: ['consultation', 'environment'], wrapUpSeconds: 30 };
const has = (key: string): boolean => Object.hasOwn(DESK_TEXTS.zh, key);

describe('the desk texts', () => {
  it('have every key in both languages, none blank, with the same {markers}', () => {
    const markers = (text: string) => [...text.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(DESK_TEXTS.en).sort()).toEqual(Object.keys(DESK_TEXTS.zh).sort());
    for (const key of Object.keys(DESK_TEXTS.zh) as DeskTextKey[]) {
      expect(DESK_TEXTS.zh[key].trim(), key).not.toBe('');
      expect(DESK_TEXTS.en[key].trim(), key).not.toBe('');
      expect(markers(DESK_TEXTS.en[key]), key).toEqual(markers(DESK_TEXTS.zh[key]));
    }
  });

  it('cover every key the page scripts ask for by name', () => {
    const prefixes = 'brand|page|lang|conn|login|user|role|state|reason|agent|action|pause|call|pop|language|channel|skill|wo|kind|category|disposition|field|error|sup';
    const literal = scripts.flatMap((name) => [...read(name).matchAll(new RegExp(`['\`]((?:${prefixes})\\.[a-zA-Z0-9_.-]+)['\`]`, 'g'))].map((m) => m[1] as string));
    expect(literal.length).toBeGreaterThan(40);
    expect(literal.filter((key) => !has(key))).toEqual([]);
  });

  it('name every value the queue and the work order use', () => {
    const wanted = [
      ...AGENT_STATES.map((s) => `state.${s}`),
      ...[LOGGED_IN_REASON, NO_ANSWER_REASON, DEVICE_UNAVAILABLE_REASON, ...PAUSE_REASONS].map((r) => `reason.${r}`),
      ...KINDS.map((k) => `kind.${k}`),
      ...CATEGORIES.map((c) => `category.${c}`),
      ...AGENT_DISPOSITIONS.map((d) => `disposition.${d}`),
      ...CHANNELS.map((c) => `channel.${c}`),
      ...LANGUAGES.map((l) => `language.${l}`),
      ...['agent', 'supervisor'].map((r) => `role.${r}`),
      ...['offered', 'answered', 'ended'].map((p) => `call.phase.${p}`),
      ...['connecting', 'online', 'retrying', 'signedOut'].map((c) => `conn.${c}`),
      ...['kind', 'category', 'matter', 'disposition', 'department', 'repeatOf', 'note', 'other'].map((f) => `field.${f}`),
      // The codes of desk-protocol.ts, and the two the page gives itself.
      ...['invalid', 'not_allowed', 'unknown_agent', 'wrong_role', 'not_your_agent', 'unavailable', 'not_your_call', 'unknown_call', 'not_answered', 'bad_request', 'busy', 'expired', 'offline', 'timeout'].map((c) => `error.${c}`),
      ...DESK_PAGES.flatMap((p) => [`page.title.${p}`, `page.heading.${p}`]),
    ];
    expect(wanted.filter((key) => !has(key))).toEqual([]);
  });

  it('offer pause reasons the domain takes', () => {
    for (const reason of PAUSE_REASONS) expect(parsePauseReason(reason)).toBe(reason);
  });
});

describe('the desk pages', () => {
  it('render in both languages with every text filled and nothing left over', () => {
    for (const page of DESK_PAGES) {
      const template = read(`${page}.html`);
      const zh = renderDeskPage(template, parts, page, 'zh', settings);
      const en = renderDeskPage(template, parts, page, 'en', settings);
      expect(zh).toContain('<html lang="zh-CN">');
      expect(en).toContain('<html lang="en">');
      expect(zh).toContain(`<h1 data-t="page.heading.${page}">${DESK_TEXTS.zh[`page.heading.${page}`]}</h1>`);
      expect(en).toContain('<label for="login-user" data-t="login.user">Staff ID</label>');
      expect(en).toContain('href="?lang=zh" lang="zh-CN" hreflang="zh"');
      // No inline script or style: the CSP would refuse them.
      expect(zh).not.toMatch(/<script(?![^>]*\b(?:src=|type="application\/json"))/);
      expect(zh).not.toMatch(/\sstyle=|<style|\son[a-z]+=/);
    }
  });

  it('give the scripts exactly what the work-order parser and the state machine take', () => {
    const html = renderDeskPage(read('desktop.html'), parts, 'desktop', 'en', settings);
    const json = /<script type="application\/json" id="desk-config">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    const config = JSON.parse(json) as Record<string, unknown>;
    expect(config).toMatchObject({ page: 'desktop', lang: 'en', kinds: [...KINDS], categories: [...CATEGORIES], dispositions: [...AGENT_DISPOSITIONS], transferSkills: settings.transferSkills, wrapUpSeconds: 30 });
    expect(config['limits']).toEqual({ matter: 4000, department: 100, note: 1000, pauseReason: 64 });
  });

  it('keep a text that could end the script block inside it', () => {
    const html = renderDeskPage(read('desktop.html'), parts, 'desktop', 'zh', { transferSkills: ['</script><b>'], wrapUpSeconds: 0 });
    expect(html).not.toContain('</script><b>');
    expect(html).toContain('\\u003c/script>\\u003cb>');
  });

  it('refuse an unknown text, part or placeholder at start-up', () => {
    expect(() => renderDeskPage('<p data-t="no.such"></p>', parts, 'desktop', 'zh', settings)).toThrow(DeskPagesSetupError);
    expect(() => renderDeskPage('<!-- include nowhere.html -->', parts, 'desktop', 'zh', settings)).toThrow(/unknown part/);
    expect(() => renderDeskPage('{{stray}}', parts, 'desktop', 'zh', settings)).toThrow(/unfilled placeholder/);
  });

  it('are found next to the sources and loaded with their assets', async () => {
    expect(findDeskAssetsDir()).toBe(assetsDir.replace(/\/$/, ''));
    expect(() => findDeskAssetsDir('/nonexistent/desk-assets')).toThrow(DeskPagesSetupError);
    const assets = await loadDeskAssets(findDeskAssetsDir(), settings);
    for (const name of scripts) expect(assets.asset(name)?.contentType, name).toBe('text/javascript; charset=utf-8');
    expect(assets.asset('desk.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(assets.asset('desktop.html')).toBeUndefined();
    expect(assets.asset('desk-format.d.ts')).toBeUndefined();
    expect(assets.page('supervisor', 'en').etag).not.toBe(assets.page('supervisor', 'zh').etag);
  });
});

describe('transfer targets', () => {
  it("are the flow's queue skills, then the categories, each once", () => {
    const result = parseFlow(readFileSync('ivr-flows/12345.yaml', 'utf8'), 'ivr-flows/12345.yaml');
    if ('errors' in result) throw new Error('the hotline flow is invalid');
    const skills = transferSkills(result.flow);
    expect(skills.slice(0, 4)).toEqual(['consultation', 'complaint', 'case-status', 'general']);
    expect(skills.slice(4)).toEqual([...CATEGORIES]);
    for (const skill of skills) expect(DESK_TEXTS.zh[`skill.${skill}` as DeskTextKey] ?? DESK_TEXTS.zh[`category.${skill}` as DeskTextKey], skill).toBeDefined();
  });
});
