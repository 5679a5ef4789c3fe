// Loading a flow from YAML text: syntax, then shape (the published JSON Schema), then meaning (the checker).
// Pure: the caller reads the file. Every problem comes back with file, line, column and path.

import { buildFlow } from './build-flow.js';
import type { RawFlow } from './build-flow.js';
import { checkFlow } from './check-flow.js';
import { formatPath } from './flow-error.js';
import type { FlowError, FlowIssue } from './flow-error.js';
import type { Flow } from './types.js';
import { validateFlowSchema } from './validate-schema.js';
import { readYaml } from './yaml-source.js';
import type { PositionedIssue } from './yaml-source.js';

/** `warnings` never stop a flow from loading (e.g. a prompt that is never played). */
export type ParseFlowResult =
  | { readonly flow: Flow; readonly warnings: readonly FlowError[] }
  | { readonly errors: readonly FlowError[]; readonly warnings: readonly FlowError[] };

export function parseFlow(source: string, fileName: string): ParseFlowResult {
  const yaml = readYaml(source);
  const place = (positioned: PositionedIssue): FlowError => ({ file: fileName, ...positioned });
  const locate = (found: FlowIssue): FlowError => ({
    file: fileName,
    ...yaml.locate(found.path, found.atKey),
    path: formatPath(found.path),
    message: found.message,
    code: found.code,
    severity: found.severity,
  });

  if (yaml.syntaxErrors.length > 0) return { errors: yaml.syntaxErrors.map(place), warnings: [] };

  const duplicates = yaml.duplicateKeys.map(place);
  const schemaIssues = validateFlowSchema(yaml.data);
  // Building a flow of the wrong shape would only produce follow-up noise: stop at shape errors.
  if (schemaIssues.length > 0) return { errors: byPosition([...duplicates, ...schemaIssues.map(locate)]), warnings: [] };

  const { flow, issues: buildIssues } = buildFlow(yaml.data as RawFlow);
  const found = [...buildIssues, ...checkFlow(flow)].map(locate);
  const errors = byPosition([...duplicates, ...found.filter((e) => e.severity === 'error')]);
  const warnings = byPosition(found.filter((e) => e.severity === 'warning'));
  return errors.length > 0 ? { errors, warnings } : { flow, warnings };
}

function byPosition(errors: FlowError[]): FlowError[] {
  return errors.sort((a, b) => a.line - b.line || a.column - b.column);
}
