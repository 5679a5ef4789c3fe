import { describe, expect, it } from 'vitest';
import {
  forwardOutcome,
  ForwardSetupError,
  forwardStep,
  isForwardFinished,
  startForward,
  timeToAnswerMs,
} from '../../../src/domain/emergency/forwarding.js';
import type { ForwardCommand, ForwardEvent, ForwardSetup, ForwardState } from '../../../src/domain/emergency/forwarding.js';
import { EMERGENCY_SERVICE_NAMES } from '../../../src/domain/emergency/services.js';

const SETUP: ForwardSetup = {
  service: '110',
  routes: ['PJSIP/110@psap-police', 'PJSIP/110@psap-police-backup'],
  ringTimeoutMs: 20_000,
  rounds: 2,
  callerId: '13812345678',
};

/** Runs events from a fresh forward, returning the final state and the commands of each step. */
function run(events: readonly ForwardEvent[], setup: ForwardSetup = SETUP): { state: ForwardState; steps: ForwardCommand[][] } {
  let state = startForward(setup);
  const steps: ForwardCommand[][] = [];
  for (const event of events) {
    const step = forwardStep(state, event);
    state = step.state;
    steps.push([...step.commands]);
  }
  return { state, steps };
}

const dial = (attempt: number, dialString: string) => ({ type: 'dial', attempt, dialString, callerId: '13812345678', timeoutMs: 20_000 }) as const;

