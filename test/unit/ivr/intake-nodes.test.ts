// The two nodes that wait for intake rather than for the caller: `submit` (a recording becomes a work order whose
// ticket the caller hears) and `caseStatus` (a ticket number is looked up). Answers come back as events; anything
// but the answer to the current request is stale.

import { describe, expect, it } from 'vitest';
import { CASE_OUTCOMES } from '../../../src/domain/flow/types.js';
import type { CaseOutcome } from '../../../src/domain/flow/types.js';
import { activeTimers } from '../../../src/domain/ivr/machine.js';
import { CallDriver, actions, entered, intakeFlow, plays } from './fixtures.js';

const TICKET = '000000018';
const RECORDING = 'call-1-leave-msg-1';

function atMainMenuInput(flow = intakeFlow()): CallDriver {
  const call = new CallDriver(flow);
  call.playbackDone();
  call.playbackDone();
  return call;
}

/** Main menu 2, the record prompt, the recording: the submit node has just asked intake. */
function atSubmit(flow = intakeFlow()): CallDriver {
  const call = atMainMenuInput(flow);
  call.digit('2');
  call.playbackDone();
  call.recordingDone(true, RECORDING);
  return call;
}

/** Main menu 1, ticket 1234, its read-back: the caseStatus node has just asked intake. */
function atLookup(flow = intakeFlow()): CallDriver {
  const call = atMainMenuInput(flow);
  call.digit('1');
  call.digits('1234#');
  call.playbackDone();
  return call;
}

