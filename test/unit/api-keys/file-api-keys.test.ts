import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeysFileError, createApiKey, FileApiKeys, hashApiKey, parseApiKeysFile, runApiKeyCommand } from '../../../src/adapters/api-keys/index.js';

function entry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'abc123', name: 'Work orders', hash: `sha256:${'a'.repeat(64)}`, scopes: ['submit'], rateLimitPerMinute: 600, revoked: false, ...overrides };
}

function problemsOf(text: string): string[] {
  try {
    parseApiKeysFile(text, 'keys.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ApiKeysFileError);
    expect((error as ApiKeysFileError).code).toBe('API_KEYS_FILE_INVALID');
    return (error as ApiKeysFileError).problems.map((p) => `${p.entry} ${p.field}: ${p.message}`);
  }
  throw new Error('expected ApiKeysFileError');
}

describe('parseApiKeysFile', () => {
  it('accepts a valid file and fills in defaults', () => {
    const doc = parseApiKeysFile(JSON.stringify({ keys: [entry({ rateLimitPerMinute: undefined, revoked: undefined })] }), 'keys.json');
    expect(doc.keys).toEqual([{ id: 'abc123', name: 'Work orders', hash: `sha256:${'a'.repeat(64)}`, scopes: ['submit'], rateLimitPerMinute: 600, revoked: false }]);
  });

  it('accepts an empty key list', () => {
    expect(parseApiKeysFile('{"keys":[]}', 'keys.json').keys).toEqual([]);
  });

  it('rejects text that is not JSON, naming the file', () => {
    expect(() => parseApiKeysFile('{keys:', '/etc/hotline/keys.json')).toThrow(/API keys file \/etc\/hotline\/keys\.json: file: not valid JSON/);
  });

  it('rejects a document without a keys array', () => {
    expect(problemsOf('[]')).toEqual(['file keys: expected an object {"keys": [...]}']);
    expect(problemsOf('{"key": []}')).toEqual(['file keys: expected an object {"keys": [...]}']);
  });

  it('names the entry and field of every problem', () => {
    const problems = problemsOf(
      JSON.stringify({
        keys: [
          entry(),
          entry({ id: 'k_2', scopes: ['submit', 'write'] }),
          entry({ id: 'k3', hash: 'md5:abc', rateLimitPerMinute: 0 }),
          entry({ id: 'k4', scope: ['read'] }),
          'not an object',
          entry({ id: 'k6', revoked: 'yes', name: '  ' }),
        ],
      }),
    );
    expect(problems).toEqual([
      'keys[1] ("k_2") id: expected 1-64 letters, digits or "-"',
      'keys[1] ("k_2") scopes: unknown scope "write" (expected submit, read, status:write, open311, supervise, history, agents)',
      'keys[2] ("k3") hash: expected "sha256:" followed by 64 lowercase hex digits',
      'keys[2] ("k3") rateLimitPerMinute: expected an integer from 1 to 1000000',
      'keys[3] ("k4") scope: unknown field (expected id, name, hash, scopes, rateLimitPerMinute, revoked, createdAt, revokedAt)',
      'keys[4] : expected an object',
      'keys[5] ("k6") name: expected a non-empty string of at most 200 characters',
      'keys[5] ("k6") revoked: expected true or false',
    ]);
  });

  it('rejects duplicate ids and hashes', () => {
    const problems = problemsOf(JSON.stringify({ keys: [entry(), entry({ hash: `sha256:${'b'.repeat(64)}` }), entry({ id: 'other' })] }));
    expect(problems).toEqual(['keys[1] ("abc123") id: duplicate of keys[0]', 'keys[2] ("other") hash: same hash as keys[0]']);
  });

  it('rejects an empty scope list', () => {
    expect(problemsOf(JSON.stringify({ keys: [entry({ scopes: [] })] }))).toEqual([
      'keys[0] ("abc123") scopes: expected a non-empty array of submit, read, status:write, open311, supervise, history, agents',
    ]);
  });
});

describe('createApiKey and FileApiKeys.verify', () => {
  it('creates a key of the documented shape whose hash verifies', () => {
    const { key, entry: created } = createApiKey({ name: ' Work orders ', scopes: ['submit', 'read', 'submit'] });
    expect(key).toMatch(/^hk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`hk_${created.id}_`)).toBe(true);
    expect(created).toMatchObject({ name: 'Work orders', scopes: ['submit', 'read'], rateLimitPerMinute: 600, revoked: false });
    expect(created.hash).toBe(hashApiKey(key));
    expect(JSON.stringify(created)).not.toContain(key.slice(-43));
    const keys = new FileApiKeys([created]);
    expect(keys.verify(key)).toEqual({ id: created.id, name: 'Work orders', scopes: ['submit', 'read'], rateLimitPerMinute: 600 });
  });

  it('refuses wrong, malformed, unknown and revoked keys without throwing', () => {
    const a = createApiKey({ name: 'A', scopes: ['submit'], rateLimitPerMinute: 5 });
    const b = createApiKey({ name: 'B', scopes: ['read'] });
    const keys = new FileApiKeys([a.entry, { ...b.entry, revoked: true }]);
    expect(keys.verify(a.key)?.rateLimitPerMinute).toBe(5);
    expect(keys.activeCount).toBe(1);
    // Same id, different secret.
    const lastChar = a.key.endsWith('A') ? 'B' : 'A';
    expect(keys.verify(`${a.key.slice(0, -1)}${lastChar}`)).toBeNull();
    expect(keys.verify(b.key)).toBeNull();
    expect(keys.verify(createApiKey({ name: 'C', scopes: ['read'] }).key)).toBeNull();
    for (const bad of ['', 'hk_', 'Bearer x', `${a.key}x`, a.key.slice(0, -1), `hk_${'x'.repeat(5000)}`, 'hk_a_b_c']) {
      expect(keys.verify(bad)).toBeNull();
    }
    expect(keys.verify(undefined as unknown as string)).toBeNull();
  });

  it('avoids ids already taken', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 50; i += 1) {
      const { entry: created } = createApiKey({ name: 'x', scopes: ['read'] }, { takenIds: taken });
      expect(taken.has(created.id)).toBe(false);
      taken.add(created.id);
    }
  });

  it('names the field of a bad request', () => {
    expect(() => createApiKey({ name: ' ', scopes: ['read'] })).toThrow(/^name: must not be empty$/);
    expect(() => createApiKey({ name: 'x', scopes: [] })).toThrow(/^scopes: give at least one/);
    expect(() => createApiKey({ name: 'x', scopes: ['admin' as 'read'] })).toThrow(/^scopes: unknown scope "admin"/);
    expect(() => createApiKey({ name: 'x', scopes: ['read'], rateLimitPerMinute: 1.5 })).toThrow(/^rateLimitPerMinute: must be an integer/);
  });
});

