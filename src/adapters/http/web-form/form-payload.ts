// What the form page sends, checked field by field before anything is stored: the page is public, so the body is
// whatever anyone chose to post. Empty strings mean "not given" (that is what an untouched form field holds).

import { MAX_ADDRESS_LENGTH, MAX_EMAIL_LENGTH, MAX_NAME_LENGTH, normaliseEmail } from '../../../domain/intake/normalise.js';
import { readTypedProof } from '../../../domain/access/case-proof.js';
import type { CaseProof } from '../../../domain/access/case-proof.js';
import { CATEGORIES, KINDS, LANGUAGES } from '../../../domain/intake/submission.js';
import type { Category, Kind, Language } from '../../../domain/intake/submission.js';
import { FormRequestError } from './form-errors.js';

export const FORM_LIMITS = {
  // Intake takes up to 20 000 characters (e-mails can be long); typed on a phone, 5000 is plenty and the page says so.
  textChars: 5000,
  nameChars: MAX_NAME_LENGTH,
  addressChars: MAX_ADDRESS_LENGTH,
  emailChars: MAX_EMAIL_LENGTH,
  commentChars: 500,
  // The longest proof is an e-mail address.
  proofChars: MAX_EMAIL_LENGTH,
} as const;

export interface FormPayload {
  /** Made by the page once per request and kept across resends, so a resend is recognised. */
  readonly idempotencyKey: string;
  /** May be empty here; whether that is allowed depends on the attachments. */
  readonly text: string;
  readonly kind?: Kind;
  readonly category?: Category;
  readonly language: Language;
  readonly address?: string;
  readonly lat?: number;
  readonly lon?: number;
  readonly name?: string;
  /** Digits with an optional leading `+`; the separators people type are dropped. */
  readonly phone?: string;
  readonly email?: string;
  /** The citizen ticked "keep my request private". */
  readonly private: boolean;
}

export interface RatingPayload {
  readonly score: 1 | 2 | 3 | 4 | 5;
  readonly comment?: string;
  /** That the rater made the request: its PIN, the last 4 digits of its phone number, or its e-mail address. */
  readonly proof: CaseProof;
}

export interface StatusPayload {
  /** As for a rating: the PIN, the phone's last 4 digits or the e-mail address. */
  readonly proof: CaseProof;
}

const PAYLOAD_FIELDS = new Set(['idempotencyKey', 'text', 'kind', 'category', 'language', 'address', 'location', 'name', 'phone', 'email', 'private']);
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{16,128}$/;
const PHONE = /^\+?[0-9]{3,20}$/;
const PHONE_SEPARATORS = /[\s\-().\u00B7]/g;

export function parseFormPayload(value: unknown): FormPayload {
  const body = objectOf(value, 'payload');
  for (const key of Object.keys(body)) {
    if (!PAYLOAD_FIELDS.has(key)) throw FormRequestError.invalid(key, `unknown field "${key}"`);
  }
  const idempotencyKey = body['idempotencyKey'];
  if (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw FormRequestError.invalid('idempotencyKey', 'idempotencyKey must be 16 to 128 letters, digits, "-" or "_"');
  }
  const text = optionalString(body, 'text', FORM_LIMITS.textChars) ?? '';
  const kind = optionalChoice(body, 'kind', KINDS);
  const category = optionalChoice(body, 'category', CATEGORIES);
  const language = optionalChoice(body, 'language', LANGUAGES) ?? 'zh';
  const address = optionalString(body, 'address', FORM_LIMITS.addressChars);
  const location = optionalLocation(body['location']);
  const name = optionalString(body, 'name', FORM_LIMITS.nameChars);
  const phone = optionalPhone(body['phone']);
  const email = optionalEmail(body);
  const keepPrivate = body['private'];
  if (keepPrivate !== undefined && typeof keepPrivate !== 'boolean') throw FormRequestError.invalid('private', 'private must be true or false');
  return {
    idempotencyKey,
    text,
    language,
    private: keepPrivate === true,
    ...(kind === undefined ? {} : { kind }),
    ...(category === undefined ? {} : { category }),
    ...(address === undefined ? {} : { address }),
    ...(location === undefined ? {} : location),
    ...(name === undefined ? {} : { name }),
    ...(phone === undefined ? {} : { phone }),
    ...(email === undefined ? {} : { email }),
  };
}

