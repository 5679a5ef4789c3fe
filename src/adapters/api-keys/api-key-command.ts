// `hotline-gateway apikey create|list|revoke`: the operator's tool for integrator keys. The key is printed once
// (the file keeps only its hash); the running gateway reads the file at start, so it must be restarted to see changes.

import { API_KEY_SCOPES } from '../../app/intake/api-keys.js';
import type { ApiKeyScope } from '../../app/intake/api-keys.js';
import { ApiKeyRequestError, createApiKey } from './api-key-material.js';
import { ApiKeysFileError, readApiKeysFile, writeApiKeysFile } from './file-api-keys.js';

export interface ApiKeyCommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const API_KEY_USAGE = `usage: hotline-gateway apikey <command>

  apikey create --name NAME --scopes SCOPE[,SCOPE...] [--rate PER_MINUTE] [--file PATH]
                  add a key; prints the key once (only its hash is stored)
  apikey list [--file PATH]
                  ids, names, scopes, rate limits and whether revoked (never hashes)
  apikey revoke ID [--file PATH]
                  revoke a key; restart the gateway for it to take effect

  scopes: ${API_KEY_SCOPES.join(', ')}
  PATH defaults to $API_KEYS_FILE.
`;

class UsageError extends Error {}

/** Runs `apikey ...` (`argv` without the leading `apikey`); resolves with the exit code: 0 ok, 1 failed, 2 bad usage. */
export async function runApiKeyCommand(argv: readonly string[], io: ApiKeyCommandIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const options = parseOptions(rest);
    const file = options.values.get('--file') ?? io.env['API_KEYS_FILE'];
    if (command === undefined) {
      io.stderr.write(API_KEY_USAGE);
      return 2;
    }
    if (command === 'help' || command === '--help') {
      io.stdout.write(API_KEY_USAGE);
      return 0;
    }
    if (file === undefined || file === '') throw new UsageError('no keys file: give --file PATH or set API_KEYS_FILE');
    switch (command) {
      case 'create':
        return await create(file, options, io);
      case 'list':
        expectNoMore(options, 0);
        return await list(file, io);
      case 'revoke':
        return await revoke(file, options, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
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
    if (error instanceof ApiKeysFileError) {
      io.stderr.write(`apikey: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`apikey: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

interface Options {
  readonly values: Map<string, string>;
  readonly positional: string[];
}

const VALUE_OPTIONS = new Set(['--name', '--scopes', '--rate', '--file']);

function parseOptions(args: readonly string[]): Options {
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!VALUE_OPTIONS.has(name)) throw new UsageError(`unknown option ${name}`);
    const value = eq === -1 ? args[(i += 1)] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    if (values.has(name)) throw new UsageError(`${name} given twice`);
    values.set(name, value);
  }
  return { values, positional };
}

function expectNoMore(options: Options, positional: number, allowed: readonly string[] = ['--file']): void {
  const extra = options.positional.slice(positional);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  for (const name of options.values.keys()) if (!allowed.includes(name)) throw new UsageError(`${name} does not apply here`);
}

async function create(file: string, options: Options, io: ApiKeyCommandIo): Promise<number> {
  expectNoMore(options, 0, ['--file', '--name', '--scopes', '--rate']);
  const name = options.values.get('--name');
  if (name === undefined) throw new UsageError('create needs --name NAME');
  const scopesText = options.values.get('--scopes');
  if (scopesText === undefined) throw new UsageError(`create needs --scopes (some of ${API_KEY_SCOPES.join(',')})`);
  const scopes = scopesText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '') as ApiKeyScope[];
  const rateText = options.values.get('--rate');
  const rate = rateText === undefined ? undefined : /^\d+$/.test(rateText) ? Number(rateText) : Number.NaN;

  const document = (await readApiKeysFile(file, { missingOk: true })) ?? { keys: [] };
  const { key, entry } = createApiKey(
    { name, scopes, ...(rate === undefined ? {} : { rateLimitPerMinute: rate }) },
    { takenIds: new Set(document.keys.map((k) => k.id)) },
  );
  await writeApiKeysFile(file, { keys: [...document.keys, entry] });
  io.stderr.write(
    `created key ${entry.id} "${entry.name}" (scopes ${entry.scopes.join(',')}, ${entry.rateLimitPerMinute}/min) in ${file}\n` +
      'the key is shown only now; give it to the integrator over a secure channel, then restart the gateway:\n',
  );
  io.stdout.write(`${key}\n`);
  return 0;
}

async function list(file: string, io: ApiKeyCommandIo): Promise<number> {
  const document = (await readApiKeysFile(file, { missingOk: true })) ?? { keys: [] };
  if (document.keys.length === 0) {
    io.stderr.write(`no keys in ${file}\n`);
    return 0;
  }
  const rows = document.keys.map((k) => [k.id, k.revoked ? 'revoked' : 'active', `${k.rateLimitPerMinute}/min`, k.scopes.join(','), k.name]);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => (row[column] as string).length)));
  for (const row of rows) {
    io.stdout.write(`${row.map((cell, column) => (column < 4 ? cell.padEnd(widths[column] as number) : cell)).join('  ')}\n`);
  }
  return 0;
}

async function revoke(file: string, options: Options, io: ApiKeyCommandIo): Promise<number> {
  const [id] = options.positional;
  if (id === undefined) throw new UsageError('revoke needs the key id (see apikey list)');
  expectNoMore(options, 1);
  const document = (await readApiKeysFile(file, { missingOk: true })) ?? { keys: [] };
  const entry = document.keys.find((k) => k.id === id);
  if (entry === undefined) {
    io.stderr.write(`apikey: no key with id ${JSON.stringify(id)} in ${file}\n`);
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
