// Integrator API keys as the HTTP channels see them. Keys are stored hashed (the file holds no usable key);
// the verifier finds a key by the id embedded in it and compares hashes in constant time.

export const API_KEY_SCOPES = ['submit', 'read', 'status:write', 'open311', 'supervise', 'history', 'agents'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKey {
  /** Public, stable id (appears in logs and in `refs.apiKeyId`); never the secret. */
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly ApiKeyScope[];
  /** Requests per minute this key may make. */
  readonly rateLimitPerMinute: number;
}

export interface ApiKeyVerifier {
  /** The key's record when `presented` is a valid, unrevoked key; `null` otherwise (never throws on bad input). */
  verify(presented: string): ApiKey | null;
}
