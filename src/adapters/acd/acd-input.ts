// What the store checks before a script runs: names that become parts of Redis keys and of the compact skill
// encoding, levels and priorities in range, times the rank score can hold. A bad value is the caller's bug, refused
// with the value named, never stored half-way.

import type { Skill, WaitingCall } from '../../domain/acd/types.js';
import { HEAD_PRIORITY, MAX_LEVEL, MIN_LEVEL, MIN_PRIORITY } from '../../domain/acd/types.js';

export class AcdInputError extends Error {
  readonly code = 'ACD_INPUT_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'AcdInputError';
  }
}

/** Skill and language names: parts of key names (`w:<skill>|<lang>`) and of the skill list (`1environment,1zh`). */
const NAME = /^[^\s|,{}]{1,64}$/u;
/** Call, agent and gateway ids, endpoints: any text but a line break (the offers list separates with one). */
const ID = /^[^\r\n]{1,200}$/u;
/** The rank score keeps enqueuedAt below 2^41 ms (the year 2039), see the Lua prelude. */
const MAX_TIME = 2 ** 41 - 1;

export function checkId(what: string, value: string): string {
  if (!ID.test(value)) throw new AcdInputError(`${what} must be 1-200 characters without line breaks, got ${JSON.stringify(value)}`);
  return value;
}

export function checkName(what: string, value: string): string {
  if (!NAME.test(value)) throw new AcdInputError(`${what} must be 1-64 characters without spaces, '|', ',', '{' or '}', got ${JSON.stringify(value)}`);
  return value;
}

export function checkTime(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_TIME) throw new AcdInputError(`${what} must be epoch ms between 0 and 2^41, got ${value}`);
  return value;
}

export function checkDuration(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new AcdInputError(`${what} must be a whole number of ms, 0 or more, got ${value}`);
  return value;
}

/** A pause reason as kept: trimmed, 1-64 characters, one line (the domain's `parsePauseReason` rule). */
export function checkReason(text: string): string {
  const reason = text.trim();
  const length = [...reason].length;
  if (length === 0 || length > 64 || /\p{Cc}/u.test(reason)) {
    throw new AcdInputError(`a pause reason must be 1-64 characters on one line, got ${JSON.stringify(text)}`);
  }
  return reason;
}

/** `[{name: 'environment', level: 1}, {name: 'zh', level: 2}]` -> `1environment,2zh`: one digit per level. */
export function encodeSkills(skills: readonly Skill[]): string {
  const seen = new Set<string>();
  return skills
    .map((skill) => {
      checkName('a skill name', skill.name);
      if (!Number.isInteger(skill.level) || skill.level < MIN_LEVEL || skill.level > MAX_LEVEL) {
        throw new AcdInputError(`skill ${skill.name} needs a level ${MIN_LEVEL}..${MAX_LEVEL}, got ${skill.level}`);
      }
      if (seen.has(skill.name)) throw new AcdInputError(`skill ${skill.name} is listed twice`);
      seen.add(skill.name);
      return `${skill.level}${skill.name}`;
    })
    .join(',');
}

export function decodeSkills(encoded: string): Skill[] {
  if (encoded === '') return [];
  return encoded.split(',').map((item) => ({ name: item.slice(1), level: Number(item.slice(0, 1)) }));
}

export function checkCall(call: WaitingCall): void {
  checkId('a call id', call.callId);
  checkId('a gateway id', call.gateway);
  checkName('a call skill', call.skill);
  checkName('a call language', call.lang);
  if (!Number.isInteger(call.priority) || call.priority < MIN_PRIORITY || call.priority > HEAD_PRIORITY) {
    throw new AcdInputError(`call ${call.callId} needs a priority ${MIN_PRIORITY}..${HEAD_PRIORITY}, got ${call.priority}`);
  }
  checkTime(`enqueuedAt of call ${call.callId}`, call.enqueuedAt);
}
