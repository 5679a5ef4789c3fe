// The fail-over policy for forwarding one caller to an emergency service (110/119/120/122), independent of ARI.
// The adapter feeds events and executes the commands in order; this module decides everything else.
//
// Routes are tried one at a time, in order. Each `dial` carries the ring timeout, which the adapter hands to
// Asterisk (the ARI dial/originate `timeout`): Asterisk ends the unanswered route and the adapter reports
// `routeFailed noanswer`. The adapter may also run its own guard timer a little longer and report `routeFailed
// timeout`; only then may the route still be ringing, so only then is a `hangupAttempt` issued for it.
// When a whole round failed the caller is told which number to dial and the next round starts; after the last
// round the caller hears that announcement once more and the forward `finished gave_up`: the adapter then hands the
// caller to the dialplan (`emergency-fallback` context, extension = service), never hangs up on them.
// The caller is never left in silence: they hear ringing or the announcement until the forward finishes.

import type { EmergencyService } from '../flow/types.js';

export type RouteFailure = 'busy' | 'congestion' | 'noanswer' | 'chanunavail' | 'error' | 'timeout';

export type ForwardEvent =
  | { readonly type: 'start'; readonly at: number }
  | { readonly type: 'routeRinging'; readonly attempt: number }
  | { readonly type: 'routeAnswered'; readonly attempt: number; readonly at: number }
  | { readonly type: 'routeFailed'; readonly attempt: number; readonly reason: RouteFailure }
  | { readonly type: 'announcementFinished' }
  | { readonly type: 'callerHungUp'; readonly at: number };

export type ForwardResult = 'answered' | 'caller_hung_up' | 'gave_up';

export type ForwardCommand =
  /** The caller hears ringing from the start until a route answers (or an announcement plays). */
  | { readonly type: 'ringCaller' }
  | { readonly type: 'stopRinging' }
  /** Call one route. `callerId` is the caller's own number, presented to the emergency line. */
  | { readonly type: 'dial'; readonly attempt: number; readonly dialString: string; readonly callerId: string; readonly timeoutMs: number }
  /** A route that may still be ringing and must be abandoned. */
  | { readonly type: 'hangupAttempt'; readonly attempt: number }
  /** Join the caller and the answered route in a mixing bridge. */
  | { readonly type: 'bridge'; readonly attempt: number }
  /** Tell the caller the number to dial themselves (e.g. "please dial 110"). */
  | { readonly type: 'announce'; readonly service: EmergencyService }
  | { readonly type: 'finished'; readonly result: ForwardResult };

export interface ForwardSetup {
  readonly service: EmergencyService;
  /** Dial strings, tried in this order in every round. */
  readonly routes: readonly string[];
  readonly ringTimeoutMs: number;
  /** How many times the whole route list is tried. */
  readonly rounds: number;
  readonly callerId: string;
}

/**
 * - `idle`: created, not started.
 * - `dialing`: one route is live (`liveAttempt`), the caller hears ringing.
 * - `announcing`: a round failed, the caller hears the number to dial; the next round follows.
 * - `finalAnnouncement`: the last round failed; `finished gave_up` follows the announcement.
 * - `finished`: nothing more to decide; later events are ignored.
 */
export type ForwardPhase = 'idle' | 'dialing' | 'announcing' | 'finalAnnouncement' | 'finished';

export interface ForwardState {
  readonly setup: ForwardSetup;
  readonly phase: ForwardPhase;
  /** 1-based round being tried or just failed; 0 before the start. */
  readonly round: number;
  /** Index in `setup.routes` of the route being (or last) tried. */
  readonly routeIndex: number;
  /** Last attempt number issued; attempts count up across rounds, so an old attempt's events are recognisable. */
  readonly attempt: number;
  /** The attempt whose events matter; `null` when no route is being dialled. */
  readonly liveAttempt: number | null;
  /** The live route reported ringing at the far end. */
  readonly liveRinging: boolean;
  readonly callerRinging: boolean;
  /** Attempts that failed, over all rounds. */
  readonly failures: number;
  readonly startedAt: number | null;
  readonly answeredAt: number | null;
  /** The route that answered. */
  readonly answeredRoute: string | null;
  readonly result: ForwardResult | null;
}

export interface ForwardStep {
  readonly state: ForwardState;
  readonly commands: readonly ForwardCommand[];
}

export class ForwardSetupError extends Error {
  readonly code = 'EMERGENCY_FORWARD_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ForwardSetupError';
  }
}

export function startForward(setup: ForwardSetup): ForwardState {
  if (setup.routes.length === 0) throw new ForwardSetupError(`emergency forward to ${setup.service}: no routes to dial`);
  if (!Number.isInteger(setup.rounds) || setup.rounds < 1) {
    throw new ForwardSetupError(`emergency forward to ${setup.service}: rounds must be an integer >= 1, got ${setup.rounds}`);
  }
  if (!(setup.ringTimeoutMs > 0)) {
    throw new ForwardSetupError(`emergency forward to ${setup.service}: ring timeout must be positive, got ${setup.ringTimeoutMs}ms`);
  }
  return {
    setup: { ...setup, routes: [...setup.routes] },
    phase: 'idle',
    round: 0,
    routeIndex: 0,
    attempt: 0,
    liveAttempt: null,
    liveRinging: false,
    callerRinging: false,
    failures: 0,
    startedAt: null,
    answeredAt: null,
    answeredRoute: null,
    result: null,
  };
}

