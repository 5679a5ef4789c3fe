// `hotline-gateway flag add|remove|list|audit`: supervisors flag an identity (phone number, WeChat openid, email
// address, IP address) with a reason and an expiry, unflag it, and read the audit log. It talks to the Redis the
// gateway uses (REDIS_URL, INTAKE_PREFIX): a running gateway applies a change at its next submission, no restart.

import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { FlagRequestError } from '../../app/limits/flag-desk.js';
import type { FlagDesk } from '../../app/limits/flag-desk.js';
import type { Flag, FlagAuditEntry } from '../../app/limits/flag-ports.js';
import { parseDuration } from '../../config/duration.js';
import { IDENTITY_KINDS } from '../../domain/limits/identity.js';

export const FLAG_USAGE = `usage: hotline-gateway flag <command>

  flag add --kind KIND --value VALUE --reason TEXT --for DURATION [--by NAME]
                  flag an identity until now + DURATION (e.g. 12h, 7d; at most 366d); flagging again replaces it
  flag remove --kind KIND --value VALUE --reason TEXT [--by NAME]
                  unflag it
  flag list [--json]
                  the flags in force, newest first
  flag audit [--limit N] [--json]
                  the audit log, newest first (default 50 entries): every flag and unflag, who, when, why

  KIND: ${IDENTITY_KINDS.join(', ')}. NAME defaults to the login name.
  A flagged identity gets FAIR_USE_FLAGGED_PER_HOUR submissions an hour on every internet channel (0: none);
  an emergency always goes through. Uses the REDIS_* settings and INTAKE_PREFIX, like the gateway.
`;

export interface FlagCommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Opens the flag desk on the gateway's Redis (only once the arguments are known to be good). */
  readonly open: () => Promise<{ readonly desk: FlagDesk; close(): Promise<void> }>;
}

class UsageError extends Error {}

const OPTIONS = {
  kind: { type: 'string' },
  value: { type: 'string' },
  reason: { type: 'string' },
  for: { type: 'string' },
  by: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  add: ['kind', 'value', 'reason', 'for', 'by'],
  remove: ['kind', 'value', 'reason', 'by'],
  list: ['json'],
  audit: ['limit', 'json'],
};

/** Runs `flag ...` (`argv` without the leading `flag`); resolves with the exit code: 0 ok, 1 failed, 2 bad usage. */
export async function runFlagCommand(argv: readonly string[], io: FlagCommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr.write(`flag: ${err instanceof Error ? err.message : String(err)}\n\n${FLAG_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help === true || command === 'help') {
    io.stdout.write(FLAG_USAGE);
    return 0;
  }
  try {
    if (command === undefined) throw new UsageError('give a command: add, remove, list or audit');
    const allowed = ALLOWED[command];
    if (allowed === undefined) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    for (const [name, value] of Object.entries(values)) if (value !== undefined && !allowed.includes(name)) throw new UsageError(`--${name} does not apply to ${command}`);
    const need = (name: 'kind' | 'value' | 'reason' | 'for'): string => {
      const value = values[name];
      if (value === undefined || value.trim() === '') throw new UsageError(`${command} needs --${name}`);
      return value;
    };
    const by = values.by ?? userInfo().username;
    let forMs = 0;
    if (command === 'add') {
      const duration = parseDuration(need('for'));
      if (duration === null) throw new UsageError('--for takes a duration such as 12h or 7d');
      forMs = duration;
    }
    let limit = 50;
    if (values.limit !== undefined) {
      if (!/^\d{1,5}$/.test(values.limit)) throw new UsageError('--limit takes a whole number from 1 to 10000');
      limit = Number(values.limit);
    }
    const request = command === 'add' || command === 'remove' ? { kind: need('kind'), value: need('value'), reason: need('reason'), by } : null;

    const { desk, close } = await io.open();
    try {
      switch (command) {
        case 'add': {
          const flag = await desk.flag({ ...(request as NonNullable<typeof request>), forMs });
          io.stdout.write(`flagged ${flag.identity.kind} ${flag.identity.value} until ${flag.expiresAt}\n`);
          return 0;
        }
        case 'remove': {
          const removed = await desk.unflag(request as NonNullable<typeof request>);
          const identity = removed?.identity ?? { kind: values.kind, value: values.value };
          io.stdout.write(removed === null ? `${identity.kind} ${identity.value} was not flagged (the unflag is logged all the same)\n` : `unflagged ${identity.kind} ${identity.value}\n`);
          return 0;
        }
        case 'list': {
          const flags = await desk.list();
          if (values.json === true) for (const flag of flags) io.stdout.write(`${JSON.stringify(flag)}\n`);
          else io.stdout.write(flags.length === 0 ? 'no flags in force\n' : table(flags.map(flagRow), ['KIND', 'VALUE', 'UNTIL', 'BY', 'REASON']));
          return 0;
        }
        default: {
          const entries = await desk.audit(limit);
          if (values.json === true) for (const entry of entries) io.stdout.write(`${JSON.stringify(entry)}\n`);
          else io.stdout.write(entries.length === 0 ? 'the audit log is empty\n' : table(entries.map(auditRow), ['AT', 'ACTION', 'KIND', 'VALUE', 'UNTIL', 'BY', 'REASON']));
          return 0;
        }
      }
    } finally {
      await close();
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`flag: ${err.message}\n\n${FLAG_USAGE}`);
      return 2;
    }
    if (err instanceof FlagRequestError) {
      io.stderr.write(`flag: ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`flag: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

function flagRow(flag: Flag): string[] {
  return [flag.identity.kind, flag.identity.value, flag.expiresAt, flag.by, flag.reason];
}

function auditRow(entry: FlagAuditEntry): string[] {
  return [entry.at, entry.action, entry.identity.kind, entry.identity.value, entry.expiresAt ?? '-', entry.by, entry.reason];
}

function table(rows: readonly string[][], header: readonly string[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => [...(row[i] ?? '')].length)));
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n') + '\n';
}
