// What a waiting caller hears: their place and roughly how long until an agent takes them. The estimate assumes
// the agents who can take the call work through the calls ahead in parallel, one mean handling time each; it is
// said in whole minutes rounded up, so a caller is told a little too long rather than too short.

export interface WaitEstimateInput {
  /** 1 for the next call the caller's agents will take. */
  readonly position: number;
  /** Agents logged in (not offline) who can take the call. */
  readonly agents: number;
  /** Mean talk-plus-wrap-up time of recent calls (ms); null before any call was handled. */
  readonly meanHandleMs: number | null;
}

/** Past this, the caller hears "more than 30 minutes": longer estimates are too unsure to promise. */
export const MAX_ANNOUNCED_MINUTES = 30;

/** The estimated wait in ms, or null when nothing sensible can be said (nobody to take the call, no history). */
export function estimateWait({ position, agents, meanHandleMs }: WaitEstimateInput): number | null {
  if (agents < 1 || meanHandleMs === null) return null;
  return Math.ceil(Math.max(1, position) / agents) * meanHandleMs;
}

/** The wait as announced: whole minutes rounded up, at least 1; `moreThan` when capped at MAX_ANNOUNCED_MINUTES. */
export function announcedMinutes(ms: number): { readonly minutes: number; readonly moreThan: boolean } {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return minutes > MAX_ANNOUNCED_MINUTES ? { minutes: MAX_ANNOUNCED_MINUTES, moreThan: true } : { minutes, moreThan: false };
}
