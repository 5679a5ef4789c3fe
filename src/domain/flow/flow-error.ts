// Problems found in a flow file. Every stage (YAML syntax, schema, building, checking) reports `FlowIssue`s that
// point into the document by path; `parseFlow` turns them into `FlowError`s with the file, line and column an
// author needs to fix them.

export type FlowErrorCode =
  | 'FLOW_YAML_SYNTAX'
  | 'FLOW_DUPLICATE_KEY'
  | 'FLOW_SCHEMA'
  | 'FLOW_UNKNOWN_NODE_TYPE'
  | 'FLOW_UNKNOWN_NODE'
  | 'FLOW_UNREACHABLE_NODE'
  | 'FLOW_DUPLICATE_DIGIT'
  | 'FLOW_REPEAT_KEY_OPTION'
  | 'FLOW_TERMINATOR_OPTION'
  | 'FLOW_REPEAT_KEY_TERMINATOR'
  | 'FLOW_MISSING_PROMPT_TEXT'
  | 'FLOW_UNKNOWN_PROMPT'
  | 'FLOW_UNUSED_PROMPT'
  | 'FLOW_AUDIO_CONFLICT'
  | 'FLOW_BAD_DURATION'
  | 'FLOW_DIGIT_RANGE'
  | 'FLOW_BAD_TIME'
  | 'FLOW_BAD_TIME_WINDOW'
  | 'FLOW_BAD_HOLIDAY'
  | 'FLOW_BAD_TIMEZONE'
  | 'FLOW_UNKNOWN_LANGUAGE'
  | 'FLOW_UNKNOWN_SERVICE'
  | 'FLOW_INPUTLESS_LOOP'
  | 'FLOW_UNSET_VARIABLE';

export type Severity = 'error' | 'warning';

/** A map key or an array index. */
export type PathSegment = string | number;

/** A problem located by its path in the document, before it is given a line and column. */
export interface FlowIssue {
  readonly path: readonly PathSegment[];
  readonly code: FlowErrorCode;
  readonly message: string;
  readonly severity: Severity;
  /** Point at the map key rather than its value (e.g. an unknown or duplicate property). */
  readonly atKey?: boolean;
}

export interface FlowError {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** Dotted path into the document, e.g. `nodes.main-menu.options.3`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
  readonly code: FlowErrorCode;
  readonly severity: Severity;
}

export function issue(
  path: readonly PathSegment[],
  code: FlowErrorCode,
  message: string,
  options: { severity?: Severity; atKey?: boolean } = {},
): FlowIssue {
  return { path, code, message, severity: options.severity ?? 'error', ...(options.atKey ? { atKey: true } : {}) };
}

/** `['nodes', 'main-menu', 'prompts', 0]` -> `nodes.main-menu.prompts[0]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** `ivr-flows/12345.yaml:42:7 nodes.main-menu.options.3: unknown node "complain"` (warnings say so). */
export function formatFlowError(error: FlowError): string {
  const where = `${error.file}:${error.line}:${error.column}`;
  const path = error.path === '' ? '' : ` ${error.path}`;
  const level = error.severity === 'warning' ? 'warning: ' : '';
  return `${where}${path}: ${level}${error.message}`;
}
