import { describe, expect, it } from 'vitest';
import { QUEUE_PROMPT_IDS } from '../../../src/domain/acd/caller-prompts.js';
import { checkFlow } from '../../../src/domain/flow/check-flow.js';
import type { FlowIssue } from '../../../src/domain/flow/flow-error.js';
import { CASE_OUTCOMES } from '../../../src/domain/flow/types.js';
import type { CaseStatusNode, Flow, FlowNode, MenuNode, OpenCaseNode, RateCaseNode, SubmitNode } from '../../../src/domain/flow/types.js';

// Flows built in code, without YAML: the checker must stand on its own.
const menu = (id: string, options: MenuNode['options'], onFail = 'agent'): MenuNode => ({
  id,
  type: 'menu',
  prompts: ['hello'],
  options,
  timeoutMs: 5000,
  retries: 2,
  invalidPrompts: [],
  timeoutPrompts: [],
  bargeIn: true,
  onFail,
  variable: null,
});

/** Every flow here has a queue node (`agent`), so it needs the prompts the queue plays. */
const QUEUE_PROMPTS_FOR_TESTS = Object.fromEntries(QUEUE_PROMPT_IDS.map((id) => [id, { audio: `test/${id}`, text: { zh: id, en: '' } }]));

function flowOf(nodes: FlowNode[], overrides: Partial<Flow> = {}): Flow {
  return {
    name: 'test',
    version: 1,
    start: nodes[0]?.id ?? 'menu',
    defaultLanguage: 'zh',
    languages: ['zh'],
    timezone: 'Asia/Shanghai',
    holidays: [],
    maxDurationMs: 600_000,
    onMaxDuration: 'agent',
    onIdle: null,
    repeatKey: '*',
    prompts: {
      hello: { audio: 'test/hello', text: { zh: '你好', en: '' } },
      'emergency-unreachable': { audio: 'test/emergency-unreachable', text: { zh: '请直接拨打', en: '' } },
      'emergency-retrying': { audio: 'test/emergency-retrying', text: { zh: '我们继续为您接通。', en: '' } },
      ...QUEUE_PROMPTS_FOR_TESTS,
    },
    nodes: Object.fromEntries(nodes.map((node) => [node.id, node])),
    ...overrides,
  };
}

const agent: FlowNode = { id: 'agent', type: 'queue', prompts: [], skill: 'general', priority: 4 };
const submit = (patch: Partial<SubmitNode> = {}): SubmitNode => ({
  id: 'keep',
  type: 'submit',
  kind: 'suggestion',
  recording: 'message',
  variable: 'ticket',
  pin: null,
  private: null,
  next: 'agent',
  onFail: 'agent',
  ...patch,
});
type RequiredCaseOutcomes = Record<(typeof CASE_OUTCOMES)[number], string>;
const allOutcomes = (target: string): RequiredCaseOutcomes =>
  Object.fromEntries(CASE_OUTCOMES.map((outcome) => [outcome, target])) as RequiredCaseOutcomes;
const caseStatus = (patch: Partial<CaseStatusNode> = {}): CaseStatusNode => ({
  id: 'lookup',
  type: 'caseStatus',
  ticket: 'ticket',
  pin: null,
  outcomes: allOutcomes('agent'),
  ...patch,
});
const rateCase = (patch: Partial<RateCaseNode> = {}): RateCaseNode => ({
  id: 'rate',
  type: 'rateCase',
  ticket: 'ticket',
  score: 'score',
  outcomes: { rated: 'agent', refused: 'agent', failed: 'agent' },
  ...patch,
});
const openCase = (patch: Partial<OpenCaseNode> = {}): OpenCaseNode => ({
  id: 'mine',
  type: 'openCase',
  variable: 'mine',
  outcomes: { received: 'agent', accepted: 'agent', in_progress: 'agent', none: 'menu', unavailable: 'menu' },
  ...patch,
});
/** Sets `message` and `ticket`, so that submit and caseStatus nodes have something to read. */
const preset: FlowNode = { id: 'preset', type: 'set', variables: { message: 'm', ticket: '1' }, next: 'menu' };
const codes = (issues: FlowIssue[]): string[] => issues.map((found) => found.code);
const errorsOf = (flow: Flow): FlowIssue[] => checkFlow(flow).filter((found) => found.severity === 'error');

