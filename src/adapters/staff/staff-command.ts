// `hotline-gateway staff add|passwd|disable|enable|remove|list`: the operator's tool for agents' and supervisors'
// accounts. It talks to the Redis the gateway uses (its Redis settings and INTAKE_PREFIX): every running gateway
// sees a change at the account's next login or request, no restart. A password is never an argument (it would stay in the shell's
// history and in `ps`): it comes from STAFF_PASSWORD, else one line of standard input, typed without echo at a
// terminal. Hashes are never printed.

import { createInterface } from 'node:readline';
import { AGENT_ENDPOINT } from '../../app/acd/agent-desk.js';
import { StaffAccountError } from '../../app/staff/staff-auth.js';
import type { StaffAuth } from '../../app/staff/staff-auth.js';
import { formatSkills, parseSkills } from '../../domain/acd/skills.js';
import { isStaffRole, STAFF_ROLES, staffIdProblem, staffNameProblem } from '../../domain/staff/staff.js';
import type { StaffAccount, StaffRole } from '../../domain/staff/staff.js';
import { parseCommand, UsageError } from '../cli/command-line.js';
import type { CommandSpec, ParsedCommand } from '../cli/command-line.js';

export const STAFF_USAGE = `usage: hotline-gateway staff <command>

  staff add ID --name NAME --role agent|supervisor [--endpoint PJSIP/1001] [--skills consultation:5,complaint:3] [--replace]
                  create an account; --endpoint and --skills (agents only) are what the desktop logs the agent
                  in to the queue with; --replace replaces an existing account (its sessions end)
  staff passwd ID
                  set a new password; the account's sessions end
  staff disable ID
                  refuse its logins and end its sessions
  staff enable ID
                  allow its logins again
  staff remove ID
                  delete the account and end its sessions
  staff list [--json]
                  every account: id, role, enabled or disabled, name, phone, skills (never password hashes)

  The password (10 to 200 characters) is read from STAFF_PASSWORD when set, else from standard input (one line;
  at a terminal it is asked twice, without echo). An agent's ID is their agent id in the queue (1001, agent-17).
  Uses the gateway's Redis settings (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS), INTAKE_PREFIX and STAFF_SCRYPT_COST. Exit 0 ok, 1 failed, 2 bad usage.
`;

const ID = { min: 1, max: 1, name: 'the staff id (e.g. 1001)' };
const SPECS: Readonly<Record<string, CommandSpec>> = {
  add: { usage: STAFF_USAGE, values: ['name', 'role', 'endpoint', 'skills'], flags: ['replace'], positionals: ID },
  passwd: { usage: STAFF_USAGE, positionals: ID },
  disable: { usage: STAFF_USAGE, positionals: ID },
  enable: { usage: STAFF_USAGE, positionals: ID },
  remove: { usage: STAFF_USAGE, positionals: ID },
  list: { usage: STAFF_USAGE, flags: ['json'] },
};

/** Standard input as the command reads a password from it: a terminal (raw mode, no echo) or a pipe. */
export interface PasswordInput extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface StaffCommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: PasswordInput;
  /** Opens the staff accounts on the gateway's Redis (only once the arguments are known to be good). */
  readonly open: () => Promise<{ readonly auth: StaffAuth; close(): Promise<void> }>;
}

/** A refusal that is the operator's to fix (an unknown id, an id taken): exit 1 with the message. */
class StaffCommandError extends Error {}

