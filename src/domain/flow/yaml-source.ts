// The YAML side of loading a flow: syntax errors, duplicate keys (which a plain JS object would silently hide)
// and finding the line and column of a path, so that every later problem can point into the file.

import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Document, Node as YamlNode, Pair } from 'yaml';
import { formatPath } from './flow-error.js';
import type { FlowErrorCode, PathSegment, Severity } from './flow-error.js';

/** A problem that already knows where it is (YAML-level problems come with their own offsets). */
export interface PositionedIssue {
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly code: FlowErrorCode;
  readonly message: string;
  readonly severity: Severity;
}

export interface YamlSource {
  /** The document as plain data; `undefined` when the YAML could not be parsed. */
  readonly data: unknown;
  /** Syntax errors: when there are any, `data` is not to be trusted. */
  readonly syntaxErrors: readonly PositionedIssue[];
  readonly duplicateKeys: readonly PositionedIssue[];
  /** Line and column (1-based) of the deepest part of `path` that exists in the document. */
  locate(path: readonly PathSegment[], atKey?: boolean): { line: number; column: number };
}

const ALIAS_HINT = ' (an unquoted * starts a YAML alias: quote phone keys, e.g. "*")';

export function readYaml(source: string): YamlSource {
  const lineCounter = new LineCounter();
  // uniqueKeys off: duplicates are found below with both positions and a message that names the menu digit.
  const doc = parseDocument(source, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const syntaxErrors: PositionedIssue[] = [...doc.errors, ...doc.warnings].map((error) => {
    const aliasProblem = error.code === 'BAD_ALIAS' || /alias/i.test(error.message);
    return {
      ...position(error.pos[0]),
      path: '',
      code: 'FLOW_YAML_SYNTAX' as const,
      message: `YAML: ${error.message}${aliasProblem ? ALIAS_HINT : ''}`,
      severity: 'error' as const,
    };
  });
  syntaxErrors.sort((a, b) => a.line - b.line || a.column - b.column);

  const duplicateKeys: PositionedIssue[] = [];
  let data: unknown;
  if (syntaxErrors.length === 0) {
    findDuplicateKeys(doc.contents, [], duplicateKeys, position);
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // yaml refuses aliases that expand past maxAliasCount (an alias bomb) by throwing: a flow file that does
      // this is a bad flow, reported like any syntax error, not a crash of `flow check` or of the start-up.
      syntaxErrors.push({
        ...position(firstAliasOffset(doc)),
        path: '',
        code: 'FLOW_YAML_SYNTAX',
        message: `YAML: ${error instanceof Error ? error.message : String(error)}: aliases expand too far (flows do not need aliases)`,
        severity: 'error',
      });
    }
  }

  return {
    data,
    syntaxErrors,
    duplicateKeys,
    locate: (path, atKey = false) => position(locateOffset(doc, path, atKey)),
  };
}

function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

function nodeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as YamlNode).range;
    if (range) return range[0];
  }
  return undefined;
}

function findDuplicateKeys(
  node: unknown,
  path: PathSegment[],
  out: PositionedIssue[],
  position: (offset: number) => { line: number; column: number },
): void {
  if (isMap(node)) {
    const seen = new Map<string, Pair>();
    for (const pair of node.items) {
      const key = keyText(pair.key);
      const first = seen.get(key);
      const keyPath = [...path, key];
      if (first) {
        const firstLine = position(nodeStart(first.key) ?? 0).line;
        const isMenuDigit = path.length === 3 && path[0] === 'nodes' && path[2] === 'options';
        out.push({
          ...position(nodeStart(pair.key) ?? 0),
          path: formatPath(keyPath),
          code: isMenuDigit ? 'FLOW_DUPLICATE_DIGIT' : 'FLOW_DUPLICATE_KEY',
          message: isMenuDigit
            ? `digit "${key}" is used twice in this menu (first at line ${firstLine} to "${String(scalarValue(first.value))}", again to "${String(scalarValue(pair.value))}")`
            : `duplicate key "${key}" (first at line ${firstLine}); the later one would silently win`,
          severity: 'error',
        });
      } else {
        seen.set(key, pair);
      }
      findDuplicateKeys(pair.value, keyPath, out, position);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => findDuplicateKeys(item, [...path, index], out, position));
  }
}

function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : node;
}

/**
 * Walks `path` as far as the document goes. A scalar is pointed at itself; a collection (or a missing value) at
 * its key, which is the line an author recognises as "the entry".
 */
function locateOffset(doc: Document, path: readonly PathSegment[], atKey: boolean): number {
  let node: unknown = doc.contents;
  let keyNode: unknown = undefined;
  let best = nodeStart(node) ?? 0;
  for (const segment of path) {
    let found = false;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (pair) {
        keyNode = pair.key;
        node = pair.value;
        found = true;
      }
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      keyNode = undefined;
      node = node.items[segment];
      found = true;
    }
    if (!found) return best;
    const keyStart = nodeStart(keyNode);
    const valueStart = nodeStart(node);
    best = (isScalar(node) ? valueStart : (keyStart ?? valueStart)) ?? keyStart ?? best;
  }
  if (atKey) return nodeStart(keyNode) ?? best;
  return best;
}
