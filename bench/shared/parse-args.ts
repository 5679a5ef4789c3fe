// Command-line parsing shared by the benchmarks: `--flag value`, `--flag=value` and bare switches, each wrong one
// named in the error.

/** A wrong command line: the benchmark prints the message and its usage and exits with 2 (see bench-entry.ts). */
export class BenchUsageError extends Error {
  readonly code = 'BENCH_USAGE';
}

export type FlagSpec<T> =
  | { readonly key: keyof T; readonly kind: 'positive-int' }
  | { readonly key: keyof T; readonly kind: 'switch' }
  | { readonly key: keyof T; readonly kind: 'choice'; readonly choices: readonly string[] };

/** `'help'` for `--help`/`-h`; otherwise `defaults` with the given flags applied. */
export function parseArgs<T extends object>(args: readonly string[], defaults: T, flags: Readonly<Record<string, FlagSpec<T>>>): T | 'help' {
  const options: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--help' || arg === '-h') return 'help';
    const [flag, inline] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, undefined];
    const spec = flags[flag];
    if (spec === undefined) throw new BenchUsageError(`unknown option "${arg}"`);
    const key = spec.key as string;
    if (spec.kind === 'switch') {
      if (inline !== undefined) throw new BenchUsageError(`${flag} takes no value`);
      options[key] = true;
      continue;
    }
    const raw = inline ?? args[++i];
    if (spec.kind === 'choice') {
      if (raw === undefined || !spec.choices.includes(raw)) {
        throw new BenchUsageError(`${flag} needs one of ${spec.choices.join(', ')}, got ${raw === undefined ? 'nothing' : `"${raw}"`}`);
      }
      options[key] = raw;
      continue;
    }
    const value = raw === undefined ? NaN : Number(raw);
    if (!Number.isSafeInteger(value) || value < 1) throw new BenchUsageError(`${flag} needs a positive integer, got ${raw === undefined ? 'nothing' : `"${raw}"`}`);
    options[key] = value;
  }
  return options as T;
}

type NumberKeys<T> = { [K in keyof T]-?: T[K] extends number ? K : never }[keyof T];

/** `options` with each size named in `caps` lowered to its cap, as `--smoke` wants (a smaller one given stays). */
export function capped<T extends object>(options: T, caps: { readonly [K in NumberKeys<T>]?: number }): T {
  const out: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  for (const [key, cap] of Object.entries(caps)) out[key] = Math.min(out[key] as number, cap as number);
  return out as T;
}
