// Integrator keys from `API_KEYS_FILE`: read once at start (restart the gateway after `apikey create`/`revoke`),
// checked entry by entry so that a typo names the entry and field instead of silently disabling a key.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { API_KEY_SCOPES } from '../../app/intake/api-keys.js';
import type { ApiKey, ApiKeyScope, ApiKeyVerifier } from '../../app/intake/api-keys.js';
import {
  API_KEY_HASH_PATTERN,
  API_KEY_ID_PATTERN,
  DEFAULT_RATE_LIMIT_PER_MINUTE,
  isApiKeyScope,
  isValidRateLimit,
  MAX_RATE_LIMIT_PER_MINUTE,
  parsePresentedKey,
} from './api-key-material.js';
import type { ApiKeyEntry } from './api-key-material.js';

export interface ApiKeysFileProblem {
  /** `keys[2] ("k3f9a2b1c0d4")`, or `file` for the document as a whole. */
  readonly entry: string;
  readonly field: string;
  readonly message: string;
}

export class ApiKeysFileError extends Error {
  readonly code = 'API_KEYS_FILE_INVALID';
  constructor(
    readonly file: string,
    readonly problems: readonly ApiKeysFileProblem[],
    options?: ErrorOptions,
  ) {
    super(`API keys file ${file}: ${problems.map((p) => `${p.entry}${p.field === '' ? '' : ` ${p.field}`}: ${p.message}`).join('; ')}`, options);
    this.name = 'ApiKeysFileError';
  }
}

export interface ApiKeysDocument {
  readonly keys: readonly ApiKeyEntry[];
}

const ENTRY_FIELDS = new Set(['id', 'name', 'hash', 'scopes', 'rateLimitPerMinute', 'revoked', 'createdAt', 'revokedAt']);

/** Parses and checks the file's text; every problem is collected, so one run shows them all. */
export function parseApiKeysFile(text: string, file: string): ApiKeysDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ApiKeysFileError(file, [{ entry: 'file', field: '', message: `not valid JSON: ${(error as Error).message}` }], { cause: error });
  }
  if (!isObject(raw) || !Array.isArray(raw['keys'])) {
    throw new ApiKeysFileError(file, [{ entry: 'file', field: 'keys', message: 'expected an object {"keys": [...]}' }]);
  }
  const problems: ApiKeysFileProblem[] = [];
  const keys: ApiKeyEntry[] = [];
  const seenIds = new Map<string, number>();
  const seenHashes = new Map<string, number>();
  raw['keys'].forEach((item: unknown, index) => {
    const entry = parseEntry(item, index, problems);
    if (entry === null) return;
    const label = entryLabel(index, entry.id);
    const idAt = seenIds.get(entry.id);
    if (idAt !== undefined) problems.push({ entry: label, field: 'id', message: `duplicate of keys[${idAt}]` });
    const hashAt = seenHashes.get(entry.hash);
    if (hashAt !== undefined) problems.push({ entry: label, field: 'hash', message: `same hash as keys[${hashAt}]` });
    seenIds.set(entry.id, index);
    seenHashes.set(entry.hash, index);
    keys.push(entry);
  });
  if (problems.length > 0) throw new ApiKeysFileError(file, problems);
  return { keys };
}

