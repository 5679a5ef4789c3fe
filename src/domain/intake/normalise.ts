// Turns a channel's draft into the canonical Submission: every field checked (with a problem naming the field
// when it is wrong) and normalised, then classified. Drafts are built by our channel adapters from untrusted
// input, so this never trusts the static type: anything at all may arrive, and the answer is always a result,
// never an exception.

import { classify, PRIORITY_DEFAULT } from './classify.js';
import { normaliseCall } from './normalise-call.js';
import { normaliseLine, normaliseText } from './normalise-text.js';
import { safeFileName } from './safe-file-name.js';
import { AUTO_REPLY_REASONS, CATEGORIES, CHANNELS, KINDS, LANGUAGES, MEDIA_KINDS, SUBMISSION_SCHEMA_VERSION } from './submission.js';
import type { AttachmentRef, ChannelRefs, Contact, Hints, Location, Submission, SubmissionDraft } from './submission.js';
import { isValidTicket } from './ticket.js';
import { isUlid } from './ulid.js';

export const MAX_TEXT_LENGTH = 20_000;
export const MAX_NAME_LENGTH = 100;
export const MAX_ADDRESS_LENGTH = 500;
export const MAX_ATTACHMENTS = 20;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_REF_LENGTH = 1000;
export const MAX_EMAIL_REFERENCES = 100;
export const MAX_MEDIA_URLS = 20;
export const MAX_URL_LENGTH = 2048;

export interface NormaliseContext {
  /** A ULID minted for this submission. */
  readonly id: string;
  /** A ticket from `ticketFromSequence`. */
  readonly ticket: string;
  /** ISO 8601 UTC (`Date#toISOString()`). */
  readonly receivedAt: string;
}

export interface Problem {
  /** Dotted path of the draft field: `text`, `contact.phone`, `location.lat`, `attachments[2].sha256`. */
  readonly field: string;
  readonly message: string;
}

export type NormaliseResult =
  | { readonly ok: true; readonly submission: Submission }
  | { readonly ok: false; readonly problems: Problem[] };

const DRAFT_KEYS = ['channel', 'text', 'kind', 'category', 'language', 'contact', 'location', 'attachments', 'refs', 'hints', 'private', 'call'];
const CONTACT_KEYS = ['anonymous', 'name', 'phone', 'email', 'wechatOpenId'];
const LOCATION_KEYS = ['lat', 'lon', 'address'];
const ATTACHMENT_KEYS = ['id', 'mediaKind', 'mimeType', 'size', 'sha256', 'originalName'];
const REF_STRING_KEYS = [
  'callId',
  'recordingName',
  'wechatMsgId',
  'wechatOpenId',
  'emailMessageId',
  'emailInReplyTo',
  'open311ServiceCode',
  'apiKeyId',
  'idempotencyKey',
  'followUpOf',
] as const;
const REF_KEYS = [...REF_STRING_KEYS, 'emailReferences', 'mediaUrls'];

const PHONE = /^\+?[0-9]{3,20}$/;
/** Punctuation people write phone numbers with: `+86 (10) 6234-5678`, `138.1234.5678`. */
const PHONE_PUNCTUATION = /[\s\-().\u00B7]/g;
const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+)*$/u;
const EMAIL_DOMAIN_LABEL = /^(?!-)[\p{L}\p{N}-]{1,63}(?<!-)$/u;
const WECHAT_OPEN_ID = /^[A-Za-z0-9_-]{1,128}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const MIME_TYPE = /^[a-z]+\/[a-z0-9][a-z0-9.+-]*$/;
const ISO_UTC = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?Z$/;
const CONTROL = /\p{Cc}/u;

type Record_ = { readonly [key: string]: unknown };