describe('emergency forwarding', () => {
  it('rings the caller and dials the first route at the start', () => {
    const { state, steps } = run([{ type: 'start', at: 1000 }]);
    expect(steps).toEqual([[{ type: 'ringCaller' }, dial(1, 'PJSIP/110@psap-police')]]);
    expect(state.phase).toBe('dialing');
    expect(state.liveAttempt).toBe(1);
    expect(isForwardFinished(state)).toBe(false);
  });

  it('bridges the first route that answers', () => {
    const { state, steps } = run([
      { type: 'start', at: 1000 },
      { type: 'routeRinging', attempt: 1 },
      { type: 'routeAnswered', attempt: 1, at: 4500 },
    ]);
    expect(steps[1]).toEqual([]);
    expect(steps[2]).toEqual([{ type: 'stopRinging' }, { type: 'bridge', attempt: 1 }, { type: 'finished', result: 'answered' }]);
    expect(isForwardFinished(state)).toBe(true);
    expect(state.answeredRoute).toBe('PJSIP/110@psap-police');
    expect(timeToAnswerMs(state)).toBe(3500);
    expect(forwardOutcome(state)).toBe('answered');
  });

  it('notes that the live route is ringing', () => {
    const { state } = run([
      { type: 'start', at: 0 },
      { type: 'routeRinging', attempt: 1 },
    ]);
    expect(state.liveRinging).toBe(true);
  });

  it.each(['busy', 'congestion', 'noanswer', 'chanunavail', 'error'] as const)('moves on to the backup route on %s, without hanging up a gone route', (reason) => {
    const { state, steps } = run([
      { type: 'start', at: 0 },
      { type: 'routeFailed', attempt: 1, reason },
      { type: 'routeAnswered', attempt: 2, at: 9000 },
    ]);
    expect(steps[1]).toEqual([dial(2, 'PJSIP/110@psap-police-backup')]);
    expect(steps[2]).toEqual([{ type: 'stopRinging' }, { type: 'bridge', attempt: 2 }, { type: 'finished', result: 'answered' }]);
    expect(state.answeredRoute).toBe('PJSIP/110@psap-police-backup');
    expect(forwardOutcome(state)).toBe('failed_over');
    expect(timeToAnswerMs(state)).toBe(9000);
  });

  it('hangs up a route that timed out before dialling the next one', () => {
    const { steps } = run([
      { type: 'start', at: 0 },
      { type: 'routeRinging', attempt: 1 },
      { type: 'routeFailed', attempt: 1, reason: 'timeout' },
    ]);
    expect(steps[2]).toEqual([{ type: 'hangupAttempt', attempt: 1 }, dial(2, 'PJSIP/110@psap-police-backup')]);
  });

  it('announces the number after a failed round, then tries every route again', () => {
    const { state, steps } = run([
      { type: 'start', at: 0 },
      { type: 'routeFailed', attempt: 1, reason: 'busy' },
      { type: 'routeFailed', attempt: 2, reason: 'timeout' },
      { type: 'announcementFinished' },
      { type: 'routeFailed', attempt: 3, reason: 'chanunavail' },
      { type: 'routeAnswered', attempt: 4, at: 61_000 },
    ]);
    expect(steps[2]).toEqual([{ type: 'hangupAttempt', attempt: 2 }, { type: 'stopRinging' }, { type: 'announce', service: '110' }]);
    expect(steps[3]).toEqual([{ type: 'ringCaller' }, dial(3, 'PJSIP/110@psap-police')]);
    expect(steps[4]).toEqual([dial(4, 'PJSIP/110@psap-police-backup')]);
    expect(steps[5]).toEqual([{ type: 'stopRinging' }, { type: 'bridge', attempt: 4 }, { type: 'finished', result: 'answered' }]);
    expect(state.round).toBe(2);
    expect(state.failures).toBe(3);
    expect(forwardOutcome(state)).toBe('failed_over');
  });

  it('after the last round announces once more, then gives up (the adapter hands the caller to the dialplan)', () => {
    const { state, steps } = run([
      { type: 'start', at: 0 },
      { type: 'routeFailed', attempt: 1, reason: 'busy' },
      { type: 'routeFailed', attempt: 2, reason: 'busy' },
      { type: 'announcementFinished' },
      { type: 'routeFailed', attempt: 3, reason: 'noanswer' },
      { type: 'routeFailed', attempt: 4, reason: 'congestion' },
      { type: 'announcementFinished' },
    ]);
    expect(steps[5]).toEqual([{ type: 'stopRinging' }, { type: 'announce', service: '110' }]);
    expect(state.phase).toBe('finished');
    expect(steps[6]).toEqual([{ type: 'finished', result: 'gave_up' }]);
    expect(forwardOutcome(state)).toBe('all_routes_failed');
    expect(timeToAnswerMs(state)).toBeNull();
  });

  it('with one route and one round, announces then gives up', () => {
    const { steps } = run(
      [
        { type: 'start', at: 0 },
        { type: 'routeFailed', attempt: 1, reason: 'error' },
        { type: 'announcementFinished' },
      ],
      { ...SETUP, service: '119', routes: ['Local/119@emergency-fallback'], rounds: 1 },
    );
    expect(steps[1]).toEqual([{ type: 'stopRinging' }, { type: 'announce', service: '119' }]);
    expect(steps[2]).toEqual([{ type: 'finished', result: 'gave_up' }]);
  });

  it('hangs up the ringing route when the caller hangs up', () => {
    const { state, steps } = run([
      { type: 'start', at: 0 },
      { type: 'routeFailed', attempt: 1, reason: 'busy' },
      { type: 'routeRinging', attempt: 2 },
      { type: 'callerHungUp', at: 5000 },
      { type: 'routeAnswered', attempt: 2, at: 6000 },
    ]);
    expect(steps[3]).toEqual([{ type: 'hangupAttempt', attempt: 2 }, { type: 'finished', result: 'caller_hung_up' }]);
    expect(steps[4]).toEqual([]);
    expect(forwardOutcome(state)).toBe('caller_hung_up');
  });

  it('finishes without hang-ups when the caller leaves during an announcement', () => {
    const { steps } = run([
      { type: 'start', at: 0 },
      { type: 'routeFailed', attempt: 1, reason: 'busy' },
      { type: 'routeFailed', attempt: 2, reason: 'busy' },
      { type: 'callerHungUp', at: 5000 },
      { type: 'announcementFinished' },
    ]);
    expect(steps[3]).toEqual([{ type: 'finished', result: 'caller_hung_up' }]);
    expect(steps[4]).toEqual([]);
  });

  it('finishes when the caller hangs up before the start', () => {
    const { steps } = run([
      { type: 'callerHungUp', at: 0 },
      { type: 'start', at: 1 },
    ]);
    expect(steps).toEqual([[{ type: 'finished', result: 'caller_hung_up' }], []]);
  });

  it('ignores stale and out-of-phase events', () => {
    const { state, steps } = run([
      { type: 'routeAnswered', attempt: 1, at: 0 },
      { type: 'announcementFinished' },
      { type: 'start', at: 0 },
      { type: 'start', at: 1 },
      { type: 'routeFailed', attempt: 1, reason: 'busy' },
      { type: 'routeFailed', attempt: 1, reason: 'busy' },
      { type: 'routeAnswered', attempt: 1, at: 2 },
      { type: 'routeRinging', attempt: 1 },
      { type: 'routeFailed', attempt: 3, reason: 'busy' },
      { type: 'announcementFinished' },
    ]);
    expect(steps.map((s) => s.length)).toEqual([0, 0, 2, 0, 1, 0, 0, 0, 0, 0]);
    expect(state.liveAttempt).toBe(2);
    expect(state.liveRinging).toBe(false);
  });

  it('ignores everything once answered', () => {
    const { steps } = run([
      { type: 'start', at: 0 },
      { type: 'routeAnswered', attempt: 1, at: 1 },
      { type: 'callerHungUp', at: 2 },
      { type: 'routeFailed', attempt: 1, reason: 'error' },
    ]);
    expect(steps.slice(2)).toEqual([[], []]);
  });

  it('refuses a forward that could never reach anyone', () => {
    expect(() => startForward({ ...SETUP, routes: [] })).toThrow(ForwardSetupError);
    expect(() => startForward({ ...SETUP, rounds: 0 })).toThrow(/rounds must be an integer >= 1/);
    expect(() => startForward({ ...SETUP, ringTimeoutMs: 0 })).toThrow(/ring timeout must be positive/);
    try {
      startForward({ ...SETUP, routes: [] });
    } catch (error) {
      expect((error as ForwardSetupError).code).toBe('EMERGENCY_FORWARD_INVALID');
    }
  });

  it('does not share the routes array it was given', () => {
    const routes = ['PJSIP/120@a'];
    const state = startForward({ ...SETUP, routes });
    routes[0] = 'PJSIP/120@changed';
    expect(forwardStep(state, { type: 'start', at: 0 }).commands[1]).toMatchObject({ dialString: 'PJSIP/120@a' });
  });
});

describe('EMERGENCY_SERVICE_NAMES', () => {
  it('names every service in both languages', () => {
    expect(EMERGENCY_SERVICE_NAMES).toEqual({
      '110': { zh: '报警', en: 'police' },
      '119': { zh: '火警', en: 'fire' },
      '120': { zh: '急救', en: 'ambulance' },
      '122': { zh: '交通事故', en: 'traffic accident' },
    });
  });
});