function parseEntry(item: unknown, index: number, problems: ApiKeysFileProblem[]): ApiKeyEntry | null {
  if (!isObject(item)) {
    problems.push({ entry: `keys[${index}]`, field: '', message: 'expected an object' });
    return null;
  }
  const id = item['id'];
  const label = entryLabel(index, typeof id === 'string' ? id : undefined);
  const before = problems.length;
  const problem = (field: string, message: string): void => void problems.push({ entry: label, field, message });

  for (const field of Object.keys(item)) {
    if (!ENTRY_FIELDS.has(field)) problem(field, `unknown field (expected ${[...ENTRY_FIELDS].join(', ')})`);
  }
  if (typeof id !== 'string' || !API_KEY_ID_PATTERN.test(id)) problem('id', 'expected 1-64 letters, digits or "-"');
  const name = item['name'];
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) problem('name', 'expected a non-empty string of at most 200 characters');
  const hash = item['hash'];
  if (typeof hash !== 'string' || !API_KEY_HASH_PATTERN.test(hash)) problem('hash', 'expected "sha256:" followed by 64 lowercase hex digits');
  const scopes = item['scopes'];
  if (!Array.isArray(scopes) || scopes.length === 0) {
    problem('scopes', `expected a non-empty array of ${API_KEY_SCOPES.join(', ')}`);
  } else {
    for (const scope of scopes) {
      if (!isApiKeyScope(scope)) {
        problem('scopes', `unknown scope ${JSON.stringify(scope)} (expected ${API_KEY_SCOPES.join(', ')})`);
      }
    }
  }
  const rate = item['rateLimitPerMinute'] ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
  if (!isValidRateLimit(rate)) {
    problem('rateLimitPerMinute', `expected an integer from 1 to ${MAX_RATE_LIMIT_PER_MINUTE}`);
  }
  const revoked = item['revoked'] ?? false;
  if (typeof revoked !== 'boolean') problem('revoked', 'expected true or false');
  for (const field of ['createdAt', 'revokedAt'] as const) {
    const value = item[field];
    if (value !== undefined && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) problem(field, 'expected an ISO 8601 date-time');
  }
  if (problems.length > before) return null;
  return {
    id: id as string,
    name: (name as string).trim(),
    hash: hash as string,
    scopes: [...new Set(scopes as ApiKeyScope[])],
    rateLimitPerMinute: rate as number,
    revoked: revoked as boolean,
    ...(typeof item['createdAt'] === 'string' ? { createdAt: item['createdAt'] } : {}),
    ...(typeof item['revokedAt'] === 'string' ? { revokedAt: item['revokedAt'] } : {}),
  };
}

function entryLabel(index: number, id: string | undefined): string {
  return id === undefined ? `keys[${index}]` : `keys[${index}] (${JSON.stringify(id)})`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads and checks the file; a missing file is `null` only when `missingOk` (the CLI creating the first key). */
export async function readApiKeysFile(file: string, options: { readonly missingOk?: boolean } = {}): Promise<ApiKeysDocument | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && options.missingOk === true) return null;
    throw new ApiKeysFileError(file, [{ entry: 'file', field: '', message: `cannot read: ${(error as Error).message}` }], { cause: error });
  }
  return parseApiKeysFile(text, file);
}

/**
 * Replaces the file atomically (temp file in the same directory, fsync, rename), readable by the owner only:
 * a crash mid-write leaves the old file, never half a JSON document that would stop the gateway starting.
 */
export async function writeApiKeysFile(file: string, document: ApiKeysDocument): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ keys: document.keys }, null, 2)}\n`, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // The rename is durable only once the directory entry is; some platforms cannot fsync a directory.
  const dir = await open(dirname(file), 'r').catch(() => null);
  if (dir !== null) {
    await dir.sync().catch(() => undefined);
    await dir.close();
  }
}

interface StoredKey {
  readonly key: ApiKey;
  readonly digest: Buffer;
  readonly revoked: boolean;
}

/** The verifier over the file's entries. */
export class FileApiKeys implements ApiKeyVerifier {
  private readonly byId: ReadonlyMap<string, StoredKey>;
  /** Compared against when the id is unknown, so that a miss costs the same as a hit. */
  private readonly decoy = randomBytes(32);

  constructor(entries: readonly ApiKeyEntry[]) {
    this.byId = new Map(
      entries.map((entry) => [
        entry.id,
        {
          key: Object.freeze({ id: entry.id, name: entry.name, scopes: Object.freeze([...entry.scopes]), rateLimitPerMinute: entry.rateLimitPerMinute }),
          digest: Buffer.from(entry.hash.slice('sha256:'.length), 'hex'),
          revoked: entry.revoked,
        },
      ]),
    );
  }

  /** Reads `API_KEYS_FILE` at start; throws `ApiKeysFileError` naming the entry and field when it is wrong. */
  static async load(file: string, options: { readonly missingOk?: boolean } = {}): Promise<FileApiKeys> {
    const document = await readApiKeysFile(file, options);
    return new FileApiKeys(document?.keys ?? []);
  }

  verify(presented: string): ApiKey | null {
    if (typeof presented !== 'string') return null;
    const parsed = parsePresentedKey(presented);
    if (parsed === null) return null;
    const stored = this.byId.get(parsed.id);
    const equal = timingSafeEqual(parsed.digest, stored?.digest ?? this.decoy);
    if (stored === undefined || !equal || stored.revoked) return null;
    return stored.key;
  }

  /** How many keys can be used now (for the start-up log line). */
  get activeCount(): number {
    return [...this.byId.values()].filter((stored) => !stored.revoked).length;
  }
}
