export { API_KEY_PREFIX, ApiKeyRequestError, createApiKey, hashApiKey } from './api-key-material.js';
export type { ApiKeyEntry, NewApiKeyRequest } from './api-key-material.js';
export { ApiKeysFileError, FileApiKeys, parseApiKeysFile, readApiKeysFile, writeApiKeysFile } from './file-api-keys.js';
export type { ApiKeysDocument, ApiKeysFileProblem } from './file-api-keys.js';
export { API_KEY_USAGE, runApiKeyCommand } from './api-key-command.js';
export type { ApiKeyCommandIo } from './api-key-command.js';