describe('submit node', () => {
  it('asks intake to make a work order of the recording and waits with only the time limit running', () => {
    const call = atMainMenuInput();
    call.digit('2');
    call.playbackDone();
    expect(call.recordingDone(true, RECORDING)).toEqual([
      { type: 'entered', node: 'submit-msg' },
      { type: 'submit', request: 1, kind: 'suggestion', recording: RECORDING, category: null, lang: 'zh', private: false },
    ]);
    expect(call.state).toMatchObject({ node: 'submit-msg', phase: 'waiting', pending: 1, lastRequest: 1, playing: null });
    expect(activeTimers(call.state)).toEqual(['maxDuration']);
  });

  it('stores the ticket in its variable, reads it back, then goes on to next', () => {
    const call = atSubmit();
    const commands = call.submitted(TICKET);
    expect(entered(commands)).toEqual(['msg-ticket']);
    expect(plays(commands)).toEqual([{ type: 'play', playback: 4, media: ['sound:hotline/ticket-is', `digits:${TICKET}`], lang: 'zh' }]);
    expect(call.state).toMatchObject({ phase: 'prompt', pending: null });
    expect(call.state.variables.msgTicket).toBe(TICKET);
    expect(entered(call.playbackDone())).toEqual(['thanks']);
    expect(actions(call.playbackDone())).toEqual([{ type: 'cancelTimer', timer: 'maxDuration' }, { type: 'hangup' }]);
    expect(call.state.outcome).toEqual({ kind: 'hangup' });
  });

  it('goes to onFail, with no ticket stored, when intake could not take the message', () => {
    const call = atSubmit();
    expect(entered(call.submitted(null))).toEqual(['not-saved']);
    expect(call.state.variables.msgTicket).toBeUndefined();
    expect(call.state.pending).toBeNull();
    expect(actions(call.playbackDone())).toEqual([
      { type: 'cancelTimer', timer: 'maxDuration' },
      { type: 'enqueue', skill: 'general', priority: 4 },
    ]);
  });

  it('goes straight to onFail without asking intake when the recording failed', () => {
    const call = atMainMenuInput();
    call.digit('2');
    call.playbackDone();
    const commands = call.recordingDone(false, RECORDING);
    expect(entered(commands)).toEqual(['submit-msg', 'not-saved']);
    expect(commands.some((c) => c.type === 'submit')).toBe(false);
    expect(call.state).toMatchObject({ lastRequest: 0, pending: null, phase: 'prompt' });
  });

  it('treats an empty recording name like none', () => {
    const flow = intakeFlow({ start: 'preset' }, { preset: { type: 'set', variables: { message: '' }, next: 'submit-msg' } });
    const call = new CallDriver(flow);
    expect(entered(call.log)).toEqual(['preset', 'submit-msg', 'not-saved']);
    expect(call.log.some((c) => c.type === 'submit')).toBe(false);
  });

  it('passes the kind, the category a set node chose and the caller\'s language through', () => {
    const flow = intakeFlow(
      {},
      {
        welcome: { variables: { channel: 'phone', category: 'environment' } },
        'submit-msg': { kind: 'complaint' },
      },
    );
    const call = atMainMenuInput(flow);
    call.digit('4'); // English, then the main menu again
    call.playbackDone();
    call.digit('2');
    call.playbackDone();
    const submit = call.recordingDone(true, RECORDING).find((c) => c.type === 'submit');
    expect(submit).toEqual({ type: 'submit', request: 1, kind: 'complaint', recording: RECORDING, category: 'environment', lang: 'en', private: false });
  });

  it('ignores digits, timers that do not run and stale playback or recording ends while waiting', () => {
    const call = atSubmit();
    const waiting = call.state;
    for (const key of ['1', '2', '*', '#', '0'] as const) expect(call.digit(key)).toEqual([]);
    expect(call.timer('input')).toEqual([]);
    expect(call.timer('interDigit')).toEqual([]);
    expect(call.playbackDone(true, 3)).toEqual([]);
    expect(call.recordingDone(true, RECORDING)).toEqual([]);
    expect(call.send({ type: 'started', at: call.at, callId: 'again', caller: '1' })).toEqual([]);
    expect(call.state).toEqual(waiting);
    // The digits were not kept for later either.
    expect(call.state.typeAhead).toEqual([]);
    expect(entered(call.submitted(TICKET))).toEqual(['msg-ticket']);
  });

  it('ignores answers to other requests and answers of the other kind, then takes the real one', () => {
    const call = atSubmit();
    const waiting = call.state;
    expect(call.submitted(TICKET, 0)).toEqual([]);
    expect(call.submitted(TICKET, 2)).toEqual([]);
    expect(call.submitted(null, -1)).toEqual([]);
    expect(call.caseLooked('resolved', 1)).toEqual([]);
    expect(call.state).toBe(waiting);
    expect(entered(call.submitted(TICKET, 1))).toEqual(['msg-ticket']);
  });

  it('takes one answer only: a repeated answer is stale', () => {
    const call = atSubmit();
    call.submitted(TICKET, 1);
    const after = call.state;
    expect(call.submitted('999999999', 1)).toEqual([]);
    expect(call.submitted(null, 1)).toEqual([]);
    expect(call.state).toBe(after);
    expect(call.state.variables.msgTicket).toBe(TICKET);
  });

  it('the time limit while waiting abandons the request; its late answer is stale', () => {
    const call = atSubmit();
    expect(call.timer('maxDuration')).toEqual([
      { type: 'entered', node: 'agent' },
      { type: 'play', playback: 4, media: ['sound:hotline/agent'], lang: 'zh' },
    ]);
    expect(call.state).toMatchObject({ node: 'agent', phase: 'prompt', pending: null });
    expect(call.submitted(TICKET, 1)).toEqual([]);
    expect(call.state.variables.msgTicket).toBeUndefined();
    expect(actions(call.playbackDone())).toEqual([{ type: 'enqueue', skill: 'general', priority: 5 }]);
  });

  it('a hang-up while waiting only cancels the time limit; the late answer does nothing', () => {
    const call = atSubmit();
    expect(call.hangUp()).toEqual([{ type: 'cancelTimer', timer: 'maxDuration' }]);
    expect(call.state).toMatchObject({ outcome: { kind: 'callerHungUp' }, phase: 'done', pending: null });
    expect(activeTimers(call.state)).toEqual([]);
    expect(call.submitted(TICKET, 1)).toEqual([]);
    expect(call.state.variables.msgTicket).toBeUndefined();
  });

  it('numbers requests per call: a second message gets a new request and the first answer is stale for it', () => {
    // After the read-back the caller is back at the main menu and leaves another message.
    const flow = intakeFlow({}, { 'msg-ticket': { next: 'main' } });
    const call = atSubmit(flow);
    call.submitted(TICKET, 1);
    call.playbackDone(); // the read-back
    call.playbackDone(); // the main menu prompt
    call.digit('2');
    call.playbackDone();
    expect(call.recordingDone(true, 'call-1-leave-msg-2').at(-1)).toEqual({
      type: 'submit',
      request: 2,
      kind: 'suggestion',
      recording: 'call-1-leave-msg-2',
      category: null,
      lang: 'zh',
      private: false,
    });
    expect(call.submitted('111111111', 1)).toEqual([]);
    call.submitted('222222222', 2);
    expect(call.state.variables.msgTicket).toBe('222222222');
  });
});

