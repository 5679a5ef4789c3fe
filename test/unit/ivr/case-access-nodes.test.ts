// The nodes behind citizens' access on the phone, on test flows: a caseStatus node with a PIN (used once), the
// unrated outcomes and their fallback, the rateCase node (only the case the last reading opened, with its proof),
// a menu that keeps the key chosen, the openCase node, and a submit node's PIN and privacy request.

import { describe, expect, it } from 'vitest';
import type { CaseOutcome, FlowNode } from '../../../src/domain/flow/types.js';
import { activeTimers } from '../../../src/domain/ivr/machine.js';
import { CallDriver, actions, entered, intakeFlow, plays } from './fixtures.js';

const TICKET = '000000018';
const PIN = '123456';

/** The lookup reads `pin`, finished unrated cases go to a score menu, and the score menu to a rateCase node. */
function accessFlow(nodeOverrides: Record<string, Partial<FlowNode>> = {}): ReturnType<typeof intakeFlow> {
  const lookup = intakeFlow().nodes['lookup'] as Extract<FlowNode, { type: 'caseStatus' }>;
  const patches: Record<string, Partial<FlowNode>> = {
    preset: { type: 'set', variables: { ticket: TICKET, pin: PIN }, next: 'lookup' },
    lookup: { pin: 'pin', outcomes: { ...lookup.outcomes, resolvedUnrated: 'score-menu' } },
    'score-menu': {
      type: 'menu',
      prompts: ['case-status'],
      options: { '1': 'rate', '2': 'rate', '3': 'rate', '4': 'rate', '5': 'rate', '0': 'main' },
      timeoutMs: 4000,
      retries: 1,
      invalidPrompts: ['invalid'],
      timeoutPrompts: ['timeout'],
      bargeIn: true,
      onFail: 'main',
      variable: 'score',
    },
    rate: { type: 'rateCase', ticket: 'ticket', score: 'score', outcomes: { rated: 'thanks', refused: 'main', failed: 'agent' } },
  };
  for (const [id, patch] of Object.entries(nodeOverrides)) patches[id] = { ...(patches[id] ?? {}), ...patch } as Partial<FlowNode>;
  return intakeFlow({ start: 'preset' }, patches);
}

describe('caseStatus node with a PIN', () => {
  it('reads with the PIN keyed in, takes it out of the variables and keeps it with the ticket', () => {
    const call = new CallDriver(accessFlow());
    expect(actions(call.log).at(-1)).toEqual({ type: 'lookupCase', request: 1, ticket: TICKET, pin: PIN });
    expect(call.state.variables.pin).toBeUndefined();
    expect(call.state.caseProof).toEqual({ ticket: TICKET, pin: PIN });
  });

  it('reads with the caller ID only when no PIN was keyed in, or the node names no PIN variable', () => {
    const without = new CallDriver(accessFlow({ preset: { variables: { ticket: TICKET } } }));
    expect(actions(without.log).at(-1)).toEqual({ type: 'lookupCase', request: 1, ticket: TICKET, pin: null });
    const empty = new CallDriver(accessFlow({ preset: { variables: { ticket: TICKET, pin: '' } } }));
    expect(actions(empty.log).at(-1)).toEqual({ type: 'lookupCase', request: 1, ticket: TICKET, pin: null });
    const noPinField = new CallDriver(accessFlow({ lookup: { pin: null } }));
    expect(actions(noPinField.log).at(-1)).toEqual({ type: 'lookupCase', request: 1, ticket: TICKET, pin: null });
    // Not the node's variable: left alone.
    expect(noPinField.state.variables.pin).toBe(PIN);
  });

  it.each(['proofNeeded', 'denied', 'locked', 'unavailable', 'notFound'] as const)('drops the proof when the answer is %s', (outcome) => {
    const call = new CallDriver(accessFlow());
    expect(entered(call.caseLooked(outcome))).toEqual([`case-${outcome}`]);
    expect(call.state.caseProof).toBeNull();
  });

  it('a finished unrated case goes to its own outcome when the flow has one, else to resolved / closed', () => {
    const call = new CallDriver(accessFlow());
    expect(entered(call.caseLooked('resolvedUnrated'))).toEqual(['score-menu']);
    expect(call.state.caseProof).toEqual({ ticket: TICKET, pin: PIN });
    const fallback = new CallDriver(accessFlow());
    expect(entered(fallback.caseLooked('closedUnrated'))).toEqual(['case-closed']);
    expect(fallback.state.caseProof).toEqual({ ticket: TICKET, pin: PIN });
  });

  it('an unknown outcome is unavailable, and leaves no proof', () => {
    const call = new CallDriver(accessFlow());
    expect(entered(call.caseLooked('archived' as CaseOutcome))).toEqual(['case-unavailable']);
    expect(call.state.caseProof).toBeNull();
  });
});

