// The 12345 hotline flow as the hotline defines it. Later parts (IVR machine, simulator tests) rely on these facts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LONG_WAIT_MS } from '../../../src/domain/acd/caller-media.js';
import { QUEUE_PROMPTS } from '../../../src/domain/acd/caller-prompts.js';
import { formatFlowError } from '../../../src/domain/flow/flow-error.js';
import { parseFlow } from '../../../src/domain/flow/parse-flow.js';
import { CASE_OUTCOMES, OPEN_CASE_OUTCOMES, STATUS_OUTCOMES, UNRATED_OUTCOMES } from '../../../src/domain/flow/types.js';
import type { CaseStatusNode, Flow, FlowNode, Lang, MenuNode } from '../../../src/domain/flow/types.js';
import { STATUS_WORDING } from '../../../src/domain/intake/status-names.js';

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

  it('first counts the call against the caller\'s number; past the limits, emergencies stay one key away', () => {
    const screen = node(flow.start, 'fairUse');
    expect(screen.outcomes.ok).toBe('greeting');
    const over = node(node(screen.outcomes.over, 'play').next, 'menu');
    expect(over.options).toEqual({ '1': 'emergency-menu', '0': 'agent' });
    expect(over.onFail).toBe('agent');
    const abusive = node(node(screen.outcomes.abusive, 'play').next, 'menu');
    expect(abusive.options['1']).toBe('emergency-menu');
    const bye = node(abusive.options['2'], 'hangup');
    expect(abusive.onFail).toBe(bye.id);
    expect(flow.prompts[bye.prompts[0] as string]?.text).toMatchObject({ zh: expect.stringContaining('再见'), en: expect.stringContaining('Goodbye') });
  });

  it('greets in Mandarin, then looks for the caller\'s open case; digits typed meanwhile choose from the main menu', () => {
    const greeting = node('greeting', 'play');
    expect(greeting).toMatchObject({ bargeIn: true, next: 'open-case' });
    expect(flow.prompts[greeting.prompts[0] as string]?.text.zh).toContain('12345');
    const open = node(greeting.next, 'openCase');
    expect(open.outcomes).toMatchObject({ none: 'main-menu', unavailable: 'main-menu' });
  });

  it('tells a repeat caller their open case\'s ticket and progress, then offers an agent (1) or the main menu (2)', () => {
    const open = node('open-case', 'openCase');
    const wording = { received: 'status-received', accepted: 'status-accepted', in_progress: 'status-in-progress' };
    for (const [status, prompt] of Object.entries(wording)) {
      const play = node(open.outcomes[status as keyof typeof wording], 'play');
      expect(play.prompts, status).toEqual(['open-case-intro', { digits: open.variable }, prompt]);
      expect(play.bargeIn, status).toBe(false);
      const options = node(play.next, 'menu');
      expect(node(options.options['1'], 'queue').skill).toBe('case-status');
      expect(options.options['2']).toBe('main-menu');
      expect(options.onFail).toBe('main-menu');
    }
    expect(Object.keys(open.outcomes).sort()).toEqual([...OPEN_CASE_OUTCOMES].sort());
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

  it('reads the case with the caller ID first, else asks for the 6-digit PIN and reads it again with it', () => {
    const lookup = node('case-lookup', 'caseStatus');
    expect(lookup).toMatchObject({ ticket: 'ticket', pin: 'pin' });
    const pin = node(lookup.outcomes.proofNeeded, 'collect');
    expect(pin).toMatchObject({ minDigits: 6, maxDigits: 6, terminator: '#', variable: 'pin', next: 'case-lookup' });
    expect(node(pin.onFail, 'queue').skill).toBe('case-status');
    // A wrong PIN: said so, then another try or an agent.
    const wrong = node(lookup.outcomes.denied, 'play');
    expect(wrong.prompts).toEqual(['wrong-pin']);
    const retry = node(wrong.next, 'menu');
    expect(retry.options).toEqual({ '1': 'case-pin', '0': 'case-status-queue', '2': 'main-menu' });
    // Too many wrong PINs: the case cannot be read now, and an agent is offered.
    const locked = node(lookup.outcomes.locked, 'play');
    expect(locked.prompts).toEqual(['case-locked']);
    expect(node(locked.next, 'menu').options['0']).toBe('case-status-queue');
    expect(flow.prompts['case-locked']?.text).toMatchObject({ zh: expect.stringContaining('工作人员'), en: expect.stringContaining('agent') });
  });

  it('tells the caller where the case stands, then offers an agent, another number or the main menu', () => {
    const lookup = node('case-lookup', 'caseStatus');
    for (const outcome of CASE_OUTCOMES) {
      const target = lookup.outcomes[outcome];
      if (outcome === 'proofNeeded') continue;
      const play = node(target, 'play');
      if (outcome === 'unavailable') {
        // Nothing to tell: straight to a person, without a menu in between.
        expect(node(play.next, 'queue'), outcome).toMatchObject({ skill: 'case-status', priority: 3 });
      } else if (outcome === 'denied') {
        expect(play.next).toBe('case-wrong-pin-options');
      } else {
        expect(play.next, outcome).toBe('case-status-options');
        // Heard in full: a late "#" after the PIN must not skip it or answer the options.
        expect(play.bargeIn, outcome).toBe(false);
      }
    }
    const options = node('case-status-options', 'menu');
    expect(options.options).toEqual({ '0': 'case-status-queue', '1': mainMenu.options['4'], '2': 'main-menu' });
    expect(node(options.options['0'], 'queue')).toMatchObject({ skill: 'case-status', priority: 3 });
    expect(node(options.onFail, 'queue').skill).toBe('case-status');
  });

  describe('says each status in the words of the one status table, in both languages', () => {
    const lookup = node('case-lookup', 'caseStatus');
    const statusPrompt = (target: string): string => {
      const first = node(target, 'play').prompts[0];
      if (typeof first !== 'string') throw new Error(`${target} does not start with a prompt`);
      return first;
    };
    const cases = STATUS_OUTCOMES.flatMap((status) => (['zh', 'en'] as const).map((lang): [string, Lang] => [status, lang]));
    it.each(cases)('%s in %s', (status, lang) => {
      const wording = STATUS_WORDING[status as keyof typeof STATUS_WORDING][lang].sentence;
      const outcomes: Array<keyof CaseStatusNode['outcomes']> = [status as keyof CaseStatusNode['outcomes']];
      for (const [unrated, rated] of Object.entries(UNRATED_OUTCOMES)) if (rated === status) outcomes.push(unrated as keyof typeof UNRATED_OUTCOMES);
      for (const outcome of outcomes) {
        const target = lookup.outcomes[outcome];
        expect(target, outcome).toBeDefined();
        expect(flow.prompts[statusPrompt(target ?? '')]?.text[lang], `${outcome} (${lang})`).toBe(wording);
      }
      // A repeat caller hears the same sentence about their open case.
      const open = node('open-case', 'openCase');
      if (Object.hasOwn(open.outcomes, status)) {
        const said = node(open.outcomes[status as 'received'], 'play').prompts.at(-1);
        expect(flow.prompts[said as string]?.text[lang], `open case ${status} (${lang})`).toBe(wording);
      }
    });

    it('no two statuses share a prompt', () => {
      const prompts = STATUS_OUTCOMES.map((status) => statusPrompt(lookup.outcomes[status]));
      expect(new Set(prompts).size).toBe(STATUS_OUTCOMES.length);
    });
  });

  it('offers a rating 1-5 after a finished case not rated yet, taken with the same proof, and skips it on 0', () => {
    const lookup = node('case-lookup', 'caseStatus');
    for (const outcome of ['resolvedUnrated', 'closedUnrated'] as const) {
      const play = node(lookup.outcomes[outcome], 'play');
      const offer = node(play.next, 'menu');
      expect(offer.variable).toBe('score');
      expect(offer.options['0']).toBe('case-status-options');
      for (const digit of ['1', '2', '3', '4', '5'] as const) expect(offer.options[digit]).toBe('case-rate');
      const rate = node('case-rate', 'rateCase');
      expect(rate).toMatchObject({ ticket: lookup.ticket, score: 'score' });
      expect(node(rate.outcomes.rated, 'play').prompts).toEqual(['rate-thanks']);
      expect(rate.outcomes.refused).toBe('case-status-options');
      expect(node(rate.outcomes.failed, 'play').prompts).toEqual(['rate-not-saved']);
    }
  });

  it('records a suggestion, asks whether to keep it private, registers it and reads its ticket and PIN back', () => {
    const record = node(mainMenu.options['5'], 'record');
    expect(record.beep).toBe(true);
    const ask = node(record.next, 'menu');
    expect(ask.prompts).toEqual(['private-choice']);
    const keepPrivate = node(ask.options['1'], 'set');
    expect(keepPrivate.variables).toEqual({ private: 'yes' });
    const submit = node(keepPrivate.next, 'submit');
    expect(ask.options['2']).toBe(submit.id);
    expect(ask.onFail).toBe(submit.id);
    expect(submit).toMatchObject({ kind: 'suggestion', recording: record.variable, private: 'private', pin: 'suggestionPin' });
    const readback = node(submit.next, 'play');
    expect(readback.prompts).toEqual(['suggestion-ticket', { digits: submit.variable }, 'your-pin', { digits: submit.pin }]);
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
        // An optional question (privacy, a rating, a repeat caller's agent) may fall back to the answer that
        // declines it; every other failed menu ends with a person.
        const declines = candidate.type === 'menu' && Object.values(candidate.options).includes(candidate.onFail);
        if (!declines) expect(flow.nodes[candidate.onFail]?.type, candidate.id).toBe('queue');
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

  it('tells waiting callers the keys the queue takes, in both languages', () => {
    const text = (id: string): { zh: string; en: string } => flow.prompts[id]?.text ?? { zh: '', en: '' };
    expect(text(QUEUE_PROMPTS.recordingNotice)).toMatchObject({ zh: expect.stringContaining('录音'), en: expect.stringContaining('recorded') });
    expect(text(QUEUE_PROMPTS.optionCallback)).toMatchObject({ zh: expect.stringContaining('请按1'), en: expect.stringContaining('press 1') });
    expect(text(QUEUE_PROMPTS.optionVoicemail)).toMatchObject({ zh: expect.stringContaining('请按2'), en: expect.stringContaining('press 2') });
    expect(text(QUEUE_PROMPTS.callbackConfirm)).toMatchObject({ zh: expect.stringMatching(/请按1.*请按2/), en: expect.stringMatching(/press 1.*press 2/) });
    for (const score of ['1', '2', '3', '4', '5']) {
      expect(text(QUEUE_PROMPTS.survey).zh).toContain(`请按${score}`);
      expect(text(QUEUE_PROMPTS.survey).en).toMatch(new RegExp(`\\b${score}\\b`));
    }
    const longWait = String(LONG_WAIT_MS / 60_000);
    expect(text(QUEUE_PROMPTS.waitLong)).toMatchObject({ zh: expect.stringContaining(longWait), en: expect.stringContaining(longWait) });
  });
});
