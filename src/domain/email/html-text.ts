// Many mail clients (and most Chinese webmail) send HTML only. The submission carries text, so the HTML is reduced
// to what a reader would see: scripts, styles, comments and other invisible content go, block elements become line
// breaks, entities are decoded. The result is plain text, never markup, so no consumer can be tricked into
// rendering it; a literal `<` the citizen wrote stays a character.

const INVISIBLE_ELEMENTS = new Set(['script', 'style', 'head', 'title', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'xml']);
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'legend', 'li', 'main',
  'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul',
]);

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  shy: '',
  zwj: '',
  zwnj: '',
  copy: '\u00a9',
  reg: '\u00ae',
  trade: '\u2122',
  hellip: '\u2026',
  mdash: '\u2014',
  ndash: '\u2013',
  lsquo: '\u2018',
  rsquo: '\u2019',
  sbquo: '\u201a',
  ldquo: '\u201c',
  rdquo: '\u201d',
  bdquo: '\u201e',
  laquo: '\u00ab',
  raquo: '\u00bb',
  middot: '\u00b7',
  bull: '\u2022',
  deg: '\u00b0',
  plusmn: '\u00b1',
  times: '\u00d7',
  divide: '\u00f7',
  yen: '\u00a5',
  euro: '\u20ac',
  pound: '\u00a3',
  cent: '\u00a2',
  sect: '\u00a7',
  para: '\u00b6',
  micro: '\u00b5',
  frac12: '\u00bd',
  frac14: '\u00bc',
  frac34: '\u00be',
  sup2: '\u00b2',
  sup3: '\u00b3',
  larr: '\u2190',
  rarr: '\u2192',
  uarr: '\u2191',
  darr: '\u2193',
};

const MAX_CODE_POINT = 0x10ffff;

/**
 * Plain text from HTML. A single forward scan (no backtracking regular expressions), so a hostile or broken
 * document costs time linear in its length.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt === -1) {
      out.push(textOf(html.slice(i)));
      break;
    }
    out.push(textOf(html.slice(i, lt)));
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close === -1 ? n : close + 3;
      continue;
    }
    if (html.startsWith('<![CDATA[', lt)) {
      const close = html.indexOf(']]>', lt + 9);
      out.push(textOf(html.slice(lt + 9, close === -1 ? n : close)));
      i = close === -1 ? n : close + 3;
      continue;
    }
    if (!/[A-Za-z/!?]/.test(html.charAt(lt + 1))) {
      // A `<` that starts no tag is the citizen's character.
      out.push('<');
      i = lt + 1;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt === -1) {
      out.push(textOf(html.slice(lt)));
      break;
    }
    const tag = html.slice(lt + 1, gt);
    i = gt + 1;
    const match = /^(\/?)\s*([A-Za-z][A-Za-z0-9-]*)/.exec(tag);
    if (!match) continue;
    const closing = match[1] === '/';
    const name = (match[2] ?? '').toLowerCase();
    if (!closing && INVISIBLE_ELEMENTS.has(name)) {
      out.push(' ');
      if (tag.endsWith('/')) continue;
      // Its content is not markup (`if (a<b)` in a script): skip to the closing tag; an element left open hides
      // everything after it, as a browser would.
      const end = new RegExp(`</${name}\\s*>`, 'gi');
      end.lastIndex = i;
      const close = end.exec(html);
      i = close === null ? n : close.index + close[0].length;
    } else if (name === 'br') out.push('\n');
    else if (name === 'li') out.push(closing ? '' : '\n- ');
    else if (name === 'td' || name === 'th') out.push(' ');
    else if (BLOCK_ELEMENTS.has(name)) out.push('\n');
    else if (name === 'img' && !closing) {
      const alt = /\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i.exec(tag);
      const altText = alt?.[1] ?? alt?.[2] ?? alt?.[3];
      if (altText !== undefined) out.push(` ${textOf(altText)} `);
    }
  }
  return out
    .join('')
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Source white space is one space in HTML (the line breaks come from elements); then entities are decoded. */
function textOf(source: string): string {
  return decodeEntities(source.replace(/[ \t\r\n\f]+/g, ' '));
}

export function decodeEntities(s: string): string {
  return s.replace(/&(?:#(\d{1,8})|#[xX]([0-9A-Fa-f]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));?/g, (match, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (dec !== undefined || hex !== undefined) {
      const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
      if (code === 0 || code > MAX_CODE_POINT || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    const named = NAMED_ENTITIES[(name ?? '').toLowerCase()];
    return named ?? match;
  });
}
