// Drives the draft fixtures: every good draft normalises to a valid submission (matching its `expect`, if any),
// every bad one fails with a problem on its `expectError` field.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseSubmission } from '../../../src/domain/intake/normalise.js';
import type { SubmissionDraft } from '../../../src/domain/intake/submission.js';
import { validateSubmission } from '../../../src/domain/intake/validate-submission.js';

const root = join(import.meta.dirname, '../../fixtures/submissions');
const ctx = { id: '01HZX3K5W8Q9R2T4V6Y8Z0A1B2', ticket: '000000018', receivedAt: '2024-05-01T08:30:00.000Z' };

function load(folder: 'good' | 'bad'): [string, Record<string, unknown>][] {
  const files = readdirSync(join(root, folder)).filter((f) => f.endsWith('.json'));
  return files.sort().map((f) => [f, JSON.parse(readFileSync(join(root, folder, f), 'utf8')) as Record<string, unknown>]);
}

const good = load('good');
const bad = load('bad');

describe('submission fixtures', () => {
  it('has fixtures in both folders', () => {
    expect(good.length).toBeGreaterThanOrEqual(10);
    expect(bad.length).toBeGreaterThanOrEqual(10);
  });

  it.each(good)('good/%s normalises to a valid submission', (_file, { expect: expected, ...draft }) => {
    const result = normaliseSubmission(draft as unknown as SubmissionDraft, ctx);
    if (!result.ok) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);
    expect(validateSubmission(result.submission)).toEqual([]);
    if (expected !== undefined) expect(result.submission).toMatchObject(expected as object);
    if (expected !== undefined && 'hints' in (expected as object)) expect(result.submission.hints).toEqual((expected as { hints: unknown }).hints);
  });

  it.each(bad)('bad/%s is refused naming its field', (_file, { expectError, ...draft }) => {
    expect(typeof expectError).toBe('string');
    const result = normaliseSubmission(draft as unknown as SubmissionDraft, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toContain(expectError);
    for (const problem of result.problems) expect(problem.message).not.toBe('');
  });
});
