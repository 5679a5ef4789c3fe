import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forwardStep, startForward } from '../../../src/domain/emergency/forwarding.js';
import type { ForwardCommand, ForwardEvent, ForwardSetup } from '../../../src/domain/emergency/forwarding.js';

const setups: fc.Arbitrary<ForwardSetup> = fc.record({
  service: fc.constantFrom('110', '119', '120', '122'),
  routes: fc.array(fc.constantFrom('PJSIP/a', 'PJSIP/b', 'Local/c@d'), { minLength: 1, maxLength: 4 }),
  ringTimeoutMs: fc.integer({ min: 1000, max: 60_000 }),
  rounds: fc.integer({ min: 1, max: 4 }),
  callerId: fc.constantFrom('13812345678', '62345678', ''),
});

/** Events chosen relative to the current attempt, so that live, stale and future attempts all occur. */
type EventChoice = (attempt: number, at: number) => ForwardEvent;
const choices: fc.Arbitrary<EventChoice> = fc.oneof(
  fc.constant<EventChoice>((_, at) => ({ type: 'start', at })),
  fc.integer({ min: -1, max: 1 }).map<EventChoice>((d) => (a) => ({ type: 'routeRinging', attempt: a + d })),
  fc.integer({ min: -1, max: 1 }).map<EventChoice>((d) => (a, at) => ({ type: 'routeAnswered', attempt: a + d, at })),
  fc
    .tuple(fc.integer({ min: -1, max: 1 }), fc.constantFrom('busy', 'congestion', 'noanswer', 'chanunavail', 'error', 'timeout') as fc.Arbitrary<'busy'>)
    .map<EventChoice>(([d, reason]) => (a) => ({ type: 'routeFailed', attempt: a + d, reason })),
  fc.constant<EventChoice>(() => ({ type: 'announcementFinished' })),
  fc.constant<EventChoice>((_, at) => ({ type: 'callerHungUp', at })),
);

/** Failure-heavy runs reach the later rounds and the final announcement. */
const failureHeavy: fc.Arbitrary<EventChoice> = fc.oneof(
  { arbitrary: choices, weight: 1 },
  {
    arbitrary: fc.constantFrom('busy', 'timeout', 'noanswer').map<EventChoice>((reason) => (a) => ({ type: 'routeFailed', attempt: a, reason: reason as 'busy' })),
    weight: 3,
  },
  { arbitrary: fc.constant<EventChoice>(() => ({ type: 'announcementFinished' })), weight: 1 },
);

describe('emergency forwarding properties', () => {
  it('keeps its promises for any sequence of events', () => {
    fc.assert(
      fc.property(setups, fc.array(failureHeavy, { maxLength: 60 }), (setup, picks) => {
        let state = startForward(setup);
        const all: ForwardCommand[] = [];
        const live = new Set<number>();
        let callerGone = false;
        let callerRinging = false;
        let announcing = false;
        let dialsThisRound: number[] = [];
        const failedThisRound = new Set<number>();
        let at = 0;

        const apply = (event: ForwardEvent) => {
          const before = state;
          const { state: next, commands } = forwardStep(state, event);
          state = next;
          // What the adapter learns from events, before acting on the commands.
          if (event.type === 'callerHungUp') callerGone = true;
          if (event.type === 'routeFailed' && before.liveAttempt === event.attempt && before.phase === 'dialing') {
            failedThisRound.add(event.attempt);
            if (event.reason !== 'timeout') live.delete(event.attempt); // Asterisk already ended that route.
          }
          if (event.type === 'announcementFinished' && commands.length > 0) announcing = false;
          for (const command of commands) {
            expect(all.some((c) => c.type === 'finished'), 'no command after finished').toBe(false);
            all.push(command);
            switch (command.type) {
              case 'dial':
                expect(live.size, 'never two live attempts at once').toBe(0);
                expect(command.callerId).toBe(setup.callerId);
                expect(command.timeoutMs).toBe(setup.ringTimeoutMs);
                expect(command.dialString).toBe(setup.routes[dialsThisRound.length]);
                live.add(command.attempt);
                dialsThisRound.push(command.attempt);
                break;
              case 'hangupAttempt':
                live.delete(command.attempt);
                break;
              case 'bridge':
                expect(callerGone, 'never bridge after the caller hung up').toBe(false);
                expect(live.has(command.attempt)).toBe(true);
                break;
              case 'announce':
                expect(dialsThisRound.length, 'announce only after a full round').toBe(setup.routes.length);
                expect(dialsThisRound.every((a) => failedThisRound.has(a)), 'every route of the round failed').toBe(true);
                expect(callerRinging, 'ringing stopped before the announcement').toBe(false);
                expect(command.service).toBe(setup.service);
                announcing = true;
                dialsThisRound = [];
                failedThisRound.clear();
                break;
              case 'ringCaller':
                callerRinging = true;
                break;
              case 'stopRinging':
                callerRinging = false;
                break;
              case 'finished':
                if (command.result === 'caller_hung_up') expect(callerGone).toBe(true);
                if (command.result === 'gave_up') expect(all.filter((c) => c.type === 'announce')).toHaveLength(setup.rounds);
                break;
            }
          }
          const finished = all.some((c) => c.type === 'finished');
          expect(finished).toBe(state.phase === 'finished');
          if (finished && state.result !== 'answered') {
            expect(live.size, 'no route left ringing once finished').toBe(0);
          }
          if (state.phase !== 'idle' && !finished) {
            expect(callerRinging || announcing, 'the caller is never left in silence').toBe(true);
          }
        };

        for (const pick of picks) apply(pick(state.attempt, (at += 100)));
        // Whatever happened, the caller eventually hangs up: the forward must then be finished exactly once.
        apply({ type: 'callerHungUp', at: at + 1 });
        expect(all.filter((c) => c.type === 'finished')).toHaveLength(1);
      }),
      { numRuns: 500 },
    );
  });

  it('an always-failing forward ends with gave_up after exactly `rounds` announcements', () => {
    fc.assert(
      fc.property(setups, (setup) => {
        let state = startForward(setup);
        const all: ForwardCommand[] = [...forwardStep(state, { type: 'start', at: 0 }).commands];
        state = forwardStep(state, { type: 'start', at: 0 }).state;
        for (let guard = 0; state.phase !== 'finished' && guard < 100; guard++) {
          const event: ForwardEvent = state.phase === 'dialing' ? { type: 'routeFailed', attempt: state.attempt, reason: 'noanswer' } : { type: 'announcementFinished' };
          const step = forwardStep(state, event);
          state = step.state;
          all.push(...step.commands);
        }
        expect(all.filter((c) => c.type === 'dial')).toHaveLength(setup.routes.length * setup.rounds);
        expect(all.filter((c) => c.type === 'announce')).toHaveLength(setup.rounds);
        expect(all.at(-1)).toEqual({ type: 'finished', result: 'gave_up' });
      }),
    );
  });
});