/** Runs `staff ...` (`argv` without the leading `staff`); resolves with the exit code: 0 ok, 1 failed, 2 bad usage. */
export async function runStaffCommand(argv: readonly string[], io: StaffCommandIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'help' || command === '--help' || command === '-h') {
      io.stdout.write(STAFF_USAGE);
      return 0;
    }
    if (command === undefined) throw new UsageError('missing command: add, passwd, disable, enable, remove or list');
    const spec = SPECS[command];
    if (spec === undefined) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    const parsed = parseCommand(rest, spec);
    if (parsed.help) {
      io.stdout.write(STAFF_USAGE);
      return 0;
    }
    const id = parsed.positionals[0];
    if (id !== undefined) {
      const problem = staffIdProblem(id);
      if (problem !== null) throw new UsageError(`invalid staff id ${JSON.stringify(id)}: ${problem}`);
    }
    const addition = command === 'add' ? additionOf(parsed) : null;
    const { auth, close } = await io.open();
    try {
      switch (command) {
        case 'add':
          return await add(auth, id as string, addition as Addition, io);
        case 'passwd':
          return await passwd(auth, id as string, io);
        case 'disable':
        case 'enable':
          return await setDisabled(auth, id as string, command === 'disable', io);
        case 'remove':
          return await remove(auth, id as string, io);
        default:
          return await list(auth, parsed.flags.has('json'), io);
      }
    } finally {
      await close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`staff: ${error.message}\n\n${STAFF_USAGE}`);
      return 2;
    }
    if (error instanceof StaffAccountError) {
      io.stderr.write(`staff: invalid ${error.field}: ${error.message.slice(error.field.length + 2)}\n`);
      return 2;
    }
    io.stderr.write(`staff: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

interface Addition {
  readonly name: string;
  readonly role: StaffRole;
  readonly endpoint: string | null;
  readonly skills: string | null;
  readonly replace: boolean;
}

/** The account `add` asks for, checked before anything is opened or any password asked for. */
function additionOf(parsed: ParsedCommand): Addition {
  const name = parsed.values['name'];
  if (name === undefined) throw new UsageError('add needs --name NAME (as the desktop shows it)');
  const nameProblem = staffNameProblem(name);
  if (nameProblem !== null) throw new UsageError(`--name: ${nameProblem}`);
  const role = parsed.values['role'];
  if (role === undefined) throw new UsageError(`add needs --role ${STAFF_ROLES.join('|')}`);
  if (!isStaffRole(role)) throw new UsageError(`--role must be ${STAFF_ROLES.join(' or ')}, not ${JSON.stringify(role)}`);
  const endpoint = parsed.values['endpoint'] ?? null;
  const skillsText = parsed.values['skills'] ?? null;
  if (role === 'supervisor' && (endpoint !== null || skillsText !== null)) {
    throw new UsageError('--endpoint and --skills are for agents: a supervisor takes no calls');
  }
  if (endpoint !== null && !AGENT_ENDPOINT.test(endpoint)) {
    throw new UsageError(`--endpoint must be a dial string such as PJSIP/1001 or Local/1001@agents, not ${JSON.stringify(endpoint)}`);
  }
  let skills: string | null = null;
  if (skillsText !== null) {
    const parsedSkills = parseSkills(skillsText);
    if ('error' in parsedSkills) throw new UsageError(`--${parsedSkills.error}`);
    skills = formatSkills(parsedSkills);
  }
  return { name, role, endpoint, skills, replace: parsed.flags.has('replace') };
}

async function add(auth: StaffAuth, id: string, addition: Addition, io: StaffCommandIo): Promise<number> {
  const existing = await auth.account(id);
  if (existing !== null && !addition.replace) {
    throw new StaffCommandError(`staff ${id} already exists (${existing.role} "${existing.name}"): change its password with \`staff passwd ${id}\`, or replace it with \`staff add ${id} ... --replace\``);
  }
  const password = await readPassword(io, `password for ${id}`);
  const account = await auth.saveAccount({ id, name: addition.name, role: addition.role, password, endpoint: addition.endpoint, skills: addition.skills });
  io.stdout.write(`${existing === null ? 'added' : 'replaced'} ${describe(account)}${existing === null ? '' : '; its sessions have ended'}\n`);
  return 0;
}

async function passwd(auth: StaffAuth, id: string, io: StaffCommandIo): Promise<number> {
  const account = await known(auth, id);
  const password = await readPassword(io, `new password for ${id}`);
  await auth.saveAccount({ id, name: account.name, role: account.role, password, endpoint: account.endpoint, skills: account.skills });
  // Saving an account enables it: a disabled one stays disabled until `staff enable`.
  if (account.disabled) await auth.setDisabled(id, true);
  io.stdout.write(`changed the password of ${id}${account.disabled ? ' (still disabled)' : ''}; its sessions have ended\n`);
  return 0;
}

