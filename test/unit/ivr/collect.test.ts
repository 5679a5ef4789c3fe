import { describe, expect, it } from 'vitest';
import { activeTimers } from '../../../src/domain/ivr/machine.js';
import { CallDriver, actions, entered, hotlineFlow, plays } from './fixtures.js';

/** A call in the ticket collect with its prompt playing. */
function atTicketPrompt(flow = hotlineFlow()): CallDriver {
  const call = new CallDriver(flow);
  call.playbackDone(); // greeting
  call.playbackDone(); // main menu prompt
  call.digit('1');
  return call;
}

/** ...and the prompt over, input timer running. */
function atTicketInput(flow = hotlineFlow()): CallDriver {
  const call = atTicketPrompt(flow);
  call.playbackDone();
  return call;
}

describe('collect node', () => {
  it('starts the input timer after its prompt', () => {
    const call = atTicketPrompt();
    expect(call.state.node).toBe('ticket');
    expect(call.playbackDone()).toEqual([{ type: 'startTimer', timer: 'input', ms: 6000 }]);
  });

  it('each digit cancels input and (re)starts interDigit; the terminator ends input and is not stored', () => {
    const call = atTicketInput();
    expect(call.digit('1')).toEqual([
      { type: 'cancelTimer', timer: 'input' },
      { type: 'startTimer', timer: 'interDigit', ms: 3000 },
    ]);
    expect(call.digits('234')).toEqual([
      { type: 'startTimer', timer: 'interDigit', ms: 3000 },
      { type: 'startTimer', timer: 'interDigit', ms: 3000 },
      { type: 'startTimer', timer: 'interDigit', ms: 3000 },
    ]);
    const commands = call.digit('#');
    expect(commands[0]).toEqual({ type: 'cancelTimer', timer: 'interDigit' });
    expect(entered(commands)).toEqual(['readback']);
    expect(call.state.variables.ticket).toBe('1234');
    expect(activeTimers(call.state)).toEqual(['maxDuration']);
  });

  it('reaching maxDigits ends input without waiting', () => {
    const call = atTicketInput();
    call.digits('1234567');
    const commands = call.digit('8');
    expect(commands[0]).toEqual({ type: 'cancelTimer', timer: 'interDigit' });
    expect(entered(commands)).toEqual(['readback']);
    expect(call.state.variables.ticket).toBe('12345678');
  });

  it('the inter-digit timeout ends input', () => {
    const call = atTicketInput();
    call.digits('98765');
    expect(entered(call.timer('interDigit'))).toEqual(['readback']);
    expect(call.state.variables.ticket).toBe('98765');
  });

  it('too short an entry is an invalid attempt, then onFail after the retries', () => {
    const call = atTicketInput();
    call.digits('12');
    expect(call.digit('#')).toEqual([
      { type: 'cancelTimer', timer: 'interDigit' },
      { type: 'inputProblem', node: 'ticket', problem: 'invalid', attempt: 1 },
      { type: 'play', playback: 4, media: ['sound:hotline/invalid', 'sound:hotline/ticket-prompt'], lang: 'zh' },
    ]);
    expect(call.state.collected).toBe('');
    call.playbackDone();
    call.digits('123');
    const commands = call.timer('interDigit');
    expect(actions(commands)[0]).toEqual({ type: 'inputProblem', node: 'ticket', problem: 'invalid', attempt: 2 });
    expect(entered(commands)).toEqual(['agent']);
    expect(call.state.variables.ticket).toBeUndefined();
  });

  it('no digits before the input timer is a timeout attempt', () => {
    const call = atTicketInput();
    expect(actions(call.timer('input'))).toEqual([
      { type: 'inputProblem', node: 'ticket', problem: 'timeout', attempt: 1 },
      { type: 'play', playback: 4, media: ['sound:hotline/timeout', 'sound:hotline/ticket-prompt'], lang: 'zh' },
    ]);
    call.playbackDone();
    expect(entered(call.timer('input'))).toEqual(['agent']);
  });

  it('a terminator alone is an invalid (empty) entry', () => {
    const call = atTicketInput();
    expect(actions(call.digit('#'))[1]).toEqual({ type: 'inputProblem', node: 'ticket', problem: 'invalid', attempt: 1 });
  });

  it('digits during a barge-in prompt stop it and count', () => {
    const call = atTicketPrompt();
    expect(call.digit('5')).toEqual([
      { type: 'stopPlayback', playback: 3 },
      { type: 'startTimer', timer: 'interDigit', ms: 3000 },
    ]);
    call.digits('555#');
    expect(call.state.variables.ticket).toBe('5555');
  });

  it('without bargeIn, digits during the prompt are ignored', () => {
    const call = atTicketPrompt(hotlineFlow({}, { ticket: { bargeIn: false } }));
    expect(call.digits('1234#')).toEqual([]);
    call.playbackDone();
    call.digits('4321#');
    expect(call.state.variables.ticket).toBe('4321');
  });

  it('type-ahead digits prefill the entry and skip the prompt', () => {
    const flow = hotlineFlow({}, { greeting: { next: 'ticket' } });
    const call = new CallDriver(flow);
    expect(call.digit('7')).toEqual([
      { type: 'stopPlayback', playback: 1 },
      { type: 'entered', node: 'ticket' },
      { type: 'startTimer', timer: 'interDigit', ms: 3000 },
    ]);
    expect(call.state.collected).toBe('7');
    call.digits('777');
    expect(entered(call.timer('interDigit'))).toEqual(['readback']);
    expect(call.state.variables.ticket).toBe('7777');
  });

  it('the repeat key clears the entry and replays the prompt without an attempt', () => {
    const call = atTicketInput();
    call.digits('12');
    expect(call.digit('*')).toEqual([
      { type: 'cancelTimer', timer: 'interDigit' },
      { type: 'play', playback: 4, media: ['sound:hotline/ticket-prompt'], lang: 'zh' },
    ]);
    expect(call.state.collected).toBe('');
    expect(call.state.attempt).toBe(0);
  });

  it('ignores keys that are neither digits, terminator nor repeat key', () => {
    const call = atTicketInput(hotlineFlow({ repeatKey: null }, { ticket: { terminator: null } }));
    call.digits('12');
    expect(call.digit('#')).toEqual([]);
    expect(call.digit('*')).toEqual([]);
    call.digits('34');
    call.timer('interDigit');
    expect(call.state.variables.ticket).toBe('1234');
  });

  it('with minDigits 0, an empty entry ended by the terminator is stored', () => {
    const call = atTicketInput(hotlineFlow({}, { ticket: { minDigits: 0 } }));
    const commands = call.digit('#');
    expect(entered(commands)).toEqual(['readback']);
    expect(call.state.variables.ticket).toBe('');
    // the empty variable reads out as nothing
    expect(plays(commands)[0]?.media).toEqual(['sound:hotline/readback']);
  });
});
