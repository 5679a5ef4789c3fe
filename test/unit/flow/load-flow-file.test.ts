import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlowCheck } from '../../../src/adapters/flow/flow-check-command.js';
import { FlowFileUnreadableError, InvalidFlowError, loadFlowFile } from '../../../src/adapters/flow/load-flow-file.js';

const ROOT = join(import.meta.dirname, '../../..');
const HOTLINE = join(ROOT, 'ivr-flows/12345.yaml');
const BAD = join(ROOT, 'test/fixtures/flows/bad/unknown-node-option.yaml');

let dir: string;
let warned: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flow-file-test-'));
  warned = join(dir, 'warned.yaml');
  await writeFile(
    warned,
    `version: 1
name: warned
start: bye
onMaxDuration: bye
prompts:
  spare: { audio: t/spare, text: { zh: "备用" } }
nodes:
  bye: { type: hangup }
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadFlowFile', () => {
  it('loads the hotline flow', async () => {
    const flow = await loadFlowFile(HOTLINE);
    expect(flow.name).toBe('12345');
  });

  it('throws FLOW_INVALID listing every error with its position', async () => {
    const failure = await loadFlowFile(BAD).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidFlowError);
    const invalid = failure as InvalidFlowError;
    expect(invalid.code).toBe('FLOW_INVALID');
    expect(invalid.errors).toHaveLength(2);
    expect(invalid.message).toContain(`invalid IVR flow ${BAD} (2 errors):`);
    expect(invalid.message).toContain(`${BAD}:41:12 nodes.menu.options.3: unknown node "complain" (did you mean "complaint"?)`);
    expect(invalid.message).toContain('node "complaint" is unreachable');
  });

  it('names the file it cannot read', async () => {
    const missing = join(dir, 'missing.yaml');
    await expect(loadFlowFile(missing)).rejects.toBeInstanceOf(FlowFileUnreadableError);
    await expect(loadFlowFile(missing)).rejects.toMatchObject({ code: 'FLOW_FILE_UNREADABLE', message: expect.stringContaining(missing) });
  });

  it('hands warnings to the caller and still loads', async () => {
    const warnings: string[] = [];
    await loadFlowFile(warned, { onWarning: (warning) => warnings.push(warning.message) });
    expect(warnings).toEqual(['prompt "spare" is never played']);
  });
});

describe('runFlowCheck', () => {
  it('prints ok with the node count and exits 0 for valid files', async () => {
    const lines: string[] = [];
    expect(await runFlowCheck([HOTLINE, warned], (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([`ok ${HOTLINE}: 60 nodes`, `${warned}:6:3 prompts.spare: warning: prompt "spare" is never played`, `ok ${warned}: 1 node`]);
  });

  it('prints each error and exits 1 when any file is invalid or unreadable', async () => {
    const lines: string[] = [];
    expect(await runFlowCheck([BAD, HOTLINE, join(dir, 'missing.yaml')], (line) => lines.push(line))).toBe(1);
    expect(lines[0]).toBe(`${BAD}:41:12 nodes.menu.options.3: unknown node "complain" (did you mean "complaint"?)`);
    expect(lines).toContain(`invalid ${BAD}: 2 errors`);
    expect(lines).toContain(`ok ${HOTLINE}: 60 nodes`);
    expect(lines.at(-1)).toMatch(/^cannot read IVR flow file .*missing\.yaml: ENOENT/);
  });

  it('exits 1 when given no files', async () => {
    const lines: string[] = [];
    expect(await runFlowCheck([], (line) => lines.push(line))).toBe(1);
    expect(lines[0]).toContain('no flow files given');
  });
});
