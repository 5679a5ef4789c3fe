// JSON.parse keeps the last of two equal keys without a word; log lines must not have any (pino writes a child's
// bindings and the line's fields side by side, so a repeated key is printed twice). This parser refuses them.

export class StrictJsonError extends Error {}

/** Parses one JSON text; throws `StrictJsonError` for invalid JSON or an object with a repeated key (named). */
export function parseStrictJson(text: string): unknown {
  const parser = new Parser(text);
  const value = parser.value();
  parser.space();
  if (parser.at < text.length) parser.fail('text after the value');
  return value;
}

const LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

class Parser {
  at = 0;

  constructor(private readonly text: string) {}

  sticky(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.at;
    return pattern.exec(this.text);
  }

  fail(what: string): never {
    throw new StrictJsonError(`${what} at ${this.at}: ${this.text.slice(Math.max(0, this.at - 40), this.at + 40)}`);
  }

  space(): void {
    while (/[ \t\n\r]/.test(this.text[this.at] ?? '')) this.at += 1;
  }

  value(): unknown {
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    const literal = this.sticky(LITERAL);
    if (literal === null) this.fail('expected a JSON value');
    this.at += literal[0].length;
    return JSON.parse(literal[0]) as unknown;
  }

  object(): Record<string, unknown> {
    this.at += 1;
    const result: Record<string, unknown> = {};
    const keys = new Set<string>();
    this.space();
    if (this.text[this.at] === '}') {
      this.at += 1;
      return result;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail('expected a key');
      const key = this.string();
      if (keys.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`);
      keys.add(key);
      this.space();
      if (this.text[this.at] !== ':') this.fail('expected :');
      this.at += 1;
      Object.defineProperty(result, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.space();
      const next = this.text[this.at];
      this.at += 1;
      if (next === '}') return result;
      if (next !== ',') this.fail('expected , or }');
    }
  }

  array(): unknown[] {
    this.at += 1;
    const result: unknown[] = [];
    this.space();
    if (this.text[this.at] === ']') {
      this.at += 1;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.space();
      const next = this.text[this.at];
      this.at += 1;
      if (next === ']') return result;
      if (next !== ',') this.fail('expected , or ]');
    }
  }

  string(): string {
    const match = this.sticky(STRING);
    if (match === null) this.fail('bad string');
    this.at += match[0].length;
    return JSON.parse(match[0]) as string;
  }
}