describe('menu with a variable', () => {
  it('stores the key chosen, only for a key that is an option', () => {
    const call = new CallDriver(accessFlow({ rate: { type: 'play', prompts: ['thanks'], bargeIn: false, next: 'main' } }));
    call.caseLooked('resolvedUnrated');
    call.digit('7');
    expect(call.state.variables.score).toBeUndefined();
    expect(call.state.node).toBe('score-menu');
    call.digit('3');
    expect(call.state.variables.score).toBe('3');
  });
});

describe('rateCase node', () => {
  it('rates the case the reading opened, with the PIN it was opened with, and branches on the answer', () => {
    for (const [outcome, node] of [
      ['rated', 'thanks'],
      ['refused', 'main'],
      ['failed', 'agent'],
    ] as const) {
      const call = new CallDriver(accessFlow());
      call.caseLooked('resolvedUnrated');
      expect(actions(call.digit('4'))).toEqual([
        { type: 'stopPlayback', playback: 1 },
        { type: 'rateCase', request: 2, ticket: TICKET, pin: PIN, score: 4 },
      ]);
      expect(call.state).toMatchObject({ node: 'rate', phase: 'waiting', pending: 2 });
      expect(activeTimers(call.state)).toEqual(['maxDuration']);
      expect(entered(call.caseRated(outcome))).toEqual([node]);
    }
  });

  it('fails without asking intake when no reading opened a case, it opened another ticket, or the score is not 1-5', () => {
    const noProof = new CallDriver(accessFlow({ preset: { next: 'score-menu' } }));
    expect(entered(noProof.digit('5'))).toEqual(['rate', 'agent']);
    const another = new CallDriver(accessFlow({ 'score-menu': { options: { '5': 'retarget' } } as Partial<FlowNode>, retarget: { type: 'set', variables: { ticket: '000000026' }, next: 'rate' } }));
    another.caseLooked('resolvedUnrated');
    expect(entered(another.digit('5'))).toEqual(['retarget', 'rate', 'agent']);
    const badScore = new CallDriver(accessFlow({ 'score-menu': { options: { '9': 'rate' } } as Partial<FlowNode> }));
    badScore.caseLooked('resolvedUnrated');
    expect(entered(badScore.digit('9'))).toEqual(['rate', 'agent']);
    for (const call of [noProof, another, badScore]) expect(call.log.some((c) => c.type === 'rateCase')).toBe(false);
  });

  it('ignores stale, foreign and repeated answers, and digits while waiting', () => {
    const call = new CallDriver(accessFlow());
    call.caseLooked('resolvedUnrated');
    call.digit('2');
    const waiting = call.state;
    expect(call.caseRated('rated', 1)).toEqual([]);
    expect(call.caseLooked('resolved', 2)).toEqual([]);
    expect(call.openCaseFound('received', TICKET, 2)).toEqual([]);
    expect(call.digits('12#')).toEqual([]);
    expect(call.state).toEqual(waiting);
    expect(entered(call.caseRated('rated', 2))).toEqual(['thanks']);
    expect(call.caseRated('failed', 2)).toEqual([]);
  });

  it('an outcome the flow does not know counts as failed', () => {
    const call = new CallDriver(accessFlow());
    call.caseLooked('resolvedUnrated');
    call.digit('2');
    expect(entered(call.caseRated('maybe' as 'rated'))).toEqual(['agent']);
  });
});

