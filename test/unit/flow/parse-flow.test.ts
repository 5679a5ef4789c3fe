import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { formatFlowError } from '../../../src/domain/flow/flow-error.js';
import type { FlowError } from '../../../src/domain/flow/flow-error.js';
import { QUEUE_PROMPT_IDS } from '../../../src/domain/acd/caller-prompts.js';
import { parseFlow } from '../../../src/domain/flow/parse-flow.js';
import type { Flow } from '../../../src/domain/flow/types.js';

/** The prompts the queue plays, which every flow with a queue node must have: one line each, after `hello`. */
const QUEUE_PROMPT_LINES = QUEUE_PROMPT_IDS.map((id) => `  ${id}: { audio: t/${id}, text: { zh: "${id}" } }\n`).join('');
const BASE = `version: 1
name: t
start: menu
onMaxDuration: agent
prompts:
  hello: { audio: t/hello, text: { zh: "你好" } }
${QUEUE_PROMPT_LINES}nodes:
  agent: { type: queue, skill: general }
`;
/** Lines of BASE after the first `hello` prompt line are this much lower than they were without the queue prompts. */
const SHIFT = QUEUE_PROMPT_IDS.length;

function load(source: string): Flow {
  const result = parseFlow(source, 't.yaml');
  if ('errors' in result) throw new Error(result.errors.map(formatFlowError).join('\n'));
  return result.flow;
}

function errorsOf(source: string): FlowError[] {
  const result = parseFlow(source, 't.yaml');
  return 'errors' in result ? [...result.errors] : [];
}

describe('parseFlow', () => {
  it('applies the documented defaults', () => {
    const flow = load(`${BASE}  menu: { type: menu, prompts: [hello], options: { "1": code, "2": intro }, onFail: agent }
  code: { type: collect, prompts: [hello], maxDigits: 6, variable: code, next: rec, onFail: agent }
  rec: { type: record, prompts: [hello], variable: msg, next: agent }
  intro: { type: play, prompts: [hello], next: bye }
  bye: { type: hangup }
`);
    expect(flow).toMatchObject({
      languages: ['zh'],
      defaultLanguage: 'zh',
      timezone: 'Asia/Shanghai',
      holidays: [],
      maxDurationMs: 600_000,
      repeatKey: null,
    });
    expect(flow.nodes.menu).toMatchObject({ timeoutMs: 5000, retries: 2, bargeIn: true, invalidPrompts: [], timeoutPrompts: [] });
    expect(flow.nodes.code).toMatchObject({ minDigits: 1, terminator: '#', timeoutMs: 5000, interDigitTimeoutMs: 3000, retries: 2, bargeIn: true });
    expect(flow.nodes.rec).toMatchObject({ maxDurationMs: 120_000, maxSilenceMs: 5000, beep: true });
    expect(flow.nodes.intro).toMatchObject({ bargeIn: false });
    expect(flow.nodes.bye).toEqual({ id: 'bye', type: 'hangup', prompts: [] });
    expect(flow.nodes.agent).toEqual({ id: 'agent', type: 'queue', prompts: [], skill: 'general', priority: 0 });
    // Languages the flow does not speak get empty texts, never invented ones.
    expect(flow.prompts.hello).toEqual({ audio: 't/hello', text: { zh: '你好', en: '' } });
  });

  it('reads YAML numbers as the strings the model holds', () => {
    const flow = load(`${BASE.replace('prompts:\n', 'prompts:\n  emergency-unreachable: { audio: t/u, text: { zh: "请拨打" } }\n  emergency-retrying: { audio: t/r, text: { zh: "请稍候" } }\n')}  menu: { type: menu, prompts: [hello], options: { 1: fire, 0: agent }, onFail: agent }
  fire: { type: emergency, service: 119 }
`);
    expect(flow.nodes.menu).toMatchObject({ options: { '1': 'fire', '0': 'agent' } });
    expect(flow.nodes.fire).toEqual({ id: 'fire', type: 'emergency', service: '119' });
  });

  it('reports every error with file, line, column and path, in file order', () => {
    const errors = errorsOf(`${BASE}  menu:
    type: menu
    prompts: [hello, bye]
    options:
      "1": agent
      "3": complain
    onFail: agent
`);
    expect(errors.map(formatFlowError)).toEqual([
      `t.yaml:${11 + SHIFT}:22 nodes.menu.prompts[1]: unknown prompt "bye"`,
      `t.yaml:${14 + SHIFT}:12 nodes.menu.options.3: unknown node "complain"`,
    ]);
    expect(errors[0]).toEqual({
      file: 't.yaml',
      line: 11 + SHIFT,
      column: 22,
      path: 'nodes.menu.prompts[1]',
      message: 'unknown prompt "bye"',
      code: 'FLOW_UNKNOWN_PROMPT',
      severity: 'error',
    });
  });

  it('stops at syntax errors and at shape errors, so follow-up noise never hides the cause', () => {
    const syntax = errorsOf(`${BASE}  menu: { type: menu\n`);
    expect(syntax.length).toBeGreaterThan(0);
    expect(syntax.every((error) => error.code === 'FLOW_YAML_SYNTAX')).toBe(true);

    // The misspelt property would also leave "onFail" missing and "nowhere" unknown; only the shape is reported.
    const shape = errorsOf(`${BASE}  menu: { type: menu, prompts: [hello], options: { "1": nowhere }, onfail: agent }\n`);
    expect(shape.map((error) => error.code)).toEqual(['FLOW_SCHEMA', 'FLOW_SCHEMA']);
    expect(shape.map((error) => error.message).sort()).toEqual([
      'missing required property "onFail"',
      expect.stringMatching(/^unknown property "onfail"/),
    ]);
  });

  it('returns warnings alongside a valid flow', () => {
    const result = parseFlow(
      BASE.replace('prompts:\n', 'prompts:\n  spare: { audio: t/spare, text: { zh: "备用" } }\n') +
        '  menu: { type: menu, prompts: [hello], options: { "1": agent }, onFail: agent }\n',
      't.yaml',
    );
    expect('flow' in result).toBe(true);
    expect(result.warnings.map(formatFlowError)).toEqual(['t.yaml:6:3 prompts.spare: warning: prompt "spare" is never played']);
  });

  it('rejects a document that is not a map', () => {
    expect(errorsOf('- just\n- a list\n').map(formatFlowError)).toEqual(['t.yaml:1:1: must be a map, not a list']);
    expect(errorsOf('').map((error) => error.message)).toEqual(['must be a map, not null']);
  });
});

describe('the published schema', () => {
  const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../../ivr-flows/flow.schema.json'), 'utf8')) as object;

  it('is a valid JSON Schema 2020-12 document that ajv compiles strictly', () => {
    const ajv = new Ajv2020({ strict: true, strictTypes: false });
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('documents the default of every optional setting', () => {
    const text = JSON.stringify(schema);
    for (const fragment of ['Default: 5s', 'Default: 3s', 'Default: 2.', 'Default: 2m', 'Default: 10m', 'Default: true', 'Default: false', 'Default: 0.']) {
      expect(text).toContain(fragment);
    }
  });
});
