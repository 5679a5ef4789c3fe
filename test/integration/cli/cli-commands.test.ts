// The `hotline-gateway` binary as a user runs it: a child process in a fresh folder, commands typed as README
// documents them.

import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileApiKeys } from '../../../src/adapters/api-keys/index.js';
import { REPO_ROOT, runCli } from '../../support/cli-process.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hotline-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** At most `n` at once: each run is a whole Node process on a shared two-core machine. */
async function inBatches<T, R>(items: readonly T[], n: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += n) results.push(...(await Promise.all(items.slice(i, i + n).map(run))));
  return results;
}

describe('hotline-gateway apikey', () => {
  it('given a fresh folder, when a key is created exactly as README shows, then data/api-keys.json holds it (0600) and the CLI says so', async () => {
    const created = await runCli(['apikey', 'create', '--name', 'Work-order system', '--scopes', 'submit,read,status:write'], { cwd: dir });
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^hk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const file = join(dir, 'data', 'api-keys.json');
    expect(created.stderr).toContain(`in ${file} (new file)`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await FileApiKeys.load(file)).verify(key)?.name).toBe('Work-order system');

    const id = key.split('_')[1] as string;
    const listed = await runCli(['apikey', 'list'], { cwd: dir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+active\\s+600/min\\s+submit,read,status:write\\s+Work-order system\\n$`));
    const revoked = await runCli(['apikey', 'revoke', id], { cwd: dir });
    expect([revoked.code, revoked.stderr]).toEqual([0, `revoked key ${id} "Work-order system"; restart the gateway for it to take effect\n`]);
    expect((await FileApiKeys.load(file)).verify(key)).toBeNull();
  }, 60_000);

  it('writes where API_KEYS_FILE points, creating its folder, as the gateway would read it', async () => {
    const file = join(dir, 'etc', 'hotline', 'keys.json');
    const created = await runCli(['apikey', 'create', '--name', 'Open311 app', '--scopes', 'open311'], { cwd: dir, env: { API_KEYS_FILE: file } });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain(`in ${file} (new file)`);
    expect((await FileApiKeys.load(file)).verify(created.stdout.trim())?.scopes).toEqual(['open311']);
    expect(await readdir(dir)).toEqual(['etc']);
  }, 30_000);

  it('lists a keys file that does not exist yet as empty, without creating anything', async () => {
    const listed = await runCli(['apikey', 'list'], { cwd: dir });
    expect(listed).toEqual({ code: 0, stdout: '', stderr: `no keys yet: ${join(dir, 'data', 'api-keys.json')} does not exist\n` });
    expect(await readdir(dir)).toEqual([]);
  }, 30_000);
});

describe('hotline-gateway --help', () => {
  const helps: [string[], RegExp][] = [
    [['--help'], /^usage: hotline-gateway <command>/],
    [['-h'], /^usage: hotline-gateway <command>/],
    [['help'], /^usage: hotline-gateway <command>/],
    [['serve', '--help'], /^usage: hotline-gateway serve\n/],
    [['flow', 'check', '--help'], /^usage: hotline-gateway flow check FILE/],
    [['flow', '--help'], /^usage: hotline-gateway flow check FILE/],
    [['prompts', 'render', '--help'], /^usage: hotline-gateway prompts render/],
    [['call', '--help'], /^usage: hotline-gateway call/],
    [['intake', 'tail', '-h'], /^usage: hotline-gateway intake tail/],
    [['retention', 'report', '--help'], /^usage: hotline-gateway retention report/],
    [['retention', '--help'], /^usage: hotline-gateway retention report/],
    [['apikey', '--help'], /^usage: hotline-gateway apikey/],
    [['apikey', 'create', '--help'], /^usage: hotline-gateway apikey/],
    [['apikey', 'list', '--help'], /^usage: hotline-gateway apikey/],
    [['apikey', 'revoke', '--help'], /^usage: hotline-gateway apikey/],
  ];

  it('prints each command\'s usage on stdout and exits 0', async () => {
    const runs = await inBatches(helps, 4, ([args]) => runCli(args, { cwd: dir }));
    runs.forEach((run, i) => {
      const [args, usage] = helps[i] as [string[], RegExp];
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(run.stdout, args.join(' ')).toMatch(usage);
    });
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);
});

describe('hotline-gateway bad usage', () => {
  const mistakes: [string[], string][] = [
    [['serve', '--port', '80'], 'hotline-gateway serve: unknown option --port'],
    [['flow', 'check'], 'hotline-gateway flow check: missing flow files (e.g. hotline-gateway flow check ivr-flows/12345.yaml)'],
    [['flow', 'check', '--strict', 'a.yaml'], 'hotline-gateway flow check: unknown option --strict'],
    [['prompts', 'render', '--sounds'], 'hotline-gateway prompts render: --sounds needs a value'],
    [['prompts', 'render', 'a.yaml', 'b.yaml'], 'hotline-gateway prompts render: unexpected argument "b.yaml"'],
    [['call', '--to', '12345'], 'hotline-gateway call: unknown option --to'],
    [['intake', 'tail', '--follow'], 'hotline-gateway intake tail: unknown option --follow'],
    [['apikey', 'create', '--name', 'A', '--scopes', 'submit', '--expires', '1d'], 'apikey: unknown option --expires'],
    [['apikey', 'list', '--all'], 'apikey: unknown option --all'],
    [['apikey', 'revoke', 'x', '--force'], 'apikey: unknown option --force'],
    [['flow', 'lint'], 'hotline-gateway: unknown command "flow lint" (try: flow check)'],
    [['start'], 'hotline-gateway: unknown command "start"'],
    [[], 'hotline-gateway: missing command'],
  ];

  it('names the mistake on stderr, adds the usage, and exits 2', async () => {
    const runs = await inBatches(mistakes, 4, ([args]) => runCli(args, { cwd: dir }));
    runs.forEach((run, i) => {
      const [args, message] = mistakes[i] as [string[], string];
      expect({ args, code: run.code, stdout: run.stdout, first: run.stderr.split('\n')[0] }).toEqual({ args, code: 2, stdout: '', first: message });
      expect(run.stderr, args.join(' ')).toMatch(/\nusage: hotline-gateway /);
    });
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);
});

describe('hotline-gateway flow check', () => {
  it('checks a flow given by path from any folder', async () => {
    const flow = join(REPO_ROOT, 'ivr-flows', '12345.yaml');
    const run = await runCli(['flow', 'check', flow], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^ok ${flow}: \\d+ nodes\\n$`));
  }, 30_000);
});
