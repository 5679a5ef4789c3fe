// Walks the hotline's real flow file through a few branches: the loader and the machine agree on it.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../../src/domain/flow/parse-flow.js';
import { STATUS_OUTCOMES } from '../../../src/domain/flow/types.js';
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
const PIN = '654321';

/** A call from a number within the call limits: the greeting is playing. */
function newCall(): CallDriver {
  const call = new CallDriver(loadHotlineFlow());
  call.callerChecked('ok');
  return call;
}

/** The greeting played and the caller has no open case: the main menu is playing. */
function toMainMenu(call: CallDriver): CallDriver {
  call.playbackDone();
  call.openCaseFound('none');
  return call;
}

describe('ivr-flows/12345.yaml', () => {
  const flow = loadHotlineFlow();

  it('checks the caller\'s number against the call limits, greets, looks for their open case, then offers the main menu', () => {
    const call = new CallDriver(flow);
    expect(actions(call.log)).toEqual([{ type: 'answer' }, { type: 'startTimer', timer: 'maxDuration', ms: 600_000 }, { type: 'checkCaller', request: 1 }]);
    call.callerChecked('ok');
    expect(entered(call.log)).toEqual(['fair-use', 'greeting']);
    expect(plays(call.log)).toEqual([{ type: 'play', playback: 1, media: ['sound:hotline/greeting'], lang: 'zh' }]);
    expect(actions(call.playbackDone())).toEqual([{ type: 'openCase', request: 2 }]);
    expect(plays(call.openCaseFound('none'))[0]?.media).toEqual(['sound:hotline/main-menu']);
  });

  it.each([
    ['received', 'status-received'],
    ['accepted', 'status-accepted'],
    ['in_progress', 'status-in-progress'],
  ] as const)('a repeat caller whose case is %s hears its ticket and progress first, then 1 for an agent', (status, prompt) => {
    const call = newCall();
    call.playbackDone();
    const said = call.openCaseFound(status, TICKET);
    expect(plays(said)[0]?.media).toEqual(['sound:hotline/open-case-intro', `digits:${TICKET}`, `sound:hotline/${prompt}`]);
    expect(plays(call.playbackDone())[0]?.media).toEqual(['sound:hotline/open-case-options']);
    expect(entered(call.digit('1'))).toEqual(['case-status-queue']);
    expect(actions(call.playbackDone()).at(-1)).toEqual({ type: 'enqueue', skill: 'case-status', priority: 3 });
  });

  it('a repeat caller with nothing new presses 2 (or nothing) for the main menu', () => {
    const two = newCall();
    two.playbackDone();
    two.openCaseFound('accepted', TICKET);
    // Heard in full: a key during the progress (maybe meant for the main menu) answers nothing.
    expect(two.digit('1')).toEqual([]);
    two.playbackDone();
    expect(entered(two.digit('2'))).toEqual(['main-menu']);
    const silent = newCall();
    silent.playbackDone();
    silent.openCaseFound('accepted', TICKET);
    silent.playbackDone();
    silent.playbackDone();
    silent.timer('input');
    silent.playbackDone();
    expect(entered(silent.timer('input'))).toEqual(['main-menu']);
  });

  it('the open-case lookup failing is the same as none: the main menu, nothing said', () => {
    const call = newCall();
    call.playbackDone();
    expect(entered(call.openCaseFound('unavailable'))).toEqual(['main-menu']);
    expect(call.state.variables.openTicket).toBeUndefined();
  });

  it('a key pressed while the open case is looked up goes straight to the main menu (an emergency is not held up)', () => {
    const call = newCall();
    call.playbackDone();
    expect(call.state).toMatchObject({ node: 'open-case', phase: 'waiting' });
    const commands = call.digit('1');
    expect(entered(commands)).toEqual(['main-menu', 'emergency-menu']);
    // The late answer is stale.
    expect(call.openCaseFound('received', TICKET, 2)).toEqual([]);
    expect(actions(call.digit('1')).at(-1)).toEqual({ type: 'forwardEmergency', service: '110' });
  });

  it.each([
    ['over', ['fair-use-over', 'fair-use-over-options'], 'sound:hotline/fair-use-over'],
    ['abusive', ['fair-use-abusive', 'fair-use-abusive-options'], 'sound:hotline/fair-use-abusive'],
  ] as const)('a number %s its call limits hears a notice instead of the menus, and 1 still reaches the emergency menu', (outcome, nodes, notice) => {
    const call = new CallDriver(flow);
    const commands = call.callerChecked(outcome);
    expect(entered(commands)).toEqual([nodes[0]]);
    expect(plays(commands)[0]?.media).toEqual([notice]);
    expect(entered(call.playbackDone())).toEqual([nodes[1]]);
    expect(entered(call.digit('1'))).toEqual(['emergency-menu']);
    expect(actions(call.digit('3')).at(-1)).toEqual({ type: 'forwardEmergency', service: '120' });
  });

  it.each(['over', 'abusive'] as const)('a number %s its limits may key the emergency during the notice', (outcome) => {
    const call = new CallDriver(flow);
    call.callerChecked(outcome);
    expect(entered(call.digit('1'))).toContain('emergency-menu');
    expect(actions(call.digit('1')).at(-1)).toEqual({ type: 'forwardEmergency', service: '110' });
  });

  it('past the limits: 0, or no choice, reaches an agent', () => {
    const zero = new CallDriver(flow);
    zero.callerChecked('over');
    expect(entered(zero.digit('0'))).toEqual(['fair-use-over-options', 'agent']);
    const silent = new CallDriver(flow);
    silent.callerChecked('over');
    silent.playbackDone();
    silent.playbackDone();
    silent.timer('input');
    silent.playbackDone();
    expect(entered(silent.timer('input'))).toEqual(['agent']);
  });

  it('far past the limits: 2, or no choice, ends the call politely after a goodbye', () => {
    for (const choose of [(c: CallDriver) => c.digit('2'), (c: CallDriver) => (c.playbackDone(), c.timer('input'), c.playbackDone(), c.timer('input'))]) {
      const call = new CallDriver(flow);
      call.callerChecked('abusive');
      call.playbackDone();
      const commands = choose(call);
      expect(entered(commands).at(-1)).toBe('fair-use-goodbye');
      expect(plays(commands).at(-1)?.media).toEqual(['sound:hotline/fair-use-goodbye']);
      expect(actions(call.playbackDone())).toEqual([{ type: 'cancelTimer', timer: 'maxDuration' }, { type: 'hangup' }]);
    }
  });

  it('digits while the number is checked are not kept (they cannot skip the verdict)', () => {
    const call = new CallDriver(flow);
    expect(call.digits('11')).toEqual([]);
    expect(entered(call.callerChecked('abusive'))).toEqual(['fair-use-abusive']);
  });

  describe('held without progress (IVR_IDLE_LIMIT)', () => {
    const IDLE_MS = 180_000;
    function idleCall(): CallDriver {
      const call = new CallDriver(flow, undefined, IDLE_MS);
      call.callerChecked('ok');
      return call;
    }

    it('runs an idle timer from the start, restarted by every node the caller had not been to', () => {
      const call = new CallDriver(flow, undefined, IDLE_MS);
      expect(actions(call.log)).toContainEqual({ type: 'startTimer', timer: 'idle', ms: IDLE_MS });
      expect(actions(call.callerChecked('ok'))).toContainEqual({ type: 'startTimer', timer: 'idle', ms: IDLE_MS });
      call.playbackDone();
      expect(actions(call.openCaseFound('none'))).toContainEqual({ type: 'startTimer', timer: 'idle', ms: IDLE_MS });
    });

    it('going round menus already heard is no progress: the timer is not restarted, and then an agent takes over', () => {
      const call = toMainMenu(idleCall());
      const lookUp = (): void => {
        call.playbackDone(); // main menu
        call.digit('4');
        call.digits(`${TICKET}#`);
        call.playbackDone(); // read-back
        call.caseLooked('in_progress');
        call.playbackDone(); // the status
        call.digit('2'); // back to the main menu
      };
      lookUp();
      const second = call.log.length;
      lookUp();
      expect(call.state.node).toBe('main-menu');
      expect(call.log.slice(second).some((c) => c.type === 'startTimer' && c.timer === 'idle')).toBe(false);
      const commands = call.timer('idle');
      expect(entered(commands)).toEqual(['idle-agent']);
      expect(plays(commands)[0]?.media).toEqual(['sound:hotline/idle-notice']);
      expect(actions(call.playbackDone())).toEqual([
        { type: 'cancelTimer', timer: 'maxDuration' },
        { type: 'enqueue', skill: 'general', priority: 4 },
      ]);
    });

    it('the * key repeating a menu is no progress either', () => {
      const call = toMainMenu(idleCall());
      const before = call.log.length;
      for (let i = 0; i < 5; i += 1) call.digit('*');
      expect(call.log.slice(before).some((c) => c.type === 'startTimer' && c.timer === 'idle')).toBe(false);
      expect(entered(call.timer('idle'))).toEqual(['idle-agent']);
    });

    it('acts once: the idle timer is not started again after it fired', () => {
      const call = toMainMenu(idleCall());
      call.timer('idle');
      expect(call.state.timers).not.toContain('idle');
      expect(call.timer('idle')).toEqual([]);
    });

    it('stops once the caller is on the way to a person or the emergency line', () => {
      const agent = toMainMenu(idleCall());
      expect(actions(agent.digit('0'))).toContainEqual({ type: 'cancelTimer', timer: 'idle' });
      expect(agent.state.timers).not.toContain('idle');
      const emergency = toMainMenu(idleCall());
      emergency.digit('1');
      expect(emergency.state.timers).toContain('idle');
      expect(actions(emergency.digit('2')).slice(-3)).toEqual([
        { type: 'cancelTimer', timer: 'maxDuration' },
        { type: 'cancelTimer', timer: 'idle' },
        { type: 'forwardEmergency', service: '119' },
      ]);
    });

    it('is off with a limit of 0, or for a flow without onIdle', () => {
      const zero = new CallDriver(flow, undefined, 0);
      expect(zero.log.some((c) => c.type === 'startTimer' && c.timer === 'idle')).toBe(false);
      expect(zero.state.idleLimitMs).toBeNull();
      const noIdle = new CallDriver({ ...flow, onIdle: null }, undefined, IDLE_MS);
      expect(noIdle.log.some((c) => c.type === 'startTimer' && c.timer === 'idle')).toBe(false);
      expect(noIdle.timer('idle')).toEqual([]);
    });
  });

  it('1 then 2 during the prompts forwards to the fire brigade (119)', () => {
    const call = newCall();
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
    const call = toMainMenu(newCall());
    call.digit('3');
    call.digit('2');
    expect(call.state.variables).toMatchObject({ category: 'environment', kind: 'complaint', 'queue.skill': 'complaint' });
    expect(actions(call.playbackDone()).at(-1)).toEqual({ type: 'enqueue', skill: 'complaint', priority: 5 });
  });

  /** Main menu 4 and a case number: the read-back is playing. */
  function afterTicket(ticket = TICKET): CallDriver {
    const call = toMainMenu(newCall());
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
    expect(actions(call.playbackDone())).toEqual([{ type: 'lookupCase', request: 3, ticket: TICKET, pin: null }]);
    expect(call.state).toMatchObject({ node: 'case-lookup', phase: 'waiting' });
  });

  it('4 with a number shorter than a ticket asks again', () => {
    const call = afterTicket('20250301');
    expect(call.state.variables.ticket).toBeUndefined();
    expect(actions(call.lastCommands)).toContainEqual({ type: 'inputProblem', node: 'case-status', problem: 'invalid', attempt: 1 });
    expect(plays(call.lastCommands)[0]?.media).toEqual(['sound:hotline/invalid-ticket', 'sound:hotline/enter-ticket']);
  });

  const SAID: Record<(typeof STATUS_OUTCOMES)[number], string> = {
    received: 'status-received',
    accepted: 'status-accepted',
    in_progress: 'status-in-progress',
    resolved: 'status-resolved',
    closed: 'status-closed',
    rejected: 'status-rejected',
  };

  it.each(STATUS_OUTCOMES)('4: a case that is %s is told in its own words, then the options follow', (outcome) => {
    const call = afterLookup(outcome);
    expect(plays(call.lastCommands)[0]?.media).toEqual([`sound:hotline/${SAID[outcome]}`]);
    // Heard in full: a key (a late "#") does not skip it.
    expect(call.digit('#')).toEqual([]);
    const options = call.playbackDone();
    expect(entered(options)).toEqual(['case-status-options']);
    expect(plays(options)[0]?.media).toEqual(['sound:hotline/case-status-options']);
  });

  it('4: a number with a wrong check digit is said not to be one', () => {
    const call = afterLookup('notFound');
    expect(plays(call.lastCommands)[0]?.media).toEqual(['sound:hotline/case-not-found']);
    expect(entered(call.playbackDone())).toEqual(['case-status-options']);
  });

  /** The caller ID did not open the case: the PIN prompt is playing. */
  function atPin(): CallDriver {
    const call = afterLookup('proofNeeded');
    expect(plays(call.lastCommands)[0]?.media).toEqual(['sound:hotline/enter-pin']);
    return call;
  }

  it('4: when the caller ID does not open the case, 6 digits of PIN are asked for and the case is read again with them', () => {
    const call = atPin();
    const commands = call.digits(PIN);
    // Six digits end the entry by themselves; "#" is not needed.
    expect(actions(commands).at(-1)).toEqual({ type: 'lookupCase', request: 4, ticket: TICKET, pin: PIN });
    expect(call.state.variables.pin).toBeUndefined();
    expect(call.state.caseProof).toEqual({ ticket: TICKET, pin: PIN });
    // The "#" the caller adds arrives while the case is read, and is dropped.
    expect(call.digit('#')).toEqual([]);
    expect(plays(call.caseLooked('in_progress'))[0]?.media).toEqual(['sound:hotline/status-in-progress']);
  });

  it('4: a PIN of the wrong length is asked for again, and failing it reaches an agent', () => {
    const call = atPin();
    call.digits('123#');
    expect(plays(call.lastCommands)[0]?.media).toEqual(['sound:hotline/invalid-pin', 'sound:hotline/enter-pin']);
    call.digits('12#');
    call.digits('1#');
    expect(entered(call.lastCommands)).toEqual(['case-status-queue']);
  });

  it('4: a wrong PIN is said to be wrong, then 1 tries again with a fresh PIN', () => {
    const call = atPin();
    call.digits(PIN);
    expect(plays(call.caseLooked('denied'))[0]?.media).toEqual(['sound:hotline/wrong-pin']);
    expect(call.state.caseProof).toBeNull();
    expect(plays(call.playbackDone())[0]?.media).toEqual(['sound:hotline/wrong-pin-options']);
    expect(plays(call.digit('1'))[0]?.media).toEqual(['sound:hotline/enter-pin']);
    expect(actions(call.digits('111111')).at(-1)).toEqual({ type: 'lookupCase', request: 5, ticket: TICKET, pin: '111111' });
  });

  it('4: after a wrong PIN, 0 reaches an agent and 2 the main menu', () => {
    const wrong = (): CallDriver => {
      const call = atPin();
      call.digits(PIN);
      call.caseLooked('denied');
      call.playbackDone();
      return call;
    };
    const agent = wrong();
    expect(entered(agent.digit('0'))).toEqual(['case-status-queue']);
    expect(entered(wrong().digit('2'))).toEqual(['main-menu']);
  });

  it('4: a locked case is said to be unreadable for now, and an agent is offered', () => {
    const call = atPin();
    call.digits(PIN);
    expect(plays(call.caseLooked('locked'))[0]?.media).toEqual(['sound:hotline/case-locked']);
    expect(plays(call.playbackDone())[0]?.media).toEqual(['sound:hotline/case-status-options']);
    expect(entered(call.digit('0'))).toEqual(['case-status-queue']);
  });

  it('4: another number keyed after a PIN is read with the caller ID only (a PIN proves one reading)', () => {
    const call = atPin();
    call.digits(PIN);
    call.caseLooked('resolved');
    call.playbackDone();
    call.digit('1');
    call.digits('000000026#');
    expect(actions(call.playbackDone())).toEqual([{ type: 'lookupCase', request: 5, ticket: '000000026', pin: null }]);
  });

  it.each([
    ['resolvedUnrated', 'status-resolved'],
    ['closedUnrated', 'status-closed'],
  ] as const)('4: a case that is %s is told, then a rating 1-5 is offered and taken with the same proof', (outcome, prompt) => {
    const call = atPin();
    call.digits(PIN);
    expect(plays(call.caseLooked(outcome))[0]?.media).toEqual([`sound:hotline/${prompt}`]);
    expect(plays(call.playbackDone())[0]?.media).toEqual(['sound:hotline/rate-offer']);
    const commands = call.digit('4');
    expect(actions(commands).at(-1)).toEqual({ type: 'rateCase', request: 5, ticket: TICKET, pin: PIN, score: 4 });
    expect(plays(call.caseRated('rated'))[0]?.media).toEqual(['sound:hotline/rate-thanks']);
    expect(entered(call.playbackDone())).toEqual(['case-status-options']);
  });

  it('4: the caller ID alone rates with the caller ID alone', () => {
    const call = afterLookup('resolvedUnrated');
    call.playbackDone();
    expect(actions(call.digit('5')).at(-1)).toEqual({ type: 'rateCase', request: 4, ticket: TICKET, pin: null, score: 5 });
  });

  it.each([
    ['refused', ['case-status-options']],
    ['failed', ['case-rate-failed']],
  ] as const)('4: a rating %s goes on to the options', (outcome, nodes) => {
    const call = afterLookup('closedUnrated');
    call.playbackDone();
    call.digit('1');
    expect(entered(call.caseRated(outcome))).toEqual(nodes);
  });

  it('4: 0 skips the rating, and so does silence', () => {
    const skip = afterLookup('resolvedUnrated');
    skip.playbackDone();
    expect(entered(skip.digit('0'))).toEqual(['case-status-options']);
    const silent = afterLookup('resolvedUnrated');
    silent.playbackDone();
    silent.playbackDone();
    silent.timer('input');
    silent.playbackDone();
    expect(entered(silent.timer('input'))).toEqual(['case-status-options']);
    expect(silent.log.some((c) => c.type === 'rateCase')).toBe(false);
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
    expect(actions(another.playbackDone())).toEqual([{ type: 'lookupCase', request: 4, ticket: '000000026', pin: null }]);

    const main = toOptions();
    expect(entered(main.digit('2'))).toEqual(['main-menu']);
  });


  /** Main menu 5 and a recording: the privacy question is playing. */
  function afterRecording(): CallDriver {
    const call = toMainMenu(newCall());
    call.playbackDone();
    call.digit('5');
    expect(actions(call.playbackDone())).toEqual([
      { type: 'record', name: 'call-1-suggestion-1', maxDurationMs: 120_000, maxSilenceMs: 10_000, beep: true, terminateOn: '#' },
    ]);
    expect(plays(call.recordingDone(true, 'call-1-suggestion-1'))[0]?.media).toEqual(['sound:hotline/private-choice']);
    return call;
  }

  it.each([
    ['1 asks for it to be kept private', (call: CallDriver) => call.digit('1'), true],
    ['2 files it as it is', (call: CallDriver) => call.digit('2'), false],
    ['silence files it as it is', (call: CallDriver) => (call.playbackDone(), call.timer('input'), call.playbackDone(), call.timer('input')), false],
  ])('5 records a suggestion; %s; it is registered and its ticket and PIN read back, then a goodbye', (_, choose, asked) => {
    const call = afterRecording();
    const commands = choose(call);
    expect(actions(commands).at(-1)).toEqual({
      type: 'submit',
      request: 3,
      kind: 'suggestion',
      recording: 'call-1-suggestion-1',
      category: null,
      lang: 'zh',
      private: asked,
    });
    const readback = call.submitted(TICKET, 3, PIN);
    expect(call.state.variables).toMatchObject({ suggestionTicket: TICKET, suggestionPin: PIN });
    expect(plays(readback)[0]?.media).toEqual(['sound:hotline/suggestion-ticket', `digits:${TICKET}`, 'sound:hotline/your-pin', `digits:${PIN}`]);
    expect(plays(call.playbackDone())[0]?.media).toEqual(['sound:hotline/thanks-suggestion']);
    expect(actions(call.playbackDone())).toEqual([{ type: 'cancelTimer', timer: 'maxDuration' }, { type: 'hangup' }]);
    expect(call.state.outcome).toEqual({ kind: 'hangup' });
  });

  it.each([
    // The privacy question comes first either way (the flow does not branch on the recording).
    ['the recording failed', (call: CallDriver) => (call.recordingDone(false, 'call-1-suggestion-1'), call.digit('1'))],
    ['intake could not take it', (call: CallDriver) => (call.recordingDone(true, 'call-1-suggestion-1'), call.digit('2'), call.submitted(null))],
  ])('5: when %s the caller is told and handed to an agent', (_, fail) => {
    const call = toMainMenu(newCall());
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
    const call = newCall();
    const commands = call.digit('9');
    expect(entered(commands)).toEqual(['open-case', 'main-menu', 'english', 'main-menu']);
    expect(plays(commands)[0]?.lang).toBe('en');
  });

  it('silence through every retry ends with an agent, not a hang-up', () => {
    const call = toMainMenu(newCall());
    for (let i = 0; i < 3; i += 1) {
      call.playbackDone();
      call.timer('input');
    }
    expect(call.state.node).toBe('agent');
    expect(call.log.some((c) => c.type === 'hangup')).toBe(false);
  });
});
