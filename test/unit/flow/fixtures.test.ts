// Every good fixture must load cleanly; every bad one must fail with the error its header announces:
//   # expect: <substring of the formatted error>
//   # line: <line of that error>            (optional)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFlowError } from '../../../src/domain/flow/flow-error.js';
import { parseFlow } from '../../../src/domain/flow/parse-flow.js';

const root = join(import.meta.dirname, '../../fixtures/flows');
const yamlFiles = (folder: string): string[] =>
  readdirSync(join(root, folder))
    .filter((name) => name.endsWith('.yaml'))
    .sort();

describe('good flow fixtures', () => {
  const files = yamlFiles('good');
  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(4));

  it.each(files)('%s loads without errors or warnings', (name) => {
    const file = `test/fixtures/flows/good/${name}`;
    const result = parseFlow(readFileSync(join(root, 'good', name), 'utf8'), file);
    expect('errors' in result ? result.errors.map(formatFlowError) : []).toEqual([]);
    expect(result.warnings.map(formatFlowError)).toEqual([]);
  });
});

describe('bad flow fixtures', () => {
  const files = yamlFiles('bad');
  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(30));

  it.each(files)('%s fails with the expected error', (name) => {
    const file = `test/fixtures/flows/bad/${name}`;
    const source = readFileSync(join(root, 'bad', name), 'utf8');
    const expected = /^# expect: (.+)$/m.exec(source)?.[1];
    const line = /^# line: (\d+)$/m.exec(source)?.[1];
    expect(expected, `${name} needs a "# expect:" header`).toBeDefined();

    const result = parseFlow(source, file);
    expect('errors' in result, `${name} should not load`).toBe(true);
    const errors = 'errors' in result ? result.errors : [];
    const formatted = errors.map(formatFlowError);
    const match = errors.find((error) => formatFlowError(error).includes(expected ?? ''));
    expect(match, `no error contains ${JSON.stringify(expected)}; got:\n${formatted.join('\n')}`).toBeDefined();
    if (line !== undefined) expect(match?.line, formatted.join('\n')).toBe(Number(line));
    for (const error of errors) {
      expect(error.file).toBe(file);
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.column).toBeGreaterThanOrEqual(1);
    }
  });
});
