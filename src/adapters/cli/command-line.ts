// One reading of a command's arguments for every `hotline-gateway` command: `node:util` parseArgs, then our own
// checks so that each mistake gets one short sentence naming the option (parseArgs' strict messages are long and
// say nothing about the command), and `--help`/`-h` anywhere prints the command's usage.

import { parseArgs } from 'node:util';

/** Bad usage: the CLI prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {
  readonly code = 'CLI_USAGE';
}

export interface CommandSpec {
  /** Full usage text, printed on stdout for `--help` and after a usage error on stderr. */
  readonly usage: string;
  /** Options taking a value (`--name NAME` or `--name=NAME`). */
  readonly values?: readonly string[];
  /** Options without a value (`--json`). */
  readonly flags?: readonly string[];
  /** How many positional arguments the command takes. */
  readonly positionals?: { readonly min: number; readonly max: number; readonly name: string };
}

export interface ParsedCommand {
  readonly values: Readonly<Record<string, string | undefined>>;
  readonly flags: ReadonlySet<string>;
  readonly positionals: readonly string[];
}

/** `{ help: true }` when `--help` or `-h` was given; the parsed command otherwise. Throws `UsageError`. */
export function parseCommand(args: readonly string[], spec: CommandSpec): { readonly help: true } | ({ readonly help: false } & ParsedCommand) {
  const valueNames = new Set(spec.values ?? []);
  const flagNames = new Set(spec.flags ?? []);
  const options = Object.fromEntries([
    ['help', { type: 'boolean' as const, short: 'h' }],
    ...[...valueNames].map((name) => [name, { type: 'string' as const }]),
    ...[...flagNames].map((name) => [name, { type: 'boolean' as const }]),
  ]);
  // Not strict: every token comes back, and the checks below word the errors.
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((token) => token.kind === 'option' && token.name === 'help')) return { help: true };

  const values: Record<string, string> = {};
  const flags = new Set<string>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const { name, rawName } = token;
    if (valueNames.has(name)) {
      if (token.value === undefined) throw new UsageError(`${rawName} needs a value`);
      if (name in values) throw new UsageError(`${rawName} given twice`);
      values[name] = token.value;
    } else if (flagNames.has(name)) {
      if (token.value !== undefined) throw new UsageError(`${rawName} takes no value`);
      flags.add(name);
    } else {
      throw new UsageError(`unknown option ${rawName}`);
    }
  }
  const expected = spec.positionals ?? { min: 0, max: 0, name: '' };
  if (positionals.length < expected.min) throw new UsageError(`missing ${expected.name}`);
  if (positionals.length > expected.max) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[expected.max])}`);
  return { help: false, values, flags, positionals };
}
