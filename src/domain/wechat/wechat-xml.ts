// WeChat's push messages are flat XML: `<xml>` with one level of fields and, in a few events, one more level.
// A general XML parser brings DTDs, entity expansion and external entities, which are what attackers use
// (billion laughs, XXE). This parser accepts only what WeChat sends: elements, text, CDATA, comments, the five
// predefined entities and character references. Everything else is refused with a typed error before any work
// proportional to the hostile input could happen: the size is checked first, nesting is checked as each element
// opens, and nothing is ever expanded beyond what is written.

/** The request body limit for WeChat pushes; a real message is a few KB. */
export const MAX_WECHAT_XML_BYTES = 64 * 1024;

/**
 * `<xml>` (1), its fields (2), and a field's own children (3), as in WeChat's `ScanCodeInfo` or `SendLocationInfo`,
 * are kept. The photo menu events (`pic_sysphoto`, `pic_photo_or_album`, `pic_weixin`) go two levels further
 * (`SendPicsInfo/PicList/item/PicMd5Sum`); those levels are checked and dropped (the pictures themselves arrive as
 * image messages). Anything deeper is refused as the level opens.
 */
export const MAX_WECHAT_XML_DEPTH = 6;
/** Levels whose content is returned; deeper elements are only checked for well-formedness. */
const KEPT_DEPTH = 3;

export type WechatXmlProblem =
  | 'too_large'
  | 'doctype'
  | 'entity_declaration'
  | 'processing_instruction'
  | 'too_deep'
  | 'unknown_entity'
  | 'duplicate_field'
  | 'mixed_content'
  | 'no_root'
  | 'malformed';

export class WechatXmlError extends Error {
  readonly code = 'WECHAT_XML_INVALID';
  constructor(
    readonly problem: WechatXmlProblem,
    message: string,
    /** Where in the document (UTF-16 offset); never the document's content, which may be personal data. */
    readonly offset: number,
  ) {
    super(`${message} (at offset ${offset})`);
    this.name = 'WechatXmlError';
  }
}

/** Field values by element name. Objects without a prototype, so a field named `__proto__` is only a field. */
export type XmlFields = Readonly<Record<string, string>>;

export interface WechatXml {
  /** The root element's name (`xml` for everything WeChat sends). */
  readonly root: string;
  /** Leaf elements directly under the root: text and CDATA joined, entities decoded, whitespace kept as sent. */
  readonly fields: XmlFields;
  /** Elements directly under the root that have elements of their own, each as its own flat record. */
  readonly children: Readonly<Record<string, XmlFields>>;
}

export interface ParseWechatXmlOptions {
  /** Default `MAX_WECHAT_XML_BYTES`, counted in UTF-8 bytes. */
  readonly maxBytes?: number;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_.:-]/;
const MAX_NAME_LENGTH = 128;
const MAX_REFERENCE_LENGTH = 12;
const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

interface OpenElement {
  readonly name: string;
  text: string;
  /** Non-whitespace text seen, for the mixed-content check. */
  hasText: boolean;
  /** Leaf values of this element's children, or `null` while it has none. */
  leaves: Record<string, string> | null;
  branches: Record<string, Record<string, string>> | null;
}

export function parseWechatXml(input: string, options: ParseWechatXmlOptions = {}): WechatXml {
  const maxBytes = options.maxBytes ?? MAX_WECHAT_XML_BYTES;
  // A UTF-16 code unit is never more than its UTF-8 bytes, so the cheap length check settles the huge cases.
  if (input.length > maxBytes || utf8Length(input) > maxBytes) {
    throw new WechatXmlError('too_large', `document is larger than ${maxBytes} bytes`, 0);
  }
  return new Scanner(input).document();
}

class Scanner {
  private pos = 0;
  private readonly stack: OpenElement[] = [];
  private seenRoot = false;
  private result: WechatXml | null = null;

