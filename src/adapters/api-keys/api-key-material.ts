// What an integrator key looks like and how it is stored. The key embeds its public id so that the verifier can
// find the one stored hash to compare with, instead of hashing against every entry; only the hash is ever written.

import { rememberLatest } from '../../domain/remember-latest.js';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { API_KEY_SCOPES } from '../../app/intake/api-keys.js';
import type { ApiKeyScope } from '../../app/intake/api-keys.js';

export const API_KEY_PREFIX = 'hk_';
/** No `_` in ids: it separates the id from the secret, whose base64url alphabet does contain `_`. */
export const API_KEY_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
/** `hk_<id>_<43 base64url chars>`: 32 random bytes without padding. */
const PRESENTED_KEY = /^hk_([A-Za-z0-9-]{1,64})_([A-Za-z0-9_-]{43})$/;
export const API_KEY_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
export const MAX_RATE_LIMIT_PER_MINUTE = 1_000_000;

/** One entry of the keys file: everything about a key except the key. */
export interface ApiKeyEntry {
  readonly id: string;
  readonly name: string;
  /** `sha256:<hex>` of the whole key string. */
  readonly hash: string;
  readonly scopes: readonly ApiKeyScope[];
  readonly rateLimitPerMinute: number;
  readonly revoked: boolean;
  /** ISO 8601; informational, for operators reading the file. */
  readonly createdAt?: string;
  readonly revokedAt?: string;
}

export interface NewApiKeyRequest {
  readonly name: string;
  readonly scopes: readonly ApiKeyScope[];
  readonly rateLimitPerMinute?: number;
}

export class ApiKeyRequestError extends Error {
  readonly code = 'API_KEY_REQUEST_INVALID';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ApiKeyRequestError';
  }
}

const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const ID_LENGTH = 12;

/** Short, readable in logs, and unambiguous when read aloud over the phone (no 0/o, 1/l). */
export function generateApiKeyId(): string {
  let id = '';
  for (let i = 0; i < ID_LENGTH; i += 1) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** The id a presented key claims, with the key's digest; `null` when it does not even have the key's shape. */
export function parsePresentedKey(presented: string): PresentedKey | null {
  // The length check first keeps a megabyte-long header from reaching the regular expression.
  if (presented.length > 3 + 64 + 1 + 43) return null;
  return parsePresented(presented);
}

export interface PresentedKey {
  readonly id: string;
  /** sha256 of the whole presented key; shared by every caller: read it, never write it. */
  readonly digest: Buffer;
}

/**
 * The latest well-formed keys presented, with their digests: an integrator sends the same key with every request,
 * and hashing it each time was a visible part of a submission's CPU. Only the digest decides; the memo holds what
 * the requests carried anyway, and a revoked or rotated key is still refused by the lookup that follows.
 */
const parsePresented = rememberLatest((presented: string): PresentedKey | null => {
  const match = PRESENTED_KEY.exec(presented);
  return match === null ? null : { id: match[1] as string, digest: createHash('sha256').update(presented, 'utf8').digest() };
}, 256);

// The rules a key's fields follow, shared by a new key's request and the keys file's entries.
export function isApiKeyScope(value: unknown): value is ApiKeyScope {
  return typeof value === 'string' && (API_KEY_SCOPES as readonly string[]).includes(value);
}

export function isValidRateLimit(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_RATE_LIMIT_PER_MINUTE;
}

/** Checks a request for a new key, naming the field at fault. */
export function checkNewApiKeyRequest(request: NewApiKeyRequest): Required<NewApiKeyRequest> {
  const name = request.name.trim();
  if (name === '') throw new ApiKeyRequestError('name', 'must not be empty');
  if (name.length > 200) throw new ApiKeyRequestError('name', 'must be at most 200 characters');
  if (request.scopes.length === 0) throw new ApiKeyRequestError('scopes', `give at least one of ${API_KEY_SCOPES.join(', ')}`);
  for (const scope of request.scopes) {
    if (!isApiKeyScope(scope)) {
      throw new ApiKeyRequestError('scopes', `unknown scope ${JSON.stringify(scope)} (expected ${API_KEY_SCOPES.join(', ')})`);
    }
  }
  const rate = request.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
  if (!isValidRateLimit(rate)) {
    throw new ApiKeyRequestError('rateLimitPerMinute', `must be an integer from 1 to ${MAX_RATE_LIMIT_PER_MINUTE}`);
  }
  return { name, scopes: [...new Set(request.scopes)], rateLimitPerMinute: rate };
}

/**
 * A new key and the entry to store for it. The key is returned only here: the entry holds its hash, so a lost
 * key cannot be recovered, only revoked and replaced. `takenIds` avoids reusing an id already in the file.
 */
export function createApiKey(
  request: NewApiKeyRequest,
  options: { readonly takenIds?: ReadonlySet<string>; readonly now?: Date } = {},
): { readonly key: string; readonly entry: ApiKeyEntry } {
  const checked = checkNewApiKeyRequest(request);
  let id = generateApiKeyId();
  while (options.takenIds?.has(id) === true) id = generateApiKeyId();
  const key = `${API_KEY_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  const entry: ApiKeyEntry = {
    id,
    name: checked.name,
    hash: hashApiKey(key),
    scopes: checked.scopes,
    rateLimitPerMinute: checked.rateLimitPerMinute,
    revoked: false,
    createdAt: (options.now ?? new Date()).toISOString(),
  };
  return { key, entry };
}
