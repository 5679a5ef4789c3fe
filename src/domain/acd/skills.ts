// Agent skills as an operator or supervisor writes them: `environment:1, zh:1, en:2, complaint` (a name with an
// optional level, 1 when left out). Matter skills and languages are written alike: routing tells them apart by
// what the call needs, not by their names.

import { MAX_LEVEL, MIN_LEVEL } from './types.js';
import type { Skill } from './types.js';

/** Lower-case letters, digits and "-", up to 32: the same names the Redis store uses in its keys. */
export const SKILL_NAME_PATTERN = '^[a-z0-9][a-z0-9-]{0,31}$';
const SKILL_NAME = new RegExp(SKILL_NAME_PATTERN);

/** Names are taken in lower case (`ZH` is `zh`); each name once; at least one skill. */
export function parseSkills(text: string): Skill[] | { readonly error: string } {
  if (text.trim() === '') return { error: 'skills: none given (expected e.g. "environment:1, zh:1")' };
  const skills: Skill[] = [];
  const items = text.split(',');
  for (const [i, raw] of items.entries()) {
    const item = raw.trim();
    if (item === '') return { error: `skills: item ${i + 1} is empty (a stray comma?)` };
    const colon = item.indexOf(':');
    const name = (colon < 0 ? item : item.slice(0, colon)).trim().toLowerCase();
    const levelText = colon < 0 ? '1' : item.slice(colon + 1).trim();
    if (!SKILL_NAME.test(name)) {
      return { error: `skills: "${item}": the name must be 1 to 32 letters, digits or "-", starting with a letter or digit` };
    }
    if (!/^[0-9]+$/.test(levelText) || Number(levelText) < MIN_LEVEL || Number(levelText) > MAX_LEVEL) {
      return { error: `skills: "${item}": the level must be a whole number from ${MIN_LEVEL} to ${MAX_LEVEL}` };
    }
    if (skills.some((s) => s.name === name)) return { error: `skills: "${name}" is given twice` };
    skills.push({ name, level: Number(levelText) });
  }
  return skills;
}

/** The canonical text of skills (every level written out), which `parseSkills` reads back unchanged. */
export function formatSkills(skills: readonly Skill[]): string {
  return skills.map((s) => `${s.name}:${s.level}`).join(', ');
}