describe('openCase node', () => {
  const mineFlow = (): ReturnType<typeof intakeFlow> =>
    intakeFlow(
      {},
      {
        greeting: { next: 'mine' },
        mine: { type: 'openCase', variable: 'mine', outcomes: { received: 'said', accepted: 'said', in_progress: 'said', none: 'main', unavailable: 'main' } },
        said: { type: 'play', prompts: ['ticket-is', { digits: 'mine' }], bargeIn: true, next: 'main' },
      },
    );

  it('asks for the caller\'s open case once the greeting is over, and reads its ticket into the variable', () => {
    const call = new CallDriver(mineFlow());
    expect(actions(call.playbackDone())).toEqual([{ type: 'openCase', request: 1 }]);
    expect(call.state).toMatchObject({ node: 'mine', phase: 'waiting', pending: 1 });
    const said = call.openCaseFound('accepted', TICKET);
    expect(plays(said)[0]?.media).toEqual(['sound:hotline/ticket-is', `digits:${TICKET}`]);
    expect(call.state.variables.mine).toBe(TICKET);
  });

  it.each(['none', 'unavailable'] as const)('%s goes on without a ticket', (outcome) => {
    const call = new CallDriver(mineFlow());
    call.playbackDone();
    expect(entered(call.openCaseFound(outcome))).toEqual(['main']);
    expect(call.state.variables.mine).toBeUndefined();
  });

  it('an outcome the flow does not know counts as unavailable', () => {
    const call = new CallDriver(mineFlow());
    call.playbackDone();
    expect(entered(call.openCaseFound('resolved' as 'none', TICKET))).toEqual(['main']);
    expect(call.state.variables.mine).toBeUndefined();
  });

  it('a caller who typed ahead during the greeting is not held up: none, without a lookup, the key kept', () => {
    const call = new CallDriver(mineFlow());
    const commands = call.digit('3');
    expect(entered(commands)).toEqual(['mine', 'main', 'police']);
    expect(call.log.some((c) => c.type === 'openCase')).toBe(false);
  });

  it('a key while the lookup runs abandons it and answers the next menu; the late answer is stale', () => {
    const call = new CallDriver(mineFlow());
    call.playbackDone();
    expect(entered(call.digit('3'))).toEqual(['main', 'police']);
    expect(call.openCaseFound('received', TICKET, 1)).toEqual([]);
    expect(call.state.outcome).toEqual({ kind: 'emergency', service: '110' });
  });
});

describe('submit node with a PIN and a privacy request', () => {
  const submitFlow = (privateValue: string | null): ReturnType<typeof intakeFlow> =>
    intakeFlow(
      { start: 'preset' },
      {
        preset: { type: 'set', variables: { message: 'rec-1', ...(privateValue === null ? {} : { hush: privateValue }) }, next: 'submit-msg' },
        'submit-msg': { pin: 'msgPin', private: 'hush' },
        'msg-ticket': { prompts: ['ticket-is', { digits: 'msgTicket' }, { digits: 'msgPin' }] },
      },
    );

  it.each([
    ['yes', true],
    ['no', false],
    [null, false],
  ] as const)('the privacy variable %s asks for privacy: %s', (value, asked) => {
    const call = new CallDriver(submitFlow(value));
    expect(actions(call.log).at(-1)).toMatchObject({ type: 'submit', private: asked });
  });

  it('keeps the PIN intake gave in its variable, for the read-back', () => {
    const call = new CallDriver(submitFlow('yes'));
    const commands = call.submitted(TICKET, 1, PIN);
    expect(call.state.variables).toMatchObject({ msgTicket: TICKET, msgPin: PIN });
    expect(plays(commands)[0]?.media).toEqual(['sound:hotline/ticket-is', `digits:${TICKET}`, `digits:${PIN}`]);
  });

  it('a ticket without a PIN leaves the PIN variable unset; no ticket is onFail', () => {
    const call = new CallDriver(submitFlow(null));
    call.submitted(TICKET, 1, null);
    expect(call.state.variables.msgPin).toBeUndefined();
    const failed = new CallDriver(submitFlow(null));
    expect(entered(failed.submitted(null, 1, PIN))).toEqual(['not-saved']);
    expect(failed.state.variables.msgPin).toBeUndefined();
  });
});
