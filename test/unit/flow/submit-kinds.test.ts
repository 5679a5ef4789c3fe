// The flow's submit node files work orders in intake's kinds: the published flow schema must offer exactly those.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../../src/domain/intake/submission.js';

describe('flow schema submit kinds', () => {
  it('lists exactly the intake kinds', () => {
    const schema = JSON.parse(readFileSync('ivr-flows/flow.schema.json', 'utf8')) as { $defs: { submitNode: { properties: { kind: { enum: string[] } } } } };
    expect(schema.$defs.submitNode.properties.kind.enum).toEqual([...KINDS]);
  });
});