describe('apikey command', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apikeys-'));
    file = join(dir, 'api-keys.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(argv: string[], env: Record<string, string | undefined> = {}) {
    let stdout = '';
    let stderr = '';
    const code = await runApiKeyCommand(argv, {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      env,
    });
    return { code, stdout, stderr };
  }

  it('creates the file with mode 0600, prints the key once, and the key verifies after loading', async () => {
    const created = await run(['create', '--name', 'Work-order system', '--scopes', 'submit,read,status:write', '--rate', '120'], { API_KEYS_FILE: file });
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^hk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/restart the gateway/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(key);
    expect(await readdir(dir)).toEqual(['api-keys.json']);

    const keys = await FileApiKeys.load(file);
    expect(keys.verify(key)).toMatchObject({ name: 'Work-order system', scopes: ['submit', 'read', 'status:write'], rateLimitPerMinute: 120 });
  });

  it('appends to an existing file, lists without hashes, and revokes', async () => {
    const first = await run(['create', '--name=First', '--scopes=submit', '--file', file]);
    const second = await run(['create', '--name', 'Second', '--scopes', 'read,open311', '--file', file]);
    expect([first.code, second.code]).toEqual([0, 0]);
    const firstId = first.stdout.trim().split('_')[1] as string;

    const listed = await run(['list', '--file', file]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${firstId}\\s+active\\s+600/min\\s+submit\\s+First$`));
    expect(lines[1]).toMatch(/active\s+600\/min\s+read,open311\s+Second$/);
    expect(listed.stdout).not.toMatch(/sha256/);

    const revoked = await run(['revoke', firstId, '--file', file]);
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toMatch(/restart the gateway/);
    const keys = await FileApiKeys.load(file);
    expect(keys.verify(first.stdout.trim())).toBeNull();
    expect(keys.verify(second.stdout.trim())?.name).toBe('Second');
    expect((await run(['list', '--file', file])).stdout).toMatch(new RegExp(`^${firstId}\\s+revoked`));
    expect(JSON.parse(await readFile(file, 'utf8')).keys[0]).toMatchObject({ revoked: true, revokedAt: expect.any(String) });
    expect((await run(['revoke', firstId, '--file', file])).code).toBe(0);
  });

  it('answers --help on every command with the usage on stdout', async () => {
    for (const argv of [['--help'], ['help'], ['create', '--help'], ['list', '-h'], ['revoke', 'x', '--help']]) {
      const result = await run(argv);
      expect([result.code, result.stderr], argv.join(' ')).toEqual([0, '']);
      expect(result.stdout, argv.join(' ')).toMatch(/^usage: hotline-gateway apikey/);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('creates the folder of a missing keys file, names the file, and lists a missing file as empty', async () => {
    const nested = join(dir, 'new', 'keys.json');
    expect(await run(['list'], { API_KEYS_FILE: nested })).toEqual({ code: 0, stdout: '', stderr: `no keys yet: ${nested} does not exist\n` });
    const created = await run(['create', '--name', 'A', '--scopes', 'submit'], { API_KEYS_FILE: nested });
    expect(created.code).toBe(0);
    expect(created.stderr).toContain(`in ${nested} (new file)`);
    expect((await stat(nested)).mode & 0o777).toBe(0o600);
    expect((await run(['list'], { API_KEYS_FILE: nested })).stdout).toMatch(/active\s+600\/min\s+submit\s+A$/m);
  });

  it('fails on an unknown id, and on a corrupt file without overwriting it', async () => {
    expect((await run(['revoke', 'nope', '--file', file])).code).toBe(1);
    await writeFile(file, '{"keys": [{"id": "x"}]}');
    const created = await run(['create', '--name', 'A', '--scopes', 'submit', '--file', file]);
    expect(created.code).toBe(1);
    expect(created.stdout).toBe('');
    expect(created.stderr).toMatch(/keys\[0\] \("x"\) name: expected/);
    expect(await readFile(file, 'utf8')).toBe('{"keys": [{"id": "x"}]}');
  });

  it('answers bad usage with exit code 2 and the usage text', async () => {
    const cases: string[][] = [
      ['create', '--scopes', 'submit', '--file', file],
      ['create', '--name', 'A', '--file', file],
      ['create', '--name', 'A', '--scopes', 'write', '--file', file],
      ['create', '--name', 'A', '--scopes', 'submit', '--rate', 'fast', '--file', file],
      ['create', '--name', 'A', '--scopes', 'submit', '--bogus', 'x', '--file', file],
      ['revoke', '--file', file],
      ['list', 'extra', '--file', file],
      ['rotate', '--file', file],
      ['create', '--name', 'A', '--name', 'B', '--scopes', 'submit', '--file', file],
      ['create', '--name', 'A', '--scopes', 'submit', '--file'],
      ['list', '-x', '--file', file],
      [],
    ];
    for (const argv of cases) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stdout + result.stderr, argv.join(' ')).toMatch(/usage: hotline-gateway apikey|apikey: /);
    }
    expect((await run(['create', '--name', 'A', '--scopes', 'write', '--file', file])).stderr).toMatch(/unknown scope "write"/);
    expect((await run(['create', '--name', 'A', '--scopes', 'submit', '--bogus', 'x', '--file', file])).stderr).toMatch(/^apikey: unknown option --bogus\n/);
    expect((await run(['create', '--name', 'A', '--name', 'B', '--scopes', 'submit', '--file', file])).stderr).toMatch(/^apikey: --name given twice/);
    expect((await run(['revoke', '--file', file])).stderr).toMatch(/^apikey: missing the key id/);
    expect((await run(['list', 'extra', '--file', file])).stderr).toMatch(/^apikey: unexpected argument "extra"/);
    expect(await readdir(dir)).toEqual([]);
  });
});
