// `hotline-gateway staff` as an operator runs it: the real binary, against the real Redis under a prefix of its own.
// Given nothing, when accounts are added, listed, disabled, enabled, given a new password and removed, then the
// gateway's own sign-in sees each change at once: the right logins open sessions, the others are refused, and
// sessions end when an account is disabled, its password changes or it is removed. Hashes are never printed, and a
// mistake is named before anything is written.

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff } from '../../../src/adapters/staff/create-staff.js';
import type { CreatedStaff } from '../../../src/adapters/staff/create-staff.js';
import { silentLog } from '../../../src/app/app-ports.js';
import { runCli } from '../../support/cli-process.js';
import type { CliRun } from '../../support/cli-process.js';
import { deletePrefixKeys, REDIS_URL, singleRedis } from '../../support/redis.js';

const prefix = `test-staff-cli-${randomUUID().slice(0, 8)}`;
const env = { REDIS_URL, INTAKE_PREFIX: prefix, STAFF_SCRYPT_COST: '10' };
let dir: string;
/** The gateway's side: the same accounts and sessions the running gateway would use. */
let staff: CreatedStaff;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hotline-staff-cli-'));
  staff = await createStaff({
    redis: singleRedis(REDIS_URL),
    prefix,
    settings: { sessionTtlMs: 3_600_000, loginFailuresPerId: 100, loginFailuresPerIp: 100, cookieSecure: 'auto', scryptCost: 10 },
    log: silentLog,
  });
});
afterAll(async () => {
  await staff?.close();
  await deletePrefixKeys(prefix);
  await rm(dir, { recursive: true, force: true });
});

