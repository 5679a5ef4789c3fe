// XML for Open311 clients, written by hand: the documents are small, flat and schemaless, so an escaping writer is
// all it takes, and it keeps a dependency (and its parser's attack surface) out of the gateway.

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

// XML 1.0 cannot carry most C0 controls, lone surrogates or U+FFFE/U+FFFF at all, not even as character
// references: a citizen's text containing one would otherwise make the whole response unparseable.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/** Escapes text for element content or attribute values and drops characters XML 1.0 cannot represent. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/[&<>"'\r]/g, (c) => ENTITIES[c] ?? c);
}

export class XmlWriter {
  private readonly parts: string[] = ['<?xml version="1.0" encoding="utf-8"?>\n'];
  private readonly open: string[] = [];

  /** Opens `<name>`; every `start` needs its `end`. */
  start(name: string): this {
    this.parts.push(`${this.indent()}<${checkName(name)}>\n`);
    this.open.push(name);
    return this;
  }

  end(): this {
    const name = this.open.pop();
    if (name === undefined) throw new Error('XmlWriter.end without a matching start');
    this.parts.push(`${this.indent()}</${name}>\n`);
    return this;
  }

  /** `<name>text</name>`, or `<name/>` for an empty or null value. */
  leaf(name: string, value: string | number | boolean | null): this {
    const text = value === null ? '' : typeof value === 'string' ? value : String(value);
    const tag = checkName(name);
    this.parts.push(text === '' ? `${this.indent()}<${tag}/>\n` : `${this.indent()}<${tag}>${escapeXml(text)}</${tag}>\n`);
    return this;
  }

  toString(): string {
    if (this.open.length > 0) throw new Error(`XmlWriter: <${this.open.join('>, <')}> not closed`);
    return this.parts.join('');
  }

  private indent(): string {
    return '  '.repeat(this.open.length);
  }
}

function checkName(name: string): string {
  // Names come from this code, never from a request: a bad one is a programming error.
  if (!NAME.test(name)) throw new Error(`not an XML element name: ${JSON.stringify(name)}`);
  return name;
}
