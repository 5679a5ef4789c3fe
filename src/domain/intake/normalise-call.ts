// The `call` section of a draft (a work order an agent filed for a call, see `workOrderDraft`): checked field by
// field like the rest of the draft, and passed on as it came: it is the queue's record, built by the gateway, so
// checking it catches a bug rather than a citizen's typing; only the agent's free text is normalised (idempotently).

import { SKILL_NAME_PATTERN } from '../acd/skills.js';
import { normaliseLine, normaliseText } from './normalise-text.js';
import { CALL_DISPOSITIONS } from './submission.js';
import type { CallDisposition, CallRecord } from './submission.js';
import { isValidTicket } from './ticket.js';

export const MAX_IVR_PATH = 100;
export const MAX_NODE_ID_LENGTH = 100;
export const MAX_DEPARTMENT_LENGTH = 100;
export const MAX_NOTE_LENGTH = 1000;
const MAX_AGENT_ID_LENGTH = 1000;

const CALL_KEYS = ['ivrPath', 'queueSkill', 'queuedAt', 'answeredAt', 'endedAt', 'waitedMs', 'talkedMs', 'agentId', 'disposition', 'repeatOf', 'department', 'note'];
const NODE_ID = /^[A-Za-z][A-Za-z0-9_-]*$/;
const SKILL_NAME = new RegExp(SKILL_NAME_PATTERN);
const ISO_UTC = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?Z$/;
const CONTROL = /\p{Cc}/u;

type Report = (field: string, message: string) => void;
type Fields = { readonly [key: string]: unknown };

/** The call record, or undefined when absent or wrong (each problem reported with its `call.` path). */
export function normaliseCall(value: unknown, report: Report): CallRecord | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    report('call', 'must be an object');
    return undefined;
  }
  const fields = value as Fields;
  let ok = true;
  const problem: Report = (field, message) => {
    ok = false;
    report(field, message);
  };
  for (const key of Object.keys(fields)) {
    if (!CALL_KEYS.includes(key)) problem(`call.${key}`, `unknown field (allowed: ${CALL_KEYS.join(', ')})`);
  }
  const ivrPath = own(fields, 'ivrPath');
  if (!Array.isArray(ivrPath) || ivrPath.length > MAX_IVR_PATH) problem('call.ivrPath', `must be a list of at most ${MAX_IVR_PATH} IVR node ids`);
  else {
    ivrPath.forEach((node: unknown, i) => {
      if (typeof node !== 'string' || node.length > MAX_NODE_ID_LENGTH || !NODE_ID.test(node)) {
        problem(`call.ivrPath[${i}]`, 'must be an IVR node id (a letter, then letters, digits, "_" or "-")');
      }
    });
  }
  const queueSkill = own(fields, 'queueSkill');
  if (typeof queueSkill !== 'string' || !SKILL_NAME.test(queueSkill)) problem('call.queueSkill', 'must be a skill name (1 to 32 of a-z, 0-9, "-")');
  for (const key of ['queuedAt', 'answeredAt', 'endedAt']) {
    const at = own(fields, key);
    if (typeof at !== 'string' || !ISO_UTC.test(at) || Number.isNaN(Date.parse(at))) {
      problem(`call.${key}`, 'must be an ISO 8601 UTC time like 2024-05-01T08:30:00.000Z');
    }
  }
  for (const key of ['waitedMs', 'talkedMs']) {
    const ms = own(fields, key);
    if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) problem(`call.${key}`, 'must be a whole number of ms, at least 0');
  }
  const agentId = own(fields, 'agentId');
  if (typeof agentId !== 'string' || agentId.trim() !== agentId || agentId === '' || agentId.length > MAX_AGENT_ID_LENGTH || CONTROL.test(agentId)) {
    problem('call.agentId', `must be the agent's id: 1 to ${MAX_AGENT_ID_LENGTH} characters, no surrounding space or control characters`);
  }
  const disposition = own(fields, 'disposition');
  if (!isDisposition(disposition)) problem('call.disposition', `must be one of: ${CALL_DISPOSITIONS.join(', ')}`);

  const repeatOf = own(fields, 'repeatOf');
  if (repeatOf !== undefined && (typeof repeatOf !== 'string' || !isValidTicket(repeatOf))) {
    problem('call.repeatOf', 'must be a ticket: 9 to 20 digits with a valid check digit');
  }
  if ((disposition === 'repeat') !== (repeatOf !== undefined)) problem('call.repeatOf', 'required with disposition repeat, and only then');

  const department = freeText(own(fields, 'department'), 'call.department', MAX_DEPARTMENT_LENGTH, normaliseLine, problem);
  if ((disposition === 'dispatched') !== (own(fields, 'department') !== undefined)) {
    problem('call.department', 'required with disposition dispatched, and only then');
  }
  const note = freeText(own(fields, 'note'), 'call.note', MAX_NOTE_LENGTH, normaliseText, problem);

  if (!ok) return undefined;
  return {
    ivrPath: ivrPath as string[],
    queueSkill: queueSkill as string,
    queuedAt: own(fields, 'queuedAt') as string,
    answeredAt: own(fields, 'answeredAt') as string,
    endedAt: own(fields, 'endedAt') as string,
    waitedMs: own(fields, 'waitedMs') as number,
    talkedMs: own(fields, 'talkedMs') as number,
    agentId: agentId as string,
    disposition: disposition as CallDisposition,
    ...(repeatOf !== undefined ? { repeatOf: repeatOf as string } : {}),
    ...(department !== undefined ? { department } : {}),
    ...(note !== undefined ? { note } : {}),
  };
}

/** Absent, or a string that is not empty after normalising and fits `max` characters. */
function freeText(value: unknown, field: string, max: number, normalise: (s: string) => string, problem: Report): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problem(field, 'must be a string');
    return undefined;
  }
  const text = normalise(value);
  const length = [...text].length;
  if (length === 0) problem(field, 'must not be empty (leave it out instead)');
  else if (length > max) problem(field, `too long: ${length} characters, at most ${max}`);
  else return text;
  return undefined;
}

function isDisposition(value: unknown): value is CallDisposition {
  return typeof value === 'string' && (CALL_DISPOSITIONS as readonly string[]).includes(value);
}

/** Own properties only: a key like `toString` must not be found on the prototype. */
function own(fields: Fields, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
}