function staffCli(args: string[], options: { password?: string; input?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return runCli(['staff', ...args], {
    cwd: dir,
    env: { ...env, ...(options.password === undefined ? {} : { STAFF_PASSWORD: options.password }), ...options.env },
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}

async function logsIn(id: string, password: string): Promise<boolean> {
  return (await staff.auth.login(id, password, '192.0.2.1')).ok;
}

describe('hotline-gateway staff', () => {
  it('adds an agent (password from STAFF_PASSWORD) and a supervisor (password on standard input) who can then log in', async () => {
    const [agent, supervisor] = await Promise.all([
      staffCli(['add', '1001', '--name', '王芳', '--role', 'agent', '--endpoint', 'PJSIP/1001', '--skills', 'Consultation:5,complaint:3'], { password: 'wang fang takes calls' }),
      staffCli(['add', 'sup-1', '--name', 'Li Wei', '--role', 'supervisor'], { input: 'li wei watches the floor\n' }),
    ]);
    expect(agent).toEqual({ code: 0, stdout: 'added agent 1001 "王芳" (PJSIP/1001; consultation:5, complaint:3)\n', stderr: '' });
    expect(supervisor).toEqual({ code: 0, stdout: 'added supervisor sup-1 "Li Wei"\n', stderr: '' });
    expect(await logsIn('1001', 'wang fang takes calls')).toBe(true);
    expect(await logsIn('sup-1', 'li wei watches the floor')).toBe(true);
    expect(await logsIn('1001', 'li wei watches the floor')).toBe(false);
    // At the configured cost (STAFF_SCRYPT_COST=10), and the account keeps the phone and skills for the desktop's login.
    expect(await staff.auth.account('1001')).toMatchObject({ role: 'agent', endpoint: 'PJSIP/1001', skills: 'consultation:5, complaint:3', passwordHash: expect.stringMatching(/^scrypt\$1024\$8\$1\$/) });
  }, 60_000);

  it('lists the accounts as a table or JSON lines, never with a hash', async () => {
    const [table, json] = await Promise.all([staffCli(['list']), staffCli(['list', '--json'])]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+ROLE\s+STATE\s+NAME\s+PHONE\s+SKILLS$/);
    expect(table.stdout).toMatch(/\n1001\s+agent\s+enabled\s+王芳\s+PJSIP\/1001\s+consultation:5, complaint:3\n/);
    expect(table.stdout).toMatch(/\nsup-1\s+supervisor\s+enabled\s+Li Wei\s+-\s+-\n/);
    const rows = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((r) => [r['id'], r['role'], r['disabled']])).toEqual([
      ['1001', 'agent', false],
      ['sup-1', 'supervisor', false],
    ]);
    for (const out of [table.stdout, json.stdout]) expect(out).not.toContain('scrypt');
  }, 60_000);

  it('disables an account (its session ends, its logins are refused) and enables it again', async () => {
    const before = await staff.auth.login('1001', 'wang fang takes calls', '192.0.2.1');
    if (!before.ok) throw new Error('login failed');
    expect(await staffCli(['disable', '1001'])).toMatchObject({ code: 0, stdout: 'disabled 1001: its logins are refused and its sessions have ended\n' });
    expect(await staff.auth.session(before.token)).toBeNull();
    expect(await logsIn('1001', 'wang fang takes calls')).toBe(false);
    expect((await staffCli(['list'])).stdout).toMatch(/\n1001\s+agent\s+disabled\s/);
    expect(await staffCli(['enable', '1001'])).toMatchObject({ code: 0, stdout: 'enabled 1001: it may log in again\n' });
    expect(await logsIn('1001', 'wang fang takes calls')).toBe(true);
  }, 60_000);

  it('changes a password from standard input: the old one and its sessions stop working, the account is otherwise unchanged', async () => {
    const before = await staff.auth.login('1001', 'wang fang takes calls', '192.0.2.1');
    if (!before.ok) throw new Error('login failed');
    expect(await staffCli(['passwd', '1001'], { input: 'a brand new passphrase\n' })).toMatchObject({ code: 0, stdout: 'changed the password of 1001; its sessions have ended\n' });
    expect(await staff.auth.session(before.token)).toBeNull();
    expect(await logsIn('1001', 'wang fang takes calls')).toBe(false);
    expect(await logsIn('1001', 'a brand new passphrase')).toBe(true);
    expect(await staff.auth.account('1001')).toMatchObject({ name: '王芳', endpoint: 'PJSIP/1001', skills: 'consultation:5, complaint:3', disabled: false });
  }, 60_000);

  it('removes an account, and says so when there is none to remove', async () => {
    expect(await staffCli(['remove', 'sup-1'])).toMatchObject({ code: 0, stdout: 'removed sup-1; its sessions have ended\n' });
    expect(await logsIn('sup-1', 'li wei watches the floor')).toBe(false);
    expect(await staffCli(['remove', 'sup-1'])).toEqual({ code: 1, stdout: '', stderr: 'staff: no staff account sup-1\n' });
  }, 60_000);

  it('names each mistake and writes nothing: exit 2 for bad usage or a bad value, 1 for an id taken, no password or no Redis', async () => {
    const cases: [string[], { password?: string; input?: string; env?: Record<string, string> }, number, string][] = [
      [['add', '1002', '--name', 'Zhang', '--role', 'agent'], { password: 'short' }, 2, 'staff: invalid password: at least 10 characters'],
      [['add', '1002', '--name', 'Zhang', '--role', 'boss'], { password: 'long enough password' }, 2, 'staff: --role must be agent or supervisor, not "boss"'],
      [['add', '1002', '--name', 'Zhang', '--role', 'supervisor', '--endpoint', 'PJSIP/1002'], { password: 'long enough password' }, 2, 'staff: --endpoint and --skills are for agents: a supervisor takes no calls'],
      [['add', '1002', '--name', 'Zhang', '--role', 'agent', '--skills', 'zh:0'], { password: 'long enough password' }, 2, 'staff: --skills: "zh:0": the level must be a whole number from 1 to 9'],
      [['add', '1002', '--name', 'Zhang', '--role', 'agent', '--endpoint', '1002'], { password: 'long enough password' }, 2, 'staff: --endpoint must be a dial string such as PJSIP/1001 or Local/1001@agents, not "1002"'],
      [['add', '1002', '--role', 'agent'], { password: 'long enough password' }, 2, 'staff: add needs --name NAME (as the desktop shows it)'],
      [['add', 'a b', '--name', 'Zhang', '--role', 'agent'], { password: 'long enough password' }, 2, 'staff: invalid staff id "a b": 1-64 letters, digits, _ . or -, starting with a letter or digit'],
      [['add', '1002', '--name', 'Zhang', '--role', 'agent'], {}, 1, 'staff: no password: set STAFF_PASSWORD or give it as one line on standard input (password for 1002)'],
      [['add', '1001', '--name', 'Someone', '--role', 'agent'], { password: 'long enough password' }, 1, 'staff: staff 1001 already exists (agent "王芳"): change its password with `staff passwd 1001`, or replace it with `staff add 1001 ... --replace`'],
      [['passwd', '1009'], { password: 'long enough password' }, 1, 'staff: no staff account 1009 (see staff list)'],
      [['list'], { env: { REDIS_URL: 'redis://127.0.0.1:1' } }, 1, 'staff: Redis at redis://127.0.0.1:1 is not reachable: nothing was changed'],
      [['rename', '1001'], {}, 2, 'staff: unknown command "rename"'],
    ];
    for (let i = 0; i < cases.length; i += 2) {
      const batch = cases.slice(i, i + 2);
      const runs = await Promise.all(batch.map(([args, options]) => staffCli(args, options)));
      runs.forEach((run, k) => {
        const [args, , code, message] = batch[k] as (typeof cases)[number];
        expect({ args, code: run.code, stdout: run.stdout, first: run.stderr.split('\n')[0] }).toEqual({ args, code, stdout: '', first: message });
      });
    }
    expect(await staff.auth.account('1002')).toBeNull();
    expect(await staff.auth.account('1001')).toMatchObject({ name: '王芳' });
  }, 120_000);

  it('replaces an account only when asked to, ending its sessions', async () => {
    const before = await staff.auth.login('1001', 'a brand new passphrase', '192.0.2.1');
    if (!before.ok) throw new Error('login failed');
    const replaced = await staffCli(['add', '1001', '--name', 'Wang Fang', '--role', 'agent', '--endpoint', 'PJSIP/2001', '--skills', 'consultation:1', '--replace'], { password: 'the replaced account' });
    expect(replaced).toMatchObject({ code: 0, stdout: 'replaced agent 1001 "Wang Fang" (PJSIP/2001; consultation:1); its sessions have ended\n' });
    expect(await staff.auth.session(before.token)).toBeNull();
    expect(await logsIn('1001', 'the replaced account')).toBe(true);
  }, 60_000);

  it('prints its usage for --help', async () => {
    const help = await staffCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: hotline-gateway staff <command>\n/);
    expect(help.stdout).toContain('STAFF_PASSWORD');
  }, 30_000);
});
