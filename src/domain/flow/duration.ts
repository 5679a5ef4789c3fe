// Durations in flow files are strings with a unit so that "5" can never be mistaken for 5 ms or 5 minutes.

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const WHOLE = /^\s*(?:\d+(?:\.\d+)?\s*(?:ms|s|m|h)\s*)+$/;
const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h)/g;

/** `"1500ms"` -> 1500, `"5s"` -> 5000, `"1m30s"` -> 90000; `null` when the text is not a duration. */
export function parseDuration(text: string): number | null {
  if (!WHOLE.test(text)) return null;
  let total = 0;
  for (const match of text.matchAll(PART)) {
    const unit = match[2] as keyof typeof UNIT_MS;
    total += Number(match[1]) * UNIT_MS[unit];
  }
  // Sub-millisecond parts ("0.5ms") cannot be timed; round so the model only ever holds whole milliseconds.
  return Math.round(total);
}

/** 90000 -> `"1m30s"`, 1500 -> `"1500ms"`: the inverse of `parseDuration` for messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 1000 !== 0) return `${ms}ms`;
  let seconds = ms / 1000;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}`;
}
