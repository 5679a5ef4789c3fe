// Variable substitution (pbx_substitute_variables) and `$[...]` expressions (ast_expr2) for the dialplan the
// hotline ships: `${VAR}`, the dialplan functions it calls (FILTER, IF, QUEUE_EXISTS, CHANNEL, CALLERID, LOCAL)
// and the operators of its conditions (= != < > <= >= + - * / % ! & |). Innermost first, as Asterisk does.

export interface Scope {
  /** A channel variable, builtin (EXTEN, CHANNEL...) or global; undefined when unset. */
  variable(name: string): string | undefined;
  /** A dialplan function's value, or undefined when the simulator does not know the function. */
  func(name: string, args: string): string | undefined;
}

export class ExpressionError extends Error {
  readonly code = 'SIM_DIALPLAN_EXPRESSION';
}

export function substitute(text: string, scope: Scope): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '$' && (text[i + 1] === '{' || text[i + 1] === '[')) {
      const open = text[i + 1] as '{' | '[';
      const close = open === '{' ? '}' : ']';
      let depth = 1;
      let j = i + 2;
      for (; j < text.length && depth > 0; j += 1) {
        if (text[j] === open) depth += 1;
        else if (text[j] === close) depth -= 1;
      }
      if (depth > 0) throw new ExpressionError(`unbalanced ${open === '{' ? '${' : '$['} in ${text}`);
      const inner = substitute(text.slice(i + 2, j - 1), scope);
      out += open === '{' ? lookup(inner, scope) : evaluate(inner);
      i = j;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}

function lookup(name: string, scope: Scope): string {
  const call = /^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/s.exec(name);
  if (call) {
    const value = scope.func((call[1] as string).toUpperCase(), call[2] as string);
    if (value === undefined) throw new ExpressionError(`dialplan function ${call[1] as string}() is not simulated`);
    return value;
  }
  return scope.variable(name) ?? '';
}

/** Splits function or application arguments at top-level commas (parentheses and double quotes protect). */
export function splitArgs(text: string, separator = ','): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth += 1;
    else if (!quoted && c === ')') depth -= 1;
    if (c === separator && depth === 0 && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** pbx_checkcondition: empty is false, a number is true unless 0, any other text is true. */
export function isTrue(value: string): boolean {
  const v = value.trim();
  if (v === '') return false;
  if (/^-?\d+$/.test(v)) return Number(v) !== 0;
  return true;
}

/** FILTER(allowed,string): only characters listed in `allowed`, where `a-z` is a range. */
export function filterChars(allowed: string, value: string): string {
  const set = new Set<string>();
  for (let i = 0; i < allowed.length; i += 1) {
    const c = allowed[i] as string;
    const to = allowed[i + 2];
    if (allowed[i + 1] === '-' && to !== undefined) {
      for (let code = c.charCodeAt(0); code <= to.charCodeAt(0); code += 1) set.add(String.fromCharCode(code));
      i += 2;
    } else set.add(c);
  }
  return [...value].filter((c) => set.has(c)).join('');
}

type Token = { readonly kind: 'value'; readonly text: string } | { readonly kind: 'op'; readonly text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i] as string;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === '"') {
      const end = expr.indexOf('"', i + 1);
      if (end < 0) throw new ExpressionError(`unterminated string in $[${expr}]`);
      tokens.push({ kind: 'value', text: expr.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const two = expr.slice(i, i + 2);
    if (['!=', '<=', '>=', '=='].includes(two)) {
      tokens.push({ kind: 'op', text: two === '==' ? '=' : two });
      i += 2;
      continue;
    }
    if ('=<>+-*/%!&|()'.includes(c)) {
      tokens.push({ kind: 'op', text: c });
      i += 1;
      continue;
    }
    let j = i;
    while (j < expr.length && !/\s/.test(expr[j] as string) && !'=<>+-*/%!&|()"'.includes(expr[j] as string)) j += 1;
    tokens.push({ kind: 'value', text: expr.slice(i, j) });
    i = j;
  }
  return tokens;
}

const LEVELS: readonly (readonly string[])[] = [['|'], ['&'], ['=', '!=', '<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%']];

/** Evaluates an expression the way ast_expr2 does for numbers and strings; the result is its text. */
export function evaluate(expr: string): string {
  const tokens = tokenize(expr);
  if (tokens.length === 0) return '';
  let pos = 0;
  const peekOp = (): string | undefined => {
    const t = tokens[pos];
    return t?.kind === 'op' ? t.text : undefined;
  };
  const unary = (): string => {
    const t = tokens[pos];
    if (t === undefined) throw new ExpressionError(`incomplete expression $[${expr}]`);
    pos += 1;
    if (t.kind === 'value') return t.text;
    if (t.text === '!') return isTrue(unary()) ? '0' : '1';
    if (t.text === '-') return String(-toNumber(unary(), expr));
    if (t.text === '(') {
      const v = level(0);
      if (peekOp() !== ')') throw new ExpressionError(`missing ) in $[${expr}]`);
      pos += 1;
      return v;
    }
    throw new ExpressionError(`unexpected ${t.text} in $[${expr}]`);
  };
  const level = (n: number): string => {
    if (n >= LEVELS.length) return unary();
    let left = level(n + 1);
    for (let op = peekOp(); op !== undefined && (LEVELS[n] as readonly string[]).includes(op); op = peekOp()) {
      pos += 1;
      left = apply(op, left, level(n + 1), expr);
    }
    return left;
  };
  const result = level(0);
  if (pos !== tokens.length) throw new ExpressionError(`cannot read $[${expr}]`);
  return result;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

function toNumber(v: string, expr: string): number {
  if (!NUMBER.test(v.trim())) throw new ExpressionError(`"${v}" is not a number in $[${expr}]`);
  return Number(v);
}

function apply(op: string, a: string, b: string, expr: string): string {
  const numeric = NUMBER.test(a.trim()) && NUMBER.test(b.trim());
  const cmp = numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0;
  switch (op) {
    case '|':
      return isTrue(a) ? a : isTrue(b) ? b : '0';
    case '&':
      return isTrue(a) && isTrue(b) ? a : '0';
    case '=':
      return cmp === 0 ? '1' : '0';
    case '!=':
      return cmp !== 0 ? '1' : '0';
    case '<':
      return cmp < 0 ? '1' : '0';
    case '>':
      return cmp > 0 ? '1' : '0';
    case '<=':
      return cmp <= 0 ? '1' : '0';
    case '>=':
      return cmp >= 0 ? '1' : '0';
    case '+':
      return String(toNumber(a, expr) + toNumber(b, expr));
    case '-':
      return String(toNumber(a, expr) - toNumber(b, expr));
    case '*':
      return String(toNumber(a, expr) * toNumber(b, expr));
    case '/':
      return String(Math.trunc(toNumber(a, expr) / toNumber(b, expr)));
    default:
      return String(toNumber(a, expr) % toNumber(b, expr));
  }
}
