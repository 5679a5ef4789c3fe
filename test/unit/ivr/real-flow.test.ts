// Walks the hotline's real flow file through a few branches: the loader and the machine agree on it.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../../src/domain/flow/parse-flow.js';
import { CASE_OUTCOMES } from '../../../src/domain/flow/types.js';
import type { CaseOutcome, Flow } from '../../../src/domain/flow/types.js';
import { activeTimers } from '../../../src/domain/ivr/machine.js';
import { CallDriver, actions, entered, plays } from './fixtures.js';

function loadHotlineFlow(): Flow {
  const file = fileURLToPath(new URL('../../../ivr-flows/12345.yaml', import.meta.url));
  const result = parseFlow(readFileSync(file, 'utf8'), file);
  if (!('flow' in result)) throw new Error(`12345.yaml does not load: ${JSON.stringify(result.errors)}`);
  return result.flow;
}

/** A ticket as intake makes them (sequence 1 and its check digit). */
const TICKET = '000000018';

describe('ivr-flows/12345.yaml', () => {
  const flow = loadHotlineFlow();

  it('greets, then offers the main menu', () => {
    const call = new CallDriver(flow);
    expect(entered(call.log)).toEqual(['greeting']);
    expect(plays(call.log)).toEqual([{ type: 'play', playback: 1, media: ['sound:hotline/greeting'], lang: 'zh' }]);
    expect(plays(call.playbackDone())[0]?.media).toEqual(['sound:hotline/main-menu']);
  });

  it('1 then 2 during the prompts forwards to the fire brigade (119)', () => {
    const call = new CallDriver(flow);
    call.digit('1'); // typed into the greeting: straight to the emergency menu
    expect(call.state.node).toBe('emergency-menu');
    const commands = call.digit('2');
    expect(actions(commands).slice(-2)).toEqual([
      { type: 'cancelTimer', timer: 'maxDuration' },
      { type: 'forwardEmergency', service: '119' },
    ]);
    expect(call.state.outcome).toEqual({ kind: 'emergency', service: '119' });
    expect(activeTimers(call.state)).toEqual([]);
  });

  it('3, 2 queues an environment complaint with priority 5', () => {
    const call = new CallDriver(flow);
    call.playbackDone();
    call.digit('3');
    call.digit('2');
    expect(call.state.variables).toMatchObject({ category: 'environment', kind: 'complaint', 'queue.skill': 'complaint' });
    expect(actions(call.playbackDone()).at(-1)).toEqual({ type: 'enqueue', skill: 'complaint', priority: 5 });
  });

  /** Main menu 4 and a case number: the read-back is playing. */
  function afterTicket(ticket = TICKET): CallDriver {
    const call = new CallDriver(flow);
    call.playbackDone();
    call.playbackDone();
    call.digit('4');
    call.playbackDone();
    call.digits(`${ticket}#`);
    return call;
  }

  /** Main menu 4, a case number, its read-back and the lookup's answer. */
  function afterLookup(outcome: CaseOutcome): CallDriver {
    const call = afterTicket();
    call.playbackDone();
    call.caseLooked(outcome);
    return call;
  }

  it('4 collects a case number, reads it back and looks it up', () => {
    const call = afterTicket();
    expect(call.state.variables.ticket).toBe(TICKET);
    expect(plays(call.lastCommands)[0]?.media).toEqual(['sound:hotline/you-entered', `digits:${TICKET}`]);
    expect(actions(call.playbackDone())).toEqual([{ type: 'lookupCase', request: 1, ticket: TICKET }]);
    expect(call.state).toMatchObject({ node: 'case-lookup', phase: 'waiting' });
  });

  it('4 with a number shorter than a ticket asks again', () => {
    const call = afterTicket('20250301');
    expect(call.state.variables.ticket).toBeUndefined();
    expect(actions(call.lastCommands)).toContainEqual({ type: 'inputProblem', node: 'case-status', problem: 'invalid', attempt: 1 });
    expect(plays(call.lastCommands)[0]?.media).toEqual(['sound:hotline/invalid-ticket', 'sound:hotline/enter-ticket']);
  });

  const SAID: Record<CaseOutcome, string> = {
    received: 'case-open',
    accepted: 'case-open',
    in_progress: 'case-open',
    resolved: 'case-resolved',
    closed: 'case-resolved',
    rejected: 'case-rejected',
    notFound: 'case-not-found',
    unavailable: 'case-lookup-unavailable',
  };

  it.each(CASE_OUTCOMES.filter((outcome) => outcome !== 'unavailable'))('4: a case that is %s is told, then the options follow', (outcome) => {
    const call = afterLookup(outcome);
    expect(entered(call.lastCommands)).toEqual([SAID[outcome]]);
    expect(plays(call.lastCommands)[0]?.media).toEqual([`sound:hotline/${SAID[outcome]}`]);
    const options = call.playbackDone();
    expect(entered(options)).toEqual(['case-status-options']);
    expect(plays(options)[0]?.media).toEqual(['sound:hotline/case-status-options']);
  });

  it('4: when the lookup is unavailable the caller hears so and goes to the case-status queue', () => {
    const call = afterLookup('unavailable');
    expect(plays(call.lastCommands)[0]?.media).toEqual(['sound:hotline/case-lookup-unavailable']);
    expect(call.digit('0')).toEqual([]); // no barge-in: the caller hears why
    expect(entered(call.playbackDone())).toEqual(['case-status-queue']);
    expect(actions(call.playbackDone())).toEqual([
      { type: 'cancelTimer', timer: 'maxDuration' },
      { type: 'enqueue', skill: 'case-status', priority: 3 },
    ]);
  });

  it('4: the options menu offers an agent (0), another number (1) and the main menu (2)', () => {
    const toOptions = (): CallDriver => {
      const call = afterLookup('in_progress');
      call.playbackDone();
      call.playbackDone();
      return call;
    };
    const agent = toOptions();
    expect(entered(agent.digit('0'))).toEqual(['case-status-queue']);
    expect(actions(agent.playbackDone()).at(-1)).toEqual({ type: 'enqueue', skill: 'case-status', priority: 3 });

    const another = toOptions();
    expect(plays(another.digit('1'))[0]?.media).toEqual(['sound:hotline/enter-ticket']);
    another.digits('000000026#');
    expect(actions(another.playbackDone())).toEqual([{ type: 'lookupCase', request: 2, ticket: '000000026' }]);

    const main = toOptions();
    expect(entered(main.digit('2'))).toEqual(['main-menu']);
  });

  it('4: a digit typed into the status answers the options menu at once', () => {
    const call = afterLookup('resolved');
    expect(entered(call.digit('2'))).toEqual(['case-status-options', 'main-menu']);
  });

  it('5 records a suggestion, registers it and reads the ticket back, then hangs up', () => {
    const call = new CallDriver(flow);
    call.playbackDone();
    call.playbackDone();
    call.digit('5');
    expect(actions(call.playbackDone())).toEqual([
      { type: 'record', name: 'call-1-suggestion-1', maxDurationMs: 120_000, maxSilenceMs: 10_000, beep: true, terminateOn: '#' },
    ]);
    expect(actions(call.recordingDone(true, 'call-1-suggestion-1'))).toEqual([
      { type: 'submit', request: 1, kind: 'suggestion', recording: 'call-1-suggestion-1', category: null, lang: 'zh' },
    ]);
    const readback = call.submitted(TICKET);
    expect(call.state.variables.suggestionTicket).toBe(TICKET);
    expect(plays(readback)[0]?.media).toEqual(['sound:hotline/suggestion-ticket', `digits:${TICKET}`]);
    expect(plays(call.playbackDone())[0]?.media).toEqual(['sound:hotline/thanks-suggestion']);
    expect(actions(call.playbackDone())).toEqual([{ type: 'cancelTimer', timer: 'maxDuration' }, { type: 'hangup' }]);
    expect(call.state.outcome).toEqual({ kind: 'hangup' });
  });

  it.each([
    ['the recording failed', (call: CallDriver) => call.recordingDone(false, 'call-1-suggestion-1')],
    ['intake could not take it', (call: CallDriver) => (call.recordingDone(true, 'call-1-suggestion-1'), call.submitted(null))],
  ])('5: when %s the caller is told and handed to an agent', (_, fail) => {
    const call = new CallDriver(flow);
    call.playbackDone();
    call.playbackDone();
    call.digit('5');
    call.playbackDone();
    const commands = fail(call);
    expect(entered(commands).at(-1)).toBe('suggestion-not-saved');
    expect(plays(commands)[0]?.media).toEqual(['sound:hotline/suggestion-not-saved']);
    expect(call.state.variables.suggestionTicket).toBeUndefined();
    expect(actions(call.playbackDone())).toEqual([
      { type: 'cancelTimer', timer: 'maxDuration' },
      { type: 'enqueue', skill: 'general', priority: 4 },
    ]);
  });

  it('9 switches to English', () => {
    const call = new CallDriver(flow);
    const commands = call.digit('9');
    expect(entered(commands)).toEqual(['main-menu', 'english', 'main-menu']);
    expect(plays(commands)[0]?.lang).toBe('en');
  });

  it('silence through every retry ends with an agent, not a hang-up', () => {
    const call = new CallDriver(flow);
    call.playbackDone();
    for (let i = 0; i < 3; i += 1) {
      call.playbackDone();
      call.timer('input');
    }
    expect(call.state.node).toBe('agent');
    expect(call.log.some((c) => c.type === 'hangup')).toBe(false);
  });
});
