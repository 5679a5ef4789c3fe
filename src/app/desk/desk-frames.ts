// Reading one text frame of the desk's socket as a protocol message. Nothing the browser (or a script posing as
// one) sends is trusted: the frame is size-checked before it is parsed, then every field is checked for presence,
// type and length, and unknown fields are refused, so a page built against another version of the protocol hears
// at once which field the server does not know rather than having it silently ignored. Each problem names its field.

import type { ClientMessage } from './desk-protocol.js';

/** A work order with its longest matter and note in Chinese fits many times over. */
export const DESK_MAX_FRAME_BYTES = 32 * 1024;
const MAX_ID_LENGTH = 64;
const MAX_TEXT_LENGTH = 200;
const MAX_TOKEN_LENGTH = 200;

export interface FrameProblem {
  readonly field: string;
  readonly message: string;
}

export type ReadFrame =
  | { readonly ok: true; readonly message: ClientMessage }
  /** `re`: the frame's `id` when one could be read, so the refusal still answers the request that sent it. */
  | { readonly ok: false; readonly re: string | null; readonly problems: readonly FrameProblem[] };

type FieldKind = 'text' | 'object' | 'token';
interface FieldRule {
  readonly kind: FieldKind;
  readonly required: boolean;
}

const text = (required: boolean): FieldRule => ({ kind: 'text', required });
/** The agent a request acts for; an agent's own session when absent (see desk-protocol.ts). */
const AGENT_ID = { agentId: text(false) };

const RULES: Readonly<Record<ClientMessage['type'], Readonly<Record<string, FieldRule>>>> = {
  auth: { token: { kind: 'token', required: true } },
  login: { ...AGENT_ID, endpoint: text(false), skills: text(false) },
  logout: AGENT_ID,
  ready: AGENT_ID,
  pause: { ...AGENT_ID, reason: text(true) },
  wrapUp: { ...AGENT_ID, workOrder: { kind: 'object', required: true }, callId: text(false) },
  hangup: AGENT_ID,
  transfer: { ...AGENT_ID, skill: text(false) },
  pauseAgent: { agentId: text(true), reason: text(true) },
  logoutAgent: { agentId: text(true) },
};
const TYPES = Object.keys(RULES) as ReadonlyArray<ClientMessage['type']>;

/** `byteLength` is the frame's size as received (UTF-8), measured by the transport. */
export function readFrame(frame: string, byteLength: number): ReadFrame {
  if (byteLength > DESK_MAX_FRAME_BYTES) {
    return refused(null, '(frame)', `a frame of ${byteLength} bytes is too big: at most ${DESK_MAX_FRAME_BYTES}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch (err) {
    return refused(null, '(frame)', `not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return refused(null, '(frame)', 'a message is a JSON object with a `type`');
  }
  const fields = parsed as Record<string, unknown>;
  const type = fields['type'];
  const rawId = fields['id'];
  const re = typeof rawId === 'string' && rawId.length > 0 && rawId.length <= MAX_ID_LENGTH ? rawId : null;
  if (typeof type !== 'string' || !(TYPES as readonly string[]).includes(type)) {
    const said = typeof type === 'string' ? `"${type.slice(0, 40)}" is not a message type` : 'required';
    return refused(re, 'type', `${said}: one of ${TYPES.join(', ')}`);
  }
  const rules = RULES[type as ClientMessage['type']];
  const problems: FrameProblem[] = [];
  if (type !== 'auth' && re === null) {
    problems.push({ field: 'id', message: `required: a string of 1-${MAX_ID_LENGTH} characters, repeated by the reply` });
  }
  for (const [name, rule] of Object.entries(rules)) {
    const problem = fieldProblem(fields[name], rule);
    if (problem !== null) problems.push({ field: name, message: problem });
  }
  for (const name of Object.keys(fields)) {
    if (name !== 'type' && !(name === 'id' && type !== 'auth') && !Object.hasOwn(rules, name)) {
      problems.push({ field: name.slice(0, 40), message: `not a field of a ${type} message` });
    }
  }
  if (problems.length > 0) return { ok: false, re, problems };
  return { ok: true, message: fields as unknown as ClientMessage };
}

function fieldProblem(value: unknown, rule: FieldRule): string | null {
  if (value === undefined) return rule.required ? 'required' : null;
  switch (rule.kind) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? null : 'must be an object';
    case 'token':
      return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOKEN_LENGTH ? null : 'must be the session token';
    case 'text':
      if (typeof value !== 'string') return 'must be a string';
      if (value.length > MAX_TEXT_LENGTH) return `at most ${MAX_TEXT_LENGTH} characters`;
      return null;
  }
}

function refused(re: string | null, field: string, message: string): ReadFrame {
  return { ok: false, re, problems: [{ field, message }] };
}
