// `hotline-gateway apikey create|list|revoke`: the operator's tool for integrator keys. The key is printed once
// (the file keeps only its hash); the running gateway reads the file at start, so it must be restarted to see changes.

import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { API_KEY_SCOPES } from '../../app/intake/api-keys.js';
import type { ApiKeyScope } from '../../app/intake/api-keys.js';
import { ApiKeyRequestError, createApiKey } from './api-key-material.js';
import { ApiKeysFileError, readApiKeysFile, writeApiKeysFile } from './file-api-keys.js';
import { apiKeysFileFromEnv, ConfigError, DEFAULTS } from '../../config/index.js';
import { parseCommand, UsageError } from '../cli/command-line.js';
import type { CommandSpec, ParsedCommand } from '../cli/command-line.js';

export interface ApiKeyCommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const API_KEY_USAGE = `usage: hotline-gateway apikey <command>

  apikey create --name NAME --scopes SCOPE[,SCOPE...] [--rate PER_MINUTE] [--file PATH]
                  add a key; prints the key once (only its hash is stored); creates the file when missing
  apikey list [--file PATH]
                  ids, names, scopes, rate limits and whether revoked (never hashes)
  apikey revoke ID [--file PATH]
                  revoke a key; restart the gateway for it to take effect

  scopes: ${API_KEY_SCOPES.join(', ')}
  PATH defaults to $API_KEYS_FILE, else ${DEFAULTS.API_KEYS_FILE}, the file the gateway reads.
`;

const SPECS: Readonly<Record<string, CommandSpec>> = {
  create: { usage: API_KEY_USAGE, values: ['name', 'scopes', 'rate', 'file'] },
  list: { usage: API_KEY_USAGE, values: ['file'] },
  revoke: { usage: API_KEY_USAGE, values: ['file'], positionals: { min: 1, max: 1, name: 'the key id (see apikey list)' } },
};

/** Runs `apikey ...` (`argv` without the leading `apikey`); resolves with the exit code: 0 ok, 1 failed, 2 bad usage. */
export async function runApiKeyCommand(argv: readonly string[], io: ApiKeyCommandIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'help' || command === '--help' || command === '-h') {
      io.stdout.write(API_KEY_USAGE);
      return 0;
    }
    if (command === undefined) throw new UsageError('missing command: create, list or revoke');
    const spec = SPECS[command];
    if (spec === undefined) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    const parsed = parseCommand(rest, spec);
    if (parsed.help) {
      io.stdout.write(API_KEY_USAGE);
      return 0;
    }
    // The gateway's own reading of API_KEYS_FILE, so both default to the same file.
    const file = parsed.values['file'] ?? apiKeysFileFromEnv(io.env);
    switch (command) {
      case 'create':
        return await create(file, parsed, io);
      case 'list':
        return await list(file, io);
      default:
        return await revoke(file, parsed.positionals[0] as string, io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`apikey: ${error.message}\n\n${API_KEY_USAGE}`);
      return 2;
    }
    if (error instanceof ApiKeyRequestError) {
      io.stderr.write(`apikey: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ApiKeysFileError || error instanceof ConfigError) {
      io.stderr.write(`apikey: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`apikey: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function create(file: string, options: ParsedCommand, io: ApiKeyCommandIo): Promise<number> {
  const name = options.values['name'];
  if (name === undefined) throw new UsageError('create needs --name NAME');
  const scopesText = options.values['scopes'];
  if (scopesText === undefined) throw new UsageError(`create needs --scopes (some of ${API_KEY_SCOPES.join(',')})`);
  const scopes = scopesText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '') as ApiKeyScope[];
  const rateText = options.values['rate'];
  const rate = rateText === undefined ? undefined : /^\d+$/.test(rateText) ? Number(rateText) : Number.NaN;

  const existing = await readApiKeysFile(file, { missingOk: true });
  const document = existing ?? { keys: [] };
  const { key, entry } = createApiKey(
    { name, scopes, ...(rate === undefined ? {} : { rateLimitPerMinute: rate }) },
    { takenIds: new Set(document.keys.map((k) => k.id)) },
  );
  if (existing === null) await mkdir(dirname(file), { recursive: true });
  await writeApiKeysFile(file, { keys: [...document.keys, entry] });
  io.stderr.write(
    `created key ${entry.id} "${entry.name}" (scopes ${entry.scopes.join(',')}, ${entry.rateLimitPerMinute}/min) in ${resolve(file)}` +
      `${existing === null ? ' (new file)' : ''}\n` +
      'the key is shown only now; give it to the integrator over a secure channel, then restart the gateway:\n',
  );
  io.stdout.write(`${key}\n`);
  return 0;
}

async function list(file: string, io: ApiKeyCommandIo): Promise<number> {
  const document = await readApiKeysFile(file, { missingOk: true });
  if (document === null || document.keys.length === 0) {
    io.stderr.write(document === null ? `no keys yet: ${resolve(file)} does not exist\n` : `no keys in ${resolve(file)}\n`);
    return 0;
  }
  const rows = document.keys.map((k) => [k.id, k.revoked ? 'revoked' : 'active', `${k.rateLimitPerMinute}/min`, k.scopes.join(','), k.name]);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => (row[column] as string).length)));
  for (const row of rows) {
    io.stdout.write(`${row.map((cell, column) => (column < 4 ? cell.padEnd(widths[column] as number) : cell)).join('  ')}\n`);
  }
  return 0;
}

async function revoke(file: string, id: string, io: ApiKeyCommandIo): Promise<number> {
  const document = (await readApiKeysFile(file, { missingOk: true })) ?? { keys: [] };
  const entry = document.keys.find((k) => k.id === id);
  if (entry === undefined) {
    io.stderr.write(`apikey: no key with id ${JSON.stringify(id)} in ${resolve(file)}\n`);
    return 1;
  }
  if (entry.revoked) {
    io.stderr.write(`key ${id} was already revoked\n`);
    return 0;
  }
  const revokedAt = new Date().toISOString();
  await writeApiKeysFile(file, { keys: document.keys.map((k) => (k.id === id ? { ...k, revoked: true, revokedAt } : k)) });
  io.stderr.write(`revoked key ${id} "${entry.name}"; restart the gateway for it to take effect\n`);
  return 0;
}
