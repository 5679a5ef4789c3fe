// Every call an agent answers is a work order, as the regulations require: its time, matter and contact are
// recorded. The agent fills in a form (what the caller wanted and how the call was closed); together with what
// the queue knows of the call it becomes an intake draft, filed like any other channel's submission, so the
// work-order system gets one shape for every request.

import { MAX_DEPARTMENT_LENGTH, MAX_IVR_PATH, MAX_NOTE_LENGTH } from '../intake/normalise-call.js';
import { normaliseLine, normaliseText } from '../intake/normalise-text.js';
import { phoneContact } from '../intake/phone-contact.js';
import { AGENT_DISPOSITIONS, CATEGORIES, KINDS } from '../intake/submission.js';
import type { CallDisposition, CallRecord, Category, Kind, Language, SubmissionDraft } from '../intake/submission.js';
import { isValidTicket } from '../intake/ticket.js';

/** A phone call's matter is said, not written: a short summary, shorter than a letter. */
export const MAX_MATTER_LENGTH = 4000;

/** What the agent fills in. `department` exactly with `dispatched`, `repeatOf` exactly with `repeat`. */
export interface WorkOrderForm {
  readonly kind: Kind;
  readonly category: Category;
  /** The caller's matter in the agent's words (normalised, 1..4000 characters). */
  readonly matter: string;
  readonly disposition: CallDisposition;
  /** The earlier ticket this call repeats. */
  readonly repeatOf?: string;
  /** Where the matter was sent. */
  readonly department?: string;
  readonly note?: string;
}

/** What the gateway knows of the call; times are epoch ms. */
export interface CallFacts {
  readonly callId: string;
  /** The caller ID as the network gave it (`anonymous` when withheld). */
  readonly caller: string;
  readonly language: Language;
  /** IVR node ids the caller passed, in order. */
  readonly ivrPath: readonly string[];
  readonly queueSkill: string;
  readonly enqueuedAt: number;
  readonly answeredAt: number;
  readonly endedAt: number;
  readonly agentId: string;
  readonly recordingName?: string;
  /** The caller's open request found when they called (the IVR's repeat-caller check). */
  readonly earlierTicket?: string;
}

const FORM_KEYS = ['kind', 'category', 'matter', 'disposition', 'repeatOf', 'department', 'note'];

