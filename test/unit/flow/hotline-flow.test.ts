// The 12345 hotline flow as the hotline defines it. Later parts (IVR machine, simulator tests) rely on these facts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFlowError } from '../../../src/domain/flow/flow-error.js';
import { parseFlow } from '../../../src/domain/flow/parse-flow.js';
import { CASE_OUTCOMES } from '../../../src/domain/flow/types.js';
import type { CaseOutcome, Flow, FlowNode, MenuNode } from '../../../src/domain/flow/types.js';

const FILE = 'ivr-flows/12345.yaml';
const result = parseFlow(readFileSync(join(import.meta.dirname, '../../..', FILE), 'utf8'), FILE);
if ('errors' in result) throw new Error(result.errors.map(formatFlowError).join('\n'));
const flow: Flow = result.flow;

function node<T extends FlowNode['type']>(id: string | undefined, type: T): Extract<FlowNode, { type: T }> {
  const found = id === undefined ? undefined : flow.nodes[id];
  if (found?.type !== type) throw new Error(`expected node "${id}" to be a ${type}, got ${found?.type}`);
  return found as Extract<FlowNode, { type: T }>;
}

const mainMenu = node('main-menu', 'menu');

describe('ivr-flows/12345.yaml', () => {
  it('loads without errors or warnings', () => {
    expect(result.warnings.map(formatFlowError)).toEqual([]);
    expect(flow).toMatchObject({ name: '12345', defaultLanguage: 'zh', languages: ['zh', 'en'], timezone: 'Asia/Shanghai', repeatKey: '*' });
  });

  it('greets in Mandarin and lets digits typed during the greeting choose from the main menu', () => {
    const greeting = node(flow.start, 'play');
    expect(greeting).toMatchObject({ bargeIn: true, next: 'main-menu' });
    expect(flow.prompts[greeting.prompts[0] as string]?.text.zh).toContain('12345');
  });

  it('offers the main menu options 1-5, 0 and 9', () => {
    expect(Object.keys(mainMenu.options).sort()).toEqual(['0', '1', '2', '3', '4', '5', '9']);
  });

  it('forwards emergencies to 110, 119, 120 and 122', () => {
    const emergency = node(mainMenu.options['1'], 'menu');
    const services = Object.fromEntries(Object.entries(emergency.options).map(([digit, id]) => [digit, node(id, 'emergency').service]));
    expect(services).toEqual({ '1': '110', '2': '119', '3': '120', '4': '122' });
    expect(node(emergency.onFail, 'queue').skill).toBe('general');
  });

  it('queues consultation and agent calls with their skills and priorities', () => {
    expect(node(mainMenu.options['2'], 'queue')).toMatchObject({ skill: 'consultation', priority: 3 });
    expect(node(mainMenu.options['0'], 'queue')).toMatchObject({ skill: 'general', priority: 4 });
  });

  it('categorises complaints, then queues them with priority 5', () => {
    const categories = node(mainMenu.options['3'], 'menu');
    const expected = { '1': 'urban-management', '2': 'environment', '3': 'transportation', '4': 'education', '5': 'medical', '6': 'other' };
    expect(Object.keys(categories.options).sort()).toEqual(Object.keys(expected));
    for (const [digit, category] of Object.entries(expected)) {
      const set = node(categories.options[digit as keyof MenuNode['options']], 'set');
      expect(set.variables).toEqual({ category, kind: 'complaint' });
      expect(node(set.next, 'queue')).toMatchObject({ skill: 'complaint', priority: 5 });
    }
    expect(node(categories.onFail, 'queue').skill).toBe('general');
  });

  it('collects a 9-20 digit case number (the length of a ticket) ended by #, reads it back and looks it up', () => {
    const collect = node(mainMenu.options['4'], 'collect');
    expect(collect).toMatchObject({ minDigits: 9, maxDigits: 20, terminator: '#', variable: 'ticket' });
    expect(flow.prompts['invalid-ticket']?.text).toMatchObject({ zh: expect.stringContaining('9到20位'), en: expect.stringContaining('9 to 20 digits') });
    const readback = node(collect.next, 'play');
    expect(readback.prompts).toContainEqual({ digits: 'ticket' });
    expect(readback.bargeIn).toBe(false);
    expect(node(readback.next, 'caseStatus').ticket).toBe('ticket');
    expect(node(collect.onFail, 'queue').skill).toBe('general');
  });

  it('tells the caller where the case stands, then offers an agent, another number or the main menu', () => {
    const lookup = node('case-lookup', 'caseStatus');
    const said: Record<CaseOutcome, string> = {
      received: 'case-open',
      accepted: 'case-open',
      in_progress: 'case-open',
      resolved: 'case-resolved',
      closed: 'case-resolved',
      rejected: 'case-rejected',
      notFound: 'case-not-found',
      unavailable: 'case-lookup-unavailable',
    };
    for (const outcome of CASE_OUTCOMES) {
      const play = node(lookup.outcomes[outcome], 'play');
      expect(play.prompts, outcome).toEqual([said[outcome]]);
      if (outcome === 'unavailable') {
        // Nothing to tell: straight to a person, without a menu in between.
        expect(node(play.next, 'queue'), outcome).toMatchObject({ skill: 'case-status', priority: 3 });
      } else {
        expect(play.next, outcome).toBe('case-status-options');
      }
    }
    const options = node('case-status-options', 'menu');
    expect(options.options).toEqual({ '0': 'case-status-queue', '1': mainMenu.options['4'], '2': 'main-menu' });
    expect(node(options.options['0'], 'queue')).toMatchObject({ skill: 'case-status', priority: 3 });
    expect(node(options.onFail, 'queue').skill).toBe('case-status');
  });

  it('records a suggestion, registers it as a work order and reads its ticket back before hanging up', () => {
    const record = node(mainMenu.options['5'], 'record');
    expect(record.beep).toBe(true);
    const submit = node(record.next, 'submit');
    expect(submit).toMatchObject({ kind: 'suggestion', recording: record.variable });
    const readback = node(submit.next, 'play');
    expect(readback.prompts).toEqual(['suggestion-ticket', { digits: submit.variable }]);
    expect(readback.bargeIn).toBe(false);
    const bye = node(readback.next, 'hangup');
    expect(bye.prompts).toEqual(['thanks-suggestion']);
  });

  it('hands a suggestion intake could not keep to an agent, saying so', () => {
    const submit = node('suggestion-submit', 'submit');
    const notSaved = node(submit.onFail, 'queue');
    expect(notSaved).toMatchObject({ skill: 'general', priority: 4, prompts: ['suggestion-not-saved'] });
  });

  it('switches to English on 9 and offers the main menu again', () => {
    expect(node(mainMenu.options['9'], 'language')).toMatchObject({ language: 'en', next: 'main-menu' });
  });

  it('sends callers who fail a menu or run out of time to an agent, never to a hangup', () => {
    expect(flow.maxDurationMs).toBe(600_000);
    expect(node(flow.onMaxDuration, 'queue').skill).toBe('general');
    for (const candidate of Object.values(flow.nodes)) {
      if (candidate.type === 'menu' || candidate.type === 'collect') {
        expect(flow.nodes[candidate.onFail]?.type, candidate.id).toBe('queue');
        expect(candidate.retries, candidate.id).toBeGreaterThanOrEqual(1);
        expect(candidate.invalidPrompts.length, candidate.id).toBeGreaterThan(0);
        expect(candidate.timeoutPrompts.length, candidate.id).toBeGreaterThan(0);
      }
    }
  });

  it('says every menu digit in Mandarin the way the caller presses it ("请按1")', () => {
    for (const menu of Object.values(flow.nodes).filter((n): n is MenuNode => n.type === 'menu')) {
      const text = menu.prompts.map((ref) => (typeof ref === 'string' ? flow.prompts[ref]?.text.zh : '')).join('');
      for (const digit of Object.keys(menu.options)) {
        if (digit === '9' && menu.id === 'main-menu') expect(text).toContain('press 9');
        else expect(text, `${menu.id} option ${digit}`).toContain(`请按${digit}`);
      }
    }
  });

  it('keeps every prompt in both languages, under hotline/', () => {
    for (const [id, prompt] of Object.entries(flow.prompts)) {
      expect(prompt.audio, id).toMatch(/^hotline\//);
      expect(prompt.text.zh, id).toMatch(/[\u4e00-\u9fff]/);
      expect(prompt.text.en, id).toMatch(/[A-Za-z]/);
    }
  });
});