  constructor(private readonly s: string) {
    if (s.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  document(): WechatXml {
    this.skipWhitespace();
    if (this.s.startsWith('<?xml', this.pos) && isDeclarationEnd(this.s.charAt(this.pos + 5))) this.declaration();
    while (this.pos < this.s.length) {
      const c = this.s.charAt(this.pos);
      if (c === '<') this.markup();
      else if (c === '&') this.text(this.reference());
      else this.text(this.plainText());
    }
    if (this.stack.length > 0) this.fail('malformed', `element <${shortName(this.top().name)}> is not closed`);
    if (this.result === null) this.fail('no_root', 'no root element');
    return this.result;
  }

  private declaration(): void {
    const end = this.s.indexOf('?>', this.pos);
    if (end < 0) this.fail('malformed', 'XML declaration is not closed');
    this.pos = end + 2;
  }

  private markup(): void {
    const s = this.s;
    const at = this.pos;
    if (s.startsWith('<!--', at)) {
      const end = s.indexOf('-->', at + 4);
      if (end < 0) this.fail('malformed', 'comment is not closed');
      this.pos = end + 3;
    } else if (s.startsWith('<![CDATA[', at)) {
      if (this.stack.length === 0) this.fail('malformed', 'CDATA outside the root element');
      const end = s.indexOf(']]>', at + 9);
      if (end < 0) this.fail('malformed', 'CDATA section is not closed');
      this.text(s.slice(at + 9, end));
      this.pos = end + 3;
    } else if (startsWithIgnoreCase(s, '<!DOCTYPE', at)) {
      this.fail('doctype', 'document type declarations are not accepted');
    } else if (startsWithIgnoreCase(s, '<!ENTITY', at)) {
      this.fail('entity_declaration', 'entity declarations are not accepted');
    } else if (s.startsWith('<!', at)) {
      this.fail('malformed', 'unexpected markup declaration');
    } else if (s.startsWith('<?', at)) {
      this.fail('processing_instruction', 'processing instructions are not accepted');
    } else if (s.startsWith('</', at)) {
      this.endTag();
    } else {
      this.startTag();
    }
  }

  private startTag(): void {
    const at = this.pos;
    this.pos++;
    const name = this.name();
    if (this.stack.length === 0 && this.seenRoot) this.fail('malformed', 'more than one root element', at);
    if (this.stack.length >= MAX_WECHAT_XML_DEPTH) {
      this.fail('too_deep', `elements nest deeper than ${MAX_WECHAT_XML_DEPTH} levels`, at);
    }
    for (;;) {
      const hadSpace = this.skipWhitespace();
      const c = this.s.charAt(this.pos);
      if (c === '>') {
        this.pos++;
        this.open(name);
        return;
      }
      if (c === '/' && this.s.charAt(this.pos + 1) === '>') {
        this.pos += 2;
        this.open(name);
        this.close(name, at);
        return;
      }
      if (!hadSpace || c === '') this.fail('malformed', `start tag <${shortName(name)}> is not well formed`);
      this.attribute();
    }
  }

  /** Attributes carry nothing in WeChat's messages: checked for well-formedness, then ignored. */
  private attribute(): void {
    this.name();
    this.skipWhitespace();
    if (this.s.charAt(this.pos) !== '=') this.fail('malformed', 'attribute without a value');
    this.pos++;
    this.skipWhitespace();
    const quote = this.s.charAt(this.pos);
    if (quote !== '"' && quote !== "'") this.fail('malformed', 'attribute value is not quoted');
    this.pos++;
    for (;;) {
      const c = this.s.charAt(this.pos);
      if (c === quote) break;
      if (c === '' || c === '<') this.fail('malformed', 'attribute value is not closed');
      if (c === '&') this.reference();
      else this.pos++;
    }
    this.pos++;
  }

  private endTag(): void {
    const at = this.pos;
    this.pos += 2;
    const name = this.name();
    this.skipWhitespace();
    if (this.s.charAt(this.pos) !== '>') this.fail('malformed', `end tag </${shortName(name)}> is not well formed`);
    this.pos++;
    this.close(name, at);
  }

  private open(name: string): void {
    this.seenRoot = true;
    this.stack.push({ name, text: '', hasText: false, leaves: null, branches: null });
  }

  private close(name: string, at: number): void {
    const element = this.stack.pop();
    if (element === undefined || element.name !== name) {
      this.fail('malformed', `end tag </${shortName(name)}> does not match the open element`, at);
    }
    const hasChildren = element.leaves !== null || element.branches !== null;
    if (hasChildren && element.hasText) this.fail('mixed_content', `element <${shortName(name)}> mixes text and elements`, at);
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      this.result = { root: name, fields: element.leaves ?? emptyRecord(), children: element.branches ?? emptyRecord() };
      return;
    }
    if (parent.hasText) this.fail('mixed_content', `element <${shortName(parent.name)}> mixes text and elements`, at);
    parent.leaves ??= emptyRecord();
    parent.branches ??= emptyRecord();
    // Below the kept levels repeated names are normal (`<item>` per picture) and nothing is recorded.
    if (this.stack.length >= KEPT_DEPTH) return;
    if (Object.hasOwn(parent.leaves, name) || Object.hasOwn(parent.branches, name)) {
      this.fail('duplicate_field', `element <${shortName(name)}> appears twice in <${shortName(parent.name)}>`, at);
    }
    if (hasChildren) parent.branches[name] = element.leaves ?? emptyRecord();
    else parent.leaves[name] = element.text;
  }

  private text(value: string): void {
    const element = this.stack[this.stack.length - 1];
    if (element === undefined) {
      if (!isWhitespace(value)) this.fail('malformed', 'text outside the root element');
      return;
    }
    element.text += value;
    if (!element.hasText && !isWhitespace(value)) {
      element.hasText = true;
      if (element.leaves !== null) this.fail('mixed_content', `element <${shortName(element.name)}> mixes text and elements`);
    }
  }

  private plainText(): string {
    const s = this.s;
    let end = this.pos;
    while (end < s.length) {
      const c = s.charAt(end);
      if (c === '<' || c === '&') break;
      end++;
    }
    const value = s.slice(this.pos, end);
    // XML forbids `]]>` in character data: it can only be a broken attempt at CDATA.
    if (value.includes(']]>')) this.fail('malformed', "']]>' outside a CDATA section", this.pos + value.indexOf(']]>'));
    this.pos = end;
    return value;
  }

  /** `&name;` or `&#...;`, decoded; the position is after the `;`. */
  private reference(): string {
    const at = this.pos;
    // Looked for within the longest reference (`&#x10FFFF;`), so a document of bare '&'s stays linear.
    const end = this.s.slice(at, at + MAX_REFERENCE_LENGTH).indexOf(';') + at;
    if (end < at) this.fail('malformed', "'&' is not the start of an entity reference");
    const body = this.s.slice(at + 1, end);
    this.pos = end + 1;
    if (body.startsWith('#')) {
      const hex = body.startsWith('#x');
      const digits = body.slice(hex ? 2 : 1);
      if (!(hex ? /^[0-9A-Fa-f]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) this.fail('malformed', 'malformed character reference', at);
      const code = Number.parseInt(digits, hex ? 16 : 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        this.fail('malformed', 'character reference to a character XML does not allow', at);
      }
      return String.fromCodePoint(code);
    }
    const value = Object.hasOwn(PREDEFINED_ENTITIES, body) ? PREDEFINED_ENTITIES[body] : undefined;
    if (value === undefined) this.fail('unknown_entity', 'only the five predefined entities are accepted', at);
    return value;
  }

  private name(): string {
    const start = this.pos;
    const s = this.s;
    if (!NAME_START.test(s.charAt(start))) this.fail('malformed', 'expected an element or attribute name');
    let end = start + 1;
    while (end < s.length && NAME_CHAR.test(s.charAt(end))) end++;
    if (end - start > MAX_NAME_LENGTH) this.fail('malformed', `name longer than ${MAX_NAME_LENGTH} characters`);
    this.pos = end;
    return s.slice(start, end);
  }

  /** True when at least one whitespace character was skipped. */
  private skipWhitespace(): boolean {
    const start = this.pos;
    while (this.pos < this.s.length && isWhitespaceChar(this.s.charCodeAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  private top(): OpenElement {
    const element = this.stack[this.stack.length - 1];
    if (element === undefined) throw new Error('no open element');
    return element;
  }

  private fail(problem: WechatXmlProblem, message: string, offset: number = this.pos): never {
    throw new WechatXmlError(problem, message, offset);
  }
}

function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function isWhitespaceChar(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isWhitespace(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isWhitespaceChar(s.charCodeAt(i))) return false;
  return true;
}

function isDeclarationEnd(c: string): boolean {
  return c === '?' || (c !== '' && isWhitespaceChar(c.charCodeAt(0)));
}

function startsWithIgnoreCase(s: string, prefix: string, at: number): boolean {
  return s.slice(at, at + prefix.length).toUpperCase() === prefix.toUpperCase();
}

/** Element names come from the sender: keep them short in messages that end up in logs. */
function shortName(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}

export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
