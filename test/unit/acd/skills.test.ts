import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSkills, parseSkills } from '../../../src/domain/acd/skills.js';

describe('parseSkills', () => {
  it('reads names with levels, 1 when left out, in the order given', () => {
    expect(parseSkills('environment:1, zh:1,en:2, complaint')).toEqual([
      { name: 'environment', level: 1 },
      { name: 'zh', level: 1 },
      { name: 'en', level: 2 },
      { name: 'complaint', level: 1 },
    ]);
  });

  it('takes names in lower case and allows space around the colon', () => {
    expect(parseSkills(' ZH : 3 ,urban-management:9')).toEqual([
      { name: 'zh', level: 3 },
      { name: 'urban-management', level: 9 },
    ]);
  });

  it.each<[string, string]>([
    ['', 'skills: none given'],
    ['   ', 'skills: none given'],
    ['zh,,en', 'skills: item 2 is empty'],
    ['zh,', 'skills: item 2 is empty'],
    ['-zh', 'skills: "-zh": the name must be'],
    ['a_b:1', 'skills: "a_b:1": the name must be'],
    ['中文:1', 'skills: "中文:1": the name must be'],
    [`${'a'.repeat(33)}:1`, `skills: "${'a'.repeat(33)}:1": the name must be`],
    [':2', 'skills: ":2": the name must be'],
    ['zh:0', 'skills: "zh:0": the level must be a whole number from 1 to 9'],
    ['zh:10', 'skills: "zh:10": the level must be'],
    ['zh:1.5', 'skills: "zh:1.5": the level must be'],
    ['zh:', 'skills: "zh:": the level must be'],
    ['zh:-1', 'skills: "zh:-1": the level must be'],
    ['zh:1:2', 'skills: "zh:1:2": the level must be'],
    ['zh:1, en, ZH:2', 'skills: "zh" is given twice'],
  ])('refuses %j naming the problem', (text, message) => {
    const parsed = parseSkills(text);
    expect(Array.isArray(parsed) ? 'parsed' : parsed.error).toContain(message);
  });

  it('accepts the longest name and every level', () => {
    expect(parseSkills(`${'a'.repeat(32)}:9`)).toEqual([{ name: 'a'.repeat(32), level: 9 }]);
    for (let level = 1; level <= 9; level++) expect(parseSkills(`zh:${level}`)).toEqual([{ name: 'zh', level }]);
  });
});

describe('formatSkills', () => {
  it('writes every level out', () => {
    expect(formatSkills([{ name: 'zh', level: 1 }, { name: 'environment', level: 2 }])).toBe('zh:1, environment:2');
  });

  it('is read back unchanged by parseSkills', () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,31}$/);
    const skills = fc.uniqueArray(fc.record({ name, level: fc.integer({ min: 1, max: 9 }) }), { minLength: 1, maxLength: 8, selector: (s) => s.name });
    fc.assert(
      fc.property(skills, (s) => {
        expect(parseSkills(formatSkills(s))).toEqual(s);
      }),
    );
  });
});
