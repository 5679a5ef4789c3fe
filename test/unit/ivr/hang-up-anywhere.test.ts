// The caller may hang up at any moment: after every prefix of scripted calls, a hang-up leaves nothing behind.

import { describe, expect, it } from 'vitest';
import { activeTimers, isFinished } from '../../../src/domain/ivr/machine.js';
import { CallDriver, hotlineFlow } from './fixtures.js';

type Script = ReadonlyArray<(call: CallDriver) => unknown>;

const done = (call: CallDriver): unknown => call.playbackDone();
const key = (k: string) => (call: CallDriver) => call.digits(k);
const fire = (t: 'input' | 'interDigit' | 'maxDuration') => (call: CallDriver) => call.timer(t);
const recorded = (call: CallDriver): unknown => call.recordingDone(true);

const SCRIPTS: Record<string, Script> = {
  'collect a ticket, with a timeout and a too-short entry': [done, done, fire('input'), done, key('1'), done, key('12'), fire('interDigit'), done, key('1234'), fire('interDigit'), done, done],
  'leave a message, then goodbye': [done, key('*'), done, key('2'), done, recorded, done],
  'english, then emergency': [key('4'), done, key('3')],
  'time limit while recording': [done, done, key('2'), done, fire('maxDuration'), done],
};

describe('hang-up at every step', () => {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    it(name, () => {
      for (let length = 0; length <= script.length; length += 1) {
        const call = new CallDriver(hotlineFlow());
        for (const action of script.slice(0, length)) action(call);
        const wasFinished = isFinished(call.state);
        const running = [...activeTimers(call.state)];
        const commands = call.hangUp();
        if (wasFinished) {
          expect(commands).toEqual([]);
        } else {
          expect(commands).toEqual(running.map((timer) => ({ type: 'cancelTimer', timer })));
          expect(call.state.outcome).toEqual({ kind: 'callerHungUp' });
        }
        expect(activeTimers(call.state)).toEqual([]);
        expect(call.playbackDone(true, call.state.lastPlayback)).toEqual([]);
        expect(call.digit('1')).toEqual([]);
        expect(call.timer('maxDuration')).toEqual([]);
      }
    });
  }

  it('the scripts really end where they should (they are not vacuous)', () => {
    const ends = Object.values(SCRIPTS).map((script) => {
      const call = new CallDriver(hotlineFlow());
      for (const action of script) action(call);
      return { outcome: call.state.outcome, ticket: call.state.variables.ticket };
    });
    expect(ends).toEqual([
      { outcome: { kind: 'queue', skill: 'general', priority: 5 }, ticket: '1234' },
      { outcome: { kind: 'hangup' }, ticket: undefined },
      { outcome: { kind: 'emergency', service: '110' }, ticket: undefined },
      { outcome: { kind: 'queue', skill: 'general', priority: 5 }, ticket: undefined },
    ]);
  });
});