export function forwardStep(state: ForwardState, event: ForwardEvent): ForwardStep {
  if (state.phase === 'finished') return unchanged(state);
  switch (event.type) {
    case 'start':
      if (state.phase !== 'idle') return unchanged(state);
      return dial({ ...state, phase: 'dialing', round: 1, startedAt: event.at, callerRinging: true }, 0, [{ type: 'ringCaller' }]);

    case 'routeRinging':
      if (!isLive(state, event.attempt)) return unchanged(state);
      return { state: { ...state, liveRinging: true }, commands: [] };

    case 'routeAnswered': {
      // A stale attempt answering was already told to hang up (or failed): it is not ours to bridge.
      if (!isLive(state, event.attempt)) return unchanged(state);
      const next: ForwardState = {
        ...state,
        phase: 'finished',
        liveAttempt: null,
        liveRinging: false,
        callerRinging: false,
        answeredAt: event.at,
        answeredRoute: state.setup.routes[state.routeIndex] ?? null,
        result: 'answered',
      };
      return { state: next, commands: [{ type: 'stopRinging' }, { type: 'bridge', attempt: event.attempt }, { type: 'finished', result: 'answered' }] };
    }

    case 'routeFailed': {
      if (!isLive(state, event.attempt)) return unchanged(state);
      const abandon: ForwardCommand[] = event.reason === 'timeout' ? [{ type: 'hangupAttempt', attempt: event.attempt }] : [];
      const failed: ForwardState = { ...state, liveAttempt: null, liveRinging: false, failures: state.failures + 1 };
      if (state.routeIndex + 1 < state.setup.routes.length) return dial(failed, state.routeIndex + 1, abandon);
      // The whole round failed: the caller learns the number to dial, whether or not another round follows.
      const phase = state.round < state.setup.rounds ? 'announcing' : 'finalAnnouncement';
      return {
        state: { ...failed, phase, callerRinging: false },
        commands: [...abandon, { type: 'stopRinging' }, { type: 'announce', service: state.setup.service }],
      };
    }

    case 'announcementFinished':
      if (state.phase === 'announcing') {
        return dial({ ...state, phase: 'dialing', round: state.round + 1, callerRinging: true }, 0, [{ type: 'ringCaller' }]);
      }
      if (state.phase === 'finalAnnouncement') return finish(state, 'gave_up', []);
      return unchanged(state);

    case 'callerHungUp': {
      // Nothing is played to a caller who is gone; only a route still ringing for them needs ending.
      const abandon: ForwardCommand[] = state.liveAttempt === null ? [] : [{ type: 'hangupAttempt', attempt: state.liveAttempt }];
      return finish({ ...state, callerRinging: false }, 'caller_hung_up', abandon);
    }
  }
}

export function isForwardFinished(state: ForwardState): boolean {
  return state.phase === 'finished';
}

/** Time from the start of the forward to the answer, or `null` when no route answered. */
export function timeToAnswerMs(state: ForwardState): number | null {
  return state.answeredAt === null || state.startedAt === null ? null : state.answeredAt - state.startedAt;
}

/**
 * The forward's outcome as counted by metrics: `failed_over` is an answer that came only after at least one route
 * failed, `all_routes_failed` a forward that gave up. `null` while the forward is still running.
 */
export function forwardOutcome(state: ForwardState): 'answered' | 'failed_over' | 'all_routes_failed' | 'caller_hung_up' | null {
  switch (state.result) {
    case 'answered':
      return state.failures === 0 ? 'answered' : 'failed_over';
    case 'gave_up':
      return 'all_routes_failed';
    case 'caller_hung_up':
      return 'caller_hung_up';
    case null:
      return null;
  }
}

function isLive(state: ForwardState, attempt: number): boolean {
  return state.phase === 'dialing' && state.liveAttempt === attempt;
}

function dial(state: ForwardState, routeIndex: number, before: readonly ForwardCommand[]): ForwardStep {
  const attempt = state.attempt + 1;
  const { routes, callerId, ringTimeoutMs } = state.setup;
  const dialString = routes[routeIndex] as string;
  return {
    state: { ...state, routeIndex, attempt, liveAttempt: attempt, liveRinging: false },
    commands: [...before, { type: 'dial', attempt, dialString, callerId, timeoutMs: ringTimeoutMs }],
  };
}

function finish(state: ForwardState, result: ForwardResult, before: readonly ForwardCommand[]): ForwardStep {
  return {
    state: { ...state, phase: 'finished', liveAttempt: null, liveRinging: false, result },
    commands: [...before, { type: 'finished', result }],
  };
}

function unchanged(state: ForwardState): ForwardStep {
  return { state, commands: [] };
}