/** The agent's form from untrusted JSON: every problem named by its field. */
export function parseWorkOrderForm(input: unknown): WorkOrderForm | { readonly errors: string[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { errors: ['work order: must be an object'] };
  const fields = input as { readonly [key: string]: unknown };
  const errors: string[] = [];
  for (const key of Object.keys(fields)) {
    if (!FORM_KEYS.includes(key)) errors.push(`${key}: unknown field (allowed: ${FORM_KEYS.join(', ')})`);
  }
  const kind = oneOf(own(fields, 'kind'), KINDS, 'kind', errors);
  const category = oneOf(own(fields, 'category'), CATEGORIES, 'category', errors);
  const disposition = oneOf(own(fields, 'disposition'), AGENT_DISPOSITIONS, 'disposition', errors);
  const matter = text(own(fields, 'matter'), 'matter', MAX_MATTER_LENGTH, normaliseText, errors);
  if (matter === undefined && !errors.some((e) => e.startsWith('matter:'))) errors.push('matter: required: what the caller wanted');

  const rawRepeatOf = own(fields, 'repeatOf');
  let repeatOf: string | undefined;
  if (isPresent(rawRepeatOf)) {
    const ticket = typeof rawRepeatOf === 'string' ? rawRepeatOf.replace(/\s/g, '') : '';
    if (!isValidTicket(ticket)) errors.push('repeatOf: must be a ticket: 9 to 20 digits with a valid check digit');
    else repeatOf = ticket;
  }
  const department = text(own(fields, 'department'), 'department', MAX_DEPARTMENT_LENGTH, normaliseLine, errors);
  const note = text(own(fields, 'note'), 'note', MAX_NOTE_LENGTH, normaliseText, errors);
  if (disposition === 'repeat' && !isPresent(rawRepeatOf)) errors.push('repeatOf: required with disposition repeat (the earlier ticket)');
  if (disposition !== undefined && disposition !== 'repeat' && isPresent(rawRepeatOf)) {
    errors.push(`repeatOf: only with disposition repeat, not ${disposition}`);
  }
  const departmentGiven = department !== undefined || errors.some((e) => e.startsWith('department:'));
  if (disposition === 'dispatched' && !departmentGiven) errors.push('department: required with disposition dispatched (where the matter was sent)');
  if (disposition !== undefined && disposition !== 'dispatched' && departmentGiven) {
    errors.push(`department: only with disposition dispatched, not ${disposition}`);
  }

  if (errors.length > 0 || kind === undefined || category === undefined || disposition === undefined || matter === undefined) {
    return { errors };
  }
  return {
    kind,
    category,
    matter,
    disposition,
    ...(repeatOf !== undefined ? { repeatOf } : {}),
    ...(department !== undefined ? { department } : {}),
    ...(note !== undefined ? { note } : {}),
  };
}

/** The intake draft for the call: filed once per call under `workOrderDedupKey`. */
export function workOrderDraft(facts: CallFacts, form: WorkOrderForm): SubmissionDraft {
  // The ticket the agent named wins over the one the IVR found: the agent heard the caller.
  const followUpOf = form.repeatOf ?? facts.earlierTicket;
  const call: CallRecord = {
    // A caller who circled a menu many times: the nodes nearest the queue say how they got there.
    ivrPath: facts.ivrPath.slice(-MAX_IVR_PATH),
    queueSkill: facts.queueSkill,
    queuedAt: new Date(facts.enqueuedAt).toISOString(),
    answeredAt: new Date(facts.answeredAt).toISOString(),
    endedAt: new Date(facts.endedAt).toISOString(),
    // Times may come from two gateways' clocks: a little skew must not make a negative duration.
    waitedMs: Math.max(0, facts.answeredAt - facts.enqueuedAt),
    talkedMs: Math.max(0, facts.endedAt - facts.answeredAt),
    agentId: facts.agentId,
    disposition: form.disposition,
    ...(form.repeatOf !== undefined ? { repeatOf: form.repeatOf } : {}),
    ...(form.department !== undefined ? { department: form.department } : {}),
    ...(form.note !== undefined ? { note: form.note } : {}),
  };
  return {
    channel: 'voice',
    text: form.matter,
    kind: form.kind,
    category: form.category,
    language: facts.language,
    contact: phoneContact(facts.caller),
    refs: {
      callId: facts.callId,
      ...(facts.recordingName !== undefined ? { recordingName: facts.recordingName } : {}),
      ...(followUpOf !== undefined ? { followUpOf } : {}),
    },
    call,
  };
}

/** The kind of request a queue skill of the 12345 flow stands for, for an order the agent did not record. */
const KIND_OF_SKILL: Readonly<Record<string, Kind>> = { complaint: 'complaint', consultation: 'consultation', 'case-status': 'consultation' };

/**
 * The order of a call whose agent let the wrap-up run out without recording it: what the gateway knows, with
 * disposition `unrecorded` and no matter, so the regulations' order exists and the work-order system follows it up.
 */
export function unrecordedForm(facts: Pick<CallFacts, 'queueSkill' | 'language'>, category: string | null): WorkOrderForm {
  const known = (CATEGORIES as readonly string[]).includes(category ?? '') ? (category as Category) : 'other';
  return { kind: KIND_OF_SKILL[facts.queueSkill] ?? 'help', category: known, matter: UNRECORDED_MATTER[facts.language], disposition: 'unrecorded' };
}

/** The matter of an unrecorded order says what the work-order system must do, in the caller's language. */
const UNRECORDED_MATTER: Readonly<Record<Language, string>> = {
  zh: '坐席未在话后整理时间内记录本次来电的诉求内容，请回访来电人补记。',
  en: "The agent did not record this call's matter before the wrap-up time ended: call the citizen back to record it.",
};

/** One work order per call, however often the agent's wrap-up is retried or which gateway files it. */
export function workOrderDedupKey(callId: string): string {
  return `call:${callId}`;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, errors: string[]): T | undefined {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  errors.push(`${field}: ${isPresent(value) ? '' : 'required: '}must be one of: ${allowed.join(', ')}`);
  return undefined;
}

/** Absent (undefined, null or empty after normalising) is undefined; too long or not a string is an error. */
function text(value: unknown, field: string, max: number, normalise: (s: string) => string, errors: string[]): string | undefined {
  if (!isPresent(value)) return undefined;
  if (typeof value !== 'string') {
    errors.push(`${field}: must be a string`);
    return undefined;
  }
  const normalised = normalise(value);
  const length = [...normalised].length;
  if (length > max) {
    errors.push(`${field}: too long: ${length} characters, at most ${max}`);
    return undefined;
  }
  return normalised === '' ? undefined : normalised;
}

/** JSON clients send null for "not given". */
function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function own(fields: { readonly [key: string]: unknown }, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
}