class Problems {
  readonly list: Problem[] = [];
  add(field: string, message: string): void {
    this.list.push({ field, message });
  }
  unknownKeys(value: Record_, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.add(join(path, key), `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }
}

export function normaliseSubmission(draft: SubmissionDraft, ctx: NormaliseContext): NormaliseResult {
  const problems = new Problems();
  checkContext(ctx as unknown, problems);
  const d = draft as unknown;
  if (!isRecord(d)) {
    problems.add('draft', 'must be an object');
    return { ok: false, problems: problems.list };
  }
  problems.unknownKeys(d, DRAFT_KEYS, '');

  const channel = own(d, 'channel');
  if (!isOneOf(channel, CHANNELS)) problems.add('channel', mustBeOneOf(CHANNELS));
  const kind = optionalEnum(own(d, 'kind'), KINDS, 'kind', problems);
  const category = optionalEnum(own(d, 'category'), CATEGORIES, 'category', problems);
  const language = optionalEnum(own(d, 'language'), LANGUAGES, 'language', problems);

  const rawText = own(d, 'text');
  let text = '';
  if (typeof rawText !== 'string') problems.add('text', 'required: a string (empty only when there are attachments)');
  else {
    text = normaliseText(rawText);
    const length = codePoints(text);
    if (length > MAX_TEXT_LENGTH) problems.add('text', `too long: ${length} characters, at most ${MAX_TEXT_LENGTH}`);
  }

  const contact = normaliseContact(own(d, 'contact'), problems);
  const location = normaliseLocation(own(d, 'location'), problems);
  const attachments = normaliseAttachments(own(d, 'attachments'), problems);
  const refs = normaliseRefs(own(d, 'refs'), problems);
  const channelHints = normaliseChannelHints(own(d, 'hints'), problems);
  const privateAsked = own(d, 'private');
  if (privateAsked !== undefined && typeof privateAsked !== 'boolean') problems.add('private', 'must be true or false');
  const call = normaliseCall(own(d, 'call'), (field, message) => problems.add(field, message));
  if (call !== undefined && channel !== 'voice') problems.add('call', 'only a voice call has a call record (channel voice)');
  if (typeof rawText === 'string' && text === '' && attachments.length === 0) {
    problems.add('text', 'required when there are no attachments');
  }

  if (problems.list.length > 0 || !isOneOf(channel, CHANNELS) || contact === null) {
    return { ok: false, problems: problems.list };
  }
  const classification = classify({
    text,
    channel,
    ...(kind !== undefined ? { kind } : {}),
    ...(category !== undefined ? { category } : {}),
    ...(refs.open311ServiceCode !== undefined ? { open311ServiceCode: refs.open311ServiceCode } : {}),
    hasAttachments: attachments.length > 0,
  });
  const submission: Submission = {
    schemaVersion: SUBMISSION_SCHEMA_VERSION,
    id: ctx.id,
    ticket: ctx.ticket,
    channel,
    receivedAt: ctx.receivedAt,
    kind: classification.kind,
    category: classification.category,
    text,
    language: language ?? classification.language,
    contact,
    ...(location !== undefined ? { location } : {}),
    attachments,
    refs,
    hints: { ...classification.hints, ...channelHints },
    // An auto-reply or bounce is filed for the record, but no person is waiting on it: it never jumps the queue.
    priority: channelHints.autoReply === undefined ? classification.priority : Math.max(classification.priority, PRIORITY_DEFAULT),
    ...(privateAsked === true || classification.privateAsked ? { private: true as const } : {}),
    ...(call !== undefined ? { call } : {}),
  };
  return { ok: true, submission };
}

/** Hints only the channel can know (an e-mail's auto-reply headers); the others are the classifier's to set. */
function normaliseChannelHints(value: unknown, problems: Problems): Pick<Hints, 'autoReply'> {
  if (!isPresent(value)) return {};
  if (!isRecord(value)) {
    problems.add('hints', 'must be an object');
    return {};
  }
  problems.unknownKeys(value, ['autoReply'], 'hints');
  const autoReply = own(value, 'autoReply');
  if (!isPresent(autoReply)) return {};
  if (!isRecord(autoReply)) {
    problems.add('hints.autoReply', 'must be an object with a reason');
    return {};
  }
  problems.unknownKeys(autoReply, ['reason'], 'hints.autoReply');
  const reason = own(autoReply, 'reason');
  if (!isOneOf(reason, AUTO_REPLY_REASONS)) {
    problems.add('hints.autoReply.reason', mustBeOneOf(AUTO_REPLY_REASONS));
    return {};
  }
  return { autoReply: { reason } };
}

function checkContext(ctx: unknown, problems: Problems): void {
  if (!isRecord(ctx)) {
    problems.add('id', 'no submission context (id, ticket, receivedAt) given');
    return;
  }
  const id = own(ctx, 'id');
  const ticket = own(ctx, 'ticket');
  const receivedAt = own(ctx, 'receivedAt');
  if (typeof id !== 'string' || !isUlid(id)) problems.add('id', 'must be a ULID (26 upper-case Crockford base32 characters)');
  if (typeof ticket !== 'string' || !isValidTicket(ticket)) {
    problems.add('ticket', 'must be 9 to 20 digits with a valid check digit');
  }
  if (typeof receivedAt !== 'string' || !ISO_UTC.test(receivedAt) || Number.isNaN(Date.parse(receivedAt))) {
    problems.add('receivedAt', 'must be an ISO 8601 UTC time like 2024-05-01T08:30:00.000Z');
  }
}

/**
 * Anonymous exactly when no way of reaching the citizen is left: either none was given, or the citizen asked for
 * anonymity (`anonymous: true`), which drops the details given (the channel keeps what it needs to reply in refs).
 */
function normaliseContact(value: unknown, problems: Problems): Contact | null {
  if (!isRecord(value)) {
    problems.add('contact', 'required: an object (empty for an anonymous citizen)');
    return null;
  }
  problems.unknownKeys(value, CONTACT_KEYS, 'contact');
  const anonymous = own(value, 'anonymous');
  if (isPresent(anonymous) && typeof anonymous !== 'boolean') problems.add('contact.anonymous', 'must be true or false');

  const name = optionalString(own(value, 'name'), 'contact.name', problems, normaliseLine);
  if (name !== undefined && codePoints(name) > MAX_NAME_LENGTH) {
    problems.add('contact.name', `too long: at most ${MAX_NAME_LENGTH} characters`);
  }
  const phone = optionalString(own(value, 'phone'), 'contact.phone', problems, (s) =>
    s.normalize('NFKC').replace(PHONE_PUNCTUATION, ''),
  );
  if (phone !== undefined && !PHONE.test(phone)) {
    problems.add('contact.phone', 'must be 3 to 20 digits with an optional leading +');
  }
  const email = optionalString(own(value, 'email'), 'contact.email', problems, (s) => s.normalize('NFKC').trim());
  const normalisedEmail = email === undefined ? undefined : normaliseEmail(email);
  if (normalisedEmail === null) problems.add('contact.email', 'must be an e-mail address like name@example.com');
  const wechatOpenId = optionalString(own(value, 'wechatOpenId'), 'contact.wechatOpenId', problems, (s) => s.trim());
  if (wechatOpenId !== undefined && !WECHAT_OPEN_ID.test(wechatOpenId)) {
    problems.add('contact.wechatOpenId', 'must be 1 to 128 letters, digits, "_" or "-"');
  }

  const details = {
    ...(name !== undefined ? { name } : {}),
    ...(phone !== undefined ? { phone } : {}),
    ...(typeof normalisedEmail === 'string' ? { email: normalisedEmail } : {}),
    ...(wechatOpenId !== undefined ? { wechatOpenId } : {}),
  };
  if (anonymous === true || Object.keys(details).length === 0) return { anonymous: true };
  return { anonymous: false, ...details };
}

/** The address with its domain in lower case, or `null` when it is not a plausible address. */
export function normaliseEmail(email: string): string | null {
  if (codePoints(email) > MAX_EMAIL_LENGTH) return null;
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return null;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  if (local.length > 64 || !EMAIL_LOCAL.test(local)) return null;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => EMAIL_DOMAIN_LABEL.test(l))) return null;
  const tld = labels[labels.length - 1] ?? '';
  if (/^[0-9]+$/.test(tld) || tld.length < 2) return null;
  return `${local}@${domain}`;
}

function normaliseLocation(value: unknown, problems: Problems): Location | undefined {
  if (!isPresent(value)) return undefined;
  if (!isRecord(value)) {
    problems.add('location', 'must be an object with lat and lon and/or address');
    return undefined;
  }
  problems.unknownKeys(value, LOCATION_KEYS, 'location');
  const lat = coordinate(own(value, 'lat'), 'location.lat', 90, problems);
  const lon = coordinate(own(value, 'lon'), 'location.lon', 180, problems);
  if (lat !== undefined && lon === undefined && !isPresent(own(value, 'lon'))) {
    problems.add('location.lon', 'required when location.lat is given');
  }
  if (lon !== undefined && lat === undefined && !isPresent(own(value, 'lat'))) {
    problems.add('location.lat', 'required when location.lon is given');
  }
  const address = optionalString(own(value, 'address'), 'location.address', problems, normaliseLine);
  if (address !== undefined && codePoints(address) > MAX_ADDRESS_LENGTH) {
    problems.add('location.address', `too long: at most ${MAX_ADDRESS_LENGTH} characters`);
  }
  const location: Location = {
    ...(lat !== undefined && lon !== undefined ? { lat, lon } : {}),
    ...(address !== undefined ? { address } : {}),
  };
  return Object.keys(location).length > 0 ? location : undefined;
}

function coordinate(value: unknown, field: string, limit: number, problems: Problems): number | undefined {
  if (!isPresent(value)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < -limit || value > limit) {
    problems.add(field, `must be a number from -${limit} to ${limit}`);
    return undefined;
  }
  // -0 would print as 0 but compare differently in tests and JSON round trips.
  return value === 0 ? 0 : value;
}

/** Checked references; the same content attached twice is kept once (it is stored once anyway). */
function normaliseAttachments(value: unknown, problems: Problems): AttachmentRef[] {
  if (!isPresent(value)) return [];
  if (!Array.isArray(value)) {
    problems.add('attachments', 'must be a list');
    return [];
  }
  if (value.length > MAX_ATTACHMENTS) {
    problems.add('attachments', `too many: ${value.length}, at most ${MAX_ATTACHMENTS}`);
    return [];
  }
  const out: AttachmentRef[] = [];
  value.forEach((item: unknown, i) => {
    const ref = normaliseAttachment(item, `attachments[${i}]`, problems);
    if (ref !== null && !out.some((o) => o.sha256 === ref.sha256)) out.push(ref);
  });
  return out;
}

function normaliseAttachment(value: unknown, path: string, problems: Problems): AttachmentRef | null {
  if (!isRecord(value)) {
    problems.add(path, 'must be an attachment reference from the attachment store');
    return null;
  }
  const before = problems.list.length;
  problems.unknownKeys(value, ATTACHMENT_KEYS, path);
  const sha256 = own(value, 'sha256');
  const id = own(value, 'id');
  const mediaKind = own(value, 'mediaKind');
  const rawMime = own(value, 'mimeType');
  const mimeType = typeof rawMime === 'string' ? rawMime.trim().toLowerCase() : rawMime;
  const size = own(value, 'size');
  const originalName = own(value, 'originalName');
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) problems.add(`${path}.sha256`, 'must be 64 lower-case hex digits');
  if (typeof id !== 'string' || id !== `sha256:${String(sha256)}`) {
    problems.add(`${path}.id`, 'must be "sha256:" followed by the sha256');
  }
  if (!isOneOf(mediaKind, MEDIA_KINDS)) problems.add(`${path}.mediaKind`, mustBeOneOf(MEDIA_KINDS));
  if (typeof mimeType !== 'string' || !MIME_TYPE.test(mimeType)) {
    problems.add(`${path}.mimeType`, 'must be a media type like image/jpeg');
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
    problems.add(`${path}.size`, 'must be a whole number of bytes, at least 1');
  }
  if (isPresent(originalName) && typeof originalName !== 'string') problems.add(`${path}.originalName`, 'must be a string');
  if (problems.list.length > before) return null;
  const name = typeof originalName === 'string' ? safeFileName(originalName) : undefined;
  return {
    id: id as string,
    mediaKind: mediaKind as AttachmentRef['mediaKind'],
    mimeType: mimeType as string,
    size: size as number,
    sha256: sha256 as string,
    ...(name !== undefined ? { originalName: name } : {}),
  };
}

function normaliseRefs(value: unknown, problems: Problems): ChannelRefs {
  if (!isPresent(value)) return {};
  if (!isRecord(value)) {
    problems.add('refs', 'must be an object');
    return {};
  }
  problems.unknownKeys(value, REF_KEYS, 'refs');
  const refs: Record<string, string | string[]> = {};
  for (const key of REF_STRING_KEYS) {
    const ref = refString(own(value, key), `refs.${key}`, problems);
    if (ref !== undefined) refs[key] = ref;
  }
  const references = refList(own(value, 'emailReferences'), 'refs.emailReferences', MAX_EMAIL_REFERENCES, problems, (v, f) =>
    refString(v, f, problems),
  );
  if (references.length > 0) refs.emailReferences = references;
  const urls = refList(own(value, 'mediaUrls'), 'refs.mediaUrls', MAX_MEDIA_URLS, problems, (v, f) => mediaUrl(v, f, problems));
  if (urls.length > 0) refs.mediaUrls = urls;
  return refs as ChannelRefs;
}

function refString(value: unknown, field: string, problems: Problems): string | undefined {
  if (!isPresent(value)) return undefined;
  if (typeof value !== 'string') {
    problems.add(field, 'must be a string');
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (trimmed.length > MAX_REF_LENGTH) problems.add(field, `too long: at most ${MAX_REF_LENGTH} characters`);
  else if (CONTROL.test(trimmed)) problems.add(field, 'must not contain control characters');
  else return trimmed;
  return undefined;
}

function refList(
  value: unknown,
  field: string,
  max: number,
  problems: Problems,
  item: (value: unknown, field: string) => string | undefined,
): string[] {
  if (!isPresent(value)) return [];
  if (!Array.isArray(value)) {
    problems.add(field, 'must be a list of strings');
    return [];
  }
  if (value.length > max) {
    problems.add(field, `too many: ${value.length}, at most ${max}`);
    return [];
  }
  const out: string[] = [];
  value.forEach((v: unknown, i) => {
    const s = item(v, `${field}[${i}]`);
    if (s !== undefined && !out.includes(s)) out.push(s);
  });
  return out;
}

function mediaUrl(value: unknown, field: string, problems: Problems): string | undefined {
  if (typeof value !== 'string') {
    problems.add(field, 'must be a string');
    return undefined;
  }
  const url = value.trim();
  if (url.length > MAX_URL_LENGTH || !/^https?:\/\/\S+$/i.test(url) || !parsesAsUrl(url)) {
    problems.add(field, `must be an http(s) URL of at most ${MAX_URL_LENGTH} characters`);
    return undefined;
  }
  // The scheme in lower case so the published pattern (^https?://) holds.
  return url.replace(/^https?/i, (scheme) => scheme.toLowerCase());
}

function parsesAsUrl(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

function optionalEnum<T extends string>(value: unknown, allowed: readonly T[], field: string, problems: Problems): T | undefined {
  if (!isPresent(value)) return undefined;
  if (isOneOf(value, allowed)) return value;
  problems.add(field, mustBeOneOf(allowed));
  return undefined;
}

/** A string field normalised by `normalise`; absent (undefined, null or empty after normalising) is `undefined`. */
function optionalString(value: unknown, field: string, problems: Problems, normalise: (s: string) => string): string | undefined {
  if (!isPresent(value)) return undefined;
  if (typeof value !== 'string') {
    problems.add(field, 'must be a string');
    return undefined;
  }
  const normalised = normalise(value);
  return normalised === '' ? undefined : normalised;
}

function isRecord(value: unknown): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON clients send `null` for "not given": both count as absent. */
function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Own properties only: a key like `toString` must not be found on the prototype. */
function own(record: Record_, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

function mustBeOneOf(allowed: readonly string[]): string {
  return `must be one of: ${allowed.join(', ')}`;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Lengths count characters (code points), as JSON Schema's maxLength does. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
