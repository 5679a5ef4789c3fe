import { describe, expect, it } from 'vitest';
import { pickFormLanguage } from '../../../src/adapters/http/web-form/form-language.js';

describe('pickFormLanguage', () => {
  it('opens in Mandarin when nothing says otherwise', () => {
    expect(pickFormLanguage(undefined, undefined)).toBe('zh');
    expect(pickFormLanguage(undefined, '')).toBe('zh');
    expect(pickFormLanguage(undefined, 'fr-FR,de;q=0.8')).toBe('zh');
  });

  it('follows an explicit ?lang= over the browser', () => {
    expect(pickFormLanguage('en', 'zh-CN,zh;q=0.9')).toBe('en');
    expect(pickFormLanguage('zh', 'en-US')).toBe('zh');
    expect(pickFormLanguage('EN-gb', undefined)).toBe('en');
  });

  it('ignores an unknown ?lang= and falls back to Accept-Language', () => {
    expect(pickFormLanguage('fr', 'en-GB,en;q=0.9')).toBe('en');
    expect(pickFormLanguage(['en'], undefined)).toBe('zh');
  });

  it('takes the supported language the browser rates highest', () => {
    expect(pickFormLanguage(undefined, 'en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en');
    expect(pickFormLanguage(undefined, 'fr;q=1, zh-Hans-CN;q=0.5, en;q=0.4')).toBe('zh');
    expect(pickFormLanguage(undefined, 'zh;q=0.3, en;q=0.7')).toBe('en');
  });

  it('keeps the first listed among equal qualities and skips q=0', () => {
    expect(pickFormLanguage(undefined, 'en, zh')).toBe('en');
    expect(pickFormLanguage(undefined, 'zh-TW, en')).toBe('zh');
    expect(pickFormLanguage(undefined, 'en;q=0, zh;q=0.1')).toBe('zh');
    expect(pickFormLanguage(undefined, 'en;q=0')).toBe('zh');
    expect(pickFormLanguage(undefined, 'en;q=abc')).toBe('zh');
  });
});
