// Just enough XML reading for the tests to check what Open311 clients (FixMyStreet reads with XML::Simple) will
// see: one declaration, elements without attributes, text with the five predefined entities and numeric
// references. Anything else fails loudly, so a malformed response fails the test rather than parsing "somehow".

export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  /** The element's own text (concatenated), entities decoded; whitespace-only text between elements is dropped. */
  text: string;
}

const TOKEN = /<\?xml[^?]*\?>|<!--[\s\S]*?-->|<\/([A-Za-z_][\w.-]*)\s*>|<([A-Za-z_][\w.-]*)\s*(\/?)>|([^<]+)/gy;

export function parseXml(xml: string): { declaration: string; root: XmlElement } {
  const declaration = /^<\?xml[^?]*\?>/.exec(xml)?.[0];
  if (declaration === undefined) throw new Error('no XML declaration');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < xml.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(xml);
    if (match === null) throw new Error(`unparseable XML at ${at}: ${xml.slice(at, at + 40)}`);
    const [token, closing, opening, selfClosing, text] = match;
    if (token.startsWith('<?') || token.startsWith('<!--')) continue;
    if (closing !== undefined) {
      const open = stack.pop();
      if (open?.name !== closing) throw new Error(`</${closing}> closes <${open?.name ?? 'nothing'}>`);
      // Indentation between child elements is layout, not content.
      if (open.children.length > 0 && open.text.trim() === '') open.text = '';
    } else if (opening !== undefined) {
      const element: XmlElement = { name: opening, children: [], text: '' };
      const parent = stack.at(-1);
      if (parent === undefined) {
        if (root !== undefined) throw new Error('more than one root element');
        root = element;
      } else parent.children.push(element);
      if (selfClosing !== '/') stack.push(element);
    } else if (text !== undefined) {
      const parent = stack.at(-1);
      if (parent === undefined) {
        if (text.trim() !== '') throw new Error(`text outside the root: ${text}`);
      } else {
        parent.text += decode(text);
      }
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.map((e) => e.name).join('>, <')}>`);
  if (root === undefined) throw new Error('no root element');
  return { declaration, root };
}

function decode(text: string): string {
  if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(text)) throw new Error(`bare & in text: ${text}`);
  // Legal in XML, but the writer escapes it: a raw one means text went out unescaped.
  if (text.includes('>')) throw new Error(`unescaped > in text: ${text}`);
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_m, entity: string) => {
    switch (entity) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
    }
  });
}

/** The children named `name`. */
export function all(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The single child named `name`; throws when there is none or several. */
export function one(element: XmlElement, name: string): XmlElement {
  const found = all(element, name);
  if (found.length !== 1) throw new Error(`<${element.name}> has ${found.length} <${name}>`);
  return found[0] as XmlElement;
}

/** A flat element (`<request><status>open</status>…</request>`) as a record of its children's text. */
export function fields(element: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const child of element.children) {
    if (child.name in out) throw new Error(`<${element.name}> repeats <${child.name}>`);
    out[child.name] = child.text;
  }
  return out;
}