export function parseRatingPayload(value: unknown): RatingPayload {
  const body = objectOf(value, 'payload');
  for (const key of Object.keys(body)) {
    if (key !== 'score' && key !== 'comment' && key !== 'proof') throw FormRequestError.invalid(key, `unknown field "${key}"`);
  }
  const score = body['score'];
  if (score !== 1 && score !== 2 && score !== 3 && score !== 4 && score !== 5) {
    throw FormRequestError.invalid('score', 'score must be a whole number from 1 to 5');
  }
  const comment = optionalString(body, 'comment', FORM_LIMITS.commentChars);
  const proof = typedProof(body);
  return comment === undefined ? { score, proof } : { score, comment, proof };
}

export function parseStatusPayload(value: unknown): StatusPayload {
  const body = objectOf(value, 'payload');
  for (const key of Object.keys(body)) {
    if (key !== 'proof') throw FormRequestError.invalid(key, `unknown field "${key}"`);
  }
  return { proof: typedProof(body) };
}

function typedProof(body: Record<string, unknown>): CaseProof {
  const what = 'the 6-digit PIN given with the ticket, the last 4 digits of the phone number, or the email address, given with the request';
  const text = optionalString(body, 'proof', FORM_LIMITS.proofChars);
  if (text === undefined) throw FormRequestError.invalid('proof', `proof is required: ${what}`);
  const proof = readTypedProof(text);
  if (proof === null) throw FormRequestError.invalid('proof', `proof must be ${what}`);
  return proof;
}

function objectOf(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw FormRequestError.invalid(field, `${field} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** Trimmed; `undefined` when absent or blank. Length counts characters as people see them (code points). */
function optionalString(body: Record<string, unknown>, field: string, maxChars: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw FormRequestError.invalid(field, `${field} must be a string`);
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if ([...trimmed].length > maxChars) throw FormRequestError.invalid(field, `${field} is longer than ${maxChars} characters`);
  return trimmed;
}

function optionalChoice<T extends string>(body: Record<string, unknown>, field: string, choices: readonly T[]): T | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw FormRequestError.invalid(field, `${field} must be one of ${choices.join(', ')}`);
}

/** The same rule intake applies, checked here so that a typo is refused before any file is stored. */
function optionalEmail(body: Record<string, unknown>): string | undefined {
  const email = optionalString(body, 'email', FORM_LIMITS.emailChars);
  if (email === undefined) return undefined;
  const normalised = normaliseEmail(email.normalize('NFKC'));
  if (normalised === null) throw FormRequestError.invalid('email', 'email is not an e-mail address like name@example.com');
  return normalised;
}

function optionalPhone(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw FormRequestError.invalid('phone', 'phone must be a string');
  // Chinese input methods often type full-width digits (１３８): NFKC makes them ASCII.
  const compact = value.normalize('NFKC').replace(PHONE_SEPARATORS, '');
  if (compact === '') return undefined;
  if (!PHONE.test(compact)) throw FormRequestError.invalid('phone', 'phone must be 3 to 20 digits, optionally after a "+"');
  return compact;
}

function optionalLocation(value: unknown): { lat: number; lon: number } | undefined {
  if (value === undefined || value === null) return undefined;
  const location = objectOf(value, 'location');
  for (const key of Object.keys(location)) {
    if (key !== 'lat' && key !== 'lon') throw FormRequestError.invalid(`location.${key}`, `unknown field "location.${key}"`);
  }
  const { lat, lon } = location;
  if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90) {
    throw FormRequestError.invalid('location.lat', 'location.lat must be a latitude from -90 to 90');
  }
  if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180) {
    throw FormRequestError.invalid('location.lon', 'location.lon must be a longitude from -180 to 180');
  }
  return { lat, lon };
}
