// Checks the shape of a flow against the published JSON Schema (`ivr-flows/flow.schema.json`, the same file editors
// use) and turns ajv's errors into FlowIssues an author can act on: one message per problem, naming the property.

import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv/dist/2020.js';
import flowSchema from '../../../ivr-flows/flow.schema.json' with { type: 'json' };
import { issue } from './flow-error.js';
import type { FlowErrorCode, FlowIssue, PathSegment } from './flow-error.js';

const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTypes: false });
const validate = ajv.compile(flowSchema);

/** The published schema, for tools that want to show or serve it. */
export const FLOW_SCHEMA: object = flowSchema;

export function validateFlowSchema(data: unknown): FlowIssue[] {
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const issues: FlowIssue[] = [];
  const seen = new Set<string>();
  for (const error of relevantErrors(errors)) {
    const converted = convert(error);
    const key = `${converted.path.join('\u0000')}|${converted.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(converted);
  }
  return issues;
}

/**
 * Drops the noise: `if` errors only say "must match then", sub-errors of an `anyOf` are summed up by the `anyOf`
 * error itself, and errors on a property name are reported by their `propertyNames` error.
 */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const summaries = errors.filter((e) => e.keyword === 'anyOf');
  return errors.filter((error) => {
    if (error.keyword === 'if') return false;
    if (error.propertyName !== undefined) return false;
    // Sub-errors of a `$ref` inside the anyOf carry the referenced schema's path, so match them by instance.
    return !summaries.some(
      (summary) =>
        summary !== error &&
        (error.instancePath === summary.instancePath || error.instancePath.startsWith(`${summary.instancePath}/`)),
    );
  });
}

function toPath(instancePath: string): PathSegment[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return JSON.stringify(value);
}

/** The value-describing title of the failing schema ("a duration with a unit, ..."); the document's own title is a name. */
function title(error: ErrorObject): string | undefined {
  if (error.parentSchema === flowSchema) return undefined;
  const parent = error.parentSchema as { title?: unknown } | undefined;
  return typeof parent?.title === 'string' ? parent.title : undefined;
}

function convert(error: ErrorObject): FlowIssue {
  const path = toPath(error.instancePath);
  const last = path[path.length - 1];
  const params = error.params as Record<string, unknown>;
  const schema = (code: FlowErrorCode, message: string, atKey = false): FlowIssue => issue(path, code, message, { atKey });
  const isDuration = error.schemaPath.includes('/$defs/duration/');

  switch (error.keyword) {
    case 'required':
      return schema('FLOW_SCHEMA', `missing required property "${String(params.missingProperty)}"`, true);
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = allowed.length > 0 ? ` (allowed here: ${allowed.join(', ')})` : '';
      return issue([...path, name], 'FLOW_SCHEMA', `unknown property "${name}"${hint}`, { atKey: true });
    }
    case 'propertyNames': {
      const name = String(params.propertyName);
      const inMenu = last === 'options';
      return issue(
        [...path, name],
        'FLOW_SCHEMA',
        inMenu ? `"${name}" is not a phone key: use "0"-"9", "*" or "#"` : `bad name "${name}": must be ${namesTitle(error)}`,
        { atKey: true },
      );
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).filter((v) => typeof v === 'string');
      if (last === 'type' && path[0] === 'nodes') {
        return schema('FLOW_UNKNOWN_NODE_TYPE', `unknown node type ${describe(error.data)} (known: ${allowed.join(', ')})`);
      }
      if (last === 'service') {
        return schema(
          'FLOW_UNKNOWN_SERVICE',
          `unknown emergency service ${describe(error.data)} (known: 110 police, 119 fire, 120 ambulance, 122 traffic accident)`,
        );
      }
      if (last === 'language' || last === 'defaultLanguage' || path[0] === 'languages') {
        return schema('FLOW_UNKNOWN_LANGUAGE', `unknown language ${describe(error.data)} (known: ${allowed.join(', ')})`);
      }
      return schema('FLOW_SCHEMA', `${describe(error.data)} is not one of: ${allowed.join(', ')}`);
    }
    case 'const':
      return schema('FLOW_SCHEMA', `must be ${JSON.stringify(params.allowedValue)}, not ${describe(error.data)}`);
    case 'anyOf':
      return schema('FLOW_SCHEMA', `must be ${title(error) ?? 'one of the allowed forms'}, not ${describe(error.data)}`);
    case 'type':
    case 'pattern':
      if (isDuration) {
        return schema('FLOW_BAD_DURATION', `bad duration ${describe(error.data)}: use a number with a unit, e.g. "1500ms", "5s", "2m"`);
      }
      if (title(error)) return schema('FLOW_SCHEMA', `must be ${title(error)}, not ${describe(error.data)}`);
      if (error.keyword === 'type') return schema('FLOW_SCHEMA', `must be ${article(String(params.type))}, not ${describe(error.data)}`);
      return schema('FLOW_SCHEMA', `${describe(error.data)} ${error.message ?? 'does not match'}`);
    default:
      return schema('FLOW_SCHEMA', error.message ?? `fails "${error.keyword}"`);
  }
}

function namesTitle(error: ErrorObject): string {
  const names = (error.schema as { $ref?: string } | undefined)?.$ref?.split('/').pop();
  if (names === 'digit') return 'a phone key';
  if (names === 'variable') return 'a variable name of letters, digits and "_", starting with a letter';
  return 'a name of letters, digits, "-" and "_", starting with a letter';
}

function article(type: string): string {
  const words: Record<string, string> = {
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    object: 'a map',
    array: 'a list',
    null: 'null',
  };
  return type
    .split(',')
    .map((t) => words[t] ?? t)
    .join(' or ');
}
