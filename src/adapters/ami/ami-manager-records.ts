import type Manager from 'asterisk-manager';
import { AmiMessage, AmiProtocolError, amiHeaderProblem, assertAmiHeader, type AmiHeader, type AmiHeaderInput } from './ami-codec.js';

/**
 * The edge between `asterisk-manager`'s plain objects and our AmiMessage, in both directions.
 *
 * Incoming, the package has already lower-cased every key; AmiMessage looks headers up case-insensitively,
 * so `get('Uniqueid')` or `get('BridgeId')` read them unchanged and `toRecord()` gives back the package's shape.
 */
export function toAmiMessage(record: Manager.ManagerMessage): AmiMessage {
  const headers: AmiHeader[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    if (typeof value === 'string') {
      headers.push([key, value]);
    } else if (Array.isArray(value)) {
      for (const item of value) headers.push([key, item]);
    } else {
      // The package turns `Variable: NAME=value` lines into {NAME: value}. Responses and VarSet events carry
      // a bare `Variable: NAME` (parsed as {NAME: ''}), ChanVariable is always NAME=value.
      for (const [name, item] of Object.entries(value)) headers.push([key, key === 'variable' && item === '' ? name : `${name}=${item}`]);
    }
  }
  return new AmiMessage(headers);
}

/**
 * Why a parsed message cannot have come from well-formed AMI, or undefined. The package accepts any line:
 * `GET / HTTP/1.1` becomes the key `get / http/1.1`, `Key:value` the key `key:value`; such keys are not
 * header tokens. (A single word without a colon is indistinguishable from `Word: ` and passes.)
 */
export function managerRecordProblem(record: Manager.ManagerMessage): string | undefined {
  // Asterisk before 14 answered Command with free text ended by --END COMMAND--; the package wraps it as `content`.
  if (record.response === 'follows' && typeof record.content === 'string') return undefined;
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : Object.entries(value).map(([name, item]) => `${name}=${item}`);
    for (const item of items) {
      const problem = amiHeaderProblem(key, item);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

/**
 * Builds the package's action object. The package writes values verbatim, so everything is checked here:
 * a CR or LF in a value would end the header early and inject headers or whole actions.
 * Throws AmiProtocolError (AMI_BAD_VALUE) naming the header.
 */
export function toManagerAction(
  action: string,
  actionId: string,
  headers: readonly AmiHeaderInput[],
  variables: Readonly<Record<string, string>> = {},
): Manager.ManagerAction {
  assertAmiHeader('Action', action);
  // The package lower-cases keys, so two spellings of one header would both go out.
  const fields = new Map<string, string | Readonly<Record<string, string>>>([
    ['action', action],
    ['actionid', actionId],
  ]);
  for (const [key, raw] of headers) {
    if (raw === undefined) continue;
    const value = String(raw);
    assertAmiHeader(key, value);
    const lower = key.toLowerCase();
    if (lower === 'action' || lower === 'actionid') {
      throw new AmiProtocolError('AMI_BAD_VALUE', `AMI header ${key} is set by the client; pass the action name as its own argument`);
    }
    if (fields.has(lower)) throw new AmiProtocolError('AMI_BAD_VALUE', `AMI header ${key} is given more than once`);
    fields.set(lower, value);
  }
  const entries = Object.entries(variables);
  if (entries.length > 0) {
    if (fields.has('variable')) throw new AmiProtocolError('AMI_BAD_VALUE', 'AMI header Variable is given both as a header and as variables');
    for (const [name, value] of entries) {
      if (name === '' || name.includes('=')) throw new AmiProtocolError('AMI_BAD_VALUE', `AMI variable name ${JSON.stringify(name)} is empty or contains "="`);
      assertAmiHeader('Variable', `${name}=${value}`);
    }
    fields.set('variable', Object.fromEntries(entries));
  }
  // fromEntries defines own properties, so a header named __proto__ stays a header.
  return Object.fromEntries(fields);
}
