// extensions.conf as pbx_config reads it, the subset the hotline's dialplan uses: contexts, `exten =>` and
// `same =>` with numbered, `n` and labelled priorities, pattern extensions, `include =>`, and [globals].

import { ConfigSyntaxError, configLines } from './config-lines.js';

export interface DialplanStep {
  readonly priority: number;
  readonly label: string | null;
  readonly app: string;
  readonly data: string;
  /** Where the step is written, for errors: `file:line`. */
  readonly source: string;
}

export interface DialplanExtension {
  readonly name: string;
  readonly steps: Map<number, DialplanStep>;
  readonly labels: Map<string, number>;
}

export interface DialplanContext {
  readonly name: string;
  readonly extensions: DialplanExtension[];
  readonly includes: string[];
}

export interface Dialplan {
  readonly file: string;
  readonly contexts: ReadonlyMap<string, DialplanContext>;
  readonly globals: ReadonlyMap<string, string>;
}

const STEP = /^(\d+|n)(?:\(([A-Za-z0-9_-]+)\))?\s*,\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\((.*)\))?$/s;

export function parseExtensionsConf(text: string, file: string): Dialplan {
  const contexts = new Map<string, DialplanContext>();
  const globals = new Map<string, string>();
  let section: string | null = null;
  let current: DialplanContext | null = null;
  let last: { ext: DialplanExtension; priority: number } | null = null;
  for (const line of configLines(text, file)) {
    const fail = (detail: string): never => {
      throw new ConfigSyntaxError(file, line.line, detail);
    };
    if (line.kind === 'section') {
      if (line.template || line.bases.length > 0) fail(`context templates are not simulated: [${line.name}]`);
      section = line.name;
      last = null;
      if (section === 'general' || section === 'globals') {
        current = null;
        continue;
      }
      current = contexts.get(section) ?? { name: section, extensions: [], includes: [] };
      contexts.set(section, current);
      continue;
    }
    if (section === null) fail('entry before any [context]');
    if (section === 'general') continue;
    if (section === 'globals') {
      globals.set(line.key, line.value);
      continue;
    }
    const ctx = current as DialplanContext;
    const key = line.key.toLowerCase();
    if (key === 'include') {
      ctx.includes.push(line.value);
      continue;
    }
    if (key !== 'exten' && key !== 'same') fail(`"${line.key}" is not simulated in a dialplan context`);
    let rest = line.value;
    let ext: DialplanExtension;
    if (key === 'exten') {
      const comma = rest.indexOf(',');
      if (comma <= 0) fail(`expected "exten => <extension>,<priority>,<application>": ${line.value}`);
      const name = rest.slice(0, comma).trim();
      if (name.includes('/')) fail(`caller-id matching is not simulated: ${name}`);
      rest = rest.slice(comma + 1).trim();
      ext = ctx.extensions.find((e) => e.name === name) ?? { name, steps: new Map(), labels: new Map() };
      if (!ctx.extensions.includes(ext)) ctx.extensions.push(ext);
    } else {
      if (last === null) fail('"same =>" with no extension before it');
      ext = (last as { ext: DialplanExtension }).ext;
    }
    const m = STEP.exec(rest);
    if (!m) fail(`expected "<priority>[(<label>)],<Application>(<data>)": ${rest}`);
    const match = m as RegExpExecArray;
    let priority: number;
    if (match[1] === 'n') {
      if (last === null || last.ext !== ext) fail('priority "n" with no priority before it in this extension');
      priority = (last as { priority: number }).priority + 1;
    } else {
      priority = Number(match[1]);
      if (priority < 1) fail(`priority must be 1 or more: ${match[1]}`);
    }
    if (ext.steps.has(priority)) fail(`priority ${priority} of ${ext.name} in [${ctx.name}] given twice`);
    const label = match[2] ?? null;
    ext.steps.set(priority, { priority, label, app: match[3] as string, data: match[4] ?? '', source: `${file}:${line.line}` });
    if (label !== null) ext.labels.set(label, priority);
    last = { ext, priority };
  }
  return { file, contexts, globals };
}

/**
 * ast_extension_match for the pattern syntax the hotline uses: `_` patterns with X (0-9), Z (1-9), N (2-9),
 * [sets] with ranges, `.` (one or more) and `!` (zero or more); anything else matches itself exactly.
 */
export function extensionMatches(pattern: string, exten: string): boolean {
  if (!pattern.startsWith('_')) return pattern === exten;
  let re = '';
  const p = pattern.slice(1);
  for (let i = 0; i < p.length; i += 1) {
    const c = p[i] as string;
    if (c === 'X' || c === 'x') re += '[0-9]';
    else if (c === 'Z' || c === 'z') re += '[1-9]';
    else if (c === 'N' || c === 'n') re += '[2-9]';
    else if (c === '.') re += '.+';
    else if (c === '!') re += '.*';
    else if (c === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) return false;
      re += `[${p.slice(i + 1, end).replace(/[\\\]^]/g, (x) => `\\${x}`)}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, (x) => `\\${x}`);
  }
  return new RegExp(`^${re}$`).test(exten);
}

/** The extension `exten` finds in `context` or, failing that, in its includes (depth-first, as pbx_find_extension). */
export function findExtension(dialplan: Dialplan, context: string, exten: string, seen: Set<string> = new Set()): DialplanExtension | undefined {
  const ctx = dialplan.contexts.get(context);
  if (ctx === undefined || seen.has(context)) return undefined;
  seen.add(context);
  const exact = ctx.extensions.find((e) => e.name === exten);
  if (exact) return exact;
  const pattern = ctx.extensions.find((e) => e.name.startsWith('_') && extensionMatches(e.name, exten));
  if (pattern) return pattern;
  for (const inc of ctx.includes) {
    const found = findExtension(dialplan, inc, exten, seen);
    if (found) return found;
  }
  return undefined;
}