describe('caseStatus node', () => {
  it('looks up the ticket the caller entered and waits with only the time limit running', () => {
    const call = atMainMenuInput();
    call.digit('1');
    call.digits('1234#');
    expect(call.playbackDone()).toEqual([
      { type: 'entered', node: 'lookup' },
      { type: 'lookupCase', request: 1, ticket: '1234', pin: null },
    ]);
    expect(call.state).toMatchObject({ node: 'lookup', phase: 'waiting', pending: 1, lastRequest: 1, playing: null });
    expect(activeTimers(call.state)).toEqual(['maxDuration']);
  });

  it.each(CASE_OUTCOMES)('goes to the node for "%s"', (outcome: CaseOutcome) => {
    const call = atLookup();
    const variables = call.state.variables;
    const commands = call.caseLooked(outcome);
    expect(entered(commands)).toEqual([`case-${outcome}`]);
    expect(plays(commands)).toEqual([{ type: 'play', playback: 5, media: ['sound:hotline/case-status'], lang: 'zh' }]);
    expect(call.state).toMatchObject({ phase: 'prompt', pending: null });
    expect(call.state.variables).toEqual(variables);
  });

  it('sends every outcome to a different node in the test flow (the table above means something)', () => {
    const targets = CASE_OUTCOMES.map((outcome) => {
      const call = atLookup();
      call.caseLooked(outcome);
      return call.state.node;
    });
    expect(new Set(targets).size).toBe(CASE_OUTCOMES.length);
  });

  it('an outcome the flow has no branch for counts as unavailable', () => {
    const call = atLookup();
    expect(entered(call.caseLooked('archived' as CaseOutcome))).toEqual(['case-unavailable']);
  });

  it.each([
    ['unset', {}],
    ['empty', { ticket: '' }],
  ])('an %s ticket is not found, without asking intake', (_, variables) => {
    const flow = intakeFlow({ start: 'preset' }, { preset: { type: 'set', variables, next: 'lookup' } });
    const call = new CallDriver(flow);
    expect(entered(call.log)).toEqual(['preset', 'lookup', 'case-notFound']);
    expect(call.log.some((c) => c.type === 'lookupCase')).toBe(false);
    expect(call.state).toMatchObject({ lastRequest: 0, pending: null, phase: 'prompt' });
  });

  it('ignores digits while waiting and does not keep them: the answer\'s prompt is heard', () => {
    const call = atLookup();
    const waiting = call.state;
    expect(call.digits('12*#')).toEqual([]);
    expect(call.state).toEqual(waiting);
    // case-* prompts allow barge-in: a kept digit would have skipped the prompt.
    expect(plays(call.caseLooked('in_progress'))).toHaveLength(1);
    expect(call.state.node).toBe('case-in_progress');
  });

  it('ignores stale, foreign and repeated answers', () => {
    const call = atLookup();
    const waiting = call.state;
    expect(call.caseLooked('resolved', 0)).toEqual([]);
    expect(call.caseLooked('resolved', 2)).toEqual([]);
    expect(call.submitted(TICKET, 1)).toEqual([]);
    expect(call.timer('input')).toEqual([]);
    expect(call.playbackDone(true, 4)).toEqual([]);
    expect(call.state).toBe(waiting);
    expect(entered(call.caseLooked('closed', 1))).toEqual(['case-closed']);
    const after = call.state;
    expect(call.caseLooked('rejected', 1)).toEqual([]);
    expect(call.state).toBe(after);
  });

  it('the time limit while waiting abandons the lookup; its late answer is stale', () => {
    const call = atLookup();
    expect(call.timer('maxDuration')).toEqual([
      { type: 'entered', node: 'agent' },
      { type: 'play', playback: 5, media: ['sound:hotline/agent'], lang: 'zh' },
    ]);
    expect(call.state.pending).toBeNull();
    expect(call.caseLooked('resolved', 1)).toEqual([]);
    expect(call.state.node).toBe('agent');
  });

  it('a time limit already used is ignored while waiting: the answer still moves the caller', () => {
    // The caller reached onMaxDuration before; the timer no longer moves them, so the lookup goes on.
    const call = atLookup(intakeFlow({ onMaxDuration: 'main' }));
    expect(call.state.reachedOnMaxDuration).toBe(true);
    expect(call.timer('maxDuration')).toEqual([]);
    expect(call.state.pending).toBe(1);
    expect(entered(call.caseLooked('accepted'))).toEqual(['case-accepted']);
  });

  it('a hang-up while waiting only cancels the time limit; the late answer does nothing', () => {
    const call = atLookup();
    expect(call.hangUp()).toEqual([{ type: 'cancelTimer', timer: 'maxDuration' }]);
    expect(call.state).toMatchObject({ outcome: { kind: 'callerHungUp' }, phase: 'done', pending: null });
    expect(activeTimers(call.state)).toEqual([]);
    expect(call.caseLooked('resolved', 1)).toEqual([]);
    expect(call.hangUp()).toEqual([]);
  });

  it('a second lookup in the same call gets the next request number; the first one\'s answer is stale', () => {
    const call = atLookup();
    call.caseLooked('notFound');
    call.playbackDone(); // case-notFound
    call.playbackDone(); // main menu prompt
    call.digit('1');
    call.digits('5678#');
    expect(call.playbackDone().at(-1)).toEqual({ type: 'lookupCase', request: 2, ticket: '5678', pin: null });
    expect(call.caseLooked('resolved', 1)).toEqual([]);
    expect(entered(call.caseLooked('resolved', 2))).toEqual(['case-resolved']);
  });

  it('a digit typed into a bargeIn outcome prompt answers the menu after it', () => {
    const call = atLookup();
    call.caseLooked('received');
    const commands = call.digit('2');
    expect(commands[0]).toEqual({ type: 'stopPlayback', playback: 5 });
    expect(entered(commands)).toEqual(['main', 'leave-msg']);
  });
});
