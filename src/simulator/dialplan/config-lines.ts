// The line syntax Asterisk's config parser (main/config.c) accepts, the part the simulator reads: `;` comments
// (`\;` is a literal semicolon), `[section]` headers with `(!)` templates and `(base)` inheritance, `key = value`
// and `key => value` lines. Anything else is an error naming the file and line, as Asterisk would refuse it.

export class ConfigSyntaxError extends Error {
  readonly code = 'SIM_CONFIG_SYNTAX';
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'ConfigSyntaxError';
  }
}

export type ConfigLine =
  | { readonly kind: 'section'; readonly line: number; readonly name: string; readonly template: boolean; readonly bases: readonly string[] }
  | { readonly kind: 'entry'; readonly line: number; readonly key: string; readonly value: string; readonly arrow: boolean };

export function configLines(text: string, file: string): ConfigLine[] {
  const out: ConfigLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const n = i + 1;
    const raw = stripComment(lines[i] as string).trim();
    if (raw === '') continue;
    if (raw.startsWith('#')) throw new ConfigSyntaxError(file, n, `directive not simulated: ${raw}`);
    if (raw.startsWith('[')) {
      const m = /^\[([^\]]+)\](?:\(([^)]*)\))?$/.exec(raw);
      if (!m) throw new ConfigSyntaxError(file, n, `bad section header: ${raw}`);
      const options = (m[2] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
      out.push({
        kind: 'section',
        line: n,
        name: (m[1] as string).trim(),
        template: options.includes('!'),
        bases: options.filter((o) => o !== '!'),
      });
      continue;
    }
    const m = /^([^=]+?)\s*(=>|=)\s*(.*)$/.exec(raw);
    if (!m) throw new ConfigSyntaxError(file, n, `expected "key = value" or "key => value": ${raw}`);
    out.push({ kind: 'entry', line: n, key: (m[1] as string).trim(), value: (m[3] as string).trim(), arrow: m[2] === '=>' });
  }
  return out;
}

function stripComment(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i] as string;
    if (c === '\\' && line[i + 1] === ';') {
      out += ';';
      i += 1;
      continue;
    }
    if (c === ';') break;
    out += c;
  }
  return out;
}
