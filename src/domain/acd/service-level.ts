// The call centre's service level: the share of queued calls answered within the threshold (20 s), of the calls that
// reached an end in the queue (answered or abandoned). The supervisor view and /metrics both read it from here, so
// they always agree.

export const SERVICE_LEVEL_THRESHOLD_MS = 20_000;

export interface DayCounts {
  readonly answered: number;
  readonly abandoned: number;
  readonly answeredInTime: number;
}

/** 0..1; 1 while no call has ended yet (nothing was missed). */
export function serviceLevel(counts: DayCounts): number {
  const ended = counts.answered + counts.abandoned;
  if (ended <= 0) return 1;
  return Math.min(1, Math.max(0, counts.answeredInTime / ended));
}
