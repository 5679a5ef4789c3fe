// Flow YAML (src/domain/flow: readYaml, the schema, buildFlow, checkFlow through parseFlow), pure: every text must
// come back as a flow or as errors naming file, line and path; nothing may be thrown. Inputs: the good and bad flow
// fixtures and the hotline's own flow, damaged as text (YAML's anchors, aliases, tags, indentation) and as data
// (fields dropped, retyped, nested), plus random text.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { parse, stringify } from 'yaml';
import { parseFlow } from '../../../src/domain/flow/parse-flow.js';
import { FuzzViolation } from '../fuzz-target.js';
import type { FuzzSession } from '../fuzz-target.js';
import { mutated, textMutations } from '../support/arbitraries.js';
import { fixtureFiles } from '../support/fixtures.js';

const HOTLINE_FLOW = readFileSync(fileURLToPath(new URL('../../../ivr-flows/12345.yaml', import.meta.url)), 'utf8');

/** What YAML readers trip on: aliases and merges (alias bombs), tags, flow collections, indentation, documents. */
export const YAML_SNIPPETS: readonly string[] = [
  '&a ', '*a', '<<: *a\n', '&x [*x]', 'a: &a [1]\nb: *a\n', '!!js/function "f(){}"', '!!binary aGk=', '!!python/object:os.system', '!ruby/object', '!<tag:x>',
  '\t', '  ', '\n  - ', '\n- ', '? ', ': ', '{', '}', '[', ']', '[[[[[[[[[[', ']]]]]]]]]]', '---\n', '\n...\n', '%YAML 1.1\n', '%TAG ! tag:x\n', '#', '"', "'", '|', '>-',
  '1e999', '-.inf', '.nan', '0x7fffffff', '0o777', '2026-02-30', '~', 'null', 'yes', 'on', '*', '"*"', '\u0000', '\ufeff', '\u2028', '\u0085',
];

/** YAML text of `value`; JSON (which is YAML) when it nests too deep for the yaml package's recursive writer. */
function yamlText(value: unknown): string {
  try {
    return stringify(value, { aliasDuplicateObjects: false });
  } catch {
    return JSON.stringify(value) ?? 'null';
  }
}

/** An alias bomb: each level doubles the expansion of the one before. */
function aliasBomb(levels: number): string {
  const lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i <= levels; i += 1) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]`);
  return `${lines.join('\n')}\nversion: 1\n`;
}

export function flowInputs(): Arbitrary<string> {
  // The hotline's own flow is long (a parse costs milliseconds): it comes up less often than the short fixtures.
  const fixtures = [...fixtureFiles('flows/good', '.yaml').map((b) => b.toString('utf8')), ...fixtureFiles('flows/bad', '.yaml').map((b) => b.toString('utf8'))];
  const texts = [HOTLINE_FLOW, ...fixtures];
  const data = texts.map((text) => {
    try {
      return parse(text) as unknown;
    } catch {
      return null;
    }
  }).filter((value) => value !== null);
  const text = fc.oneof({ weight: 1, arbitrary: fc.constant(HOTLINE_FLOW) }, { weight: 9, arbitrary: fc.constantFrom(...fixtures) });
  return fc.oneof(
    { weight: 1, arbitrary: text },
    { weight: 5, arbitrary: text.chain((t) => textMutations(t, YAML_SNIPPETS)) },
    { weight: 3, arbitrary: fc.constantFrom(...data).chain((value) => mutated(value)).map(yamlText) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 8 }).map(aliasBomb) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  );
}

export async function start(): Promise<FuzzSession<string>> {
  return {
    arbitrary: flowInputs(),
    check: async (source) => {
      let result;
      try {
        result = parseFlow(source, 'fuzz.yaml');
      } catch (err) {
        throw new FuzzViolation(`parseFlow threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      }
      if ('errors' in result) {
        for (const error of result.errors) {
          if (error.file !== 'fuzz.yaml' || !(error.line >= 1) || !(error.column >= 1) || error.message.trim() === '') {
            throw new FuzzViolation(`a flow error does not say where or what: ${JSON.stringify(error)}`);
          }
        }
        if (result.errors.length === 0) throw new FuzzViolation('parseFlow refused the flow without naming an error');
      }
    },
    close: async () => undefined,
  };
}