describe('checkFlow', () => {
  it('accepts a sound flow', () => {
    expect(checkFlow(flowOf([menu('menu', { '1': 'agent' }), agent]))).toEqual([]);
  });

  it('requires every prompt the queue plays in a flow with a queue node, naming the missing one', () => {
    const flow = flowOf([menu('menu', { '1': 'agent' }), agent]);
    const { 'queue-survey': _survey, 'queue-position': _position, ...prompts } = flow.prompts;
    expect(errorsOf({ ...flow, prompts })).toEqual([
      expect.objectContaining({ code: 'FLOW_UNKNOWN_PROMPT', path: ['prompts'], message: 'prompt "queue-position" is required by queue nodes (played to callers waiting for an agent)' }),
      expect.objectContaining({ code: 'FLOW_UNKNOWN_PROMPT', path: ['prompts'], message: 'prompt "queue-survey" is required by queue nodes (played to callers waiting for an agent)' }),
    ]);
  });

  it('needs no queue prompts without a queue node, and does not call them unused when present', () => {
    const bye: FlowNode = { id: 'bye', type: 'hangup', prompts: ['hello'] };
    const withQueuePrompts = flowOf([bye], { onMaxDuration: 'bye' });
    expect(checkFlow(withQueuePrompts)).toEqual([]);
    const prompts = Object.fromEntries(Object.entries(withQueuePrompts.prompts).filter(([id]) => !id.startsWith('queue-')));
    expect(checkFlow({ ...withQueuePrompts, prompts })).toEqual([]);
  });

  it.each<[string, FlowNode, (string | number)[]]>([
    ['play next', { id: 'p', type: 'play', prompts: ['hello'], bargeIn: false, next: 'x' }, ['nodes', 'p', 'next']],
    ['menu option', menu('p', { '1': 'x' }), ['nodes', 'p', 'options', '1']],
    ['menu onFail', menu('p', { '1': 'agent' }, 'x'), ['nodes', 'p', 'onFail']],
    ['goto target', { id: 'p', type: 'goto', target: 'x' }, ['nodes', 'p', 'target']],
    [
      'condition branch',
      { id: 'p', type: 'condition', branches: [{ windows: [], holiday: true, next: 'x' }], otherwise: 'agent' },
      ['nodes', 'p', 'branches', 0, 'next'],
    ],
    ['condition otherwise', { id: 'p', type: 'condition', branches: [], otherwise: 'x' }, ['nodes', 'p', 'otherwise']],
    ['submit next', submit({ id: 'p', next: 'x' }), ['nodes', 'p', 'next']],
    ['submit onFail', submit({ id: 'p', onFail: 'x' }), ['nodes', 'p', 'onFail']],
    ['caseStatus outcome', caseStatus({ id: 'p', outcomes: { ...allOutcomes('agent'), rejected: 'x' } }), ['nodes', 'p', 'outcomes', 'rejected']],
  ])('finds an unknown node in a %s', (_, node, path) => {
    const issues = errorsOf(flowOf([node, agent]));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'FLOW_UNKNOWN_NODE', path, message: 'unknown node "x"' }));
  });

  it('suggests a near name', () => {
    const [found] = errorsOf(flowOf([menu('menu', { '1': 'agnet' }), agent]));
    expect(found?.message).toBe('unknown node "agnet" (did you mean "agent"?)');
  });

  it('counts nodes reached only through onMaxDuration as reachable', () => {
    const timeUp: FlowNode = { id: 'time-up', type: 'hangup', prompts: ['hello'] };
    expect(errorsOf(flowOf([menu('menu', { '1': 'agent' }), agent, timeUp], { onMaxDuration: 'time-up' }))).toEqual([]);
    const issues = errorsOf(flowOf([menu('menu', { '1': 'agent' }), agent, timeUp]));
    expect(issues).toEqual([expect.objectContaining({ code: 'FLOW_UNREACHABLE_NODE', path: ['nodes', 'time-up'] })]);
  });

  it('does not call everything unreachable when start itself is unknown', () => {
    expect(codes(errorsOf(flowOf([menu('menu', { '1': 'agent' }), agent], { start: 'nope' })))).toEqual(['FLOW_UNKNOWN_NODE']);
  });

  it('finds loops that never wait for the caller, but not loops through an input node', () => {
    const spin: FlowNode = { id: 'spin', type: 'goto', target: 'spin' };
    expect(errorsOf(flowOf([menu('menu', { '1': 'spin', '2': 'agent' }), spin, agent]))).toEqual([
      expect.objectContaining({ code: 'FLOW_INPUTLESS_LOOP', message: 'loop with no input node: spin -> spin never waits for the caller' }),
    ]);

    const announce: FlowNode = { id: 'announce', type: 'play', prompts: ['hello'], bargeIn: true, next: 'again' };
    const again: FlowNode = { id: 'again', type: 'goto', target: 'announce' };
    expect(codes(errorsOf(flowOf([announce, again, agent])))).toContain('FLOW_INPUTLESS_LOOP');

    const back: FlowNode = { id: 'back', type: 'goto', target: 'menu' };
    expect(errorsOf(flowOf([menu('menu', { '1': 'back', '2': 'agent' }), back, agent]))).toEqual([]);
  });

  it('warns about prompts that are never played, without failing the flow', () => {
    const flow = flowOf([menu('menu', { '1': 'agent' }), agent]);
    const withSpare = { ...flow, prompts: { ...flow.prompts, spare: { audio: 'test/spare', text: { zh: '多余', en: '' } } } };
    expect(checkFlow(withSpare)).toEqual([expect.objectContaining({ code: 'FLOW_UNUSED_PROMPT', severity: 'warning' })]);
  });

  it('accepts digits read from a variable set by a record or set node', () => {
    const recordNode: FlowNode = {
      id: 'rec',
      type: 'record',
      prompts: ['hello'],
      maxDurationMs: 60_000,
      maxSilenceMs: 0,
      beep: true,
      variable: 'message',
      next: 'tag',
    };
    const tag: FlowNode = { id: 'tag', type: 'set', variables: { code: '42' }, next: 'say' };
    const say: FlowNode = { id: 'say', type: 'play', prompts: [{ digits: 'code' }, { digits: 'message' }], bargeIn: false, next: 'agent' };
    expect(errorsOf(flowOf([menu('menu', { '1': 'rec' }), recordNode, tag, say, agent], { repeatKey: null }))).toEqual([]);
    const unset: FlowNode = { id: 'say', type: 'play', prompts: [{ digits: 'nope' }], bargeIn: false, next: 'agent' };
    expect(codes(errorsOf(flowOf([unset, agent])))).toEqual(['FLOW_UNSET_VARIABLE']);
  });

  it('accepts digits read from a ticket a submit node stored, and follows its and caseStatus\'s links', () => {
    const say: FlowNode = { id: 'say', type: 'play', prompts: [{ digits: 'ticket' }], bargeIn: false, next: 'lookup' };
    const done: FlowNode = { id: 'done', type: 'hangup', prompts: ['hello'] };
    const flow = flowOf([preset, menu('menu', { '1': 'keep' }), submit({ next: 'say' }), say, caseStatus({ outcomes: { ...allOutcomes('menu'), unavailable: 'done' } }), done, agent]);
    // Only the submit node's `next` reaches `say`, only the caseStatus outcome reaches `done`.
    expect(errorsOf(flow)).toEqual([]);
  });

  it('finds submit and caseStatus nodes reading variables nobody sets', () => {
    const flow = flowOf([menu('menu', { '1': 'keep', '2': 'lookup' }), submit({ recording: 'voicemail' }), caseStatus({ ticket: 'caseNumber' }), agent]);
    expect(errorsOf(flow)).toEqual([
      expect.objectContaining({ code: 'FLOW_UNSET_VARIABLE', path: ['nodes', 'keep', 'recording'], message: expect.stringContaining('"voicemail"') }),
      expect.objectContaining({ code: 'FLOW_UNSET_VARIABLE', path: ['nodes', 'lookup', 'ticket'], message: expect.stringContaining('"caseNumber"') }),
    ]);
  });

  it('counts submit and caseStatus as not waiting for the caller: a loop through them alone spins', () => {
    const again: FlowNode = { id: 'again', type: 'play', prompts: ['hello'], bargeIn: false, next: 'lookup' };
    const flow = flowOf([preset, menu('menu', { '1': 'lookup' }), caseStatus({ outcomes: { ...allOutcomes('agent'), notFound: 'again' } }), again, agent]);
    expect(codes(errorsOf(flow))).toEqual(['FLOW_INPUTLESS_LOOP']);
    const retry = submit({ onFail: 'keep' });
    expect(codes(errorsOf(flowOf([preset, menu('menu', { '1': 'keep' }), retry, agent])))).toEqual(['FLOW_INPUTLESS_LOOP']);
  });

  it('follows rateCase and openCase outcomes and requires every one of them', () => {
    const scoreMenu: MenuNode = { ...menu('score', { '1': 'rate', '2': 'rate' }), variable: 'score' };
    const sound = flowOf([preset, openCase(), menu('menu', { '1': 'lookup', '9': 'mine' }), caseStatus({ outcomes: { ...allOutcomes('agent'), resolvedUnrated: 'score' } }), scoreMenu, rateCase(), agent]);
    expect(errorsOf(sound)).toEqual([]);
    const { failed: _failed, ...rateWithout } = rateCase().outcomes;
    const { none: _none, ...openWithout } = openCase().outcomes;
    const broken = flowOf([
      preset,
      openCase({ outcomes: { ...openWithout, accepted: 'x' } as OpenCaseNode['outcomes'] }),
      menu('menu', { '1': 'lookup', '9': 'mine' }),
      caseStatus({ outcomes: { ...allOutcomes('agent'), closedUnrated: 'score' } }),
      scoreMenu,
      rateCase({ outcomes: rateWithout as RateCaseNode['outcomes'] }),
      agent,
    ]);
    expect(errorsOf(broken)).toEqual([
      expect.objectContaining({ code: 'FLOW_UNKNOWN_NODE', path: ['nodes', 'mine', 'outcomes', 'accepted'] }),
      expect.objectContaining({ code: 'FLOW_SCHEMA', path: ['nodes', 'mine', 'outcomes'], message: expect.stringContaining('missing outcome "none"') }),
      expect.objectContaining({ code: 'FLOW_SCHEMA', path: ['nodes', 'rate', 'outcomes'], message: expect.stringContaining('missing outcome "failed"') }),
    ]);
  });

  it('counts a menu\'s variable, a submit\'s PIN and an openCase\'s ticket as set, and finds PIN, score and privacy read unset', () => {
    const scoreMenu: MenuNode = { ...menu('menu', { '1': 'keep', '2': 'lookup', '3': 'rate', '9': 'mine' }), variable: 'score' };
    const say: FlowNode = { id: 'say', type: 'play', prompts: [{ digits: 'ticketPin' }, { digits: 'mine' }], bargeIn: false, next: 'agent' };
    const sound = flowOf([preset, openCase(), scoreMenu, submit({ pin: 'ticketPin', next: 'say' }), say, caseStatus(), rateCase(), agent]);
    expect(errorsOf(sound)).toEqual([]);
    const unset = flowOf([preset, menu('menu', { '1': 'keep', '2': 'lookup', '3': 'rate' }), submit({ private: 'hush' }), caseStatus({ pin: 'code' }), rateCase(), agent]);
    expect(errorsOf(unset).map((found) => [found.code, found.path])).toEqual([
      ['FLOW_UNSET_VARIABLE', ['nodes', 'keep', 'private']],
      ['FLOW_UNSET_VARIABLE', ['nodes', 'lookup', 'pin']],
      ['FLOW_UNSET_VARIABLE', ['nodes', 'rate', 'score']],
    ]);
  });

  it('judges durations: positive, at most an hour, silence may be 0', () => {
    const collect = (timeoutMs: number, interDigitTimeoutMs: number): FlowNode => ({
      id: 'code',
      type: 'collect',
      prompts: ['hello'],
      minDigits: 1,
      maxDigits: 4,
      terminator: '#',
      timeoutMs,
      interDigitTimeoutMs,
      retries: 2,
      invalidPrompts: [],
      timeoutPrompts: [],
      bargeIn: true,
      variable: 'code',
      next: 'agent',
      onFail: 'agent',
    });
    expect(errorsOf(flowOf([collect(5000, 3000), agent]))).toEqual([]);
    expect(errorsOf(flowOf([collect(5000, 0), agent]))).toEqual([
      expect.objectContaining({ code: 'FLOW_BAD_DURATION', path: ['nodes', 'code', 'interDigitTimeout'] }),
    ]);
    expect(errorsOf(flowOf([collect(3_600_001, 3000), agent]))).toEqual([
      expect.objectContaining({ code: 'FLOW_BAD_DURATION', path: ['nodes', 'code', 'timeout'] }),
    ]);
    expect(codes(errorsOf(flowOf([collect(5000, 3000), agent], { maxDurationMs: -1 })))).toEqual(['FLOW_BAD_DURATION']);
  });

  it('rejects "#" as the repeat key when it also ends recordings', () => {
    const recordNode: FlowNode = {
      id: 'rec',
      type: 'record',
      prompts: ['hello'],
      maxDurationMs: 60_000,
      maxSilenceMs: 5000,
      beep: true,
      variable: 'message',
      next: 'agent',
    };
    expect(codes(errorsOf(flowOf([recordNode, agent], { repeatKey: '#' })))).toEqual(['FLOW_REPEAT_KEY_TERMINATOR']);
  });

  it('rejects values that only code (not the schema) could produce', () => {
    const bogus = { id: 'police', type: 'emergency', service: '999' } as unknown as FlowNode;
    const eager: FlowNode = { ...agent, id: 'eager', priority: 11 } as FlowNode;
    const issues = errorsOf(flowOf([menu('menu', { '1': 'police', '2': 'eager', '3': 'agent' }), bogus, eager, agent]));
    expect(codes(issues).sort()).toEqual(['FLOW_SCHEMA', 'FLOW_UNKNOWN_SERVICE']);

    const { unavailable: _dropped, ...partial } = allOutcomes('agent');
    const strange = submit({ kind: 'petition' as SubmitNode['kind'] });
    const incomplete = caseStatus({ outcomes: partial as RequiredCaseOutcomes });
    expect(errorsOf(flowOf([preset, menu('menu', { '1': 'keep', '2': 'lookup' }), strange, incomplete, agent]))).toEqual([
      expect.objectContaining({ code: 'FLOW_SCHEMA', path: ['nodes', 'keep', 'kind'], message: expect.stringContaining('unknown kind "petition"') }),
      expect.objectContaining({ code: 'FLOW_SCHEMA', path: ['nodes', 'lookup', 'outcomes'], message: expect.stringContaining('missing outcome "unavailable"') }),
    ]);
  });

  it('rejects empty time windows and impossible holidays', () => {
    const hours: FlowNode = {
      id: 'hours',
      type: 'condition',
      branches: [{ windows: [{ days: ['mon'], fromMinute: 600, toMinute: 600 }], holiday: null, next: 'agent' }],
      otherwise: 'agent',
    };
    const issues = errorsOf(flowOf([hours, agent], { holidays: ['2026-10-01', '2025-02-29'] }));
    expect(issues.map((found) => [found.code, found.path])).toEqual([
      ['FLOW_BAD_HOLIDAY', ['holidays', 1]],
      ['FLOW_BAD_TIME_WINDOW', ['nodes', 'hours', 'branches', 0, 'when', 0]],
    ]);
  });
});
