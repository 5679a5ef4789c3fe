// Regression (found by the flow fuzz target): a flow whose YAML aliases expand past the reader's limit made
// parseFlow throw yaml's "Excessive alias count" ReferenceError, so `flow check` and the gateway's start-up
// crashed with a stack trace instead of naming the file and line.
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../../src/domain/flow/parse-flow.js';

const ALIAS_BOMB = [
  'a0: &a0 ["x","x","x","x","x","x","x","x","x"]',
  'a1: &a1 [*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0]',
  'a2: &a2 [*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1]',
  'a3: &a3 [*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2]',
  'version: 1',
  '',
].join('\n');

describe('a flow file that is an alias bomb', () => {
  it('is refused with a YAML error naming the file and the first alias, not thrown', () => {
    const result = parseFlow(ALIAS_BOMB, 'bomb.yaml');
    expect('errors' in result).toBe(true);
    const errors = 'errors' in result ? result.errors : [];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'bomb.yaml', line: 2, code: 'FLOW_YAML_SYNTAX', severity: 'error' });
    expect(errors[0]?.message).toMatch(/alias/i);
  });
});