async function setDisabled(auth: StaffAuth, id: string, disabled: boolean, io: StaffCommandIo): Promise<number> {
  await known(auth, id);
  await auth.setDisabled(id, disabled);
  io.stdout.write(disabled ? `disabled ${id}: its logins are refused and its sessions have ended\n` : `enabled ${id}: it may log in again\n`);
  return 0;
}

async function remove(auth: StaffAuth, id: string, io: StaffCommandIo): Promise<number> {
  if (!(await auth.removeAccount(id))) throw new StaffCommandError(`no staff account ${id}`);
  io.stdout.write(`removed ${id}; its sessions have ended\n`);
  return 0;
}

async function list(auth: StaffAuth, json: boolean, io: StaffCommandIo): Promise<number> {
  const accounts = await auth.accounts();
  if (json) {
    for (const a of accounts) {
      io.stdout.write(`${JSON.stringify({ id: a.id, name: a.name, role: a.role, disabled: a.disabled, endpoint: a.endpoint, skills: a.skills, updatedAt: new Date(a.updatedAt).toISOString() })}\n`);
    }
    return 0;
  }
  if (accounts.length === 0) {
    io.stderr.write('no staff accounts yet: add one with `hotline-gateway staff add`\n');
    return 0;
  }
  const rows = accounts.map((a) => [a.id, a.role, a.disabled ? 'disabled' : 'enabled', a.name, a.endpoint ?? '-', a.skills ?? '-']);
  io.stdout.write(table(rows, ['ID', 'ROLE', 'STATE', 'NAME', 'PHONE', 'SKILLS']));
  return 0;
}

async function known(auth: StaffAuth, id: string): Promise<StaffAccount> {
  const account = await auth.account(id);
  if (account === null) throw new StaffCommandError(`no staff account ${id} (see staff list)`);
  return account;
}

function describe(account: StaffAccount): string {
  const phone = account.endpoint === null && account.skills === null ? '' : ` (${[account.endpoint ?? 'no phone', account.skills ?? 'no skills'].join('; ')})`;
  return `${account.role} ${account.id} "${account.name}"${phone}`;
}

/** STAFF_PASSWORD, else one line of standard input: at a terminal typed twice without echo, from a pipe as it comes. */
async function readPassword(io: StaffCommandIo, what: string): Promise<string> {
  const fromEnv = io.env['STAFF_PASSWORD'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (io.stdin.isTTY === true && io.stdin.setRawMode !== undefined) {
    const first = await typedWithoutEcho(io, `${what}: `);
    const again = await typedWithoutEcho(io, 'again: ');
    if (first !== again) throw new StaffCommandError('the two passwords differ: nothing was changed');
    return first;
  }
  const line = await firstLine(io.stdin);
  if (line === null || line === '') throw new StaffCommandError(`no password: set STAFF_PASSWORD or give it as one line on standard input (${what})`);
  return line;
}

function firstLine(input: NodeJS.ReadableStream): Promise<string | null> {
  return new Promise((resolve) => {
    const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
    let answered = false;
    lines.once('line', (line) => {
      answered = true;
      lines.close();
      resolve(line);
    });
    lines.once('close', () => {
      if (!answered) resolve(null);
    });
  });
}

/** One line typed at the terminal, shown as nothing; Ctrl-C or Ctrl-D gives up. */
function typedWithoutEcho(io: StaffCommandIo, prompt: string): Promise<string> {
  const input = io.stdin;
  io.stderr.write(prompt);
  input.setRawMode?.(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error: Error | null): void => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      io.stderr.write('\n');
      if (error === null) resolve(typed);
      else reject(error);
    };
    const onData = (chunk: string | Buffer): void => {
      for (const char of String(chunk)) {
        if (char === '\r' || char === '\n') return finish(null);
        if (char === '\u0003' || char === '\u0004') return finish(new StaffCommandError('interrupted: nothing was changed'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else if (char >= ' ') typed += char;
      }
    };
    input.on('data', onData);
  });
}

function table(rows: readonly string[][], header: readonly string[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => [...(row[i] ?? '')].length)));
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length))).join('  ')).join('\n') + '\n';
}
